//! XT503 `delegate-not-migrating`: one side of a permission is Blocked, or is not a mailbox of the source export. Reported by the planner (src/waves/links.rs), which
//! knows the batches; this entry gives the code its place in the catalogue.

use super::{RuleMeta, Severity};

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT503",
    name: "delegate-not-migrating",
    severity: Severity::Warning,
    org: false,
    summary: "one side of a permission is Blocked, or is not a mailbox of the source export",
    what: "A FullAccess, SendAs or send-on-behalf permission links this mailbox with one that is Blocked, or with a trustee that is not a source mailbox (a group, a user without a mailbox, a deleted account). Reported by the planner once per mailbox and holder, naming every permission between them.",
    why: "The permission cannot move with the mailbox: after the move it stops working until it is granted again in the target, to the right object.",
    fix: "Fix the other mailbox's blockers so both move together, or grant the permission again in the target after the move to the object that stands for the holder there (stamping/permissions.csv lists each grant with its Status; batches/permissions-unresolved.csv the unresolved trustees).",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
