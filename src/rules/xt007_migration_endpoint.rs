//! XT007 `migration-endpoint`: the target has no cross-tenant migration endpoint that points at
//! the source with the migration app.

use super::{Context, Finding, RuleMeta, Severity};
use crate::model::MigrationEndpoint;
use crate::ps::quote;

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT007",
    name: "migration-endpoint",
    severity: Severity::Blocker,
    org: true,
    summary: "no migration endpoint for the source tenant with the migration app",
    what: "Among the target's migration endpoints (--migration-endpoints) none is an ExchangeRemoteMove endpoint whose RemoteServer is Exchange Online's host (outlook.office.com; --remote-server for another cloud), whose ApplicationId is the migration app (the source relationship's OAuthApplicationId, else the app's export) and whose RemoteTenant is a domain of the source (its accepted domains when exported, else the domains of the migrating mailboxes' addresses).",
    why: "New-MigrationBatch -SourceEndpoint names this endpoint; Exchange signs in to the source with its app and secret. A wrong host, app or tenant fails every batch (Test-MigrationServerAvailability and the batches report MigrationServerConnectionFailedException).",
    fix: "In the target tenant: New-MigrationEndpoint -Name <name> -ExchangeRemoteMove -RemoteServer outlook.office.com -RemoteTenant <source>.onmicrosoft.com -ApplicationId <app ID> -Credentials (app ID and secret); a wrong one is removed first (Remove-MigrationEndpoint, once no batch uses it: Set-MigrationEndpoint cannot change RemoteTenant, and changes the app only with a key vault). scripts/Setup-TargetTenant.ps1 does it, prompting for the secret.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn skipped(&self, cx: &Context<'_>) -> Option<&'static str> {
        cx.inputs
            .setup
            .endpoints
            .is_none()
            .then_some("no --migration-endpoints export was given")
    }

    fn check_org(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(endpoints) = &cx.inputs.setup.endpoints else {
            return;
        };
        let host = &cx.setup.remote_server;
        let app = cx.migration_app_id();
        let domains = cx.source_domains();
        let tenant = Context::source_tenant_domain(&domains)
            .or_else(|| domains.iter().next())
            .map_or_else(|| "'<source>.onmicrosoft.com'".to_string(), |d| quote(d));
        let app_text = app.map_or_else(
            || "'<migration app ID>'".to_string(),
            |(id, _)| format!("'{id}'"),
        );
        let problems = |e: &MigrationEndpoint| {
            let mut p = Vec::new();
            if !e.remote_server.eq_ignore_ascii_case(host) {
                p.push(format!("RemoteServer is {:?}, not {host}", e.remote_server));
            }
            if let Some((id, from)) = app
                && e.application_id != Some(id)
            {
                p.push(match e.application_id {
                    Some(has) => format!("ApplicationId is {has}, not {id} ({from})"),
                    None => format!("ApplicationId is empty, not {id} ({from})"),
                });
            }
            if e.application_id.is_none() && app.is_none() {
                p.push("ApplicationId is empty".to_string());
            }
            if !domains.contains(&e.remote_tenant.to_ascii_lowercase()) {
                p.push(format!(
                    "RemoteTenant is {:?}, not a domain of the source",
                    e.remote_tenant
                ));
            }
            p
        };
        let cross: Vec<&MigrationEndpoint> = endpoints
            .iter()
            .filter(|e| e.endpoint_type.eq_ignore_ascii_case("ExchangeRemoteMove"))
            .collect();
        if cross.iter().any(|e| problems(e).is_empty()) {
            return;
        }
        const ERROR: &str = "every batch would fail to connect to the source (MigrationServerConnectionFailedException)";
        // The nearest one: fewest problems, then export order.
        let Some(best) = cross.iter().min_by_key(|e| problems(e).len()) else {
            out.push(cx.finding(
                &META,
                format!(
                    "the target has no ExchangeRemoteMove migration endpoint ({} endpoint(s) of other types): {ERROR}",
                    endpoints.len()
                ),
                format!(
                    "$cred = Get-Credential -UserName {app_text} -Message 'migration app secret'; New-MigrationEndpoint -Name 'Cross-tenant from source' -ExchangeRemoteMove -RemoteServer {host} -RemoteTenant {tenant} -ApplicationId {app_text} -Credentials $cred"
                ),
            ));
            return;
        };
        out.push(cx.finding(
            &META,
            format!(
                "the target's migration endpoint {}: {}; {ERROR}",
                quote(&best.identity),
                problems(best).join(", ")
            ),
            format!(
                "Remove-MigrationEndpoint -Identity {} (once no batch uses it), then $cred = Get-Credential -UserName {app_text} -Message 'migration app secret'; New-MigrationEndpoint -Name {} -ExchangeRemoteMove -RemoteServer {host} -RemoteTenant {tenant} -ApplicationId {app_text} -Credentials $cred (scripts/Setup-TargetTenant.ps1 makes it; Set-MigrationEndpoint changes only the secret, -Credentials)",
                quote(&best.identity),
                quote(&best.identity)
            ),
        ));
    }
}
