//! MF114 `bad-items`: too many corrupted or too large items.

use super::Cause;

pub static CAUSE: Cause = Cause {
    code: "MF114",
    name: "bad-items",
    summary: "too many corrupted or too large items",
    patterns: &[
        "TooManyBadItemsPermanentException",
        "TooManyLargeItemsPermanentException",
        "TooManyMissingItemsPermanentException",
    ],
    predicted_by: None,
    resubmit: false,
    what: "The move reports TooManyBadItemsPermanentException, TooManyLargeItemsPermanentException or TooManyMissingItemsPermanentException.",
    why: "Items MRS cannot copy are skipped up to a limit; past it, or with skipped items not approved, the move stops.",
    fix: "Review the skipped items (Get-MigrationUserStatistics -IncludeSkippedItems), then Set-MigrationUser -ApproveSkippedItems and resume.",
};
