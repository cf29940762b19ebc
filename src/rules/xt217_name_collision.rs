//! XT217 `name-collision`: the Name of a MailUser stamping would create is another target
//! recipient's.

use super::{Finding, MailboxCx, RuleMeta, Severity};
use crate::space::Namespace;

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT217",
    name: "name-collision",
    severity: Severity::Blocker,
    org: false,
    summary: "the Name of a MailUser xtenant would create is already a target recipient's",
    what: "The Name New-MailUser would be given (the source's Name, else its DisplayName) is the Name of another recipient of the target tenant (a MailUser, mailbox, contact, group, public folder or guest; users without mail too, when their Names are in a --target-other-recipients file), or of another MailUser the plan creates.",
    why: "Name is unique among the objects of a tenant's directory: New-MailUser -Name fails on a Name in use. A GAL-sync contact for the person usually has exactly the person's Name.",
    fix: "If the holder stands for this person (a GAL-sync contact), remove it and re-export. If it is this person's existing object, add the pair to the mapping file. Otherwise rename one of the two (Set-MailContact / Set-DistributionGroup -Name, or the source's Name).",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let collisions = cx.cx.name_collisions(cx.index, Namespace::Name);
        if collisions.is_empty() {
            return;
        }
        out.push(cx.finding(
            &META,
            format!("Name {}", cx.cx.describe_collisions(&collisions)),
            "remove the holder if it stands for this person, map to it if it is this person's object, or rename one of them",
        ));
    }
}
