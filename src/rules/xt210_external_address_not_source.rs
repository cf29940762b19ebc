//! XT210 `external-address-not-source`: the target's ExternalEmailAddress does not point at the
//! source mailbox.

use super::{Finding, MailboxCx, RuleMeta, Severity};
use crate::input::values::address_key;
use crate::ps::quote;

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT210",
    name: "external-address-not-source",
    severity: Severity::Fix,
    org: false,
    summary: "target ExternalEmailAddress missing or not one of the source's SMTP addresses",
    what: "The target MailUser's ExternalEmailAddress (targetAddress) is empty or is not one of the source mailbox's SMTP addresses.",
    why: "Until the move completes, mail to the target MailUser is routed to its ExternalEmailAddress; it must reach the source mailbox (Microsoft's validation script checks the same).",
    fix: "Set-MailUser <target> -ExternalEmailAddress <source *.onmicrosoft.com address> -PrimarySmtpAddress <current primary>: giving both keeps the primary from changing.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let Some(t) = cx.mail_user_target() else {
            return;
        };
        let external = address_key(t.external_email_address());
        if !external.is_empty()
            && cx
                .source
                .smtp_addresses()
                .any(|a| address_key(a) == external)
        {
            return;
        }
        let route = cx.source.routing_address();
        let found = if external.is_empty() {
            "no ExternalEmailAddress".to_string()
        } else {
            format!("ExternalEmailAddress {}", t.external_email_address())
        };
        let new = quote(&format!("SMTP:{route}"));
        // Giving the current primary with it keeps the primary from changing.
        let mut cloud = format!("-ExternalEmailAddress {new}");
        if !t.primary_smtp().is_empty() {
            cloud.push_str(&format!(" -PrimarySmtpAddress {}", quote(t.primary_smtp())));
        }
        out.push(cx.finding(
            &META,
            format!(
                "target {} has {found}; expected one of the source's addresses, e.g. {route}",
                t.label()
            ),
            cx.set_target(&cloud, &format!("-Replace @{{targetAddress={new}}}")),
        ));
    }
}
