//! XT212 `delivery-domain-proxy-missing`: the target has no proxy in the TargetDeliveryDomain.

use super::{Context, Finding, MailboxCx, ProxyEdit, RuleMeta, Severity};

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT212",
    name: "delivery-domain-proxy-missing",
    severity: Severity::Fix,
    org: false,
    summary: "target has no proxy in the TargetDeliveryDomain",
    what: "None of the target MailUser's SMTP proxy addresses is in the domain given to New-MigrationBatch as -TargetDeliveryDomain (by default the target's *.onmicrosoft.com domain).",
    why: "When the move completes, MRS stamps the source's new targetAddress with the target's proxy in that domain; without one the move fails: \"The target mailbox doesn't have an SMTP proxy matching '<domain>'\".",
    fix: "Set-MailUser <target> -EmailAddresses @{Add='smtp:<alias>@<delivery domain>'}.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn skipped(&self, cx: &Context<'_>) -> Option<&'static str> {
        cx.domains
            .delivery
            .is_none()
            .then_some("no delivery domain (give --delivery-domain or the accepted domains)")
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let Some(t) = cx.mail_user_target() else {
            return;
        };
        let (Some(domain), Some(proxy)) = (
            &cx.cx.domains.delivery,
            &cx.cx.planned[cx.index].delivery_proxy,
        ) else {
            return;
        };
        out.push(cx.finding(
            &META,
            format!(
                "target {} has no address in the delivery domain {domain}; planned {proxy}",
                t.label()
            ),
            cx.edit_proxies(ProxyEdit::Add, &[format!("smtp:{proxy}")]),
        ));
    }
}
