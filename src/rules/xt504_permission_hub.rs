//! XT504 `permission-hub`: a mailbox tied by permissions to more mailboxes than the hub limit: planned on its own. Reported by the planner (src/waves/links.rs), which
//! knows the batches; this entry gives the code its place in the catalogue.

use super::{RuleMeta, Severity};

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT504",
    name: "permission-hub",
    severity: Severity::Info,
    org: false,
    summary: "a mailbox tied by permissions to more mailboxes than the hub limit: planned on its own",
    what: "More mailboxes than the [waves] hub-degree setting (default 200) hold permissions with this one, typically a company-wide shared mailbox or a service account. Reported by the planner.",
    why: "Keeping it with all of them would pull most of the tenant into one cluster; it is planned on its own, so some of its delegates end up in other batches (XT501).",
    fix: "Move it with the group that needs it most, or early; check whether all those permissions are still needed.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
