//! The migration scope group's members (Get-DistributionGroupMember), or a bare list of
//! addresses: every identity a row gives is kept for matching against the source mailboxes.

use std::path::Path;

use super::{ColSpec, Loaded, read_rows};
use crate::error::Result;
use crate::input::InputKind;
use crate::model::{SCOPE_TEXTS, ScopeMember, Texts};

// The identity columns first, then RecipientTypeDetails.
const _: () = assert!(COLUMNS.len() == SCOPE_TEXTS + 1);

columns! {
    PrimarySmtpAddress = ColSpec::opt("PrimarySmtpAddress").aka(&["EmailAddress", "Mail", "WindowsEmailAddress"]),
    Name = ColSpec::opt("Name"),
    Alias = ColSpec::opt("Alias"),
    ExternalDirectoryObjectId = ColSpec::opt("ExternalDirectoryObjectId"),
    DisplayName = ColSpec::opt("DisplayName"),
    Identity = ColSpec::opt("Identity").aka(&["UserPrincipalName", "Member"]),
    RecipientTypeDetails = ColSpec::opt("RecipientTypeDetails")
        .without("nested groups among the members are not found (XT006)"),
}

pub fn load(path: &Path) -> Result<Loaded<Vec<ScopeMember>>> {
    let loaded = read_rows(path, InputKind::ScopeMembers, |row| ScopeMember {
        line: row.line(),
        texts: Texts::new(std::array::from_fn(|c| row.text(c).unwrap_or_default()), []),
        recipient_type_details: row.string(C::RecipientTypeDetails),
    })?;
    if loaded.0.iter().all(|m| m.identities().next().is_none()) && !loaded.0.is_empty() {
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
