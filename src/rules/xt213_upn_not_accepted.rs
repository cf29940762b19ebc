//! XT213 `upn-not-accepted`: the target's UPN is not in an accepted domain of the target.

use super::{Context, Finding, MailboxCx, RuleMeta, Severity};
use crate::input::values::domain_of;

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT213",
    name: "upn-not-accepted",
    severity: Severity::Warning,
    org: false,
    summary: "target UPN not in a target accepted domain",
    what: "The domain of the target's UserPrincipalName is not one of the target tenant's accepted domains.",
    why: "The UPN is the user's new sign-in name; Outlook profiles are rebuilt with it after the move. A UPN in a foreign domain usually means the object was created from the source's values.",
    fix: "Set-MailUser <target> -MicrosoftOnlineServicesID <name>@<target domain> (on-premises: userPrincipalName).",
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
        let Some(domain) = domain_of(t.upn()) else {
            return;
        };
        if domains.accepts(&domain) {
            return;
        }
        out.push(cx.finding(
            &META,
            format!("target UPN {} is in {domain}, which the target does not accept", t.upn()),
            "give the target a UPN in one of its accepted domains (Set-MailUser -MicrosoftOnlineServicesID)",
        ));
    }
}
