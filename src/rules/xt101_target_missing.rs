//! XT101 `target-missing`: no target object was found for the mailbox.

use super::{Finding, MailboxCx, RuleMeta, Severity};
use crate::identity;
use crate::ps::quote;

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT101",
    name: "target-missing",
    severity: Severity::Fix,
    org: false,
    summary: "no target object: a New-MailUser row will be generated",
    what: "No target recipient matches the source mailbox by mapping file, ExchangeGuid, ExternalEmailAddress, x500:LegacyExchangeDN or (for placeholders) name.",
    why: "A cross-tenant move needs a MailUser in the target that carries the source's ExchangeGuid, ArchiveGuid and x500 addresses; without one the batch fails with MigrationRecipientNotFoundException.",
    fix: "Create the MailUser (xtenant's stamping output does this), or, if it exists under another identity, add the pair to the mapping file.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let m = cx.m;
        if m.target.is_some() || !m.ambiguous.is_empty() || m.unresolved_mapping.is_some() {
            return;
        }
        let s = cx.source;
        let planned = &cx.cx.planned[cx.index];
        let fix = match &planned.primary {
            Some(upn) => {
                // The same Name stamping gives the new object.
                let name = identity::new_name(s);
                let name = if name.is_empty() { upn.as_str() } else { name.as_str() };
                format!(
                    "New-MailUser -Name {} -DisplayName {} -Alias {} -MicrosoftOnlineServicesID {} -PrimarySmtpAddress {} -ExternalEmailAddress {} -Password (Read-Host -AsSecureString -Prompt 'Password'); then stamp ExchangeGuid, ArchiveGuid and x500 (XT201-XT206)",
                    quote(name),
                    quote(s.display_name()),
                    quote(&identity::new_alias(s)),
                    quote(upn),
                    quote(upn),
                    quote(&format!("SMTP:{}", s.routing_address())),
                )
            }
            None => "create the target MailUser (give --primary-domain or the accepted domains so xtenant can name it)".into(),
        };
        out.push(cx.finding(
            &META,
            format!(
                "no target object matches {} by ExchangeGuid, ExternalEmailAddress, x500 or name",
                s.label()
            ),
            fix,
        ));
    }
}
