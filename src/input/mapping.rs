//! The optional mapping file: which target object each named source mailbox becomes.
//! `SourceIdentity,TargetIdentity`, also `SourceUser,TargetUser` (Microsoft's validation script).

use std::path::Path;

use super::{ColSpec, Loaded, read_rows};
use crate::error::Result;
use crate::input::InputKind;
use crate::model::MappingRow;

columns! {
    SourceIdentity = ColSpec::req("SourceIdentity").aka(&["SourceUser", "Source", "SourceEmail", "Source_Email"]),
    TargetIdentity = ColSpec::req("TargetIdentity").aka(&["TargetUser", "Target", "TargetEmail", "Target_Email"]),
}

pub fn load(path: &Path) -> Result<Loaded<Vec<MappingRow>>> {
    read_rows(path, InputKind::Mapping, |row| MappingRow {
        line: row.line(),
        source: row.string(C::SourceIdentity),
        target: row.string(C::TargetIdentity),
    })
}
