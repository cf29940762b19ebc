//! Run-stopping failures: every variant names the file (and line and column where there is one),
//! what was expected, and how to re-export. Problems with a single row are findings, not errors.

use std::fmt;
use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where in an input file something was found. `line` is 1-based in the file as written
/// (a skipped `#TYPE` line counts); `column` is the header name, or a 1-based character column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    pub line: u64,
    pub column: Option<Column>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    /// A field, by 1-based position and header name.
    Field(usize, String),
    /// A character position in the line, 1-based.
    Char(u64),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.path.display(), self.line)?;
        match &self.column {
            Some(Column::Field(n, name)) => write!(f, ", column {n} ({name})"),
            Some(Column::Char(c)) => write!(f, ":{c}"),
            None => Ok(()),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error(
        "{}: unreadable text encoding: {detail}\n  expected: UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252\n  re-export with: Export-Csv -Encoding UTF8 -NoTypeInformation",
        path.display()
    )]
    Encoding { path: PathBuf, detail: String },

    #[error(
        "{}: this is not {what}: missing column(s) {}\n  columns found: {}\n  re-export with:\n{}",
        path.display(), quote_list(missing), quote_list(found), indent(recipe)
    )]
    MissingColumns {
        path: PathBuf,
        what: &'static str,
        /// The PowerShell that writes the file (`InputKind::recipe`).
        recipe: &'static str,
        missing: Vec<String>,
        found: Vec<String>,
    },

    #[error(
        "{location}: the multi-valued column {column} holds {value:?}, the name of a .NET collection type: it was exported without flattening{also}\n  expected: the values joined, e.g. {example}\n  fix: select it as @{{n='{column}';e={{$_.{column} -join ';'}}}}; the full export command is:\n{}",
        indent(recipe),
        also = if missing.is_empty() { String::new() } else { format!(" (and the file lacks column(s) {})", quote_list(missing)) },
        example = list_example(column)
    )]
    NotFlattened {
        // Boxed: keeps every Result in the crate small.
        location: Box<Location>,
        recipe: &'static str,
        column: String,
        value: String,
        missing: Vec<String>,
    },

    #[error(
        "{location}: duplicate column {name:?} in the header (names are compared case-insensitively)"
    )]
    DuplicateColumn { location: Location, name: String },

    #[error("{location}: malformed row: {detail}")]
    MalformedRow { location: Location, detail: String },

    #[error("{location}: invalid Export-Clixml file: {detail}")]
    Clixml { location: Location, detail: String },

    /// A value the plan acts on that no cmdlet takes (not a finding: the scripts would fail).
    #[error(
        "{location}: {value:?} {problem}\n  expected: {expected}\n  re-export with:\n{}",
        indent(recipe)
    )]
    InvalidValue {
        location: Box<Location>,
        recipe: &'static str,
        value: String,
        problem: &'static str,
        expected: String,
    },

    #[error("{}: {detail}", path.display())]
    Input { path: PathBuf, detail: String },

    /// A setting: from the config file (`path`), or from the command line.
    #[error("{}: {detail}", path.as_ref().map(|p| p.display().to_string()).unwrap_or_else(|| "command line".into()))]
    Config {
        path: Option<PathBuf>,
        detail: String,
    },

    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("{0}")]
    Output(String),
}

fn quote_list(items: &[String]) -> String {
    if items.is_empty() {
        return "(none)".into();
    }
    items
        .iter()
        .map(|s| format!("{s:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A flattened example value of a multi-valued column, for the "not flattened" error.
fn list_example(column: &str) -> &'static str {
    match column.to_ascii_lowercase().as_str() {
        "emailaddresses" => "SMTP:ann@contoso.com;smtp:ann@contoso.onmicrosoft.com;X500:/o=...",
        "accessrights" => "FullAccess;ReadPermission",
        "inplaceholds" => {
            "UniH7d895d48-7e23-4a8d-8346-533c3beac15d;mbxcdbbb86ce60342489bff371876e7f224:1"
        }
        "mailboxlocations" => "1;<guid>;Primary;<forest>;<db guid>;1;<guid>;MainArchive;...",
        _ => "value1;value2",
    }
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
