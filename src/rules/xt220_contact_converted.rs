//! XT220 `contact-converted`: a GAL-sync mail contact stands for this person and holds values
//! stamping adds; the stamping removes it first and carries what it holds to the MailUser.

use super::{Finding, MailboxCx, RuleMeta, Severity};
use crate::contacts;

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT220",
    name: "contact-converted",
    severity: Severity::Fix,
    org: false,
    summary: "a GAL-sync contact for this person holds values stamping adds: stamping removes it and carries its LegacyExchangeDN",
    what: "A mail contact of the target tenant that is not dir-synced stands for this source mailbox (its ExternalEmailAddress or a proxy is one of the source's SMTP addresses, or it holds the source's LegacyExchangeDN or an X500 of it), and it holds an address, x500, X400, Name or alias that stamping gives the person's MailUser.",
    why: "Exchange Online refuses a proxy address another recipient holds (\"The proxy address ... is already being used by ...\"), and New-MailUser a Name in use, so the stamping would fail while the contact exists; once the MailUser exists beside it, the person is in the target's address book twice. The contact was made (usually by a GAL-sync tool) so the two companies could mail each other before the merger: people in the target mailed it, and their replies to old mail need its LegacyExchangeDN.",
    fix: "Nothing by hand: stamping/contacts.csv lists the contact (with its addresses, so nothing is lost) and scripts/Apply-Stamping.ps1 removes it (Remove-MailContact) before it stamps; the MailUser gets x500:<the contact's LegacyExchangeDN>, its other X500/X400 proxies and its SMTP addresses in the target's accepted domains. Groups the contact was a member of, and recipients that named it (forwarding, accepted or rejected senders, moderation), lose it: given their exports (--target-group-members, --target-references), stamping/group-members.csv and stamping/references.csv list them and the script puts the MailUser in its place.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        cx.for_each_stand_in(|o, other, holds| {
            if !contacts::removed_in_cloud(other) || holds.is_empty() {
                return;
            }
            out.push(cx.finding(
                &META,
                format!(
                    "{}: stamping removes it first and carries its LegacyExchangeDN to the MailUser",
                    cx.cx.stand_in_message(o, holds)
                ),
                "none by hand: Apply-Stamping.ps1 removes the contact (stamping/contacts.csv), then stamps",
            ));
        });
    }
}
