//! The human summary on stderr: inputs read, mailboxes by status, org-level findings, notices,
//! files written. Only formats what the pipeline computed.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use crate::progress::thousands;
use crate::report::{Report, SetupState};
use crate::rules::{Severity, Status};

pub fn summary(report: &Report<'_>, w: &mut dyn Write) -> std::io::Result<()> {
    // The setup exports are small and judged in the setup panel: one line for them.
    let (setup_files, files): (Vec<_>, Vec<_>) =
        report.inputs.files.iter().partition(|f| f.kind.is_setup());
    for f in files {
        writeln!(
            w,
            "read {:>9} rows  {} ({})",
            thousands(f.rows as u64),
            f.path.display(),
            f.format
        )?;
    }
    if !setup_files.is_empty() {
        writeln!(
            w,
            "read {:>9} rows  in {} tenant setup exports",
            thousands(setup_files.iter().map(|f| f.rows as u64).sum()),
            setup_files.len()
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
    let count = |s: Status| thousands(report.count(s) as u64);
    writeln!(
        w,
        "\n{} mailboxes: {} Ready, {} NeedsStamping, {} Blocked",
        thousands(report.statuses.len() as u64),
        count(Status::Ready),
        count(Status::NeedsStamping),
        count(Status::Blocked)
    )?;
    // Setup findings are in the panel above; the others, one line per code.
    let in_panel = |code: &str| crate::rules::SETUP.contains(&code);
    let org: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.source.is_none() && !in_panel(f.code))
        .collect();
    for (k, f) in org.iter().enumerate() {
        if k > 0 && org[k - 1].code == f.code {
            continue;
        }
        let same = org[k..].iter().take_while(|g| g.code == f.code).count();
        let tag = if f.severity == Severity::Blocker {
            "ORG BLOCKER"
        } else {
            "org"
        };
        let more = if same > 1 {
            format!(" (and {} more: findings.csv)", same - 1)
        } else {
            String::new()
        };
        writeln!(w, "{tag} {} {}: {}{more}", f.code, f.severity, f.message)?;
    }
    findings(report, w)
}

/// The findings by severity, worst first, each code with its name and how many mailboxes it
/// concerns, the commonest first.
fn findings(report: &Report<'_>, w: &mut dyn Write) -> std::io::Result<()> {
    /// Codes named per severity; the rest are counted.
    const SHOWN: usize = 6;
    for severity in [
        Severity::Blocker,
        Severity::Fix,
        Severity::Warning,
        Severity::Info,
    ] {
        let by_code = commonest(report.findings.iter().filter(|f| f.severity == severity));
        if by_code.is_empty() {
            continue;
        }
        let total: usize = by_code.iter().map(|(_, n)| n).sum();
        let mut named: Vec<String> = by_code
            .iter()
            .take(SHOWN)
            .map(|(code, n)| {
                let name = crate::rules::by_code(code).map_or("", |r| r.meta().name);
                format!("{code} {name} {}", thousands(*n as u64))
            })
            .collect();
        if by_code.len() > SHOWN {
            named.push(format!("{} more codes", by_code.len() - SHOWN));
        }
        writeln!(
            w,
            "{:<8} {:>7} findings: {}",
            severity.as_str(),
            thousands(total as u64),
            named.join(", ")
        )?;
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
    // A failed check with its fix, a warning with what was found (its fix is in
    // findings.csv), and those that passed or did not run on a line each: it fits a screen.
    for c in &checks {
        if !matches!(c.state, SetupState::Failed | SetupState::Warning) {
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
        if c.state == SetupState::Failed && !c.fix.is_empty() {
            writeln!(w, "  {:<11}  fix: {}", "", c.fix)?;
        }
    }
    if exported {
        for state in [SetupState::Passed, SetupState::NotChecked] {
            let these: Vec<&str> = checks
                .iter()
                .filter(|c| c.state == state)
                .map(|c| c.meta.code)
                .collect();
            if !these.is_empty() {
                writeln!(w, "  {:<11}  {}", state.as_str(), these.join(", "))?;
            }
        }
    }
    Ok(())
}

/// The codes of `findings` with how many each has, the commonest first (then by code).
fn commonest<'f>(
    findings: impl Iterator<Item = &'f crate::rules::Finding>,
) -> Vec<(&'static str, usize)> {
    let mut by_code: Vec<(&'static str, usize)> = Vec::new();
    for f in findings {
        match by_code.iter_mut().find(|(c, _)| *c == f.code) {
            Some((_, n)) => *n += 1,
            None => by_code.push((f.code, 1)),
        }
    }
    by_code.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    by_code
}

/// What the plan asks of the admin, for the "next steps".
pub struct Work<'a> {
    /// Dir-synced targets stamped in on-premises AD.
    pub onprem_users: usize,
    /// Rows of stamping/mailusers.csv and x500.csv targets, and contacts removed.
    pub mailusers: usize,
    pub contacts: usize,
    /// The first wave that has batches.
    pub first_wave: Option<&'a str>,
}

/// The next steps, in the order to take them: what to fix first, then the scripts to run.
pub fn next_steps(report: &Report<'_>, work: &Work<'_>, w: &mut dyn Write) -> std::io::Result<()> {
    let mut steps: Vec<String> = Vec::new();
    let org = report.org_blockers();
    let checks = report.setup();
    let unchecked = checks
        .iter()
        .filter(|c| c.state == SetupState::NotChecked)
        .count();
    if org > 0 {
        steps.push(format!(
            "fix the organisation-level blocker(s) first ({}): readiness.xlsx, Organisation setup; scripts/Setup-TargetTenant.ps1 (target) and Setup-SourceTenant.ps1 (source) make the setup. The batch scripts refuse to run until a plan shows none",
            report.org_blocker_codes()
        ));
    } else if unchecked > 0 {
        steps.push(format!(
            "{unchecked} of the tenants' setup checks did not run: export the setup (docs/setup.md) and plan again, or run scripts/Setup-TargetTenant.ps1 and Setup-SourceTenant.ps1"
        ));
    }
    if work.onprem_users > 0 {
        steps.push(format!(
            "scripts/Apply-OnPremStamping.ps1 in the target's on-premises AD ({} dir-synced users), -WhatIf first, then a directory sync",
            thousands(work.onprem_users as u64)
        ));
    }
    if work.mailusers > 0 || work.contacts > 0 {
        steps.push(format!(
            "scripts/Apply-Stamping.ps1 in the target ({} MailUsers, {} contacts), -WhatIf first; do not licence these users until it reports them stamped",
            thousands(work.mailusers as u64),
            thousands(work.contacts as u64)
        ));
        steps.push(
            "export the target again and plan again: every NeedsStamping mailbox must be Ready"
                .into(),
        );
    }
    let blocked = report.count(Status::Blocked);
    if blocked > 0 {
        let top = commonest(
            report
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Blocker && f.source.is_some()),
        );
        let named: Vec<String> = top
            .iter()
            .take(3)
            .map(|(c, n)| {
                let name = crate::rules::by_code(c).map_or("", |r| r.meta().name);
                format!("{c} {name} ({})", thousands(*n as u64))
            })
            .collect();
        steps.push(format!(
            "{} mailboxes are Blocked (held back from the batches): fix the commonest first, {}; findings.csv gives each mailbox's fix, `xtenant rules <code>` explains the rule",
            thousands(blocked as u64),
            named.join(", ")
        ));
    }
    if let Some(wave) = work.first_wave {
        steps.push(format!(
            "scripts/Test-MigrationAvailability.ps1 -Wave {wave} -SourceEndpoint <endpoint>, then scripts/New-MigrationBatches.ps1 -Wave {wave} -SourceEndpoint <endpoint> (docs/scripts.md has the order to the end)"
        ));
    }
    if steps.is_empty() {
        return Ok(());
    }
    writeln!(w, "\nnext steps:")?;
    for (n, step) in steps.iter().enumerate() {
        writeln!(w, "  {}. {step}", n + 1)?;
    }
    Ok(())
}

/// The files written, by folder: at 200,000 users a line per file is hundreds of lines. Each
/// is named in manifest.json.
pub fn written(out: &std::path::Path, paths: &[PathBuf], w: &mut dyn Write) -> std::io::Result<()> {
    let mut top: Vec<String> = Vec::new();
    let mut folders: Vec<(String, usize)> = Vec::new();
    // The files are named by absolute paths; `out` as given may be relative.
    let absolute = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
    for p in paths {
        let rel = p
            .strip_prefix(&absolute)
            .or_else(|_| p.strip_prefix(out))
            .unwrap_or(p);
        let mut parts = rel.components();
        let first = parts
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .unwrap_or_default();
        if parts.next().is_none() {
            top.push(first);
        } else {
            match folders.iter_mut().find(|(f, _)| *f == first) {
                Some((_, n)) => *n += 1,
                None => folders.push((first, 1)),
            }
        }
    }
    let mut parts: Vec<String> = folders
        .iter()
        .map(|(f, n)| format!("{f}/ {} file(s)", thousands(*n as u64)))
        .collect();
    parts.extend(top);
    writeln!(
        w,
        "wrote {} files to {}: {} (each named in manifest.json)",
        thousands(paths.len() as u64),
        out.display(),
        parts.join(", ")
    )
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
pub fn plan(plan: &crate::waves::Plan, held_back: usize, w: &mut dyn Write) -> std::io::Result<()> {
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
        "plan: {} mailboxes in {} wave(s) and {} batch(es) of at most {}; {} held back",
        thousands(planned as u64),
        plan.waves.len(),
        thousands(batches as u64),
        thousands(largest as u64),
        thousands(held_back as u64)
    )
}

/// `xtenant track`'s summary: the snapshot, users by standing, each wave against its date,
/// throughput, failures by cause, and what to do next, in order.
pub fn track(t: &crate::track::Tracking, w: &mut dyn Write) -> std::io::Result<()> {
    use crate::track::{STANDINGS, schedule::gb};
    for f in &t.inputs.files {
        writeln!(
            w,
            "read {:>9} rows  {} ({})",
            thousands(f.rows as u64),
            f.path.display(),
            f.format
        )?;
    }
    for n in &t.inputs.notices {
        writeln!(w, "note: {}", n.0)?;
    }
    if let Some(d) = t.duplicates.first() {
        let line = |u: usize| t.inputs.users[u].line;
        writeln!(
            w,
            "note: {} migration user row(s) repeat a user of an earlier row, first at line {} (as line {}): the earlier row is used; export once, with -ResultSize Unlimited",
            thousands(t.duplicates.len() as u64),
            line(d.dropped),
            line(d.kept)
        )?;
    }
    match t.as_of {
        Some((at, from)) => writeln!(w, "as of {at} (from {from})")?,
        None => writeln!(
            w,
            "as of: unknown (the export has no ExportedAt or LastSuccessfulSyncTime): pass --as-of for the schedule"
        )?,
    }
    let n = t.rows.len() as u64;
    let pct = |k: usize| {
        if n == 0 {
            0.0
        } else {
            k as f64 * 100.0 / n as f64
        }
    };
    let by: Vec<String> = STANDINGS
        .iter()
        .filter(|s| t.count(**s) > 0)
        .map(|s| {
            format!(
                "{} {} ({:.0} %)",
                s.as_str(),
                thousands(t.count(*s) as u64),
                pct(t.count(*s))
            )
        })
        .collect();
    writeln!(w, "{} planned users: {}", thousands(n), by.join(", "))?;
    if !t.not_planned.is_empty() {
        let held = t
            .not_planned
            .iter()
            .filter(|p| p.held_back.is_some())
            .count();
        writeln!(
            w,
            "{} migration user(s) the plan does not place ({} held back by it): not-in-plan.csv",
            thousands(t.not_planned.len() as u64),
            thousands(held as u64)
        )?;
    }
    writeln!(
        w,
        "\nwave        users  done   synced  failed  GB done        schedule"
    )?;
    for wave in &t.waves {
        let done = wave.count(crate::track::Standing::Exported(
            crate::model::StatusSummary::Completed,
        ));
        let synced = wave.count(crate::track::Standing::Exported(
            crate::model::StatusSummary::Synced,
        ));
        let failed = wave.count(crate::track::Standing::Exported(
            crate::model::StatusSummary::Failed,
        ));
        let date = wave
            .cutover
            .map(|d| format!(" (cut-over {d})"))
            .unwrap_or_default();
        writeln!(
            w,
            "{:<10} {:>6} {:>5} {:>8} {:>7}  {:>6.0} of {:<6.0} {}{date}",
            wave.name,
            thousands(wave.users as u64),
            thousands(done as u64),
            thousands(synced as u64),
            thousands(failed as u64),
            gb(wave.done),
            gb(wave.expected),
            wave.schedule.as_str()
        )?;
    }
    let tp = &t.throughput;
    if let (Some(rate), Some(per_move)) = (tp.gb_per_hour, tp.per_move) {
        let planned = match (tp.ratio, tp.planned_per_move) {
            (Some(r), Some(p)) => {
                format!(": {:.0} % of the plan's gb-per-hour ({p:.2})", r * 100.0)
            }
            _ => String::new(),
        };
        writeln!(
            w,
            "\nthroughput: {rate:.1} GB/h over the moves copying, {per_move:.2} GB/h per move{planned}, {}",
            if tp.from_previous {
                "between the two snapshots"
            } else {
                "since each batch started"
            }
        )?;
    }
    if tp.previous_not_older {
        writeln!(
            w,
            "note: the --previous snapshot is not older than this one: the throughput is measured since each batch started (give the export an ExportedAt, or --as-of)"
        )?;
    }
    if !tp.late_waves.is_empty() {
        writeln!(
            w,
            "the schedule no longer holds: at the measured throughput {} will not be synced by cut-over; start them earlier, or plan again with a lower gb-per-hour",
            tp.late_waves.join(", ")
        )?;
    }
    let causes = t.by_cause();
    if !causes.is_empty() {
        writeln!(w, "\nfailed users by cause:")?;
        for (c, k) in &causes {
            let predicted = c
                .predicted_by
                .map(|r| format!(" (predicted by {r})"))
                .unwrap_or_default();
            writeln!(
                w,
                "  {} {:<30} {:>7}{predicted}",
                c.code,
                c.name,
                thousands(*k as u64)
            )?;
        }
    }
    writeln!(w, "\nnext steps:")?;
    let steps = crate::write::track::next_steps(t);
    for (i, s) in steps.iter().enumerate() {
        writeln!(w, "  {}. {s}", i + 1)?;
    }
    Ok(())
}
