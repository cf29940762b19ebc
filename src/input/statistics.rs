//! The source statistics export (Get-EXOMailboxStatistics, primary and `-Archive` rows in one
//! file), keyed by MailboxGuid, which is the ExchangeGuid or the ArchiveGuid of a mailbox.

use std::path::Path;

use super::{ColSpec, Loaded, read_rows};
use crate::error::Result;
use crate::input::InputKind;
use crate::model::{MailboxStats, StatisticsRow};

columns! {
    MailboxGuid = ColSpec::req("MailboxGuid").aka(&["ExchangeGuid"]),
    TotalItemSize = ColSpec::req("TotalItemSize"),
    TotalDeletedItemSize = ColSpec::opt("TotalDeletedItemSize"),
    ItemCount = ColSpec::opt("ItemCount"),
}

pub fn load(path: &Path) -> Result<Loaded<Vec<StatisticsRow>>> {
    read_rows(path, InputKind::SourceStatistics, |row| {
        // Unparsable values are dropped here: statistics only size the plan, they gate nothing.
        let mut ignored = Vec::new();
        StatisticsRow {
            line: row.line(),
            mailbox_guid: row.guid(C::MailboxGuid, &mut ignored),
            stats: MailboxStats {
                total_item_size: row.size(C::TotalItemSize, &mut ignored),
                total_deleted_item_size: row.size(C::TotalDeletedItemSize, &mut ignored),
                item_count: row.size(C::ItemCount, &mut ignored),
                archive_size: None,
            },
        }
    })
}

/// Attaches statistics to their mailboxes: a row whose MailboxGuid is a mailbox's ExchangeGuid
/// gives its primary sizes, one whose MailboxGuid is its ArchiveGuid gives the archive size.
pub fn attach(sources: &mut [crate::model::SourceMailbox], rows: &[StatisticsRow]) {
    use rayon::prelude::*;
    let by_guid: crate::index::FastMap<uuid::Uuid, &MailboxStats> = rows
        .iter()
        .rev()
        .filter_map(|r| Some((r.mailbox_guid?, &r.stats)))
        .collect();
    sources.par_iter_mut().for_each(|s| {
        let primary = s.exchange_guid.and_then(|g| by_guid.get(&g));
        let archive = s.archive_guid.and_then(|g| by_guid.get(&g));
        if primary.is_none() && archive.is_none() {
            return;
        }
        let mut stats = primary.map(|p| (*p).clone()).unwrap_or_default();
        stats.archive_size = archive.and_then(|a| a.total_item_size);
        s.stats = Some(stats);
    });
}
