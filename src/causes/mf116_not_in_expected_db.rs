//! MF116 `not-in-expected-db`: Microsoft moved the mailbox's database during the move.

use super::Cause;

pub static CAUSE: Cause = Cause {
    code: "MF116",
    name: "not-in-expected-db",
    summary: "the mailbox is not in the database the move expected (Microsoft's maintenance)",
    patterns: &["MailboxIsNotInExpectedDBException"],
    predicted_by: None,
    resubmit: true,
    what: "The move reports MailboxIsNotInExpectedDBException.",
    why: "Microsoft's internal maintenance moved the mailbox to another database while the move ran; no data of the tenant causes it, and resuming the same move keeps failing.",
    fix: "Remove the user from the batch (Remove-MigrationUser) and submit it again (Microsoft's Migration Failures section).",
};
