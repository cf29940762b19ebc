//! XT208 `primary-smtp-not-accepted`: the target's PrimarySmtpAddress is in a domain the target
//! tenant does not accept.

use super::{Context, Finding, MailboxCx, RuleMeta, Severity};
use crate::input::values::domain_of;
use crate::ps::quote;

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT208",
    name: "primary-smtp-not-accepted",
    severity: Severity::Fix,
    org: false,
    summary: "target PrimarySmtpAddress not in a target accepted domain",
    what: "The domain of the target MailUser's PrimarySmtpAddress is not one of the target tenant's accepted domains (sub-domains do not count).",
    why: "The mailbox the move creates can only send from domains its tenant owns; a foreign primary address makes the conversion fail, and licensing would scrub it anyway.",
    fix: "Set-MailUser <target> -PrimarySmtpAddress <address in the target's domain>, e.g. the one xtenant's address policy gives.",
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
        let Some(domain) = domain_of(t.primary_smtp()) else {
            return;
        };
        if domains.accepts(&domain) {
            return;
        }
        let fix = match &domains.primary {
            Some(p) => {
                // The same address stamping gives it.
                let new = format!("{}@{p}", crate::identity::new_local_part(cx.source));
                cx.set_target(
                    &format!("-PrimarySmtpAddress {}", quote(&new)),
                    &format!("-Replace @{{mail={}}}", quote(&new)),
                )
            }
            None => "give the target a primary address in one of its accepted domains".into(),
        };
        out.push(cx.finding(
            &META,
            format!(
                "target {} has its primary address in {domain}, which the target does not accept",
                t.label()
            ),
            fix,
        ));
    }
}
