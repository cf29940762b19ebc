//! The target's accepted domains (Get-AcceptedDomain).

use std::path::Path;

use super::values::domain_name;
use super::{ColSpec, Loaded, Notice, read_rows};
use crate::error::Result;
use crate::input::InputKind;
use crate::model::AcceptedDomain;

columns! {
    // Not `Name`: Get-AcceptedDomain's Name is a display name ("Northwind primary").
    DomainName = ColSpec::req("DomainName").aka(&["Domain"]),
    Default = ColSpec::opt("Default"),
}

/// Reads the target's domains; a row whose name cannot be a domain is left out and named in a
/// notice.
pub fn load(path: &Path) -> Result<Loaded<Vec<AcceptedDomain>>> {
    load_as(path, InputKind::AcceptedDomains)
}

/// Reads the source's domains (`--source-accepted-domains`), as `load`.
pub fn load_source(path: &Path) -> Result<Loaded<Vec<AcceptedDomain>>> {
    load_as(path, InputKind::SourceAcceptedDomains)
}

fn load_as(path: &Path, kind: InputKind) -> Result<Loaded<Vec<AcceptedDomain>>> {
    let (rows, files, mut notices) = read_rows(path, kind, |row| {
        let mut ignored = Vec::new();
        let raw = row.string(C::DomainName);
        let domain = AcceptedDomain {
            line: row.line(),
            name: domain_name(&raw).unwrap_or_default(),
            default: row.flag(C::Default, &mut ignored).unwrap_or(false),
        };
        (domain, raw)
    })?;
    let mut domains = Vec::with_capacity(rows.len());
    for (d, raw) in rows {
        if d.name.is_empty() {
            notices.push(Notice(format!(
                "{}:{}: {raw:?} is not a domain name; left out",
                path.display(),
                d.line
            )));
        } else {
            domains.push(d);
        }
    }
    Ok((domains, files, notices))
}
