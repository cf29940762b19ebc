//! The target's migration users with their statistics (Get-MigrationUser |
//! Get-MigrationUserStatistics): what `xtenant track` follows. A value that is not valid (a
//! size, a percentage) is left empty and named in a notice: one user's bad cell must not hide
//! the others' progress.

use std::path::Path;

use super::{ColSpec, Loaded, read_rows};
use crate::error::Result;
use crate::input::InputKind;
use crate::model::{MigrationUser, StatusSummary, ValueIssue};

columns! {
    Identity = ColSpec::req("Identity").aka(&["MailboxEmailAddress", "EmailAddress"]),
    Status = ColSpec::req("Status"),
    BatchId = ColSpec::opt("BatchId").aka(&["Batch"])
        .without("users are not matched to their batch by the export"),
    StatusSummary = ColSpec::opt("StatusSummary")
        .without("statuses are bucketed by xtenant's Status table"),
    ErrorSummary = ColSpec::opt("ErrorSummary")
        .without("failures are not explained"),
    Error = ColSpec::opt("Error"),
    BytesTransferred = ColSpec::opt("BytesTransferred"),
    EstimatedTotalTransferSize = ColSpec::opt("EstimatedTotalTransferSize"),
    PercentageComplete = ColSpec::opt("PercentageComplete"),
    SyncedItemCount = ColSpec::opt("SyncedItemCount"),
    SkippedItemCount = ColSpec::opt("SkippedItemCount"),
    HasUnapprovedSkippedItems = ColSpec::opt("HasUnapprovedSkippedItems"),
    DataConsistencyScore = ColSpec::opt("DataConsistencyScore"),
    LastSuccessfulSyncTime = ColSpec::opt("LastSuccessfulSyncTime"),
    ExportedAt = ColSpec::opt("ExportedAt")
        .without("the snapshot's time is the newest LastSuccessfulSyncTime, or --as-of"),
}

pub fn load(path: &Path) -> Result<Loaded<Vec<MigrationUser>>> {
    let (rows, files, mut notices) = read_rows(path, InputKind::MigrationUsers, |row| {
        let mut issues = Vec::new();
        let count = |col: C, issues: &mut Vec<ValueIssue>| {
            // A count is a size without a unit ("1,234").
            row.size(col, issues)
        };
        let status = row.string(C::Status);
        let summary = row
            .text(C::StatusSummary)
            .and_then(StatusSummary::parse)
            .or_else(|| StatusSummary::of_status(&status));
        let error = row
            .text(C::ErrorSummary)
            .or_else(|| row.text(C::Error))
            .unwrap_or_default()
            .to_string();
        let percent = row.text(C::PercentageComplete).and_then(|p| {
            let p = p.trim().trim_end_matches('%');
            match p.parse::<u64>() {
                Ok(n) if n <= 100 => Some(n),
                _ => {
                    issues.push(ValueIssue {
                        column: "PercentageComplete",
                        value: p.to_string(),
                        problem: crate::model::Problem::InvalidPercent,
                    });
                    None
                }
            }
        });
        let user = MigrationUser {
            line: row.line(),
            identity: row.string(C::Identity),
            batch: row.string(C::BatchId),
            summary,
            error,
            bytes_transferred: row.size(C::BytesTransferred, &mut issues),
            estimated_total: row.size(C::EstimatedTotalTransferSize, &mut issues),
            percent_complete: percent,
            synced_items: count(C::SyncedItemCount, &mut issues),
            skipped_items: count(C::SkippedItemCount, &mut issues),
            unapproved_skipped: row.flag(C::HasUnapprovedSkippedItems, &mut issues),
            data_consistency: row.string(C::DataConsistencyScore),
            last_successful_sync: row.timestamp(C::LastSuccessfulSyncTime, &mut issues),
            exported_at: row.timestamp(C::ExportedAt, &mut issues),
            status,
        };
        (user, issues.into_iter().next())
    })?;
    let rows = super::note_bad_values(path, rows, |r| r.line, "; it is left empty", &mut notices);
    Ok((rows, files, notices))
}
