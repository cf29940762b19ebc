//! xtenant plans Exchange Online cross-tenant mailbox migrations from PowerShell exports.
//!
//! Data flows one way: `input` (read and normalise) -> `join` (source to target) -> `rules`
//! (findings) -> `report` (statuses) -> `write` (files and the console summary).

pub mod cli;
pub mod config;
pub mod error;
pub mod identity;
pub mod input;
pub mod join;
pub mod model;
pub mod ps;
pub mod report;
pub mod resolve;
pub mod rules;
pub mod sample;
pub mod stamp;
pub mod write;

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use cli::{Command, RulesArgs};
use config::Config;
use error::{Error, Result};
use report::Report;
use rules::{Context, Severity, Status};

/// What a successful run tells `main`, which alone turns it into an exit code.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// A finding at or above the `--fail-on` severity exists.
    pub failed: bool,
}

pub fn run(command: Command) -> Result<Outcome> {
    match command {
        Command::Plan(args) => {
            let config = Config::from_args(&args)?;
            let summary = plan(&config)?;
            if !config.quiet {
                let mut err = std::io::stderr().lock();
                let _ = err.write_all(summary.text.as_bytes());
            }
            let failed = match (config.fail_on, summary.worst) {
                (Some(limit), Some(worst)) => worst <= limit,
                _ => false,
            };
            Ok(Outcome { failed })
        }
        Command::Sample(args) => {
            let written = sample::write(&sample::Options::new(args.users, args.seed), &args.out)?;
            eprintln!("wrote {} files to {}", written.len(), args.out.display());
            Ok(Outcome::default())
        }
        Command::Rules(args) => rules_command(&args).map(|()| Outcome::default()),
    }
}

fn rules_command(args: &RulesArgs) -> Result<()> {
    let text = match (&args.rule, args.markdown) {
        (_, true) => rules::markdown(),
        (Some(code), false) => rules::find(code).map(rules::explain).ok_or_else(|| {
            Error::Output(format!("no rule {code:?}; `xtenant rules` lists them"))
        })?,
        (None, false) => rules::list(),
    };
    let mut out = std::io::stdout().lock();
    // A closed pipe (`xtenant rules | head`) is not an error worth reporting.
    let _ = out.write_all(text.as_bytes());
    Ok(())
}

/// The result of `plan`: what was written and the human summary.
#[derive(Debug, Clone)]
pub struct PlanSummary {
    pub written: Vec<PathBuf>,
    pub ready: usize,
    pub needs_stamping: usize,
    pub blocked: usize,
    pub worst: Option<Severity>,
    /// Wall time of each stage, in pipeline order.
    pub timings: Vec<(&'static str, Duration)>,
    /// The summary for stderr.
    pub text: String,
}

/// The whole `xtenant plan` pipeline.
pub fn plan(config: &Config) -> Result<PlanSummary> {
    let mut timings = Vec::new();
    let mut clock = Instant::now();
    let mut lap = |stage: &'static str| {
        let now = Instant::now();
        timings.push((stage, now - clock));
        clock = now;
    };
    let mut inputs = input::load(config)?;
    if let Some(rows) = inputs.statistics.take() {
        input::statistics::attach(&mut inputs.sources, &rows);
        inputs.statistics = Some(rows);
    }
    lap("read");
    let joined = join::join(
        &inputs,
        join::JoinOptions {
            name_match: config.name_match,
        },
    );
    lap("join");
    let cx = Context::new(&inputs, &joined, config);
    let report = Report::build(&cx);
    lap("rules");

    let stamping = stamp::plan(&cx, &report);
    lap("stamp");

    let mut staging = write::Staging::new(&config.out, config.inputs.all())?;
    staging.write("readiness.csv", |w| write::csv::readiness(&report, w))?;
    staging.write("findings.csv", |w| write::csv::findings(&report, w))?;
    staging.write("stamping/mailusers.csv", |w| {
        write::csv::mailusers(&report, &stamping, w)
    })?;
    staging.write("stamping/x500.csv", |w| {
        write::csv::x500(&report, &stamping, w)
    })?;
    staging.write("stamping/onprem-ad.csv", |w| {
        write::csv::onprem_ad(&report, &stamping, w)
    })?;
    staging.write("stamping/send-on-behalf.csv", |w| {
        write::csv::send_on_behalf(&report, &stamping, w)
    })?;
    staging.write("scripts/Restamp-SendOnBehalf.ps1", |w| {
        write::ps1::restamp_send_on_behalf(&stamping, w)
    })?;
    staging.write("scripts/Apply-Stamping.ps1", |w| {
        write::ps1::apply_stamping(&stamping, cx.domains.delivery.as_deref(), w)
    })?;
    let written = staging.commit()?;
    lap("csv");

    let mut text = Vec::new();
    let _ = write::console::summary(&report, &written, &mut text);
    if config.timings {
        let _ = write::console::timings(&timings, &mut text);
    }
    Ok(PlanSummary {
        written,
        ready: report.count(Status::Ready),
        needs_stamping: report.count(Status::NeedsStamping),
        blocked: report.count(Status::Blocked),
        worst: report.worst(),
        timings,
        text: String::from_utf8_lossy(&text).into_owned(),
    })
}
