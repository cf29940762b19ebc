//! MF107 `duplicate-in-other-batch`: the user is already in another migration batch.

use super::Cause;

pub static CAUSE: Cause = Cause {
    code: "MF107",
    name: "duplicate-in-other-batch",
    summary: "the user is already in another migration batch",
    patterns: &["UserDuplicateInOtherBatchException"],
    predicted_by: None,
    resubmit: false,
    what: "The batch reports UserDuplicateInOtherBatchException.",
    why: "A user belongs to one batch at a time: a batch made again, or a user moved to another wave by hand, finds the old one.",
    fix: "Retry the user in its first batch (Start-MigrationBatch), or remove it from that batch (Remove-MigrationUser) before adding it to another.",
};
