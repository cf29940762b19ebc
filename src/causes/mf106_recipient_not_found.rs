//! MF106 `recipient-not-found`: the batch named an address no target recipient has.

use super::Cause;

pub static CAUSE: Cause = Cause {
    code: "MF106",
    name: "recipient-not-found",
    summary: "the batch named an address no target recipient has",
    patterns: &[
        "MigrationRecipientNotFoundException",
        "A recipient wasn't found",
    ],
    predicted_by: Some("XT101"),
    resubmit: true,
    what: "The batch reports MigrationRecipientNotFoundException: the address in the batch CSV resolves to no target object.",
    why: "Batch CSVs name the target's address; a MailUser that was not created, or an address that was not stamped, leaves the row without a user.",
    fix: "Create or stamp the MailUser (scripts/Apply-Stamping.ps1), then submit the user again.",
};
