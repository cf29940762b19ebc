//! The migration app as registered in the target (Get-MgApplication, flattened by the recipe).

use std::path::Path;

use super::super::{ColSpec, Loaded, ValueKind, read_rows};
use super::{collect, date, guid};
use crate::error::Result;
use crate::input::InputKind;
use crate::model::MigrationApp;

const KIND: InputKind = InputKind::MigrationApp;

columns! {
    AppId = ColSpec::req("AppId"),
    DisplayName = ColSpec::opt("DisplayName"),
    SignInAudience = ColSpec::req("SignInAudience"),
    RedirectUris = ColSpec::req("RedirectUris").aka(&["WebRedirectUris"]).list(ValueKind::TokenList),
    Permissions = ColSpec::req("Permissions").list(ValueKind::IdentityList),
    SecretEnds = ColSpec::opt("SecretEnds").aka(&["PasswordCredentialEnds"]).list(ValueKind::TokenList)
        .without("the client secret's expiry is not checked against the last cut-over"),
}

pub fn load(path: &Path) -> Result<Loaded<Vec<MigrationApp>>> {
    let (rows, files, notices) = read_rows(path, KIND, |row| {
        let secret_ends = row
            .list(C::SecretEnds)
            .into_iter()
            .map(|d| date(row, KIND, C::SecretEnds.into(), d))
            .collect::<Result<Vec<_>>>()?;
        Ok(MigrationApp {
            line: row.line(),
            app_id: guid(row, KIND, C::AppId.into())?,
            display_name: row.string(C::DisplayName),
            sign_in_audience: row.string(C::SignInAudience),
            redirect_uris: row
                .list(C::RedirectUris)
                .into_iter()
                .map(str::to_string)
                .collect(),
            permissions: row
                .list(C::Permissions)
                .into_iter()
                .map(str::to_string)
                .collect(),
            secret_ends,
        })
    })?;
    Ok((collect(rows)?, files, notices))
}
