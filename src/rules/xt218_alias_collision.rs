//! XT218 `alias-collision`: the Alias of a MailUser stamping would create is another target
//! recipient's.

use super::{Finding, MailboxCx, RuleMeta, Severity};
use crate::space::Namespace;

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT218",
    name: "alias-collision",
    severity: Severity::Warning,
    org: false,
    summary: "the Alias of a MailUser xtenant would create is already a target recipient's",
    what: "The Alias New-MailUser would be given (the source's Alias, else its primary local part) is the Alias of another recipient of the target tenant, or of another MailUser the plan creates.",
    why: "Microsoft does not document Alias as unique, and New-MailUser accepts a repeated one; but two recipients with one alias confuse address-book lookups, scripts that find recipients by alias (Get-Recipient <alias> then finds two), and the delivery-domain proxy <alias>@<TargetDeliveryDomain>, which must be unique (XT214).",
    fix: "Usually nothing: the new MailUser keeps the alias. If the holder stands for this person (a GAL-sync contact), remove it; or change one alias (Set-MailUser -Alias) before the move.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let collisions = cx.cx.name_collisions(cx.index, Namespace::Alias);
        if collisions.is_empty() {
            return;
        }
        out.push(cx.finding(
            &META,
            format!("Alias {}", cx.cx.describe_collisions(&collisions)),
            "none needed; remove the holder if it stands for this person, or change one alias",
        ));
    }
}
