//! XT003 `target-relationship`: the target has no working organization relationship with the
//! source tenant for inbound moves.

use super::{Context, Finding, RuleMeta, Severity};
use crate::ps::quote;

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT003",
    name: "target-relationship",
    severity: Severity::Blocker,
    org: true,
    summary: "the target's organization relationship does not allow inbound moves from the source",
    what: "In the target's organization relationships (--target-org-relationships), none names the source tenant ID (--source-tenant-id) in DomainNames, or the one that does is not Enabled, not MailboxMoveEnabled, or its MailboxMoveCapability lacks Inbound. A relationship that allows both directions (\"Inbound, RemoteOutbound\") is right: Microsoft's validation script wrongly fails it.",
    why: "The target pulls the mailboxes: without this relationship every move fails with MigrationPermanentException \"Your organization does not authorize 'pull' or Inbound moves from the remote organization\".",
    fix: "In the target tenant: Set-OrganizationRelationship on the relationship with the source (-Enabled $true -MailboxMoveEnabled $true, Inbound added to MailboxMoveCapability), or New-OrganizationRelationship -DomainNames <source tenant ID> -Enabled $true -MailboxMoveEnabled $true -MailboxMoveCapability Inbound. scripts/Setup-TargetTenant.ps1 does it.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn skipped(&self, cx: &Context<'_>) -> Option<&'static str> {
        if cx.inputs.setup.target_relationships.is_none() {
            Some("no --target-org-relationships export was given")
        } else if cx.setup.source_tenant_id.is_none() {
            Some("no --source-tenant-id was given")
        } else {
            None
        }
    }

    fn check_org(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(source) = cx.setup.source_tenant_id else {
            return;
        };
        const ERROR: &str = "every move would fail with \"Your organization does not authorize 'pull' or Inbound moves from the remote organization\"";
        let Some(rel) = cx.target_relationship() else {
            out.push(cx.finding(
                &META,
                format!(
                    "no organization relationship in the target names the source tenant {source} in DomainNames: {ERROR}"
                ),
                format!(
                    "New-OrganizationRelationship -Name 'Cross-tenant migration from {source}' -DomainNames '{source}' -Enabled $true -MailboxMoveEnabled $true -MailboxMoveCapability Inbound"
                ),
            ));
            return;
        };
        let problems = relationship_problems(rel, "Inbound");
        if problems.is_empty() {
            return;
        }
        out.push(cx.finding(
            &META,
            format!(
                "the target's relationship {} with the source tenant: {}; {ERROR}",
                quote(&rel.identity),
                problems.join(", ")
            ),
            format!(
                "Set-OrganizationRelationship -Identity {} -Enabled $true -MailboxMoveEnabled $true -MailboxMoveCapability {}",
                quote(&rel.identity),
                with_capability(rel, "Inbound")
            ),
        ));
    }
}

/// What is wrong with a relationship that must allow `capability`, as phrases.
pub fn relationship_problems(rel: &crate::model::OrgRelationship, capability: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if rel.enabled == Some(false) {
        problems.push("Enabled is False".to_string());
    }
    if rel.mailbox_move_enabled != Some(true) {
        problems.push(format!(
            "MailboxMoveEnabled is {}",
            match rel.mailbox_move_enabled {
                Some(false) => "False",
                _ => "not set",
            }
        ));
    }
    if !rel.allows(capability) {
        problems.push(format!(
            "MailboxMoveCapability is {} (it must include {capability})",
            if rel.capability.is_empty() {
                "empty"
            } else {
                rel.capability.as_str()
            }
        ));
    }
    problems
}

/// The relationship's capabilities with `capability` added, quoted as one value the way Get-
/// shows it, `'Inbound, RemoteOutbound'` (the others kept: a relationship may serve both
/// directions; the reference types the parameter as one value, so not an array).
pub fn with_capability(rel: &crate::model::OrgRelationship, capability: &str) -> String {
    let mut caps: Vec<&str> = rel.capabilities().collect();
    if !rel.allows(capability) {
        caps.push(capability);
    }
    crate::ps::quote(&caps.join(", "))
}
