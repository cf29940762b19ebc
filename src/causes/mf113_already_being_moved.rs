//! MF113 `already-being-moved`: the source mailbox has another move request.

use super::Cause;

pub static CAUSE: Cause = Cause {
    code: "MF113",
    name: "already-being-moved",
    summary: "the source mailbox has another move request",
    patterns: &["SourceMailboxAlreadyBeingMovedPermanentException"],
    predicted_by: Some("XT408"),
    resubmit: false,
    what: "The move reports SourceMailboxAlreadyBeingMovedPermanentException.",
    why: "A mailbox takes one move at a time; a leftover move request (or an internal one) holds it.",
    fix: "Remove the leftover move request in the source (Get-MoveRequest; Remove-MoveRequest) or wait for the internal one; then resume.",
};
