//! XT211 `foreign-smtp-proxy`: the target holds an SMTP proxy in a domain it does not accept.

use super::{Context, Finding, MailboxCx, ProxyEdit, RuleMeta, Severity};
use crate::input::values::{ProxyKind, domain_of};

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT211",
    name: "foreign-smtp-proxy",
    severity: Severity::Fix,
    org: false,
    summary: "target has an SMTP proxy in a domain the target does not accept (NotAcceptedDomainException)",
    what: "One of the target MailUser's SMTP proxy addresses is in a domain that is not an accepted domain of the target tenant (often the source's own domains, copied over).",
    why: "MRS refuses to convert a MailUser with non-owned SMTP proxies into a mailbox: the move fails with NotAcceptedDomainException. Source SMTP addresses cannot be kept in the target; only X500 ones are copied.",
    fix: "Set-MailUser <target> -EmailAddresses @{Remove='smtp:...'} for each; on-premises, remove them from proxyAddresses.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn skipped(&self, cx: &Context<'_>) -> Option<&'static str> {
        cx.without_accepted_domains()
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let domains = &cx.cx.domains;
        let Some(t) = cx.mail_user_target() else {
            return;
        };
        let foreign: Vec<String> = t
            .email_addresses()
            .filter(|p| {
                p.kind == ProxyKind::Smtp
                    && domain_of(p.value).is_some_and(|d| !domains.accepts(&d))
            })
            .map(|p| p.render())
            .collect();
        if foreign.is_empty() {
            return;
        }
        out.push(cx.finding(
            &META,
            format!(
                "target {} has SMTP address(es) in domains it does not accept: {}",
                t.label(),
                foreign.join(", ")
            ),
            cx.edit_proxies(ProxyEdit::Remove, &foreign),
        ));
    }
}
