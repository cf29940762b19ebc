//! XT103 `target-claimed-twice`: one target object is matched by several source mailboxes.

use super::{Finding, MailboxCx, RuleMeta, Severity};
use crate::index::some_of;
use crate::join::LISTED;

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT103",
    name: "target-claimed-twice",
    severity: Severity::Blocker,
    org: false,
    summary: "one target object matched by several sources",
    what: "The target object this mailbox matched is also the match of at least one other source mailbox.",
    why: "A MailUser can receive one mailbox. Stamping it for two sources makes one move overwrite the other's identity, or fail on a duplicate ExchangeGuid.",
    fix: "Find which source the object belongs to; map the other source(s) to their own object in the mapping file, or let xtenant create one.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let (Some(t), Some(target)) = (cx.m.target, cx.target) else {
            return;
        };
        let claimants = cx.cx.joined.claimants(t);
        if claimants.len() < 2 {
            return;
        }
        let sources = &cx.cx.inputs.sources;
        let others = claimants
            .iter()
            .filter(|&&s| s != cx.index)
            .map(|&s| sources[s].label());
        out.push(cx.finding(
            &META,
            format!(
                "target {} is also matched by {}",
                target.label(),
                some_of(others, claimants.len() - 1, LISTED)
            ),
            "map each source to its own target object in the mapping file",
        ));
    }
}
