//! XT221 `contact-duplicate`: a cloud mail contact stands for this person beside the MailUser,
//! a second entry in the target's address book; the plan offers its conversion.

use super::{Finding, MailboxCx, RuleMeta, Severity};
use crate::contacts;

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT221",
    name: "contact-duplicate",
    severity: Severity::Warning,
    org: false,
    summary: "a GAL-sync contact stands for this person beside the MailUser: a duplicate in the address book",
    what: "A mail contact of the target tenant that is not dir-synced stands for this source mailbox (its ExternalEmailAddress or a proxy is one of the source's SMTP addresses, or it holds the source's LegacyExchangeDN or an X500 of it), but holds nothing stamping gives the MailUser.",
    why: "Nothing fails, but after the move the person is in the target's address book twice: mail sent to the contact goes back to the old mailbox in the source tenant, which the move empties. People who mailed the contact need its LegacyExchangeDN on the MailUser to reply to old mail.",
    fix: "Convert it with the plan: stamping/contacts.csv lists it and scripts/Apply-Stamping.ps1 removes it and gives the MailUser x500:<its LegacyExchangeDN> and its other proxies. To keep the contact until the move, run that part after the wave instead.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        cx.for_each_stand_in(|o, other, holds| {
            if !contacts::removed_in_cloud(other) || !holds.is_empty() || !cx.cx.stamps(cx.index) {
                return;
            }
            out.push(cx.finding(
                &META,
                format!(
                    "{} beside the MailUser: stamping/contacts.csv removes it and carries its LegacyExchangeDN",
                    cx.cx.stand_in_message(o, holds),
                ),
                "let Apply-Stamping.ps1 convert it (stamping/contacts.csv)",
            ));
        });
    }
}
