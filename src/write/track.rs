//! `xtenant track`'s files: progress.csv (one row per planned mailbox), batches.csv,
//! not-in-plan.csv, the actions/ lists the scripts read, and track.json. Import-Csv's shape:
//! BOM, CRLF, every field quoted. Values are written exactly (the workbook is the human view).

use std::io::Write;

use serde_json::{Value, json};

use crate::model::StatusSummary;
use crate::track::{Action, STANDINGS, Standing, Tracking, schedule::gb};

use super::csv::import_csv_writer;

pub const PROGRESS_HEADER: [&str; 20] = [
    "EmailAddress",
    "SourcePrimarySmtpAddress",
    "Wave",
    "Batch",
    "ExportedBatch",
    "Status",
    "StatusSummary",
    "PercentComplete",
    "BytesTransferred",
    "EstimatedTotalTransferSize",
    "SkippedItemCount",
    "HasUnapprovedSkippedItems",
    "LastSuccessfulSyncTime",
    "Stalled",
    "Action",
    "Cause",
    "Rule",
    "RuleStillFound",
    "Fix",
    "Error",
];

fn opt(n: Option<u64>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

fn yes(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

/// A user's Status as exported; NotSubmitted, or the batch's removal, when it is not.
pub fn status_text<'a>(t: &'a Tracking, row: &crate::track::Tracked) -> &'a str {
    match (row.standing, t.user(row)) {
        (_, Some(u)) => &u.status,
        (Standing::NotSubmitted, None) => "NotSubmitted",
        (_, None) => "Completed (batch removed)",
    }
}

/// progress.csv.
pub fn progress(t: &Tracking, w: &mut dyn Write) -> std::io::Result<()> {
    let mut out = import_csv_writer(w)?;
    out.write_record(PROGRESS_HEADER)?;
    for row in &t.rows {
        let m = t.mailbox(row);
        let u = t.user(row);
        let status = status_text(t, row);
        out.write_record([
            m.target.as_ref(),
            &m.source,
            &m.wave,
            &m.batch,
            u.map_or("", |u| u.batch.as_str()),
            status,
            row.standing.as_str(),
            &opt(u.and_then(|u| u.percent_complete)),
            &opt(u.and_then(|u| u.bytes_transferred)),
            &opt(u.and_then(|u| u.estimated_total)),
            &opt(u.and_then(|u| u.skipped_items)),
            &u.and_then(|u| u.unapproved_skipped)
                .map(|b| yes(b).to_string())
                .unwrap_or_default(),
            &u.and_then(|u| u.last_successful_sync)
                .map(|t| t.to_string())
                .unwrap_or_default(),
            yes(row.stalled),
            row.action.as_str(),
            row.cause.map_or("", |c| c.code),
            row.cause.and_then(|c| c.predicted_by).unwrap_or_default(),
            if row.cause.and_then(|c| c.predicted_by).is_some() {
                yes(row.cause_still_found)
            } else {
                ""
            },
            row.cause.map_or("", |c| c.fix),
            u.filter(|_| row.cause.is_some())
                .map_or("", |u| u.error.as_str()),
        ])?;
    }
    out.flush()
}

pub const BATCHES_HEADER: [&str; 20] = [
    "Wave",
    "Batch",
    "Users",
    "NotSubmitted",
    "Active",
    "Synced",
    "Completed",
    "Failed",
    "Stopped",
    "Unknown",
    "ExportedStatus",
    "BytesExpected",
    "BytesDone",
    "GBPerHour",
    "PlannedGBPerHour",
    "Start",
    "CompleteAfter",
    "EstimatedSynced",
    "Stuck",
    "Schedule",
];

/// batches.csv: each planned batch, measured.
pub fn batches(t: &Tracking, w: &mut dyn Write) -> std::io::Result<()> {
    let mut out = import_csv_writer(w)?;
    out.write_record(BATCHES_HEADER)?;
    let time = |t: Option<crate::date::Timestamp>| t.map(|t| t.to_string()).unwrap_or_default();
    let rate = |r: Option<f64>| r.map(|r| format!("{r:.2}")).unwrap_or_default();
    for b in &t.batches {
        let mut record = vec![b.wave.clone(), b.batch.clone(), b.users.to_string()];
        record.extend(STANDINGS.iter().map(|s| b.count(*s).to_string()));
        record.extend([
            b.status.clone(),
            b.expected.to_string(),
            b.done.to_string(),
            rate(b.gb_per_hour),
            rate(b.planned_gb_per_hour),
            time(b.start),
            time(b.complete_after),
            time(b.eta),
            yes(b.stuck).to_string(),
            b.schedule.as_str().to_string(),
        ]);
        out.write_record(&record)?;
    }
    out.flush()
}

/// not-in-plan.csv: export rows the plan does not place (held back, or unknown to it).
pub fn not_in_plan(t: &Tracking, w: &mut dyn Write) -> std::io::Result<()> {
    let mut out = import_csv_writer(w)?;
    out.write_record([
        "EmailAddress",
        "ExportedBatch",
        "Status",
        "Why",
        "Cause",
        "Error",
        "SourceLine",
    ])?;
    for n in &t.not_planned {
        let u = &t.inputs.users[n.user];
        let why = match &n.held_back {
            Some(codes) => format!("held back by the plan: {codes}"),
            None => "not in the plan (another plan's, or submitted by hand)".to_string(),
        };
        out.write_record([
            u.identity.as_str(),
            &u.batch,
            &u.status,
            &why,
            n.cause.map_or("", |c| c.code),
            if n.cause.is_some() { &u.error } else { "" },
            &u.line.to_string(),
        ])?;
    }
    out.flush()
}

/// actions/retry.csv: every failed planned user; Start-FailedUsers.ps1 retries the Yes rows.
pub fn retry(t: &Tracking, w: &mut dyn Write) -> std::io::Result<()> {
    let mut out = import_csv_writer(w)?;
    out.write_record(["EmailAddress", "Wave", "Batch", "Cause", "Retry", "Why"])?;
    for row in t
        .rows
        .iter()
        .filter(|r| matches!(r.action, Action::Retry | Action::Resubmit | Action::Fix))
    {
        let m = t.mailbox(row);
        let cause = row.cause.map_or("", |c| c.code);
        let (retry, why) = match (row.action, row.cause) {
            (Action::Retry, Some(c)) if c.predicted_by.is_none() => {
                ("Yes", "a transient failure: retried as it is".to_string())
            }
            (Action::Retry, Some(c)) => (
                "Yes",
                format!(
                    "{} no longer finds the condition in a plan made from exports taken after the batch started",
                    c.predicted_by.unwrap_or_default()
                ),
            ),
            (Action::Resubmit, Some(c)) => (
                "No",
                format!(
                    "{} is fixed by removing the user and submitting it again: actions/remove-users.csv",
                    c.code
                ),
            ),
            (_, Some(c)) if row.cause_still_found => (
                "No",
                format!(
                    "{} still finds it in the plan: fix it ({}), plan again on fresh exports, track again",
                    c.predicted_by.unwrap_or_default(),
                    c.fix
                ),
            ),
            (_, Some(c)) if c.predicted_by.is_some() => (
                "No",
                format!(
                    "the plan's exports predate the batch, so its {} tells nothing of now: fix it ({}), plan again on fresh exports, track again",
                    c.predicted_by.unwrap_or_default(),
                    c.fix
                ),
            ),
            (_, Some(c)) => (
                "No",
                format!(
                    "no check can tell it is fixed: {} Then set Retry to Yes",
                    c.fix
                ),
            ),
            (_, None) => ("No", "no error was exported".to_string()),
        };
        out.write_record([m.target.as_ref(), &m.wave, &m.batch, cause, retry, &why])?;
    }
    out.flush()
}

/// actions/skipped-items.csv: Synced users Exchange waits on to approve their skipped items.
pub fn skipped_items(t: &Tracking, w: &mut dyn Write) -> std::io::Result<()> {
    let mut out = import_csv_writer(w)?;
    out.write_record([
        "EmailAddress",
        "Wave",
        "Batch",
        "SkippedItemCount",
        "BatchStuck",
        "Approve",
    ])?;
    let stuck: std::collections::HashSet<&str> = t
        .batches
        .iter()
        .filter(|b| b.stuck)
        .map(|b| b.batch.as_str())
        .collect();
    for row in t.rows.iter().filter(|r| r.action == Action::ApproveSkipped) {
        let m = t.mailbox(row);
        let u = t.user(row);
        out.write_record([
            m.target.as_ref(),
            &m.wave,
            &m.batch,
            &opt(u.and_then(|u| u.skipped_items)),
            yes(stuck.contains(m.batch.as_ref())),
            "Yes",
        ])?;
    }
    out.flush()
}

/// actions/remove-users.csv: migration users to remove (Remove-MigrationUsers.ps1): in a batch
/// the plan no longer gives them, failed on a cause fixed by submitting again, or held back by
/// the plan yet moving.
pub fn remove_users(t: &Tracking, w: &mut dyn Write) -> std::io::Result<()> {
    let mut out = import_csv_writer(w)?;
    out.write_record([
        "EmailAddress",
        "ExportedBatch",
        "PlannedBatch",
        "Status",
        "Why",
    ])?;
    for row in t
        .rows
        .iter()
        .filter(|r| matches!(r.action, Action::Remove | Action::Resubmit))
    {
        let m = t.mailbox(row);
        let u = t.user(row);
        let why = match row.cause {
            Some(c) if row.action == Action::Resubmit => format!(
                "failed on {} ({}): submit it again in a new batch",
                c.code, c.name
            ),
            _ => format!(
                "the plan moved it to {}: submit it with that batch",
                m.batch
            ),
        };
        out.write_record([
            m.target.as_ref(),
            u.map_or("", |u| u.batch.as_str()),
            &m.batch,
            u.map_or("", |u| u.status.as_str()),
            &why,
        ])?;
    }
    for n in t.not_planned.iter().filter(|n| n.remove) {
        let u = &t.inputs.users[n.user];
        out.write_record([
            u.identity.as_str(),
            &u.batch,
            "",
            &u.status,
            &format!(
                "held back by the plan ({}), yet in a batch: remove it before the batch completes",
                n.held_back.as_deref().unwrap_or_default()
            ),
        ])?;
    }
    out.flush()
}

/// Microsoft's grace period for a moved user without a licence.
pub const LICENCE_DAYS: i64 = 30;

/// actions/licence.csv: users now moved, to licence in the target within 30 days.
pub fn licence(t: &Tracking, w: &mut dyn Write) -> std::io::Result<()> {
    let mut out = import_csv_writer(w)?;
    out.write_record([
        "EmailAddress",
        "SourcePrimarySmtpAddress",
        "Wave",
        "Batch",
        "CompletedBy",
        "LicenceBy",
    ])?;
    let as_of = t.as_of.map(|(at, _)| at.date());
    let complete_after: std::collections::HashMap<&str, Option<crate::date::Date>> = t
        .batches
        .iter()
        .map(|b| (b.batch.as_str(), b.complete_after.map(|at| at.date())))
        .collect();
    for row in t
        .rows
        .iter()
        .filter(|r| r.standing == Standing::Exported(StatusSummary::Completed))
    {
        let m = t.mailbox(row);
        // The last sync is the completion's. Without it the batch's CompleteAfter, a lower
        // bound, so the deadline is never later than the real one; the snapshot last.
        let done = t
            .user(row)
            .and_then(|u| u.last_successful_sync)
            .map(|at| at.date())
            .or_else(|| complete_after.get(m.batch.as_ref()).copied().flatten())
            .or(as_of);
        let date = |d: Option<crate::date::Date>| d.map(|d| d.to_string()).unwrap_or_default();
        out.write_record([
            m.target.as_ref(),
            &m.source,
            &m.wave,
            &m.batch,
            &date(done),
            &date(done.map(|d| d.add_days(LICENCE_DAYS))),
        ])?;
    }
    out.flush()
}

/// track.json: the run's summary, for automation and for the next run's `--previous`.
pub fn summary_json(t: &Tracking, written: Option<&[std::path::PathBuf]>) -> Value {
    let counts: serde_json::Map<String, Value> = STANDINGS
        .iter()
        .map(|s| (s.as_str().to_string(), json!(t.count(*s))))
        .collect();
    let waves: Vec<Value> = t
        .waves
        .iter()
        .map(|w| {
            let by: serde_json::Map<String, Value> = STANDINGS
                .iter()
                .map(|s| (s.as_str().to_string(), json!(w.count(*s))))
                .collect();
            json!({
                "wave": w.name,
                "cutover": w.cutover.map(|d| d.to_string()),
                "users": w.users,
                "by-status": by,
                "gb-expected": round(gb(w.expected)),
                "gb-done": round(gb(w.done)),
                "schedule": w.schedule.as_str(),
                "estimated-hours": w.estimated_hours.map(round),
                "planned-hours": round(w.planned_hours),
            })
        })
        .collect();
    let causes: std::collections::BTreeMap<&str, usize> =
        t.by_cause().into_iter().map(|(c, n)| (c.code, n)).collect();
    let actions: serde_json::Map<String, Value> = crate::track::ACTIONS
        .iter()
        .filter(|a| **a != Action::None)
        .map(|a| (a.as_str().to_string(), json!(t.count_action(*a))))
        .collect();
    let mut json = json!({
        "xtenant": env!("CARGO_PKG_VERSION"),
        "as-of": t.as_of.map(|(at, _)| at.to_string()),
        "as-of-from": t.as_of.map(|(_, from)| from),
        "planned": t.rows.len(),
        "by-status": counts,
        "not-in-plan": t.not_planned.len(),
        "duplicate-rows": t.duplicates.len(),
        "causes": causes,
        "actions": actions,
        "throughput": {
            "gb-per-hour": t.throughput.gb_per_hour.map(round),
            "gb-per-hour-per-move": t.throughput.per_move.map(round),
            "planned-gb-per-hour-per-move": t.throughput.planned_per_move,
            "measured-over-planned": t.throughput.ratio.map(round),
            "between-snapshots": t.throughput.from_previous,
            "waves-at-risk": t.throughput.late_waves,
        },
        "waves": waves,
    });
    if let Some(written) = written {
        json["written"] = json!(written);
    }
    json
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// What to do next, in order: the console's and the workbook's "Next steps".
pub fn next_steps(t: &Tracking) -> Vec<String> {
    use crate::progress::thousands;
    let mut steps: Vec<String> = Vec::new();
    let count = |a: Action| thousands(t.count_action(a) as u64);
    let some = |a: Action| t.count_action(a) > 0;
    let waves_where = |a: Action| {
        let mut names: Vec<&str> = t
            .rows
            .iter()
            .filter(|r| r.action == a)
            .map(|r| t.mailbox(r).wave.as_ref())
            .collect();
        names.sort_unstable();
        names.dedup();
        names.join(",")
    };
    // First what a cut-over would make worse: users syncing where they must not complete.
    let stray = t.not_planned.iter().filter(|n| n.remove).count();
    if some(Action::Remove) || some(Action::Resubmit) || stray > 0 {
        steps.push(format!(
            "remove {} user(s) from their batch before it completes: {} the plan moved to another batch, {} failed on a cause fixed by submitting again, {} held back by the plan: scripts/Remove-MigrationUsers.ps1 (actions/remove-users.csv), then submit them again",
            thousands((t.count_action(Action::Remove) + t.count_action(Action::Resubmit) + stray) as u64),
            count(Action::Remove),
            count(Action::Resubmit),
            thousands(stray as u64)
        ));
    }
    if some(Action::Retry) {
        steps.push(format!("retry {} failed user(s) whose cause is gone: scripts/Start-FailedUsers.ps1 (actions/retry.csv)", count(Action::Retry)));
    }
    if some(Action::Fix) {
        steps.push(format!("fix {} failed user(s) (progress.xlsx, Failures), plan again on fresh exports, track again", count(Action::Fix)));
    }
    if some(Action::Submit) {
        steps.push(format!("submit the batches due and not in the tenant ({} users): New-MigrationBatches.ps1 -Wave {} from the plan", count(Action::Submit), waves_where(Action::Submit)));
    }
    if some(Action::AddToBatch) {
        steps.push(format!("{} user(s) are missing from batches that exist (New-MigrationBatch refused them, or they were removed): progress.csv, Action 'Add to its batch'; Set-MigrationBatch -AddUsers", count(Action::AddToBatch)));
    }
    if some(Action::Investigate) {
        steps.push(format!("investigate {} user(s): copying with no bytes moved since the previous snapshot, or in a Status xtenant cannot bucket: Get-MigrationUserStatistics -IncludeReport", count(Action::Investigate)));
    }
    if some(Action::Review) {
        steps.push(format!("{} user(s) were stopped: resume them (Start-MigrationBatch on their batch) or remove them (Remove-MigrationUser)", count(Action::Review)));
    }
    if some(Action::ApproveSkipped) {
        let stuck = t.batches.iter().filter(|b| b.stuck).count();
        steps.push(format!("review the skipped items of {} synced user(s) ({} batch(es) stuck past CompleteAfter), then scripts/Approve-SkippedItems.ps1 -Reviewed", count(Action::ApproveSkipped), stuck));
    }
    if some(Action::Complete) {
        steps.push(format!("complete the synced batches at their cut-over (dated ones complete on their own): Complete-MigrationBatches.ps1 -Wave {} from the plan", waves_where(Action::Complete)));
    }
    if some(Action::PostMove) {
        steps.push(format!("after the moves ({} users): Restore-Permissions.ps1 -Wave {} from the plan; licence them within {} days (actions/licence.csv); Remove-MigrationBatches.ps1 once their batches are done (track with --previous keeps their state)", count(Action::PostMove), waves_where(Action::PostMove), LICENCE_DAYS));
    }
    if steps.is_empty() {
        steps.push("nothing to do: wait for the batches due next".to_string());
    }
    steps
}
