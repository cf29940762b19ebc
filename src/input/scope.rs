//! The migration scope group's members (Get-DistributionGroupMember), or a bare list of
//! addresses: every identity a row gives is kept for matching against the source mailboxes.

use std::path::Path;

use super::{ColSpec, Loaded, read_rows};
use crate::error::Result;
use crate::input::InputKind;
use crate::model::ScopeMember;

columns! {
    PrimarySmtpAddress = ColSpec::opt("PrimarySmtpAddress").aka(&["EmailAddress", "Mail", "WindowsEmailAddress"]),
    Name = ColSpec::opt("Name"),
    Alias = ColSpec::opt("Alias"),
    ExternalDirectoryObjectId = ColSpec::opt("ExternalDirectoryObjectId"),
    DisplayName = ColSpec::opt("DisplayName"),
    Identity = ColSpec::opt("Identity").aka(&["UserPrincipalName", "Member"]),
}

pub fn load(path: &Path) -> Result<Loaded<Vec<ScopeMember>>> {
    let loaded = read_rows(path, InputKind::ScopeMembers, |row| ScopeMember {
        line: row.line(),
        identities: (0..COLUMNS.len())
            .filter_map(|c| row.text(c))
            .map(str::to_string)
            .collect(),
    })?;
    if loaded.0.iter().all(|m| m.identities.is_empty()) && !loaded.0.is_empty() {
        return Err(crate::error::Error::Input {
            path: path.to_path_buf(),
            detail: format!(
                "no member identity found: expected a column named one of {}, or one address per line\n  re-export with:\n{}",
                COLUMNS
                    .iter()
                    .map(|c| c.name)
                    .collect::<Vec<_>>()
                    .join(", "),
                InputKind::ScopeMembers.recipe()
            ),
        });
    }
    Ok(loaded)
}
