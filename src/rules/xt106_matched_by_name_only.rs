//! XT106 `matched-by-name-only`: the target was found only by a name match onto a placeholder.

use super::{Finding, MailboxCx, RuleMeta, Severity};
use crate::join::MatchedBy;

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT106",
    name: "matched-by-name-only",
    severity: Severity::Warning,
    org: false,
    summary: "matched by alias or address local part only: confirm, or add the pair to the mapping file",
    what: "No GUID, address or x500 evidence links the mailbox to its target; the only link is an equal alias, UPN local part or primary SMTP local part, onto a placeholder MailUser (no ExchangeGuid, no foreign ExternalEmailAddress).",
    why: "Names collide in mergers (both companies have a john.smith). xtenant only name-matches onto placeholders, but a human should confirm the pairing before stamping.",
    fix: "Confirm the pair and add it to the mapping file, or stamp the target's ExternalEmailAddress with the source address so the next run matches on evidence.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let (Some(MatchedBy::Name), Some(t)) = (cx.m.by, cx.target) else {
            return;
        };
        out.push(cx.finding(
            &META,
            format!("{} matched {} by name only", cx.source.label(), t.label()),
            format!(
                "confirm and add to the mapping file: {},{}",
                cx.source.label(),
                t.label()
            ),
        ));
    }
}
