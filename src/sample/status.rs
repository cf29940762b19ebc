//! The sample's migration status, as the target would export it a few days after the first
//! main wave's cut-over: the batches of earlier waves completed, the next ones syncing, the
//! later ones not submitted; every move-failure cause planted, with stalls, strays and users
//! in the wrong batch, each listed in track-answer-key.csv for the tests.

use super::{Rng, Shape, size_text};
use crate::causes;
use crate::date::{Date, Timestamp};
use crate::write::batches::{PlanFile, PlannedBatch};

pub const USERS_HEADER: [&str; 15] = [
    "Identity",
    "BatchId",
    "Status",
    "StatusSummary",
    "ErrorSummary",
    "Error",
    "BytesTransferred",
    "EstimatedTotalTransferSize",
    "PercentageComplete",
    "SyncedItemCount",
    "SkippedItemCount",
    "HasUnapprovedSkippedItems",
    "DataConsistencyScore",
    "LastSuccessfulSyncTime",
    "ExportedAt",
];

pub const BATCHES_HEADER: [&str; 11] = [
    "Identity",
    "Status",
    "TotalCount",
    "SyncedCount",
    "FinalizedCount",
    "FailedCount",
    "StartAfter",
    "CompleteAfter",
    "CreationDateTime",
    "StartDateTime",
    "LastSyncedDateTime",
];

/// EmailAddress, what track must say of it (a cause code, an action, or NotInPlan), and why it
/// was planted.
pub const KEY_HEADER: [&str; 3] = ["EmailAddress", "Expected", "Plant"];

/// The exports and their key.
pub struct Status {
    pub users: Vec<Vec<String>>,
    /// The same a day earlier, for `--previous`.
    pub previous: Vec<Vec<String>>,
    pub batches: Vec<Vec<String>>,
    pub key: Vec<Vec<String>>,
    pub as_of: Timestamp,
}

/// How far a batch is, at the snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    NotSubmitted,
    /// Started less than a few days ago: most users still copying.
    Syncing,
    Synced,
    /// Past its cut-over.
    Completed,
}

/// Error texts as Exchange words them, one per cause (an unknown one for MF100).
fn error_text(code: &str) -> String {
    match code {
        "MF100" => "MigrationPermanentException: Error: a failure this sample invents --> Something nobody has catalogued".to_string(),
        code => {
            let cause = causes::find(code).expect("a catalogued cause");
            format!(
                "MigrationPermanentException: Error: {} --> {}",
                cause.patterns[0], cause.summary
            )
        }
    }
}

/// When the snapshot is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    /// A few days after the first main wave's cut-over (the sample's): later waves not
    /// submitted yet.
    AfterFirstWave,
    /// During the last wave, a few days before its cut-over: every batch submitted (the
    /// benchmark's, where the export holds every planned user).
    LastWave,
}

pub fn generate(plan: &PlanFile<'_>, seed: u64, moment: Moment) -> Status {
    let mut rng = Rng(seed ^ 0x7472_6163_6b00);
    let dates: Vec<Option<Date>> = plan
        .batches
        .iter()
        .map(|b| Date::parse(&b.complete_after))
        .collect();
    // A few days after the second dated wave's cut-over (the first main wave after a pilot).
    let mut cutovers: Vec<Date> = dates.iter().flatten().copied().collect();
    cutovers.dedup();
    let fallback = Date::parse("2027-01-16").expect("a date");
    let as_of = match moment {
        Moment::AfterFirstWave => at(
            cutovers
                .get(1)
                .or(cutovers.first())
                .copied()
                .unwrap_or(fallback)
                .add_days(4),
            6,
        ),
        Moment::LastWave => at(cutovers.last().copied().unwrap_or(fallback).add_days(-3), 6),
    };
    let day_before = Timestamp::from_unix(as_of.unix() - 86_400);
    let stage = |b: &PlannedBatch| -> Stage {
        match (Date::parse(&b.start_after), Date::parse(&b.complete_after)) {
            (Some(start), Some(cut)) => {
                let today = as_of.date();
                if today < start {
                    Stage::NotSubmitted
                } else if today > cut {
                    Stage::Completed
                } else if today.days_since(start) < 7 {
                    Stage::Syncing
                } else {
                    Stage::Synced
                }
            }
            // Undated plans: every batch submitted and synced, waiting to be completed.
            _ => Stage::Synced,
        }
    };
    let stages: std::collections::HashMap<&str, Stage> = plan
        .batches
        .iter()
        .map(|b| (b.batch.as_str(), stage(b)))
        .collect();
    let submitted: Vec<usize> = (0..plan.mailboxes.len())
        .filter(|&i| stages.get(plan.mailboxes[i].batch.as_ref()) != Some(&Stage::NotSubmitted))
        .collect();

    // The plants: each a distinct submitted user.
    let mut taken = std::collections::HashSet::new();
    let mut pick = |rng: &mut Rng, want: &dyn Fn(usize) -> bool| -> Option<usize> {
        let candidates: Vec<usize> = submitted
            .iter()
            .copied()
            .filter(|i| !taken.contains(i) && want(*i))
            .collect();
        let i = *candidates.get(rng.below(candidates.len()))?;
        taken.insert(i);
        Some(i)
    };
    let mut failures: Vec<(usize, &'static str)> = Vec::new();
    let mut key: Vec<Vec<String>> = Vec::new();
    let row = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    for cause in causes::ALL.iter().copied().chain([&causes::UNCLASSIFIED]) {
        // A cause a check predicts is planted once where the plan still finds the condition
        // (fix it first) and once where it does not (retry).
        let codes = |i: usize| {
            plan.mailboxes[i]
                .codes
                .split(';')
                .any(|c| Some(c) == cause.predicted_by)
        };
        let mut plant = |rng: &mut Rng, still: bool| {
            if let Some(i) = pick(rng, &|i| codes(i) == still) {
                failures.push((i, cause.code));
                // The sample's plan was made before its batches started: what its checks no
                // longer find tells nothing of now, so only a transient failure is retried
                // as it is, and Microsoft's maintenance resubmitted.
                let action = match cause.code {
                    "MF115" => crate::track::Action::Retry,
                    "MF116" => crate::track::Action::Resubmit,
                    _ => crate::track::Action::Fix,
                };
                key.push(row(&[
                    &plan.mailboxes[i].target,
                    cause.code,
                    "failed with this cause",
                ]));
                key.push(row(&[
                    &plan.mailboxes[i].target,
                    action.as_str(),
                    cause.code,
                ]));
            }
        };
        if cause.predicted_by.is_some() {
            plant(&mut rng, true);
        }
        plant(&mut rng, false);
    }
    let stage_of = |i: usize| stages[plan.mailboxes[i].batch.as_ref()];
    let batch_index: std::collections::HashMap<&str, usize> = plan
        .batches
        .iter()
        .enumerate()
        .map(|(i, b)| (b.batch.as_str(), i))
        .collect();
    let mut plant_action =
        |rng: &mut Rng, stage: Stage, action: crate::track::Action, why: &str| {
            let i = pick(rng, &|i| stage_of(i) == stage)?;
            key.push(row(&[&plan.mailboxes[i].target, action.as_str(), why]));
            Some(i)
        };
    use crate::track::Action;
    let stopped: Vec<usize> = (0..2)
        .filter_map(|_| {
            plant_action(
                &mut rng,
                Stage::Synced,
                Action::Review,
                "stopped by an admin",
            )
        })
        .collect();
    let stalled: Vec<usize> = (0..2)
        .filter_map(|_| {
            plant_action(
                &mut rng,
                Stage::Syncing,
                Action::Investigate,
                "no bytes moved since the day before",
            )
        })
        .collect();
    let skipped: Vec<usize> = (0..3)
        .filter_map(|_| {
            plant_action(
                &mut rng,
                Stage::Completed,
                Action::ApproveSkipped,
                "synced past CompleteAfter with unapproved skipped items",
            )
        })
        .collect();
    let moved: Vec<usize> = (0..2)
        .filter_map(|_| {
            plant_action(
                &mut rng,
                Stage::Syncing,
                Action::Remove,
                "exported in a batch the plan no longer gives it",
            )
        })
        .collect();
    let missing: Vec<usize> = (0..1)
        .filter_map(|_| {
            plant_action(
                &mut rng,
                Stage::Synced,
                Action::AddToBatch,
                "missing from its submitted batch",
            )
        })
        .collect();

    let mut users = Vec::new();
    let mut previous = Vec::new();
    let exported = as_of.to_string();
    let exported_before = day_before.to_string();
    let failure: std::collections::HashMap<usize, &str> = failures.iter().copied().collect();
    for (i, m) in plan.mailboxes.iter().enumerate() {
        let stage = stage_of(i);
        if stage == Stage::NotSubmitted || missing.contains(&i) {
            continue;
        }
        let expected = m.bytes + m.bytes / 20 + 1_048_576;
        let share = match stage {
            Stage::Syncing => 20 + rng.below(75) as u64,
            _ => 100,
        };
        let copied = expected / 100 * share;
        let batch = if moved.contains(&i) {
            // Its batch in an earlier plan: another of this plan's batches.
            plan.batches
                .iter()
                .map(|b| b.batch.as_str())
                .find(|b| *b != m.batch)
                .unwrap_or("W99-B001")
                .to_string()
        } else {
            m.batch.to_string()
        };
        let (status, summary) = if failure.contains_key(&i) {
            ("Failed", "Failed")
        } else if stopped.contains(&i) {
            ("Stopped", "Stopped")
        } else if skipped.contains(&i) {
            ("Synced", "Synced")
        } else {
            match stage {
                Stage::Completed => ("Completed", "Completed"),
                Stage::Synced => ("Synced", "Synced"),
                _ => ("Syncing", "Active"),
            }
        };
        let error = failure.get(&i).map(|c| error_text(c)).unwrap_or_default();
        let skipped_items = if skipped.contains(&i) {
            3 + rng.below(40)
        } else {
            0
        };
        let sync = match stage {
            // A completed user last synced as its batch completed, on its cut-over day.
            Stage::Completed => {
                Date::parse(&plan.batches[batch_index[m.batch.as_ref()]].complete_after)
                    .map_or(at(as_of.date(), 2), |d| at(d, 20))
            }
            Stage::Synced => at(as_of.date(), 2),
            _ => as_of,
        };
        let percent = match summary {
            "Completed" => 100,
            "Synced" => 95,
            "Failed" | "Stopped" => 10,
            _ => share.min(94),
        };
        let record = |bytes: u64, at_time: &str, last: Timestamp| -> Vec<String> {
            vec![
                m.target.to_string(),
                batch.clone(),
                status.to_string(),
                summary.to_string(),
                if error.is_empty() {
                    String::new()
                } else {
                    error.clone()
                },
                error.clone(),
                size_text(bytes),
                size_text(expected),
                percent.to_string(),
                (bytes / 75_000).to_string(),
                skipped_items.to_string(),
                if skipped_items > 0 { "True" } else { "False" }.to_string(),
                "Perfect".to_string(),
                last.to_string(),
                at_time.to_string(),
            ]
        };
        let moved_bytes = if summary == "Failed" {
            copied / 10
        } else {
            copied
        };
        users.push(record(moved_bytes, &exported, sync));
        // The day before: a syncing user had copied less, a stalled one the same.
        let before = if stalled.contains(&i) {
            moved_bytes
        } else {
            moved_bytes / 10 * 7
        };
        if stage == Stage::Syncing {
            previous.push(record(before, &exported_before, day_before));
        } else {
            let last = if stage == Stage::Completed {
                sync
            } else {
                day_before
            };
            previous.push(record(moved_bytes, &exported_before, last));
        }
    }
    // Strays: users nobody planned, submitted by hand.
    for n in 1..=2 {
        let address = format!("migration.test{n}@northwindtraders.com");
        key.push(row(&[
            &address,
            "NotInPlan",
            "a test user submitted by hand",
        ]));
        let mut r = vec![String::new(); USERS_HEADER.len()];
        r[0] = address;
        r[1] = "Manual-Test".to_string();
        r[2] = "Synced".to_string();
        r[3] = "Synced".to_string();
        r[6] = size_text(52_428_800);
        r[7] = size_text(52_428_800);
        r[8] = "95".to_string();
        r[13] = at(as_of.date(), 2).to_string();
        r[14] = exported.clone();
        users.push(r.clone());
        r[14] = exported_before.clone();
        previous.push(r);
    }
    if let Some(h) = plan.held_back.iter().find(|h| !h.target.is_empty()) {
        key.push(row(&[
            &h.target,
            "NotInPlan",
            "held back by the plan, submitted by hand",
        ]));
        let mut r = vec![String::new(); USERS_HEADER.len()];
        r[0] = h.target.clone();
        r[1] = "Manual-Test".to_string();
        r[2] = "Failed".to_string();
        r[3] = "Failed".to_string();
        r[4] = error_text("MF104");
        r[5] = r[4].clone();
        r[14] = exported.clone();
        users.push(r);
    }

    let batches = plan
        .batches
        .iter()
        .filter(|b| stages[b.batch.as_str()] != Stage::NotSubmitted)
        .map(|b| {
            let stage = stages[b.batch.as_str()];
            // At 18:00 UTC, as New-MigrationBatches.ps1 sets them by default.
            let time = |d: &str| {
                Date::parse(d)
                    .map(|d| at(d, 18).to_string())
                    .unwrap_or_default()
            };
            let started = Date::parse(&b.start_after).map(|d| at(d, 18));
            let status = match stage {
                Stage::Completed if skipped.iter().any(|&i| plan.mailboxes[i].batch == b.batch) => {
                    "Synced"
                }
                Stage::Completed => "Completed",
                Stage::Synced => "Synced",
                _ => "Syncing",
            };
            vec![
                b.batch.clone(),
                status.to_string(),
                b.users.to_string(),
                String::new(),
                String::new(),
                String::new(),
                time(&b.start_after),
                time(&b.complete_after),
                started.map(|t| t.to_string()).unwrap_or_default(),
                started.map(|t| t.to_string()).unwrap_or_default(),
                at(as_of.date(), 2).to_string(),
            ]
        })
        .collect();
    Status {
        users,
        previous,
        batches,
        key,
        as_of,
    }
}

fn at(day: Date, hour: i64) -> Timestamp {
    Timestamp::from_unix(day.unix_days() * 86_400 + hour * 3600)
}

/// The shape the recipe writes: PowerShell 7, UTF-8.
pub const SHAPE: Shape = Shape::PS7;
