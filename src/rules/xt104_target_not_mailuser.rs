//! XT104 `target-not-mailuser`: the matched target object is a mailbox or another non-MailUser.

use super::{Finding, MailboxCx, RuleMeta, Severity};

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT104",
    name: "target-not-mailuser",
    severity: Severity::Blocker,
    org: false,
    summary: "target is a mailbox or other non-MailUser type",
    what: "The matched target object's RecipientTypeDetails is not MailUser (for example UserMailbox, because it was licensed before ExchangeGuid was stamped).",
    why: "MRS converts a target MailUser into the mailbox; a target that already is a mailbox fails with \"Target user already has a primary mailbox\".",
    fix: "If the target mailbox is empty and unwanted, remove its Exchange licence, wait for it to become a MailUser, clear it with Set-User -PermanentlyClearPreviousMailboxInfo (irreversible), then stamp it. Decide this per object: xtenant never does it for you.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let Some(t) = cx.target else { return };
        if t.is_mail_user() {
            return;
        }
        out.push(cx.finding(
            &META,
            format!("target {} is a {}, not a MailUser", t.label(), t.recipient_type_details()),
            "decide per object: remove the Exchange licence, then Set-User -PermanentlyClearPreviousMailboxInfo (irreversible)",
        ));
    }
}
