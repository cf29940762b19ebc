//! The `xtenant` binary: parses the command line, runs it, and alone decides the exit code:
//! 0 ran (findings or not), 1 ran and `--fail-on` was met, 2 could not run.

use std::process::ExitCode;

/// Tens of millions of small strings live at once on big tenants, and glibc's allocator spent
/// a growing share of the run in its bins and in zeroing fresh pages. With mimalloc, 1,000,000
/// mailboxes took 49.6 s and 6.7 GB instead of 56.9 s and 7.3 GB (2 cores); the library (and
/// so the tests) keeps the system allocator.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc.h (the same index in mimalloc 2 and 3; the Rust
/// bindings do not name it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

use clap::Parser;

fn main() -> ExitCode {
    // Memory a stage frees goes back to the OS at once (decommitted), not 10 ms later: the
    // stages free big buffers and the next allocates new ones, and without it the peak held
    // both. Issue 7's shape on this 2-core machine: 50,000 mailboxes peak at 0.30 GB instead
    // of 0.38 GB, 1,000,000 at 5.1 GB instead of 6.0 GB, in the same time within the noise.
    // SAFETY: sets a documented option before any thread starts; takes and returns no pointers.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
    let cli = xtenant::cli::Cli::parse();
    match xtenant::run(cli.command) {
        Ok(outcome) if outcome.failed => ExitCode::from(1),
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtenant: error: {e}");
            ExitCode::from(2)
        }
    }
}
