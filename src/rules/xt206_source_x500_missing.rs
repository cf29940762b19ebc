//! XT206 `source-x500-missing`: the target lacks some of the source's X500 proxy addresses.

use super::{Finding, MailboxCx, ProxyEdit, RuleMeta, Severity};
use crate::input::values::{ProxyKind, ProxySet};

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT206",
    name: "source-x500-missing",
    severity: Severity::Fix,
    org: false,
    summary: "target lacks one of the source's X500 proxies",
    what: "An X500 proxy address of the source mailbox (other than its LegacyExchangeDN, see XT205) is not among the target MailUser's proxy addresses.",
    why: "Microsoft's guide requires all source X500 addresses on the target: they are the former LegacyExchangeDNs that old mail, meeting items and autocomplete entries still carry.",
    fix: "Set-MailUser <target> -EmailAddresses @{Add='x500:...','x500:...'}, values copied byte for byte.",
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
        let has = ProxySet::new(t.email_addresses());
        let mut missing: Vec<String> = cx
            .source
            .proxies(ProxyKind::X500)
            .filter(|p| {
                !p.value.eq_ignore_ascii_case(dn) && !has.contains(ProxyKind::X500, p.value)
            })
            .map(|p| format!("x500:{}", p.value))
            .collect();
        missing.sort_by_key(|p| p.to_lowercase());
        missing.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        if missing.is_empty() {
            return;
        }
        out.push(cx.finding(
            &META,
            format!(
                "target {} lacks {} source X500 address(es): {}",
                t.label(),
                missing.len(),
                missing.join("; ")
            ),
            cx.edit_proxies(ProxyEdit::Add, &missing),
        ));
    }
}
