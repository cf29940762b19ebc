//! The source's service principals (Get-MgServicePrincipal): the migration app's shows that the
//! source admin consented to it, and with which permissions.

use std::path::Path;

use super::super::{ColSpec, Loaded, ValueKind, read_rows};
use super::{collect, guid};
use crate::error::Result;
use crate::input::InputKind;
use crate::model::ServicePrincipal;

const KIND: InputKind = InputKind::SourceServicePrincipals;

columns! {
    AppId = ColSpec::req("AppId"),
    AppOwnerOrganizationId = ColSpec::req("AppOwnerOrganizationId"),
    DisplayName = ColSpec::opt("DisplayName"),
    Granted = ColSpec::opt("Granted").aka(&["AppRoles", "GrantedPermissions"]).list(ValueKind::TokenList)
        .without("the permissions granted in the source are not checked"),
}

pub fn load(path: &Path) -> Result<Loaded<Vec<ServicePrincipal>>> {
    let (rows, files, notices) = read_rows(path, KIND, |row| {
        Ok(ServicePrincipal {
            line: row.line(),
            app_id: guid(row, KIND, C::AppId.into())?,
            owner_tenant: guid(row, KIND, C::AppOwnerOrganizationId.into())?,
            display_name: row.string(C::DisplayName),
            granted: row
                .list(C::Granted)
                .into_iter()
                .map(str::to_string)
                .collect(),
        })
    })?;
    Ok((collect(rows)?, files, notices))
}
