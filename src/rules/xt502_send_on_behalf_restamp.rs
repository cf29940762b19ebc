//! XT502 `send-on-behalf-restamp`: a delegate sends on behalf of the mailbox: grant it again after the move. Reported by the planner (src/waves/links.rs), which
//! knows the batches; this entry gives the code its place in the catalogue.

use super::{RuleMeta, Severity};

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT502",
    name: "send-on-behalf-restamp",
    severity: Severity::Info,
    org: false,
    summary: "a delegate sends on behalf of the mailbox: grant it again after the move",
    what: "The mailbox has GrantSendOnBehalfTo entries. Reported by the planner for each one.",
    why: "Send-on-behalf (publicDelegates) does not move cross-tenant: after the move the delegate can no longer send on behalf until it is granted again in the target.",
    fix: "Run scripts/Restore-Permissions.ps1 -Wave <wave> after the wave completes (stamping/permissions.csv lists the delegates, Permission SendOnBehalf).",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
