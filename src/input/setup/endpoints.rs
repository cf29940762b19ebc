//! Get-MigrationEndpoint, in the target tenant.

use std::path::Path;

use super::super::{ColSpec, Loaded, read_rows};
use super::{collect, guid, number};
use crate::error::Result;
use crate::input::InputKind;
use crate::model::MigrationEndpoint;

const KIND: InputKind = InputKind::MigrationEndpoints;

columns! {
    Identity = ColSpec::req("Identity").aka(&["Name"]),
    EndpointType = ColSpec::req("EndpointType"),
    RemoteServer = ColSpec::req("RemoteServer"),
    RemoteTenant = ColSpec::req("RemoteTenant"),
    ApplicationId = ColSpec::req("ApplicationId"),
    MaxConcurrentMigrations = ColSpec::opt("MaxConcurrentMigrations"),
}

pub fn load(path: &Path) -> Result<Loaded<Vec<MigrationEndpoint>>> {
    let (rows, files, notices) = read_rows(path, KIND, |row| {
        Ok(MigrationEndpoint {
            line: row.line(),
            identity: row.string(C::Identity),
            endpoint_type: row.string(C::EndpointType),
            remote_server: row.string(C::RemoteServer),
            remote_tenant: row.string(C::RemoteTenant),
            application_id: guid(row, KIND, C::ApplicationId.into())?,
            max_concurrent_migrations: number(row, KIND, C::MaxConcurrentMigrations.into())?,
        })
    })?;
    Ok((collect(rows)?, files, notices))
}
