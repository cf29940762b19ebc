//! MF109 `inbound-not-authorized`: the target's organization relationship does not allow inbound moves.

use super::Cause;

pub static CAUSE: Cause = Cause {
    code: "MF109",
    name: "inbound-not-authorized",
    summary: "the target's organization relationship does not allow inbound moves",
    patterns: &[
        "does not authorize 'pull' or Inbound",
        "InboundMailboxMoveCapabilityMissingException",
    ],
    predicted_by: Some("XT003"),
    resubmit: false,
    what: "The move reports that the organization does not authorize 'pull' or Inbound moves from the remote organization.",
    why: "The target pulls the mailbox through its relationship with the source: missing, disabled or without Inbound, every move fails.",
    fix: "Set the target's relationship (scripts/Setup-TargetTenant.ps1), then resume the batches.",
};
