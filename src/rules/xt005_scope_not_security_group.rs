//! XT005 `scope-not-security-group`: the scope group is not a mail-enabled security group.

use super::{Context, Finding, RuleMeta, Severity};
use crate::ps::quote;

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT005",
    name: "scope-not-security-group",
    severity: Severity::Blocker,
    org: true,
    summary: "the migration scope group is not a mail-enabled security group",
    what: "The scope group (--scope-group, the group the source relationship's MailboxMovePublishedScopes names) has a RecipientTypeDetails other than MailUniversalSecurityGroup: a distribution group, a Microsoft 365 group, a dynamic group.",
    why: "Set-OrganizationRelationship accepts another kind of group with only a warning (\"Access scope specified ... is not a security group\") and leaves the scope out: the relationship then releases nobody, and every move fails with MailboxNotInCrossTenantMigrationScopeException.",
    fix: "In the source tenant: create a mail-enabled security group (New-DistributionGroup -Type Security), add the migrating mailboxes to it directly, and name it in the relationship (Set-OrganizationRelationship -MailboxMovePublishedScopes <group> -WarningAction Stop, so a warning stops it). scripts/Setup-SourceTenant.ps1 does it.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn skipped(&self, cx: &Context<'_>) -> Option<&'static str> {
        cx.inputs
            .setup
            .scope_group
            .is_none()
            .then_some("no --scope-group export was given")
    }

    fn check_org(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(groups) = &cx.inputs.setup.scope_group else {
            return;
        };
        let Some(g) = groups.first() else {
            out.push(cx.finding(
                &META,
                "the --scope-group export holds no group: the scope group does not exist".into(),
                "New-DistributionGroup -Type Security -Name 'T2T-Migration-Scope' (source tenant), add the migrating mailboxes, name it in the source relationship",
            ));
            return;
        };
        if g.is_security_group() {
            return;
        }
        out.push(cx.finding(
            &META,
            format!(
                "the scope group {} is a {}, not a mail-enabled security group (MailUniversalSecurityGroup): the relationship leaves such a scope out, and every move would fail with MailboxNotInCrossTenantMigrationScopeException",
                quote(&g.name),
                if g.recipient_type_details.is_empty() { "group of no stated kind" } else { &g.recipient_type_details }
            ),
            format!(
                "New-DistributionGroup -Type Security -Name {} (source tenant); add the members of {} to it directly; Set-OrganizationRelationship -Identity <relationship with the target> -MailboxMovePublishedScopes {} -WarningAction Stop",
                quote(&format!("{} (security)", g.name)),
                quote(&g.name),
                quote(&format!("{} (security)", g.name)),
            ),
        ));
    }
}
