//! Get-MigrationConfig, in the target tenant: how many batches may exist at once.

use std::path::Path;

use super::super::{ColSpec, Loaded, read_rows};
use super::{collect, number};
use crate::error::Result;
use crate::input::InputKind;
use crate::model::MigrationConfig;

const KIND: InputKind = InputKind::MigrationConfig;

columns! {
    MaxNumberOfBatches = ColSpec::req("MaxNumberOfBatches"),
    MaxConcurrentMigrations = ColSpec::opt("MaxConcurrentMigrations"),
}

pub fn load(path: &Path) -> Result<Loaded<Vec<MigrationConfig>>> {
    let (rows, files, notices) = read_rows(path, KIND, |row| {
        Ok(MigrationConfig {
            line: row.line(),
            max_number_of_batches: number(row, KIND, C::MaxNumberOfBatches.into())?,
            max_concurrent_migrations: number(row, KIND, C::MaxConcurrentMigrations.into())?,
        })
    })?;
    Ok((collect(rows)?, files, notices))
}
