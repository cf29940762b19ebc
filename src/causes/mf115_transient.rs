//! MF115 `transient`: a temporary failure on Microsoft's side.

use super::Cause;

pub static CAUSE: Cause = Cause {
    code: "MF115",
    name: "transient",
    summary: "a temporary failure on Microsoft's side",
    patterns: &[
        "TransientException",
        "StalledDueTo",
        "RelinquishedWlmStall",
        "timed out",
    ],
    predicted_by: None,
    resubmit: false,
    what: "The move reports a transient condition (a TransientException, a stall due to load or maintenance).",
    why: "Microsoft's service retries or recovers on its own; these are not data problems.",
    fix: "Resume the batch (Start-MigrationBatch); if it persists a day, remove the user and submit it again, or open a case with Microsoft.",
};
