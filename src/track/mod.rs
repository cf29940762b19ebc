//! Following the waves: the plan's mailboxes joined to the target's migration users, each
//! with where it stands, why it failed and what to do next, and the batches and waves measured
//! against the plan's dates and throughput. Pure computation: `write::track` formats it.

pub mod previous;
pub mod schedule;

use std::collections::HashMap;

use rayon::prelude::*;

use crate::causes::{self, Cause};
use crate::date::{Date, Timestamp};
use crate::model::{MigrationBatch, MigrationUser, StatusSummary};
use crate::write::batches::{PlanFile, PlannedBatch, PlannedMailbox};

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
pub const ACTIONS: [Action; 12] = [
    Action::Retry,
    Action::Fix,
    Action::Remove,
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
    pub stalled: bool,
    /// Exported in a batch other than the plan's.
    pub other_batch: bool,
    pub action: Action,
}

/// A row of the export the plan does not place, and why.
#[derive(Debug, Clone)]
pub struct NotPlanned {
    pub user: usize,
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
    let submitted_batches: std::collections::HashSet<String> = inputs
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
    let batch_of: HashMap<&str, &PlannedBatch> =
        plan.batches.iter().map(|b| (b.batch.as_str(), b)).collect();
    let org: Vec<&str> = plan.org_codes.iter().map(String::as_str).collect();
    let previous = inputs.previous.as_ref();
    let today = as_of.map(|(t, _)| t.date());
    let rows: Vec<Tracked> = matched
        .par_iter()
        .enumerate()
        .map(|(m, &user)| {
            let mailbox = &plan.mailboxes[m];
            let user_row = user.map(|u| &inputs.users[u]);
            let standing = match user_row {
                None => Standing::NotSubmitted,
                Some(u) => u.summary.map_or(Standing::Unknown, Standing::Exported),
            };
            let cause = user_row
                .filter(|_| standing == Standing::Exported(StatusSummary::Failed))
                .and_then(|u| causes::classify(&u.error));
            let cause_still_found = cause
                .and_then(|c| c.predicted_by)
                .is_some_and(|r| org.contains(&r) || mailbox.codes.split(';').any(|c| c == r));
            let other_batch = user_row.is_some_and(|u| {
                !u.batch.is_empty() && !u.batch.eq_ignore_ascii_case(&mailbox.batch)
            });
            let stalled = match (user_row, previous) {
                (Some(u), Some(p)) => {
                    standing == Standing::Exported(StatusSummary::Active)
                        && p.stalled(&mailbox.target, u.bytes_transferred)
                }
                _ => false,
            };
            let due = batch_of
                .get(mailbox.batch.as_ref())
                .and_then(|b| Date::parse(&b.start_after))
                .is_some_and(|start| today.is_some_and(|t| t >= start));
            let batch_submitted = submitted_batches.contains(&mailbox.batch.to_lowercase());
            let action = match (standing, user_row) {
                (Standing::NotSubmitted, _) if batch_submitted => Action::AddToBatch,
                (Standing::NotSubmitted, _) if due => Action::Submit,
                (Standing::NotSubmitted, _) => Action::None,
                _ if other_batch && standing != Standing::Exported(StatusSummary::Completed) => {
                    Action::Remove
                }
                (Standing::Exported(StatusSummary::Failed), _) => {
                    let retry = cause.is_some_and(|c| {
                        c.code == "MF115" || (c.predicted_by.is_some() && !cause_still_found)
                    });
                    if retry { Action::Retry } else { Action::Fix }
                }
                (Standing::Exported(StatusSummary::Synced), Some(u))
                    if u.unapproved_skipped == Some(true) =>
                {
                    Action::ApproveSkipped
                }
                (Standing::Exported(StatusSummary::Synced), _) => Action::Complete,
                (Standing::Exported(StatusSummary::Completed), _) => Action::PostMove,
                (Standing::Exported(StatusSummary::Stopped), _) => Action::Review,
                (Standing::Exported(StatusSummary::Active), _) if stalled => Action::Investigate,
                _ => Action::Wait,
            };
            Tracked {
                planned: m,
                user,
                standing,
                cause,
                cause_still_found,
                stalled,
                other_batch,
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
            NotPlanned {
                user: u,
                held_back: held.get(&keys[u]).map(|c| c.to_string()),
                cause: user
                    .summary
                    .filter(|s| *s == StatusSummary::Failed)
                    .and_then(|_| causes::classify(&user.error)),
            }
        })
        .collect();
    let (batches, waves, throughput) = schedule::measure(&inputs, &rows, as_of.map(|a| a.0));
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
