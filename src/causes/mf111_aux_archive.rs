//! MF111 `aux-archive`: an auxiliary archive is missing in the target or was made during the move.

use super::Cause;

pub static CAUSE: Cause = Cause {
    code: "MF111",
    name: "aux-archive",
    summary: "an auxiliary archive is missing in the target or was made during the move",
    patterns: &[
        "AuxArchiveNotFoundInTargetRecipientException",
        "SourceAuxArchiveIsProvisionedDuringCrossTenantMovePermanentException",
    ],
    predicted_by: Some("XT403"),
    resubmit: true,
    what: "The move reports AuxArchiveNotFoundInTargetRecipientException or SourceAuxArchiveIsProvisionedDuringCrossTenantMovePermanentException.",
    why: "Auto-expanding archives move only when the user was in scope as the batch started and no new auxiliary archive is made during the move.",
    fix: "Remove the user from the batch (Remove-MigrationUser) and submit it again, with the archive no longer growing.",
};
