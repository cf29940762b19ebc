//! MF110 `source-not-authorized`: the source does not release the mailbox to the target.

use super::Cause;

pub static CAUSE: Cause = Cause {
    code: "MF110",
    name: "source-not-authorized",
    summary: "the source does not release the mailbox to the target",
    patterns: &[
        "MigrationServerConnectionFailedException",
        // Not MRSRemotePermanentException alone: it wraps other causes too.
        "source tenant does not authorize",
    ],
    predicted_by: Some("XT004"),
    resubmit: false,
    what: "The batch cannot connect to the source, or the source refuses the move (MigrationServerConnectionFailedException, MRSRemotePermanentException \"does not authorize\").",
    why: "The source relationship, its app and its scope, and the source admin's consent, release the mailbox: a problem with any stops every move.",
    fix: "Check the source relationship and consent (scripts/Setup-SourceTenant.ps1; readiness.xlsx, Organisation setup), then Test-MigrationServerAvailability and resume.",
};
