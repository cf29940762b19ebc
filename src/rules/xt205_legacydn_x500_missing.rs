//! XT205 `legacydn-x500-missing`: the target lacks x500:<source LegacyExchangeDN>.

use super::{Finding, MailboxCx, ProxyEdit, RuleMeta, Severity};
use crate::input::values::ProxyKind;

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT205",
    name: "legacydn-x500-missing",
    severity: Severity::Fix,
    org: false,
    summary: "target lacks x500:<source LegacyExchangeDN>",
    what: "None of the target MailUser's X500 proxy addresses equals the source mailbox's LegacyExchangeDN (compared case-insensitively).",
    why: "Microsoft requires it: the move does not proceed without it, and replies to old mail and Outlook's autocomplete entries address the mailbox by this DN (5.1.1 NDRs otherwise).",
    fix: "Set-MailUser <target> -EmailAddresses @{Add='x500:<LegacyExchangeDN>'} with the DN copied byte for byte (on-premises: add it to proxyAddresses).",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let Some(t) = cx.mail_user_target() else {
            return;
        };
        let dn = cx.source.legacy_dn();
        if dn.is_empty() || t.has_proxy(ProxyKind::X500, dn) {
            return;
        }
        let proxy = format!("x500:{dn}");
        out.push(cx.finding(
            &META,
            format!("target {} lacks {proxy}", t.label()),
            cx.edit_proxies(ProxyEdit::Add, std::slice::from_ref(&proxy)),
        ));
    }
}
