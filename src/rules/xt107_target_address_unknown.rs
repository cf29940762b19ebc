//! XT107 `target-address-unknown`: nothing names the address the mailbox's target would have,
//! so no batch file could name it.

use super::{Finding, MailboxCx, RuleMeta, Severity};
use crate::identity;

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT107",
    name: "target-address-unknown",
    severity: Severity::Blocker,
    org: false,
    summary: "no address for the target: the mailbox cannot be put in a batch",
    what: "xtenant cannot say which address the mailbox's target will have once stamped: there is no target and no domain to create one in, or the target's PrimarySmtpAddress must change (empty, in a domain the target does not accept, or equal to its ExternalEmailAddress) and no primary domain is known to change it to.",
    why: "New-MigrationBatch finds each user by the EmailAddress of its batch file, which must be an address of the target MailUser; a blank line or the source's own address fails the user with MigrationRecipientNotFoundException or moves nothing. Such a mailbox is held back rather than written into a batch.",
    fix: "Give the target's domains: --accepted-domains target-accepted-domains.csv (Get-AcceptedDomain), or --primary-domain and --delivery-domain; or set the target's PrimarySmtpAddress to an address in its own domain and export it again.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let m = cx.m;
        // An ambiguous or unresolved match has its own blocker (XT102, XT105).
        if m.target.is_none() && (!m.ambiguous.is_empty() || m.unresolved_mapping.is_some()) {
            return;
        }
        let planned = &cx.cx.planned[cx.index];
        if identity::primary_after_stamping(cx.target, planned, &cx.cx.domains).is_some() {
            return;
        }
        let message = match cx.target {
            None => format!(
                "no target matches {} and no primary domain is known to name the MailUser to create",
                cx.source.label()
            ),
            Some(t) => format!(
                "target {}'s PrimarySmtpAddress {:?} must change and no primary domain is known to change it to",
                t.label(),
                t.primary_smtp()
            ),
        };
        out.push(cx.finding(&META, message, META.fix));
    }
}
