//! XT214 `address-collision`: an address xtenant would give the target is already taken.

use super::{Finding, MailboxCx, RuleMeta, Severity};

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT214",
    name: "address-collision",
    severity: Severity::Blocker,
    org: false,
    summary: "an address xtenant would give the target is already held by another target recipient or planned for another source",
    what: "The primary address / UPN of a MailUser xtenant would create, the primary address that replaces an unusable one, or the delivery-domain proxy stamping adds, is held by another recipient of the target tenant (a MailUser or mailbox of target-recipients.csv; a contact, group, public folder or guest of --target-other-recipients) or planned for another source mailbox.",
    why: "In a merger both companies have a john.smith, and the target's groups and contacts hold addresses too. xtenant never silently adds a suffix: the address a person gets is a decision, and Exchange Online refuses a proxy address another recipient holds (\"The proxy address ... is already being used by ...\"), so New-MailUser or Set-MailUser would fail.",
    fix: "Decide the address: add the pair to the mapping file if the existing object is this person, or give the new object another address (an address template, or rename the existing one).",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let collisions = cx.cx.collisions(cx.index);
        if collisions.is_empty() {
            return;
        }
        out.push(cx.finding(
            &META,
            cx.cx.describe_collisions(&collisions),
            "choose the address: map to the existing object if it is this person, or plan another address",
        ));
    }
}
