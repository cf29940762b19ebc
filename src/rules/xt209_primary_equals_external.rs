//! XT209 `primary-equals-external`: the target's PrimarySmtpAddress equals its ExternalEmailAddress.

use super::{Finding, MailboxCx, RuleMeta, Severity};
use crate::ps::quote;

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT209",
    name: "primary-equals-external",
    severity: Severity::Fix,
    org: false,
    summary: "target PrimarySmtpAddress equals its ExternalEmailAddress (moves fail)",
    what: "The target MailUser's PrimarySmtpAddress is the same address as its ExternalEmailAddress (the source mailbox's address).",
    why: "Setting ExternalEmailAddress without PrimarySmtpAddress makes it the primary too; Microsoft: \"this value will set the PrimarySMTPAddress, which will cause move failures\".",
    fix: "Set-MailUser <target> -PrimarySmtpAddress <address in the target's domain>, keeping ExternalEmailAddress as it is.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let Some(t) = cx.mail_user_target() else {
            return;
        };
        if t.primary_smtp().is_empty()
            || !t
                .primary_smtp()
                .eq_ignore_ascii_case(t.external_email_address())
        {
            return;
        }
        let fix = match &cx.cx.domains.primary {
            Some(d) => {
                let new = format!("{}@{d}", crate::identity::new_local_part(cx.source));
                cx.set_target(
                    &format!("-PrimarySmtpAddress {}", quote(&new)),
                    &format!("-Replace @{{mail={}}}", quote(&new)),
                )
            }
            None => "set the target's PrimarySmtpAddress to an address in its own domain".into(),
        };
        out.push(cx.finding(
            &META,
            format!(
                "target {} has PrimarySmtpAddress equal to its ExternalEmailAddress",
                t.label()
            ),
            fix,
        ));
    }
}
