//! XT004 `source-relationship`: the source has no working organization relationship with the
//! target tenant for outbound moves, with the migration app and the scope.

use super::xt003_target_relationship::{relationship_problems, with_capability};
use super::{Context, Finding, RuleMeta, Severity};
use crate::ps::quote;

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT004",
    name: "source-relationship",
    severity: Severity::Blocker,
    org: true,
    summary: "the source's organization relationship does not release mailboxes to the target",
    what: "In the source's organization relationships (--source-org-relationships), none names the target tenant ID (--target-tenant-id), or the one that does is not Enabled, not MailboxMoveEnabled, lacks RemoteOutbound in MailboxMoveCapability, has no OAuthApplicationId (the migration app), no MailboxMovePublishedScopes, or a scope that is not the scope group exported with --scope-group. Only the source relationship carries the app: the target's OAuthApplicationId is not checked.",
    why: "The source releases a mailbox only through this relationship, to the app it names, for members of its scope: without it every move fails (\"the source tenant does not authorize ...\", MRSRemotePermanentException, or MailboxNotInCrossTenantMigrationScopeException for the scope).",
    fix: "In the source tenant: Set-OrganizationRelationship on the relationship with the target (-Enabled $true -MailboxMoveEnabled $true, RemoteOutbound added to MailboxMoveCapability, -OAuthApplicationId <app ID> -MailboxMovePublishedScopes <scope group>), or New-OrganizationRelationship with the same. scripts/Setup-SourceTenant.ps1 does it.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn skipped(&self, cx: &Context<'_>) -> Option<&'static str> {
        if cx.inputs.setup.source_relationships.is_none() {
            Some("no --source-org-relationships export was given")
        } else if cx.setup.target_tenant_id.is_none() {
            Some("no --target-tenant-id was given")
        } else {
            None
        }
    }

    fn check_org(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(target) = cx.setup.target_tenant_id else {
            return;
        };
        const ERROR: &str = "every move would fail (the source tenant does not authorize the move)";
        let app = cx.exported_app_id().map_or_else(
            || "'<migration app ID>'".to_string(),
            |id| format!("'{id}'"),
        );
        let scope_group = cx.scope_group();
        let rel = cx.source_relationship();
        let scope = match (scope_group, rel.and_then(|r| r.published_scopes.first())) {
            (Some(g), _) => quote(&g.name),
            (None, Some(s)) => quote(s),
            (None, None) => "'<scope group>'".to_string(),
        };
        let Some(rel) = rel else {
            out.push(cx.finding(
                &META,
                format!(
                    "no organization relationship in the source names the target tenant {target} in DomainNames: {ERROR}"
                ),
                format!(
                    "New-OrganizationRelationship -Name 'Cross-tenant migration to {target}' -DomainNames '{target}' -Enabled $true -MailboxMoveEnabled $true -MailboxMoveCapability RemoteOutbound -OAuthApplicationId {app} -MailboxMovePublishedScopes {scope}"
                ),
            ));
            return;
        };
        let mut problems = relationship_problems(rel, "RemoteOutbound");
        if rel.oauth_application_id.is_none() {
            problems.push("OAuthApplicationId is empty (no migration app)".into());
        }
        let mut scope_error = false;
        if rel.published_scopes.is_empty() {
            problems.push("MailboxMovePublishedScopes is empty".into());
            scope_error = true;
        } else if let Some(g) = scope_group
            && !rel.published_scopes.iter().any(|s| g.is_named_by(s))
        {
            problems.push(format!(
                "MailboxMovePublishedScopes is {}, not the scope group {}",
                rel.published_scopes.join(", "),
                quote(&g.name)
            ));
            scope_error = true;
        }
        if problems.is_empty() {
            return;
        }
        let error = if scope_error && problems.len() == 1 {
            "every move would fail with MailboxNotInCrossTenantMigrationScopeException"
        } else {
            ERROR
        };
        let app = rel.oauth_application_id.map_or(app, |id| format!("'{id}'"));
        out.push(cx.finding(
            &META,
            format!(
                "the source's relationship {} with the target tenant: {}; {error}",
                quote(&rel.identity),
                problems.join(", ")
            ),
            format!(
                "Set-OrganizationRelationship -Identity {} -Enabled $true -MailboxMoveEnabled $true -MailboxMoveCapability {} -OAuthApplicationId {app} -MailboxMovePublishedScopes {scope} -WarningAction Stop",
                quote(&rel.identity),
                with_capability(rel, "RemoteOutbound"),
            ),
        ));
    }
}
