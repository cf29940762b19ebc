//! The scope group itself (Get-Recipient in the source): its kind decides whether the source
//! relationship's MailboxMovePublishedScopes works at all.

use std::path::Path;

use super::super::{ColSpec, Loaded, read_rows};
use crate::error::Result;
use crate::input::InputKind;
use crate::model::ScopeGroup;

columns! {
    Name = ColSpec::req("Name"),
    RecipientTypeDetails = ColSpec::req("RecipientTypeDetails"),
    PrimarySmtpAddress = ColSpec::opt("PrimarySmtpAddress"),
    Alias = ColSpec::opt("Alias"),
    Identity = ColSpec::opt("Identity"),
    DistinguishedName = ColSpec::opt("DistinguishedName"),
    ExternalDirectoryObjectId = ColSpec::opt("ExternalDirectoryObjectId"),
    Guid = ColSpec::opt("Guid").aka(&["ExchangeObjectId"]),
}

pub fn load(path: &Path) -> Result<Loaded<Vec<ScopeGroup>>> {
    read_rows(path, InputKind::ScopeGroup, |row| ScopeGroup {
        line: row.line(),
        name: row.string(C::Name),
        recipient_type_details: row.string(C::RecipientTypeDetails),
        ids: [
            C::Name,
            C::PrimarySmtpAddress,
            C::Alias,
            C::Identity,
            C::DistinguishedName,
            C::ExternalDirectoryObjectId,
            C::Guid,
        ]
        .into_iter()
        .filter_map(|c| row.text(c))
        .map(str::to_string)
        .collect(),
    })
}
