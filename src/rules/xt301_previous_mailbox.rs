//! XT301 `previous-mailbox`: the target object had a mailbox before.

use super::{Finding, MailboxCx, RuleMeta, Severity};
use crate::ps::quote;

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT301",
    name: "previous-mailbox",
    severity: Severity::Blocker,
    org: false,
    summary: "target was a mailbox before: needs Set-User -PermanentlyClearPreviousMailboxInfo (irreversible)",
    what: "Get-User shows a PreviousRecipientTypeDetails (for example UserMailbox) on the target object: it was licensed and had a mailbox, whose GUID it remembers.",
    why: "A previous mailbox GUID that differs from the source's makes the move fail. Clearing it deletes that soft-deleted mailbox permanently, so xtenant never does it automatically.",
    fix: "Confirm nobody needs the old mailbox's content, then Set-User <target> -PermanentlyClearPreviousMailboxInfo (irreversible) and stamp the ExchangeGuid again.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let Some(t) = cx.target else { return };
        let prev = t.previous_recipient_type_details().trim();
        if prev.is_empty()
            || prev.eq_ignore_ascii_case("None")
            || prev.eq_ignore_ascii_case("MailUser")
        {
            return;
        }
        out.push(cx.finding(
            &META,
            format!("target {} was a {prev} before (PreviousRecipientTypeDetails)", t.label()),
            format!("after confirming its old content is not needed: Set-User -Identity {} -PermanentlyClearPreviousMailboxInfo", quote(t.label())),
        ));
    }
}
