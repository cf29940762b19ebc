//! XT006 `scope-nested-group`: the scope group has groups among its members.

use super::{Context, Finding, RuleMeta, Severity};
use crate::index::some_of;
use crate::ps::quote;

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT006",
    name: "scope-nested-group",
    severity: Severity::Warning,
    org: true,
    summary: "the migration scope group has groups among its members",
    what: "Among the scope group's members (--scope-members) some have a group's RecipientTypeDetails (a distribution, security, dynamic or Microsoft 365 group).",
    why: "Membership of the scope is not nested: a mailbox that is in the scope only through a nested group is not released, and its move fails with MailboxNotInCrossTenantMigrationScopeException. XT405 names each migrating mailbox that is not a direct member.",
    fix: "Add the nested groups' members to the scope group directly (Add-DistributionGroupMember, source tenant), then remove the nested groups from it and export the members again.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn skipped(&self, cx: &Context<'_>) -> Option<&'static str> {
        cx.inputs
            .scope_members
            .is_none()
            .then_some("no scope-members file was given")
    }

    fn check_org(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(members) = &cx.inputs.scope_members else {
            return;
        };
        let groups: Vec<&str> = members
            .iter()
            .filter(|m| is_group(&m.recipient_type_details))
            .map(|m| m.identities().next().unwrap_or_default())
            .collect();
        if groups.is_empty() {
            return;
        }
        let scope = cx
            .scope_group()
            .map_or_else(|| "'<scope group>'".to_string(), |g| quote(&g.name));
        out.push(cx.finding(
            &META,
            format!(
                "the scope group has {} nested group(s) among its members ({}): their members are not in the scope through them",
                groups.len(),
                some_of(groups.iter().copied(), groups.len(), 5)
            ),
            format!(
                "Get-DistributionGroupMember -Identity {group} -ResultSize Unlimited | ForEach-Object {{ Add-DistributionGroupMember -Identity {scope} -Member $_.PrimarySmtpAddress -BypassSecurityGroupManagerCheck -ErrorAction Continue }}; Remove-DistributionGroupMember -Identity {scope} -Member {group} -BypassSecurityGroupManagerCheck -Confirm:$false (source tenant, for each nested group)",
                group = quote(groups[0])
            ),
        ));
    }
}

/// A group's RecipientTypeDetails.
fn is_group(recipient_type_details: &str) -> bool {
    let t = recipient_type_details.to_ascii_lowercase();
    t.ends_with("group") || t == "groupmailbox" || t == "roomlist"
}
