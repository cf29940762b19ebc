//! The target's migration batches (Get-MigrationBatch), optional for `xtenant track`: when a
//! batch started and when it may complete, for throughput and stuck batches. A value that is
//! not valid is left empty and named in a notice, as in the migration users.

use std::path::Path;

use super::{ColSpec, Loaded, read_rows};
use crate::error::Result;
use crate::input::InputKind;
use crate::model::MigrationBatch;

columns! {
    Identity = ColSpec::req("Identity").aka(&["Name", "BatchId"]),
    Status = ColSpec::req("Status"),
    TotalCount = ColSpec::opt("TotalCount"),
    SyncedCount = ColSpec::opt("SyncedCount"),
    FinalizedCount = ColSpec::opt("FinalizedCount"),
    FailedCount = ColSpec::opt("FailedCount"),
    StartAfter = ColSpec::opt("StartAfter"),
    CompleteAfter = ColSpec::opt("CompleteAfter")
        .without("stuck batches are found against the plan's CompleteAfter"),
    CreationDateTime = ColSpec::opt("CreationDateTime"),
    StartDateTime = ColSpec::opt("StartDateTime")
        .without("a batch's sync is timed from its CreationDateTime, else the plan's StartAfter"),
    LastSyncedDateTime = ColSpec::opt("LastSyncedDateTime"),
}

pub fn load(path: &Path) -> Result<Loaded<Vec<MigrationBatch>>> {
    let (rows, files, mut notices) = read_rows(path, InputKind::MigrationBatches, |row| {
        let mut issues = Vec::new();
        let batch = MigrationBatch {
            line: row.line(),
            identity: row.string(C::Identity),
            status: row.string(C::Status),
            total: row.size(C::TotalCount, &mut issues),
            synced: row.size(C::SyncedCount, &mut issues),
            finalized: row.size(C::FinalizedCount, &mut issues),
            failed: row.size(C::FailedCount, &mut issues),
            start_after: row.timestamp(C::StartAfter, &mut issues),
            complete_after: row.timestamp(C::CompleteAfter, &mut issues),
            created: row.timestamp(C::CreationDateTime, &mut issues),
            started: row.timestamp(C::StartDateTime, &mut issues),
            last_synced: row.timestamp(C::LastSyncedDateTime, &mut issues),
        };
        (batch, issues.into_iter().next())
    })?;
    let rows = super::note_bad_values(path, rows, |r| r.line, "; it is left empty", &mut notices);
    Ok((rows, files, notices))
}
