//! The `xtenant` binary: parses the command line, runs it, and alone decides the exit code:
//! 0 ran (findings or not), 1 ran and `--fail-on` was met, 2 could not run.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
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
