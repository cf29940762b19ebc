//! XT008 `migration-app`: the migration app registered in the target is not one a cross-tenant
//! move can use, or its secret ends before the last cut-over.

use super::{Context, Finding, RuleMeta, Severity};
use crate::date::Date;
use crate::model::MigrationApp;

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT008",
    name: "migration-app",
    severity: Severity::Blocker,
    org: true,
    summary: "the migration app is not multi-tenant, lacks https://office.com or Mailbox.Migration, or its secret ends before the last cut-over",
    what: "The migration app exported from the target (--migration-app, Get-MgApplication) is checked against Microsoft's article: SignInAudience multi-tenant (AzureADMultipleOrgs), a Web redirect URI https://office.com, the application permission Mailbox.Migration of Office 365 Exchange Online (00000002-0000-0ff1-ce00-000000000000), and a client secret that ends after the plan's last cut-over.",
    why: "The source admin consents to this app, and the target's endpoint signs in with it: a single-tenant app cannot be consented in the source, a missing permission or redirect URI fails the consent or the sign-in, and an expired secret stops every batch that is still syncing (incremental syncs and completions included) on the day it ends.",
    fix: "In the target's Entra admin center, App registrations, the migration app: Supported account types multi-tenant; Authentication, Web redirect URI https://office.com; API permissions, Office 365 Exchange Online, Application, Mailbox.Migration, then Grant admin consent; Certificates & secrets, a new client secret that outlives the last wave, then Set-MigrationEndpoint -Credentials with it.",
};

/// Office 365 Exchange Online, the resource Mailbox.Migration belongs to.
pub const EXCHANGE_APP_ID: &str = "00000002-0000-0ff1-ce00-000000000000";

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn skipped(&self, cx: &Context<'_>) -> Option<&'static str> {
        cx.inputs
            .setup
            .migration_app
            .is_none()
            .then_some("no --migration-app export was given")
    }

    fn check_org(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(apps) = &cx.inputs.setup.migration_app else {
            return;
        };
        let Some(app) = apps.first() else {
            out.push(cx.finding(
                &META,
                "the --migration-app export holds no app: the migration app is not registered in the target".into(),
                "register it as Microsoft's article says (scripts/Setup-TargetTenant.ps1 lists the steps)",
            ));
            return;
        };
        let problems = problems(app);
        if problems.is_empty() {
            return;
        }
        out.push(cx.finding(
            &META,
            format!(
                "the migration app {}: {}; the source admin cannot consent to it or the endpoint cannot sign in with it, and every move would fail",
                name(app),
                problems.join(", ")
            ),
            META.fix,
        ));
    }
}

fn name(app: &MigrationApp) -> String {
    match (app.display_name.as_str(), app.app_id) {
        ("", Some(id)) => id.to_string(),
        (n, Some(id)) => format!("{n:?} ({id})"),
        (n, None) => format!("{n:?}"),
    }
}

fn problems(app: &MigrationApp) -> Vec<String> {
    let mut p = Vec::new();
    let audience = app.sign_in_audience.to_ascii_lowercase();
    if !matches!(
        audience.as_str(),
        "azureadmultipleorgs" | "azureadandpersonalmicrosoftaccount"
    ) {
        p.push(format!(
            "SignInAudience is {:?}, not multi-tenant (AzureADMultipleOrgs)",
            app.sign_in_audience
        ));
    }
    let office = |u: &String| {
        u.trim_end_matches('/')
            .eq_ignore_ascii_case("https://office.com")
    };
    if !app.redirect_uris.iter().any(office) {
        p.push("no Web redirect URI https://office.com".to_string());
    }
    if !app.permissions.iter().any(|perm| grants_migration(perm)) {
        p.push(
            "no Mailbox.Migration application permission of Office 365 Exchange Online".to_string(),
        );
    }
    p
}

/// Whether `permission` (`<resource app ID or name>:<permission>`) is Exchange Online's
/// Mailbox.Migration.
pub fn grants_migration(permission: &str) -> bool {
    let (resource, name) = permission.rsplit_once(':').unwrap_or(("", permission));
    name.trim().eq_ignore_ascii_case("Mailbox.Migration")
        && (resource.is_empty()
            || resource.trim().eq_ignore_ascii_case(EXCHANGE_APP_ID)
            || resource.to_ascii_lowercase().contains("exchange"))
}

/// After planning: a client secret that ends before the plan's last cut-over (`last`), when the
/// app was exported with its secrets' end dates.
pub fn check_plan(cx: &Context<'_>, last: Option<Date>) -> Vec<Finding> {
    let (Some(apps), Some(last)) = (&cx.inputs.setup.migration_app, last) else {
        return Vec::new();
    };
    let Some(app) = apps.first() else {
        return Vec::new();
    };
    if app.secret_ends.is_empty() {
        return if cx
            .inputs
            .has_column(crate::input::InputKind::MigrationApp, "SecretEnds")
        {
            vec![cx.finding(
                &META,
                format!("the migration app {} has no client secret: the endpoint cannot sign in", name(app)),
                "Certificates & secrets, New client secret (target's Entra admin center), then Set-MigrationEndpoint -Credentials with it",
            )]
        } else {
            Vec::new()
        };
    }
    let latest = app.secret_ends.iter().max().copied().unwrap_or(last);
    if latest > last {
        return Vec::new();
    }
    vec![cx.finding(
        &META,
        format!(
            "the migration app {}'s last client secret ends on {latest}, on or before the last cut-over ({last}): batches still syncing then stop",
            name(app)
        ),
        format!(
            "Certificates & secrets, New client secret ending after {last} (target's Entra admin center), then Set-MigrationEndpoint -Identity <endpoint> -Credentials (Get-Credential -UserName <app ID>)"
        ),
    )]
}
