//! xtenant plans Exchange Online cross-tenant mailbox migrations from PowerShell exports, and
//! follows them while they run.
//!
//! Data flows one way. `plan`: `input` (read and normalise) -> `join` (source to target) ->
//! `rules` (findings) -> `report` (statuses) -> `stamp` and `waves` (derived rows) -> `write`.
//! `track`: `input` (plan.json, migration status) -> `track` (joined, measured) -> `write`.
//! `commands` holds one thin module per command, on top of everything else.

pub mod causes;
pub mod cli;
pub mod commands;
pub mod config;
pub mod contacts;
pub mod date;
pub mod error;
pub mod identity;
pub mod index;
pub mod input;
pub mod join;
pub mod model;
pub mod postmove;
pub mod progress;
pub mod ps;
pub mod report;
pub mod resolve;
pub mod rules;
pub mod sample;
pub mod space;
pub mod stamp;
pub mod track;
pub mod values;
pub mod waves;
pub mod write;

use cli::Command;
use error::Result;

pub use commands::plan::{PlanSummary, plan};

/// What a successful run tells `main`, which alone turns it into an exit code.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// A finding at or above the `--fail-on` severity exists.
    pub failed: bool,
}

/// Tunes mimalloc, the allocator of the binary and the benchmark (not of the library's tests):
/// memory a stage frees goes back to the OS at once (decommitted), not 10 ms later. The stages
/// free big buffers and the next allocates new ones, and without it the peak held both. Issue
/// 7's shape on a 2-core machine: 50,000 mailboxes peak at 0.30 GB instead of 0.38 GB,
/// 1,000,000 at 5.1 GB instead of 6.0 GB, in the same time within the noise. Call it before
/// any thread starts.
pub fn tune_allocator() {
    /// `mi_option_purge_delay` in mimalloc.h (the same index in mimalloc 2 and 3; the Rust
    /// bindings do not name it).
    const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: sets a documented option; takes and returns no pointers.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
}

/// Runs one command; `main` turns the outcome into the exit code.
pub fn run(command: Command) -> Result<Outcome> {
    match command {
        Command::Plan(args) => commands::plan::run(&args),
        Command::Track(args) => commands::track::command(&args),
        Command::Sample(args) => commands::sample::run(&args),
        Command::Rules(args) => commands::rules::run(&args).map(|()| Outcome::default()),
    }
}
