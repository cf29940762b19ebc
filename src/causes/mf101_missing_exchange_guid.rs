//! MF101 `missing-exchange-guid`: the target MailUser has no (or another) ExchangeGuid.

use super::Cause;

pub static CAUSE: Cause = Cause {
    code: "MF101",
    name: "missing-exchange-guid",
    summary: "the target MailUser has no (or another) ExchangeGuid",
    patterns: &["MissingExchangeGuidException"],
    predicted_by: Some("XT201"),
    resubmit: false,
    what: "The move reports MissingExchangeGuidException: the target MailUser does not carry the source mailbox's ExchangeGuid.",
    why: "MRS moves the mailbox into the object with that GUID; without it there is nothing to move into.",
    fix: "Stamp it (scripts/Apply-Stamping.ps1, or Set-MailUser -ExchangeGuid), then resume the user's batch (Start-MigrationBatch).",
};
