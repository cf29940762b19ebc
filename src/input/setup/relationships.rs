//! Get-OrganizationRelationship, of the source or the target tenant (same columns).

use std::path::Path;

use super::super::{ColSpec, Loaded, ValueKind, read_rows};
use super::{collect, flag, guid};
use crate::error::Result;
use crate::input::InputKind;
use crate::model::OrgRelationship;

columns! {
    Identity = ColSpec::opt("Identity").aka(&["Name"]),
    DomainNames = ColSpec::req("DomainNames").list(ValueKind::TokenList),
    Enabled = ColSpec::opt("Enabled")
        .without("a disabled relationship is not told apart"),
    MailboxMoveEnabled = ColSpec::req("MailboxMoveEnabled"),
    MailboxMoveCapability = ColSpec::req("MailboxMoveCapability"),
    OAuthApplicationId = ColSpec::opt("OAuthApplicationId").aka(&["OauthApplicationId"])
        .without("the source relationship's migration app is not checked"),
    MailboxMovePublishedScopes = ColSpec::opt("MailboxMovePublishedScopes").list(ValueKind::IdentityList)
        .without("the source relationship's scope is not checked"),
}

/// Reads the relationships of the tenant `kind` says (SourceOrgRelationships or
/// TargetOrgRelationships).
pub fn load(path: &Path, kind: InputKind) -> Result<Loaded<Vec<OrgRelationship>>> {
    let (rows, files, notices) = read_rows(path, kind, |row| {
        Ok(OrgRelationship {
            line: row.line(),
            identity: row.string(C::Identity),
            domain_names: row
                .list(C::DomainNames)
                .into_iter()
                .map(str::to_string)
                .collect(),
            enabled: flag(row, kind, C::Enabled.into())?,
            mailbox_move_enabled: flag(row, kind, C::MailboxMoveEnabled.into())?,
            capability: row.string(C::MailboxMoveCapability),
            oauth_application_id: guid(row, kind, C::OAuthApplicationId.into())?,
            published_scopes: row
                .list(C::MailboxMovePublishedScopes)
                .into_iter()
                .map(str::to_string)
                .collect(),
        })
    })?;
    Ok((collect(rows)?, files, notices))
}

pub fn load_source(path: &Path) -> Result<Loaded<Vec<OrgRelationship>>> {
    load(path, InputKind::SourceOrgRelationships)
}

pub fn load_target(path: &Path) -> Result<Loaded<Vec<OrgRelationship>>> {
    load(path, InputKind::TargetOrgRelationships)
}
