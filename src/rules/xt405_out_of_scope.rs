//! XT405 `out-of-scope`: the mailbox is not a member of the migration scope group.

use super::{Context, Finding, MailboxCx, RuleMeta, Severity};
use crate::ps::quote;

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT405",
    name: "out-of-scope",
    severity: Severity::Blocker,
    org: false,
    summary: "mailbox is not in the migration scope group",
    what: "A scope-members export was given and none of the mailbox's identities (primary address, proxies, UPN, alias, name, ExternalDirectoryObjectId) is in it.",
    why: "The source organization relationship only releases members of its MailboxMovePublishedScopes group: the move fails with MailboxNotInCrossTenantMigrationScopeException. Nested groups are not supported.",
    fix: "Add-DistributionGroupMember -Identity <scope group> -Member <mailbox> in the source tenant (directly, not through a nested group), then re-export the members with -ResultSize Unlimited.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn skipped(&self, cx: &Context<'_>) -> Option<&'static str> {
        cx.scope
            .is_none()
            .then_some("no scope-members file was given")
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let Some(scope) = &cx.cx.scope else { return };
        let s = cx.source;
        let in_scope = s.unique_identities().any(|id| !scope.get(id).is_empty());
        if in_scope {
            return;
        }
        out.push(cx.finding(
            &META,
            format!("{} is not a member of the migration scope group", s.label()),
            format!(
                "Add-DistributionGroupMember -Identity '<scope group>' -Member {}",
                quote(s.label())
            ),
        ));
    }
}
