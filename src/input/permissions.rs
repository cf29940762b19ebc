//! The permission exports: Get-EXOMailboxPermission (FullAccess and friends, `User`) and
//! Get-EXORecipientPermission (SendAs, `Trustee`), both read into `PermissionRow`s.

use std::path::Path;

use super::{ColSpec, Loaded, ValueKind, read_rows};
use crate::error::Result;
use crate::input::InputKind;
use crate::model::PermissionRow;

mod mailbox {
    use super::*;
    columns! {
        Identity = ColSpec::req("Identity"),
        User = ColSpec::req("User").aka(&["Trustee"]),
        AccessRights = ColSpec::req("AccessRights").list(ValueKind::TokenList),
        IsInherited = ColSpec::opt("IsInherited"),
        Deny = ColSpec::opt("Deny"),
    }

    pub fn load(path: &Path) -> Result<Loaded<Vec<PermissionRow>>> {
        read_rows(path, InputKind::MailboxPermissions, |row| {
            let mut ignored = Vec::new();
            let text = |c: C| row.text(c).unwrap_or_default();
            PermissionRow {
                inherited: row.flag(C::IsInherited, &mut ignored).unwrap_or(false),
                deny: row.flag(C::Deny, &mut ignored).unwrap_or(false),
                ..PermissionRow::new(
                    row.line(),
                    text(C::Identity),
                    text(C::User),
                    &row.list(C::AccessRights),
                )
            }
        })
    }
}

mod recipient {
    use super::*;
    columns! {
        Identity = ColSpec::req("Identity"),
        Trustee = ColSpec::req("Trustee").aka(&["User"]),
        AccessRights = ColSpec::req("AccessRights").list(ValueKind::TokenList),
        IsInherited = ColSpec::opt("IsInherited"),
        AccessControlType = ColSpec::opt("AccessControlType"),
    }

    pub fn load(path: &Path) -> Result<Loaded<Vec<PermissionRow>>> {
        read_rows(path, InputKind::RecipientPermissions, |row| {
            let mut ignored = Vec::new();
            let text = |c: C| row.text(c).unwrap_or_default();
            PermissionRow {
                inherited: row.flag(C::IsInherited, &mut ignored).unwrap_or(false),
                deny: text(C::AccessControlType).eq_ignore_ascii_case("Deny"),
                ..PermissionRow::new(
                    row.line(),
                    text(C::Identity),
                    text(C::Trustee),
                    &row.list(C::AccessRights),
                )
            }
        })
    }
}

pub const MAILBOX_COLUMNS: &[ColSpec] = mailbox::COLUMNS;
pub const RECIPIENT_COLUMNS: &[ColSpec] = recipient::COLUMNS;
pub use mailbox::load as load_mailbox;
pub use recipient::load as load_recipient;
