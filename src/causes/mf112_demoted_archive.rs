//! MF112 `demoted-archive`: the user once had an archive that was disabled.

use super::Cause;

pub static CAUSE: Cause = Cause {
    code: "MF112",
    name: "demoted-archive",
    summary: "the user once had an archive that was disabled",
    patterns: &["UserAlreadyHasDemotedArchiveException"],
    predicted_by: None,
    resubmit: false,
    what: "The move reports UserAlreadyHasDemotedArchiveException.",
    why: "A disabled archive still exists in the source and cannot be moved as it is.",
    fix: "Set-Mailbox -RemoveDisabledArchive in the source, or enable the archive again and stamp its ArchiveGuid on the target; then resume.",
};
