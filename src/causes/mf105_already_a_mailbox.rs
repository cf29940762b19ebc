//! MF105 `already-a-mailbox`: the target object already has a primary mailbox.

use super::Cause;

pub static CAUSE: Cause = Cause {
    code: "MF105",
    name: "already-a-mailbox",
    summary: "the target object already has a primary mailbox",
    patterns: &["already has a primary mailbox"],
    predicted_by: Some("XT104"),
    resubmit: false,
    what: "The move reports that the target user already has a primary mailbox: a licence provisioned one before the ExchangeGuid was stamped, or the object was a mailbox.",
    why: "MRS moves into a MailUser; a mailbox there cannot receive the move.",
    fix: "Remove the licence, then, if the new mailbox holds nothing, turn the object back into a MailUser and clear it (Set-User -PermanentlyClearPreviousMailboxInfo); stamp, and resume.",
};
