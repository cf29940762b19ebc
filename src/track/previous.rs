//! `--previous`: the last track output (its progress.csv and track.json), to see what changed
//! since: who stalled, and how many bytes moved between the two snapshots.

use std::collections::HashMap;
use std::path::Path;

use crate::date::Timestamp;
use crate::error::{Error, Result};

/// What the previous snapshot said of each user.
#[derive(Debug, Default)]
pub struct Previous {
    pub as_of: Option<Timestamp>,
    /// By target address (lower case): the Status bucket and bytes transferred.
    users: HashMap<String, (String, Option<u64>)>,
}

impl Previous {
    /// Syncing in the previous snapshot too, with the same bytes transferred.
    pub fn stalled(&self, target: &str, now: Option<u64>) -> bool {
        match (self.users.get(&target.to_lowercase()), now) {
            (Some((standing, Some(before))), Some(now)) => standing == "Active" && *before == now,
            _ => false,
        }
    }

    /// The StatusSummary the previous snapshot gave the user (NotSubmitted when absent).
    pub fn standing(&self, target: &str) -> Option<&str> {
        self.users
            .get(&target.to_lowercase())
            .map(|(standing, _)| standing.as_str())
    }

    /// Bytes moved since the previous snapshot (0 when the count went down: a restarted move).
    pub fn moved(&self, target: &str, now: u64) -> u64 {
        let before = self
            .users
            .get(&target.to_lowercase())
            .and_then(|(_, b)| *b)
            .unwrap_or(0);
        now.saturating_sub(before)
    }

    pub fn len(&self) -> usize {
        self.users.len()
    }

    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
    }
}

/// Reads a track folder written by `xtenant track`.
pub fn load(dir: &Path) -> Result<Previous> {
    let meta = dir.join("track.json");
    let text = std::fs::read_to_string(&meta).map_err(|source| Error::Read {
        path: meta.clone(),
        source,
    })?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| Error::Input {
        path: meta.clone(),
        detail: format!(
            "not a track.json written by xtenant track: {e} (line {}, column {})",
            e.line(),
            e.column()
        ),
    })?;
    let as_of = json["as-of"].as_str().and_then(Timestamp::parse);
    let progress = dir.join("progress.csv");
    let file = std::fs::File::open(&progress).map_err(|source| Error::Read {
        path: progress.clone(),
        source,
    })?;
    let bad = |line: u64, detail: String| Error::Input {
        path: progress.clone(),
        detail: format!("line {line}: {detail}; --previous takes a folder xtenant track wrote"),
    };
    let mut reader = csv::ReaderBuilder::new().from_reader(std::io::BufReader::new(file));
    let header = reader.headers().map_err(|e| bad(1, e.to_string()))?.clone();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == name)
            .ok_or_else(|| bad(1, format!("no {name} column")))
    };
    let (address, status, bytes) = (
        col("EmailAddress")?,
        col("StatusSummary")?,
        col("BytesTransferred")?,
    );
    let mut users = HashMap::new();
    for (n, record) in reader.records().enumerate() {
        let line = n as u64 + 2;
        let record = record.map_err(|e| bad(line, e.to_string()))?;
        let field = |i: usize| record.get(i).unwrap_or_default();
        let moved = match field(bytes) {
            "" => None,
            b => Some(
                b.parse::<u64>()
                    .map_err(|_| bad(line, format!("BytesTransferred {b:?} is not a number")))?,
            ),
        };
        users.insert(
            field(address).to_lowercase(),
            (field(status).to_string(), moved),
        );
    }
    Ok(Previous { as_of, users })
}
