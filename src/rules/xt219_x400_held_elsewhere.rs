//! XT219 `x400-held-elsewhere`: an X400 proxy of the source is held by another target
//! recipient, so stamping leaves it out.

use super::{Finding, MailboxCx, RuleMeta, Severity};
use crate::space::Namespace;

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT219",
    name: "x400-held-elsewhere",
    severity: Severity::Warning,
    org: false,
    summary: "a source X400 proxy is held by another target recipient: stamping leaves it out",
    what: "An X400 proxy address of the source mailbox, which stamping would copy to the target MailUser, is already a proxy address of another recipient of the target tenant.",
    why: "X.400 addresses are built from names (two Aisha Schmidts get the same one), and Microsoft recommends, but does not require, copying them. A proxy another recipient holds can be refused (\"The proxy address ... is already being used\"), which would fail the whole stamping of the MailUser, so stamping carries every other value and leaves this one out rather than risk that.",
    fix: "Usually nothing. If mail still arrives by X.400 for this person, remove the proxy from the holder first and add it to the MailUser by hand.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let collisions = cx.cx.proxy_collisions(cx.index, Namespace::X400);
        if collisions.is_empty() {
            return;
        }
        out.push(cx.finding(
            &META,
            format!(
                "{}; stamping leaves it out",
                cx.cx.describe_collisions(&collisions)
            ),
            "none needed; to keep it, remove it from the holder and add it to the MailUser by hand",
        ));
    }
}
