//! MF108 `migration-license-missing`: neither side has the Cross Tenant User Data Migration licence.

use super::Cause;

pub static CAUSE: Cause = Cause {
    code: "MF108",
    name: "migration-license-missing",
    summary: "neither side has the Cross Tenant User Data Migration licence",
    patterns: &["CrossTenantMigrationWithoutLicensePermanentException"],
    predicted_by: Some("XT303"),
    resubmit: false,
    what: "The move reports CrossTenantMigrationWithoutLicensePermanentException.",
    why: "Each moved user needs a Cross Tenant User Data Migration licence (EXCHANGET2TMBXMOVE) on the source mailbox or the target MailUser.",
    fix: "Assign the licence (source or target), wait for it to show in PersistedCapabilities, then resume the batch.",
};
