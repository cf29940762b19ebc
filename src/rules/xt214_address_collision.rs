//! XT214 `address-collision`: an address xtenant would give the target is already taken.

use super::{Finding, Holder, MailboxCx, RuleMeta, Severity};

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT214",
    name: "address-collision",
    severity: Severity::Blocker,
    org: false,
    summary: "an address xtenant would give the target is already used by another target object or planned for another source",
    what: "The new primary address / UPN of a MailUser xtenant would create, or the delivery-domain proxy it would add, is held by another object in the target tenant or planned for another source mailbox.",
    why: "In a merger both companies have a john.smith. xtenant never silently adds a suffix: the address a person gets is a decision, and a duplicate proxy makes New-MailUser or Set-MailUser fail.",
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
        let targets = &cx.cx.inputs.targets;
        let mut held: Vec<String> = collisions
            .iter()
            .map(|(a, holder)| match holder {
                Holder::Target(t) => format!(
                    "{a} is held by {} ({})",
                    targets[*t].label(),
                    targets[*t].recipient_type_details()
                ),
                Holder::AnotherSource => format!("{a} is planned for another source mailbox too"),
            })
            .collect();
        held.sort();
        held.dedup();
        out.push(cx.finding(
            &META,
            held.join("; "),
            "choose the address: map to the existing object if it is this person, or plan another address",
        ));
    }
}
