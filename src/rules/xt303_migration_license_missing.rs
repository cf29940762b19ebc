//! XT303 `migration-license-missing`: neither side has the Cross Tenant User Data Migration licence.

use super::{Context, Finding, MailboxCx, RuleMeta, Severity};
use crate::input::InputKind;

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT303",
    name: "migration-license-missing",
    severity: Severity::Blocker,
    org: false,
    summary: "UserMailbox with no ExchangeT2TMbxMove capability on either side (Cross Tenant User Data Migration licence)",
    what: "For a UserMailbox, neither the source mailbox's nor the target object's PersistedCapabilities contains ExchangeT2TMbxMove. Shared and resource mailboxes are exempt, as in Microsoft's validation script. Only checked when PersistedCapabilities was exported in both tenants, since the licence may sit on either side.",
    why: "Cross-tenant moves need a Cross Tenant User Data Migration licence on the source or the target user; without it the move fails with CrossTenantMigrationWithoutLicensePermanentException.",
    fix: "Assign the Cross Tenant User Data Migration add-on to the user in either tenant, wait for PersistedCapabilities to show ExchangeT2TMbxMove, and re-export.",
};

const CAPABILITY: &str = "ExchangeT2TMbxMove";

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// A licence on the side that was not exported cannot be seen, so both must be.
    fn skipped(&self, cx: &Context<'_>) -> Option<&'static str> {
        let exported = |kind| cx.inputs.has_column(kind, "PersistedCapabilities");
        (!exported(InputKind::SourceMailboxes) || !exported(InputKind::TargetRecipients))
            .then_some("PersistedCapabilities was not exported in both tenants")
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        if !cx
            .source
            .recipient_type_details()
            .eq_ignore_ascii_case("UserMailbox")
        {
            return;
        }
        let licensed = |c: &str| c.eq_ignore_ascii_case(CAPABILITY);
        if cx.source.persisted_capabilities().any(licensed)
            || cx
                .target
                .is_some_and(|t| t.persisted_capabilities().any(licensed))
        {
            return;
        }
        out.push(cx.finding(
            &META,
            format!(
                "neither {} nor its target has {CAPABILITY} in PersistedCapabilities",
                cx.source.label()
            ),
            "assign the Cross Tenant User Data Migration licence in either tenant",
        ));
    }
}
