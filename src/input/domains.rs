//! The target's accepted domains (Get-AcceptedDomain).

use std::path::Path;

use super::{ColSpec, Loaded, read_rows};
use crate::error::Result;
use crate::input::InputKind;
use crate::model::AcceptedDomain;

columns! {
    DomainName = ColSpec::req("DomainName").aka(&["Domain", "Name"]),
    Default = ColSpec::opt("Default"),
}

pub fn load(path: &Path) -> Result<Loaded<Vec<AcceptedDomain>>> {
    read_rows(path, InputKind::AcceptedDomains, |row| {
        let mut ignored = Vec::new();
        AcceptedDomain {
            line: row.line(),
            name: row.string(C::DomainName).to_lowercase(),
            default: row.flag(C::Default, &mut ignored).unwrap_or(false),
        }
    })
}
