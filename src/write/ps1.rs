//! The plan's PowerShell scripts, filled from `templates/`: every value through `ps::quote`,
//! the data read from the plan's CSV files at run time (no user data in code), and the shared
//! fragments `common.ps1` (run log and results), `exchange.ps1` and `ad.ps1` (lookups),
//! `setup.ps1` (the setup scripts' relationship look-ups) and `track.ps1` (the track scripts'
//! action lists) inserted.

use std::io::Write;

use crate::postmove::{Grant, GrantStatus};
use crate::ps::quote;
pub use crate::rules::SetupFacts;
use crate::stamp::Stamping;

const COMMON: &str = include_str!("templates/common.ps1");
const EXCHANGE: &str = include_str!("templates/exchange.ps1");
const AD: &str = include_str!("templates/ad.ps1");
const SETUP: &str = include_str!("templates/setup.ps1");
const TRACK: &str = include_str!("templates/track.ps1");

/// Every script a plan writes, in the order an admin runs them, with the template it is made
/// from: (file name under scripts/, template).
pub const SCRIPTS: [(&str, &str); 11] = [
    (
        "Setup-TargetTenant.ps1",
        include_str!("templates/Setup-TargetTenant.ps1"),
    ),
    (
        "Setup-SourceTenant.ps1",
        include_str!("templates/Setup-SourceTenant.ps1"),
    ),
    (
        "Apply-OnPremStamping.ps1",
        include_str!("templates/Apply-OnPremStamping.ps1"),
    ),
    (
        "Apply-Stamping.ps1",
        include_str!("templates/Apply-Stamping.ps1"),
    ),
    (
        "Test-MigrationAvailability.ps1",
        include_str!("templates/Test-MigrationAvailability.ps1"),
    ),
    (
        "New-MigrationBatches.ps1",
        include_str!("templates/New-MigrationBatches.ps1"),
    ),
    (
        "Complete-MigrationBatches.ps1",
        include_str!("templates/Complete-MigrationBatches.ps1"),
    ),
    (
        "Restore-Permissions.ps1",
        include_str!("templates/Restore-Permissions.ps1"),
    ),
    (
        "Update-SourceRouting.ps1",
        include_str!("templates/Update-SourceRouting.ps1"),
    ),
    (
        "Update-TargetRouting.ps1",
        include_str!("templates/Update-TargetRouting.ps1"),
    ),
    (
        "Remove-MigrationBatches.ps1",
        include_str!("templates/Remove-MigrationBatches.ps1"),
    ),
];

/// The scripts of a track folder, with their templates: they read the track's actions/ lists
/// at run time and carry no values of their own.
pub const TRACK_SCRIPTS: [(&str, &str); 3] = [
    (
        "Start-FailedUsers.ps1",
        include_str!("templates/track/Start-FailedUsers.ps1"),
    ),
    (
        "Approve-SkippedItems.ps1",
        include_str!("templates/track/Approve-SkippedItems.ps1"),
    ),
    (
        "Remove-MigrationUsers.ps1",
        include_str!("templates/track/Remove-MigrationUsers.ps1"),
    ),
];

/// Writes track script `template`.
pub fn track_script(template: &str, w: &mut dyn Write) -> std::io::Result<()> {
    write_script(&fill(template, &[]), w)
}

/// What the scripts are filled with.
pub struct ScriptData<'a> {
    pub stamping: &'a Stamping,
    pub grants: &'a [Grant],
    /// Planned mailboxes with a dir-synced target (Update-TargetRouting.ps1's rows).
    pub onprem_targets: usize,
    pub delivery_domain: Option<&'a str>,
    /// Organisation-level blockers, and their codes: the batch scripts refuse to run.
    pub org_blockers: (usize, String),
    /// MaxNumberOfBatches of the target (its default when not exported).
    pub max_batches: u64,
    /// What the setup scripts default their parameters to.
    pub setup: &'a SetupFacts,
}

/// Writes script `name` (one of `SCRIPTS`).
pub fn script(name: &str, data: &ScriptData<'_>, w: &mut dyn Write) -> std::io::Result<()> {
    let template = SCRIPTS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
        .ok_or_else(|| std::io::Error::other(format!("no script template {name}")))?;
    let delivery = quote(data.delivery_domain.unwrap_or_default());
    let stamping = data.stamping;
    let restamp = data
        .grants
        .iter()
        .filter(|g| g.status == GrantStatus::Restamp)
        .count();
    let mut ad_users: Vec<&str> = stamping
        .onprem
        .iter()
        .map(|r| r.identity.as_str())
        .collect();
    ad_users.dedup();
    let values = [
        ("!DELIVERY_DOMAIN!", delivery),
        ("!MAILUSER_ROWS!", stamping.mailusers.len().to_string()),
        ("!PROXY_ROWS!", stamping.proxies.len().to_string()),
        ("!CONTACT_ROWS!", stamping.contacts.len().to_string()),
        ("!GROUP_ROWS!", stamping.groups.len().to_string()),
        ("!REFERENCE_ROWS!", stamping.references.len().to_string()),
        ("!ORG_BLOCKERS!", data.org_blockers.0.to_string()),
        ("!ORG_BLOCKER_CODES!", quote(&data.org_blockers.1)),
        ("!MAX_BATCHES!", data.max_batches.to_string()),
        ("!SOURCE_TENANT_ID!", quote(&data.setup.source_tenant_id)),
        ("!TARGET_TENANT_ID!", quote(&data.setup.target_tenant_id)),
        ("!APP_ID!", quote(&data.setup.app_id)),
        (
            "!SOURCE_TENANT_DOMAIN!",
            quote(&data.setup.source_tenant_domain),
        ),
        (
            "!SOURCE_DOMAINS!",
            format!(
                "@({})",
                data.setup
                    .source_domains
                    .iter()
                    .map(|d| quote(d))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        ("!REMOTE_SERVER!", quote(&data.setup.remote_server)),
        ("!SCOPE_GROUP!", quote(&data.setup.scope_group)),
        ("!AD_ROWS!", stamping.onprem.len().to_string()),
        ("!AD_USERS!", ad_users.len().to_string()),
        ("!RESTAMP_ROWS!", restamp.to_string()),
        ("!HELD_ROWS!", (data.grants.len() - restamp).to_string()),
        ("!ONPREM_ROUTING_ROWS!", data.onprem_targets.to_string()),
    ];
    write_script(&fill(template, &values), w)
}

/// Inserts the shared fragments, then replaces each `!NAME!` value placeholder. A placeholder
/// left over is a bug in the template or here.
fn fill(template: &str, values: &[(&str, String)]) -> String {
    // A checkout that turned the templates' line ends into CRLF must write the same script.
    let lf = |t: &str| t.replace("\r\n", "\n");
    let mut text = lf(template)
        .replace("!COMMON!\n", &lf(COMMON))
        .replace("!EXCHANGE!\n", &lf(EXCHANGE))
        .replace("!AD!\n", &lf(AD))
        .replace("!SETUP!\n", &lf(SETUP))
        .replace("!TRACK!\n", &lf(TRACK));
    for (name, value) in values {
        text = text.replace(name, value);
    }
    debug_assert!(
        !["!COMMON!", "!EXCHANGE!", "!AD!", "!SETUP!", "!TRACK!"]
            .iter()
            .any(|p| text.contains(p)),
        "a fragment placeholder must be alone on its line"
    );
    text
}

/// Windows PowerShell 5.1 reads a script without a BOM as ANSI, and scripts are edited in
/// Notepad: UTF-8 with BOM and CRLF.
fn write_script(text: &str, w: &mut dyn Write) -> std::io::Result<()> {
    w.write_all(b"\xEF\xBB\xBF")?;
    for line in text.lines() {
        w.write_all(line.as_bytes())?;
        w.write_all(b"\r\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_placeholder_is_filled_and_values_are_quoted() {
        let stamping = Stamping::default();
        let data = ScriptData {
            stamping: &stamping,
            grants: &[],
            onprem_targets: 0,
            delivery_domain: Some("north'wind.onmicrosoft.com"),
            org_blockers: (0, String::new()),
            max_batches: 100,
            setup: &SetupFacts::default(),
        };
        for (name, _) in SCRIPTS {
            let mut out = Vec::new();
            script(name, &data, &mut out).unwrap();
            let text = String::from_utf8(out).unwrap();
            assert!(text.starts_with('\u{feff}'), "{name}");
            let leftover: Vec<&str> = text
                .split('!')
                .filter(|s| s.len() > 1 && s.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
                .collect();
            assert!(leftover.is_empty(), "{name}: {leftover:?}");
            assert!(text.contains("function Start-RunLog"), "{name}");
        }
        let mut out = Vec::new();
        script("Apply-Stamping.ps1", &data, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("$TargetDeliveryDomain = 'north''wind.onmicrosoft.com'\r\n"));
        assert!(text.contains("$PlannedMailUserRows = 0\r\n"));
    }
}
