//! `xtenant rules`: the readiness checks and the move-failure causes, listed, explained one
//! by one, or as the Markdown of docs/rules.md.

use std::io::Write;

use crate::causes;
use crate::cli::RulesArgs;
use crate::error::{Error, Result};
use crate::rules;

pub fn run(args: &RulesArgs) -> Result<()> {
    let text = match (&args.rule, args.markdown) {
        (_, true) => rules::markdown() + &causes::markdown(),
        (Some(code), false) => rules::find(code)
            .map(rules::explain)
            .or_else(|| causes::find(code).map(causes::explain))
            .ok_or_else(|| {
                Error::Output(format!(
                    "no rule or move-failure cause {code:?}; `xtenant rules` lists them"
                ))
            })?,
        (None, false) => rules::list() + &causes::list(),
    };
    let mut out = std::io::stdout().lock();
    // A closed pipe (`xtenant rules | head`) is not an error worth reporting.
    let _ = out.write_all(text.as_bytes());
    Ok(())
}
