//! XT501 `delegates-split`: a permission links two mailboxes planned into different batches. Reported by the planner (src/waves/links.rs), which
//! knows the batches; this entry gives the code its place in the catalogue.

use super::{RuleMeta, Severity};

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT501",
    name: "delegates-split",
    severity: Severity::Warning,
    org: false,
    summary: "a permission links two mailboxes planned into different batches",
    what: "The planner had to put two mailboxes linked by FullAccess, SendAs or send-on-behalf into different batches: their cluster is larger than a batch, or one of them is a hub (XT504). Reported by the planner once per linked pair, naming both sides and every permission between them (a shared mailbox's delegate usually holds FullAccess and SendAs: one finding); the workbook's Permissions sheet lists the same pairs with both sides' waves and batches.",
    why: "Cross-tenant mailbox and calendar permissions do not work: between the two moves, the delegate cannot open the mailbox (Microsoft: organise principals and delegates into the same batches).",
    fix: "Accept the gap (schedule the two batches close together: scripts/Restore-Permissions.ps1 grants the FullAccess again once the later of the two has moved, and Send-As before either moves, from stamping/permissions.csv), or shrink the cluster (remove stale permissions in the source) so it fits a batch.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
