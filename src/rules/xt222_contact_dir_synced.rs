//! XT222 `contact-dir-synced`: a dir-synced mail contact stands for this person; it can only be
//! removed on-premises, and the GAL-sync tool must stop making it.

use super::{Finding, MailboxCx, RuleMeta, Severity};
use crate::contacts::{self, Kind};

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT222",
    name: "contact-dir-synced",
    severity: Severity::Warning,
    org: false,
    summary: "a dir-synced contact stands for this person: remove it on-premises and exclude the person from GAL sync",
    what: "A mail contact of the target tenant that is synchronised from on-premises (IsDirSynced) stands for this source mailbox: its ExternalEmailAddress or a proxy is one of the source's SMTP addresses, or it holds the source's LegacyExchangeDN or an X500 of it.",
    why: "Exchange Online cannot remove or change a dir-synced object, and the on-premises GAL-sync tool that made the contact re-creates what it sees deleted. While it exists, every value it holds that stamping needs is refused (XT214, XT216, XT217 then block the person), and the person is in the address book twice.",
    fix: "In the on-premises GAL-sync tool, exclude this person (or the source's migrated users) so the contact is not made again; remove the contact in on-premises AD (stamping/contacts.csv, Action RemoveOnPremises, keeps its LegacyExchangeDN and addresses); let directory sync run; export and plan again. Then add x500:<its LegacyExchangeDN> (from contacts.csv) to the MailUser if people mailed the contact.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        cx.for_each_stand_in(|o, other, holds| {
            if Kind::of(other) != Some(Kind::Contact) || contacts::removed_in_cloud(other) {
                return;
            }
            out.push(cx.finding(
                &META,
                format!(
                    "{}; it is dir-synced: remove it on-premises and exclude the person from GAL sync",
                    cx.cx.stand_in_message(o, holds)
                ),
                "exclude the person from GAL sync, remove the contact on-premises (stamping/contacts.csv), sync, export again",
            ));
        });
    }
}
