//! Following the waves: the plan's mailboxes joined to the target's migration users, each
//! with where it stands, why it failed and what to do next, and the batches and waves measured
//! against the plan's dates and throughput. Pure computation: `write::track` formats it.

pub mod previous;
pub mod schedule;

use std::collections::HashMap;

use rayon::prelude::*;

use crate::causes::{self, Cause};
use crate::date::Timestamp;
use crate::model::{MigrationBatch, MigrationUser, StatusSummary};
use crate::write::batches::{PlanFile, PlannedMailbox};

pub use previous::Previous;
pub use schedule::{BatchProgress, Schedule, Throughput, WaveProgress};

/// What `track` reads.
pub struct TrackInputs {
    pub plan: PlanFile<'static>,
    pub users: Vec<MigrationUser>,
    pub batches: Option<Vec<MigrationBatch>>,
    pub previous: Option<Previous>,
    /// `--as-of`: the snapshot's time when the export does not say.
    pub as_of: Option<Timestamp>,
    /// The exports as read, and what their readers noted.
    pub files: Vec<crate::input::FileInfo>,
    pub notices: Vec<crate::input::Notice>,
}

/// Where a planned mailbox stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Standing {
    /// Its batch is not in the export, or it is missing from its batch.
    NotSubmitted,
    /// Exported, with a Status xtenant cannot bucket (shown as exported).
    Unknown,
    Exported(StatusSummary),
}

impl Standing {
    /// The column the Summary counts it in.
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::NotSubmitted => "NotSubmitted",
            Standing::Unknown => "Unknown",
            Standing::Exported(s) => s.as_str(),
        }
    }
}

/// What to do next about one user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    /// Its batch is not due yet.
    None,
    /// Its batch is due and not submitted (New-MigrationBatches.ps1).
    Submit,
    /// Its batch exists but the user is not in it.
    AddToBatch,
    /// Syncing: nothing to do.
    Wait,
    /// Syncing with no bytes moved since the previous snapshot.
    Investigate,
    /// Failed, and the cause is transient or the check that predicts it no longer fires.
    Retry,
    /// Failed on a cause Microsoft fixes by removing the user and submitting it again.
    Resubmit,
    /// Failed, and the cause stands (or only a person can tell it is fixed).
    Fix,
    /// Synced with skipped items Exchange waits for someone to approve.
    ApproveSkipped,
    /// Synced: its batch can be completed.
    Complete,
    /// Completed: permissions, licence, routing.
    PostMove,
    /// Stopped by someone: resume or remove.
    Review,
    /// The plan now puts it in another batch: remove it from the exported one first.
    Remove,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::None => "",
            Action::Submit => "Submit its batch",
            Action::AddToBatch => "Add to its batch",
            Action::Wait => "Wait",
            Action::Investigate => "Investigate: no progress",
            Action::Retry => "Retry",
            Action::Resubmit => "Remove and resubmit",
            Action::Fix => "Fix, then retry",
            Action::ApproveSkipped => "Approve skipped items",
            Action::Complete => "Complete its batch",
            Action::PostMove => "Post-move steps",
            Action::Review => "Review: stopped",
            Action::Remove => "Remove from its old batch",
        }
    }
}

/// Every action, in the order the console and the workbook list them.
pub const ACTIONS: [Action; 13] = [
    Action::Remove,
    Action::Retry,
    Action::Resubmit,
    Action::Fix,
    Action::AddToBatch,
    Action::Submit,
    Action::Investigate,
    Action::Review,
    Action::ApproveSkipped,
    Action::Complete,
    Action::PostMove,
    Action::Wait,
    Action::None,
];

/// One planned mailbox, tracked.
#[derive(Debug, Clone)]
pub struct Tracked {
    /// Index into `plan.mailboxes`.
    pub planned: usize,
    /// Index into the export's users.
    pub user: Option<usize>,
    pub standing: Standing,
    pub cause: Option<&'static Cause>,
    /// The check that predicts the cause still finds the condition on this mailbox (or the
    /// organisation) in the plan.
    pub cause_still_found: bool,
    /// The plan's exports were taken after the user's batch started.
    pub plan_is_newer: bool,
    /// Completed in the previous snapshot, absent from this one: its batch was removed.
    pub batch_removed: bool,
    pub stalled: bool,
    /// Exported in a batch other than the plan's.
    pub other_batch: bool,
    pub action: Action,
}

/// A row of the export the plan does not place, and why.
#[derive(Debug, Clone)]
pub struct NotPlanned {
    pub user: usize,
    /// Held back by the plan but syncing or synced: remove it before its batch completes.
    pub remove: bool,
    /// The codes that hold it back, when the plan holds it back.
    pub held_back: Option<String>,
    pub cause: Option<&'static Cause>,
}

/// Two export rows naming the same user: the first is used.
#[derive(Debug, Clone, Copy)]
pub struct Duplicate {
    pub kept: usize,
    pub dropped: usize,
}

/// Everything `track` computed.
pub struct Tracking {
    pub inputs: TrackInputs,
    /// One per planned mailbox, in plan.json's order.
    pub rows: Vec<Tracked>,
    pub not_planned: Vec<NotPlanned>,
    pub duplicates: Vec<Duplicate>,
    pub batches: Vec<BatchProgress>,
    pub waves: Vec<WaveProgress>,
    pub throughput: Throughput,
    /// When the snapshot was taken, and where that time came from.
    pub as_of: Option<(Timestamp, &'static str)>,
}

impl Tracking {
    pub fn mailbox(&self, row: &Tracked) -> &PlannedMailbox<'static> {
        &self.inputs.plan.mailboxes[row.planned]
    }

    pub fn user(&self, row: &Tracked) -> Option<&MigrationUser> {
        row.user.map(|u| &self.inputs.users[u])
    }

    /// Users per standing, in the Summary's order.
    pub fn count(&self, standing: Standing) -> usize {
        self.rows.iter().filter(|r| r.standing == standing).count()
    }

    /// Failed users per cause, the commonest first (then by code).
    pub fn by_cause(&self) -> Vec<(&'static Cause, usize)> {
        let mut causes: Vec<(&'static Cause, usize)> = Vec::new();
        for c in self.rows.iter().filter_map(|r| r.cause) {
            match causes.iter_mut().find(|(k, _)| k.code == c.code) {
                Some((_, n)) => *n += 1,
                None => causes.push((c, 1)),
            }
        }
        causes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.code.cmp(b.0.code)));
        causes
    }

    pub fn count_action(&self, action: Action) -> usize {
        self.rows.iter().filter(|r| r.action == action).count()
    }
}

/// The standings in the order reports show them.
pub const STANDINGS: [Standing; 7] = [
    Standing::NotSubmitted,
    Standing::Exported(StatusSummary::Active),
    Standing::Exported(StatusSummary::Synced),
    Standing::Exported(StatusSummary::Completed),
    Standing::Exported(StatusSummary::Failed),
    Standing::Exported(StatusSummary::Stopped),
    Standing::Unknown,
];

/// Joins the export to the plan and measures it.
pub fn track(inputs: TrackInputs) -> Tracking {
    let as_of = snapshot_time(&inputs);
    let plan = &inputs.plan;
    // Identity is the address the batch CSV named: the plan's target address (any case).
    let by_target: HashMap<String, usize> = plan
        .mailboxes
        .par_iter()
        .enumerate()
        .map(|(i, m)| (m.target.to_lowercase(), i))
        .collect();
    let keys: Vec<String> = inputs
        .users
        .par_iter()
        .map(|u| u.identity.to_lowercase())
        .collect();
    let mut matched: Vec<Option<usize>> = vec![None; plan.mailboxes.len()];
    let mut duplicates = Vec::new();
    let mut unplanned = Vec::new();
    let mut seen_unplanned: HashMap<&str, usize> = HashMap::new();
    for (u, key) in keys.iter().enumerate() {
        match by_target.get(key) {
            Some(&m) => match matched[m] {
                Some(kept) => duplicates.push(Duplicate { kept, dropped: u }),
                None => matched[m] = Some(u),
            },
            None => match seen_unplanned.get(key.as_str()) {
                Some(&kept) => duplicates.push(Duplicate { kept, dropped: u }),
                None => {
                    seen_unplanned.insert(key, u);
                    unplanned.push(u);
                }
            },
        }
    }
    let submitted: std::collections::HashSet<String> = inputs
        .users
        .iter()
        .map(|u| u.batch.to_lowercase())
        .chain(
            inputs
                .batches
                .iter()
                .flatten()
                .map(|b| b.identity.to_lowercase()),
        )
        .collect();
    let times = schedule::batch_times(&inputs);
    let plan_exports = plan.exports_at.as_deref().and_then(Timestamp::parse);
    let org: Vec<&str> = plan.org_codes.iter().map(String::as_str).collect();
    let previous = inputs.previous.as_ref();
    let now = as_of.map(|(t, _)| t);
    let rows: Vec<Tracked> = matched
        .par_iter()
        .enumerate()
        .map(|(m, &user)| {
            let mailbox = &plan.mailboxes[m];
            let user_row = user.map(|u| &inputs.users[u]);
            // A user the previous snapshot saw completed and this one lacks: its batch was
            // removed (Remove-MigrationBatches.ps1), it did not go back to the source.
            let batch_removed = user_row.is_none()
                && previous.is_some_and(|p| p.standing(&mailbox.target) == Some("Completed"));
            let standing = match user_row {
                None if batch_removed => Standing::Exported(StatusSummary::Completed),
                None => Standing::NotSubmitted,
                Some(u) => u.summary.map_or(Standing::Unknown, Standing::Exported),
            };
            let status = user_row.map_or("", |u| u.status.as_str());
            let cause = user_row
                .filter(|_| standing == Standing::Exported(StatusSummary::Failed))
                .and_then(|u| causes::classify(&u.error));
            let cause_still_found = cause
                .and_then(|c| c.predicted_by)
                .is_some_and(|r| org.contains(&r) || mailbox.codes.split(';').any(|c| c == r));
            let exported_batch = user_row
                .map(|u| u.batch.as_str())
                .filter(|b| !b.is_empty())
                .unwrap_or(&mailbox.batch);
            let other_batch = !exported_batch.eq_ignore_ascii_case(&mailbox.batch);
            // Only a first copy stalls: a queued user waits for a slot, an incremental sync
            // moves little.
            let stalled = match (user_row, previous) {
                (Some(u), Some(p)) => {
                    status.eq_ignore_ascii_case("Syncing")
                        && p.stalled(&mailbox.target, u.bytes_transferred)
                }
                _ => false,
            };
            let times = times.get(&exported_batch.to_lowercase());
            let due = times
                .and_then(|t| t.start)
                .is_some_and(|start| now.is_some_and(|now| now >= start));
            // The plan's exports were taken after the batch started: a condition its check
            // no longer finds is gone, not just never seen.
            let plan_is_newer = match (plan_exports, times.and_then(|t| t.start)) {
                (Some(exports), Some(start)) => exports > start,
                _ => false,
            };
            let action = match (standing, user_row) {
                (Standing::NotSubmitted, _)
                    if submitted.contains(&mailbox.batch.to_lowercase()) =>
                {
                    Action::AddToBatch
                }
                (Standing::NotSubmitted, _) if due => Action::Submit,
                (Standing::NotSubmitted, _) => Action::None,
                _ if other_batch && standing != Standing::Exported(StatusSummary::Completed) => {
                    Action::Remove
                }
                (Standing::Exported(StatusSummary::Failed), _) => match cause {
                    Some(c) if c.predicted_by.is_none() && c.code == "MF115" => Action::Retry,
                    Some(c) if c.predicted_by.is_none() && c.resubmit => Action::Resubmit,
                    Some(c) if c.predicted_by.is_some() && !cause_still_found && plan_is_newer => {
                        if c.resubmit {
                            Action::Resubmit
                        } else {
                            Action::Retry
                        }
                    }
                    _ => Action::Fix,
                },
                (Standing::Exported(StatusSummary::Synced), Some(u))
                    if u.unapproved_skipped == Some(true) =>
                {
                    Action::ApproveSkipped
                }
                (Standing::Exported(StatusSummary::Synced), _) => Action::Complete,
                (Standing::Exported(StatusSummary::Completed), _) => Action::PostMove,
                (Standing::Exported(StatusSummary::Stopped), _)
                    if status.eq_ignore_ascii_case("Removing") =>
                {
                    Action::None
                }
                (Standing::Exported(StatusSummary::Stopped), _) => Action::Review,
                (Standing::Exported(StatusSummary::Active), _) if stalled => Action::Investigate,
                (Standing::Exported(StatusSummary::Active), _) => Action::Wait,
                // A Status xtenant cannot bucket is for a person to look at.
                _ => Action::Investigate,
            };
            Tracked {
                planned: m,
                user,
                standing,
                cause,
                cause_still_found,
                plan_is_newer,
                stalled,
                other_batch,
                batch_removed,
                action,
            }
        })
        .collect();
    let held: HashMap<String, &str> = plan
        .held_back
        .iter()
        .filter(|h| !h.target.is_empty())
        .map(|h| (h.target.to_lowercase(), h.codes.as_str()))
        .collect();
    let not_planned = unplanned
        .into_iter()
        .map(|u| {
            let user = &inputs.users[u];
            let held_back = held.get(&keys[u]).map(|c| c.to_string());
            NotPlanned {
                user: u,
                // Held back, yet moving: it completes with its batch unless removed.
                remove: held_back.is_some()
                    && matches!(
                        user.summary,
                        Some(StatusSummary::Active | StatusSummary::Synced)
                    ),
                held_back,
                cause: user
                    .summary
                    .filter(|s| *s == StatusSummary::Failed)
                    .and_then(|_| causes::classify(&user.error)),
            }
        })
        .collect();
    let (batches, waves, throughput) =
        schedule::measure(&inputs, &rows, &times, as_of.map(|a| a.0));
    Tracking {
        inputs,
        rows,
        not_planned,
        duplicates,
        batches,
        waves,
        throughput,
        as_of,
    }
}

/// The snapshot's time: `--as-of`, else the export's ExportedAt, else the newest
/// LastSuccessfulSyncTime or LastSyncedDateTime (a lower bound: the export is at least that
/// recent). Never the clock of the machine running xtenant: the same files give the same
/// report.
fn snapshot_time(inputs: &TrackInputs) -> Option<(Timestamp, &'static str)> {
    if let Some(t) = inputs.as_of {
        return Some((t, "--as-of"));
    }
    if let Some(t) = inputs.users.iter().filter_map(|u| u.exported_at).max() {
        return Some((t, "the export's ExportedAt"));
    }
    inputs
        .users
        .iter()
        .filter_map(|u| u.last_successful_sync)
        .chain(
            inputs
                .batches
                .iter()
                .flatten()
                .filter_map(|b| b.last_synced),
        )
        .max()
        .map(|t| {
            (
                t,
                "the newest LastSuccessfulSyncTime (pass --as-of for the export's time)",
            )
        })
}
