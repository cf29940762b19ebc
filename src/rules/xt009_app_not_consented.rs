//! XT009 `app-not-consented`: the source admin has not consented to the migration app.

use super::xt008_migration_app::grants_migration;
use super::{Context, Finding, RuleMeta, Severity};

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT009",
    name: "app-not-consented",
    severity: Severity::Blocker,
    org: true,
    summary: "the migration app has no consented service principal in the source",
    what: "Among the source's service principals (--source-service-principals) none has the migration app's AppId (the source relationship's OAuthApplicationId, else the app's export) and AppOwnerOrganizationId the target tenant ID (--target-tenant-id); or the one that does was not granted Mailbox.Migration (when the export lists what was granted).",
    why: "The source admin's consent creates this service principal; without it, or without the permission, the app cannot read mailboxes in the source and every move fails (Microsoft's validation script: \"No AAD Application matching SOURCE AppId has been found\").",
    fix: "The source's Global Administrator opens https://login.microsoftonline.com/<source>.onmicrosoft.com/adminconsent?client_id=<app ID>&redirect_uri=https://office.com and accepts; export the service principals again.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn skipped(&self, cx: &Context<'_>) -> Option<&'static str> {
        if cx.inputs.setup.source_principals.is_none() {
            Some("no --source-service-principals export was given")
        } else if cx.setup.target_tenant_id.is_none() {
            Some("no --target-tenant-id was given")
        } else if cx.migration_app_id().is_none() {
            Some(
                "the migration app's ID is not known (no --source-org-relationships with an OAuthApplicationId, no --migration-app)",
            )
        } else {
            None
        }
    }

    fn check_org(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let (Some(principals), Some(target), Some((app, from))) = (
            &cx.inputs.setup.source_principals,
            cx.setup.target_tenant_id,
            cx.migration_app_id(),
        ) else {
            return;
        };
        let domains = cx.source_domains();
        let tenant = Context::source_tenant_domain(&domains)
            .map_or("<source>.onmicrosoft.com", String::as_str);
        let consent = format!(
            "the source's Global Administrator opens https://login.microsoftonline.com/{tenant}/adminconsent?client_id={app}&redirect_uri=https://office.com and accepts"
        );
        let mine: Vec<_> = principals
            .iter()
            .filter(|p| p.app_id == Some(app))
            .collect();
        let Some(sp) = mine.iter().find(|p| p.owner_tenant == Some(target)) else {
            let (detail, fix) = match mine.first().and_then(|p| p.owner_tenant) {
                // An app ID is one app's: this one is not the target's migration app.
                Some(owner) => (
                    format!(
                        "app {app} ({from}) is owned by tenant {owner}, not the target {target}: it is not the target's migration app"
                    ),
                    "name the target's migration app in the source relationship (Set-OrganizationRelationship -OAuthApplicationId <its Application (client) ID>) and have the source admin consent to it".to_string(),
                ),
                None => (
                    format!(
                        "the source has no service principal for the migration app {app} ({from}): its admin has not consented"
                    ),
                    consent,
                ),
            };
            out.push(cx.finding(&META, format!("{detail}; every move would fail"), fix));
            return;
        };
        let listed = cx
            .inputs
            .has_column(crate::input::InputKind::SourceServicePrincipals, "Granted");
        if listed && !sp.granted.iter().any(|g| grants_migration(g)) {
            out.push(cx.finding(
                &META,
                format!(
                    "the source's service principal for app {app} was not granted Mailbox.Migration (granted: {}); every move would fail",
                    if sp.granted.is_empty() { "nothing".to_string() } else { sp.granted.join(", ") }
                ),
                consent,
            ));
        }
    }
}
