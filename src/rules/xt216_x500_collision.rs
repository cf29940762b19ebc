//! XT216 `x500-collision`: an x500 proxy stamping would add is held by another target
//! recipient (a GAL-sync contact, most often).

use super::{Finding, MailboxCx, RuleMeta, Severity};
use crate::space::Namespace;

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT216",
    name: "x500-collision",
    severity: Severity::Blocker,
    org: false,
    summary: "an x500 proxy stamping would add is held by another target recipient",
    what: "x500:<source LegacyExchangeDN>, or one of the source's X500 proxies, which stamping adds to the target MailUser, is already an X500 proxy address of another recipient of the target tenant (a mail contact, a group, a public folder, a guest or another MailUser or mailbox), or the LegacyExchangeDN of one of the --target-other-recipients (target-recipients.csv has no LegacyExchangeDN column, so a MailUser's own is not seen).",
    why: "Exchange Online refuses a proxy address another recipient holds (\"The proxy address ... is already being used by the proxy addresses or LegacyExchangeDN of ...\"), so the stamping of this MailUser would fail; for a dir-synced object Entra ID drops the value with a PropertyConflict instead, which is as bad. Without the x500, replies to the person's old mail and the cached addresses of every Outlook in the source bounce after the move. The holder is usually a GAL-sync contact made so the two companies could mail each other before the merger: it stands for this very person.",
    fix: "If the holder stands for this person (a GAL-sync contact), remove it (Remove-MailContact; on-premises, in the GAL-sync tool and AD, or it comes back), carry its LegacyExchangeDN to the MailUser as an x500, and re-export. Otherwise remove the proxy from the holder (Set-<its kind> -EmailAddresses @{Remove='<proxy>'}) if it does not belong there.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let collisions = cx.cx.proxy_collisions(cx.index, Namespace::X500);
        if collisions.is_empty() {
            return;
        }
        out.push(cx.finding(
            &META,
            cx.cx.describe_collisions(&collisions),
            "remove the holder if it stands for this person (a GAL-sync contact), or remove the proxy from it; then re-export",
        ));
    }
}
