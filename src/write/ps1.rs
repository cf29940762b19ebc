//! The PowerShell scripts of a plan, filled from templates in `templates/`. Every value put
//! into a script goes through `ps::quote` (or is a number); the scripts read their data from
//! the plan's CSV files at run time, so no user data is ever pasted into code.

use std::io::Write;

use crate::ps::quote;
use crate::stamp::Stamping;

const APPLY_STAMPING: &str = include_str!("templates/Apply-Stamping.ps1");
const RESTAMP_SEND_ON_BEHALF: &str = include_str!("templates/Restamp-SendOnBehalf.ps1");
const NEW_MIGRATION_BATCHES: &str = include_str!("templates/New-MigrationBatches.ps1");
const COMPLETE_MIGRATION_BATCHES: &str = include_str!("templates/Complete-MigrationBatches.ps1");

/// scripts/New-MigrationBatches.ps1.
pub fn new_migration_batches(
    delivery_domain: Option<&str>,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let text = fill(
        NEW_MIGRATION_BATCHES,
        &[(
            "!DELIVERY_DOMAIN!",
            quote(delivery_domain.unwrap_or_default()),
        )],
    );
    write_script(&text, w)
}

/// scripts/Complete-MigrationBatches.ps1.
pub fn complete_migration_batches(w: &mut dyn Write) -> std::io::Result<()> {
    write_script(COMPLETE_MIGRATION_BATCHES, w)
}

/// scripts/Apply-Stamping.ps1.
pub fn apply_stamping(
    stamping: &Stamping,
    delivery_domain: Option<&str>,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let text = fill(
        APPLY_STAMPING,
        &[
            (
                "!DELIVERY_DOMAIN!",
                quote(delivery_domain.unwrap_or_default()),
            ),
            ("!MAILUSER_ROWS!", stamping.mailusers.len().to_string()),
            ("!PROXY_ROWS!", stamping.proxies.len().to_string()),
        ],
    );
    write_script(&text, w)
}

/// scripts/Restamp-SendOnBehalf.ps1.
pub fn restamp_send_on_behalf(stamping: &Stamping, w: &mut dyn Write) -> std::io::Result<()> {
    let restamp = stamping
        .send_on_behalf
        .iter()
        .filter(|r| r.status == "Restamp")
        .count();
    let text = fill(
        RESTAMP_SEND_ON_BEHALF,
        &[
            ("!RESTAMP_ROWS!", restamp.to_string()),
            (
                "!HELD_ROWS!",
                (stamping.send_on_behalf.len() - restamp).to_string(),
            ),
        ],
    );
    write_script(&text, w)
}

/// Replaces each `!NAME!` placeholder. A placeholder left over is a bug in the template or here.
fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut text = template.to_string();
    for (name, value) in values {
        text = text.replace(name, value);
    }
    debug_assert!(!values.iter().any(|(n, _)| text.contains(n)));
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
        let mut out = Vec::new();
        apply_stamping(
            &Stamping::default(),
            Some("north'wind.onmicrosoft.com"),
            &mut out,
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with('\u{feff}'));
        assert!(text.contains("$TargetDeliveryDomain = 'north''wind.onmicrosoft.com'\r\n"));
        assert!(text.contains("$PlannedMailUserRows = 0\r\n"));
        let leftover: Vec<&str> = text
            .split('!')
            .filter(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
            .collect();
        assert!(leftover.is_empty(), "{leftover:?}");
    }
}
