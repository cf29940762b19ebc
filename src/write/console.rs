//! The human summary on stderr: inputs read, mailboxes by status, org-level findings, notices,
//! files written. Only formats what the pipeline computed.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use crate::report::{Report, SetupState};
use crate::rules::{Severity, Status};

pub fn summary(report: &Report<'_>, w: &mut dyn Write) -> std::io::Result<()> {
    for f in &report.inputs.files {
        writeln!(
            w,
            "read {:>9} rows  {} ({})",
            f.rows,
            f.path.display(),
            f.format
        )?;
    }
    for n in &report.inputs.notices {
        writeln!(w, "note: {}", n.0)?;
    }
    // A setup check that did not run is in the setup panel, with why.
    let setup_code = |s: &str| crate::rules::SETUP.iter().any(|c| s.starts_with(c));
    for s in report.skipped.iter().filter(|s| !setup_code(s)) {
        writeln!(w, "note: {s}")?;
    }
    setup(report, w)?;
    let count = |s: Status| report.count(s);
    writeln!(
        w,
        "\n{} mailboxes: {} Ready, {} NeedsStamping, {} Blocked",
        report.statuses.len(),
        count(Status::Ready),
        count(Status::NeedsStamping),
        count(Status::Blocked)
    )?;
    // Setup findings are in the panel above.
    let in_panel = |code: &str| crate::rules::SETUP.contains(&code);
    for f in report
        .findings
        .iter()
        .filter(|f| f.source.is_none() && !in_panel(f.code))
    {
        let tag = if f.severity == Severity::Blocker {
            "ORG BLOCKER"
        } else {
            "org"
        };
        writeln!(w, "{tag} {} {}: {}", f.code, f.severity, f.message)?;
    }
    let mut by_code: Vec<(&str, usize)> = Vec::new();
    for f in report.findings.iter().filter(|f| f.source.is_some()) {
        match by_code.iter_mut().find(|(c, _)| *c == f.code) {
            Some((_, n)) => *n += 1,
            None => by_code.push((f.code, 1)),
        }
    }
    by_code.sort();
    if !by_code.is_empty() {
        let list: Vec<String> = by_code.iter().map(|(c, n)| format!("{c} x{n}")).collect();
        writeln!(w, "findings: {}", list.join(", "))?;
    }
    Ok(())
}

/// The "Organisation setup" panel: each check of the two tenants' setup, ahead of the mailbox
/// counts, since a failed one stops every move. One line when no setup export was given.
fn setup(report: &Report<'_>, w: &mut dyn Write) -> std::io::Result<()> {
    let checks = report.setup();
    let ran = checks
        .iter()
        .filter(|c| c.state != SetupState::NotChecked)
        .count();
    // XT001 and XT010 run without a setup export: the panel is worth its lines once one was given.
    let exported = report.inputs.files.iter().any(|f| f.kind.is_setup());
    if !exported {
        let failed: Vec<&str> = checks
            .iter()
            .filter(|c| matches!(c.state, SetupState::Failed | SetupState::Warning))
            .map(|c| c.meta.code)
            .collect();
        writeln!(
            w,
            "\norganisation setup: {ran} of {} checks ran (no setup export given: docs/setup.md){}",
            checks.len(),
            if failed.is_empty() {
                String::new()
            } else {
                format!("; see {}", failed.join(", "))
            }
        )?;
        if failed.is_empty() {
            return Ok(());
        }
    } else {
        writeln!(w, "\norganisation setup (docs/setup.md):")?;
    }
    for c in &checks {
        if !exported && !matches!(c.state, SetupState::Failed | SetupState::Warning) {
            continue;
        }
        let more = if c.count > 1 {
            format!(" (and {} more in findings.csv)", c.count - 1)
        } else {
            String::new()
        };
        let state = match c.state {
            SetupState::Failed => "FAILED",
            other => other.as_str(),
        };
        if c.detail.is_empty() {
            writeln!(w, "  {state:<11}  {} {}", c.meta.code, c.meta.name)?;
        } else {
            writeln!(
                w,
                "  {state:<11}  {} {}: {}{more}",
                c.meta.code, c.meta.name, c.detail
            )?;
        }
        if !c.fix.is_empty() {
            writeln!(w, "  {:<11}  fix: {}", "", c.fix)?;
        }
    }
    Ok(())
}

/// The files written, one a line.
pub fn written(paths: &[PathBuf], w: &mut dyn Write) -> std::io::Result<()> {
    for p in paths {
        writeln!(w, "wrote {}", p.display())?;
    }
    Ok(())
}

/// `--timings`: wall time per stage, so the slow one is visible. `csv` and `xlsx` run side by
/// side inside `write`, so they are shown within it and the total counts `write` once.
pub fn timings(stages: &[(&str, Duration)], w: &mut dyn Write) -> std::io::Result<()> {
    let inside = |name: &str| matches!(name, "csv" | "xlsx");
    let secs = |d: &Duration| format!("{:.3} s", d.as_secs_f64());
    let total: Duration = stages
        .iter()
        .filter(|(n, _)| !inside(n))
        .map(|(_, d)| *d)
        .sum();
    let parallel: Vec<String> = stages
        .iter()
        .filter(|(n, _)| inside(n))
        .map(|(n, d)| format!("{n} {}", secs(d)))
        .collect();
    let parts: Vec<String> = stages
        .iter()
        .filter(|(n, _)| !inside(n))
        .map(|(n, d)| match *n {
            "write" if !parallel.is_empty() => {
                format!("write {} ({} in parallel)", secs(d), parallel.join(" | "))
            }
            _ => format!("{n} {}", secs(d)),
        })
        .collect();
    writeln!(w, "timings: {} (total {})", parts.join(", "), secs(&total))
}

/// What the run did to finish or undo an interrupted one.
pub fn recovered(notes: &[String], w: &mut dyn Write) -> std::io::Result<()> {
    for n in notes {
        writeln!(w, "recovered: {n}")?;
    }
    Ok(())
}

/// One line on the waves and batches written.
pub fn plan(plan: &crate::plan::Plan, held_back: usize, w: &mut dyn Write) -> std::io::Result<()> {
    let batches: usize = plan.waves.iter().map(|w| w.batches.len()).sum();
    let planned: usize = plan.waves.iter().map(|w| w.users()).sum();
    let largest = plan
        .waves
        .iter()
        .flat_map(|w| &w.batches)
        .map(|b| b.members.len())
        .max()
        .unwrap_or(0);
    writeln!(
        w,
        "plan: {planned} mailboxes in {} wave(s) and {batches} batch(es) of at most {largest}; {held_back} held back",
        plan.waves.len()
    )
}
