//! Output: every writer (CSV, workbook, scripts, console, JSON), and the folder they write into
//! (`folder`: a plan replaced whole or not at all).

pub mod batches;
pub mod console;
pub mod csv;
mod folder;
pub mod json;
pub mod ps1;
pub mod sheet_xml;
pub mod track;
pub mod track_xlsx;
pub mod xlsx;

pub use folder::{Claim, KEPT, MANIFEST, Slot, Staging};

use crate::report::Report;
use crate::stamp::{ContactAction, ContactRow};

/// stamping/contacts.csv's rows by source mailbox, for readiness.csv's ContactsToRemove and the
/// Mailboxes sheet's Contact column, and their counts for the Summary.
#[derive(Debug, Default)]
pub struct ContactIndex<'a> {
    by_source: crate::index::FastMap<usize, Vec<&'a ContactRow>>,
    /// Rows removed in Exchange Online (Action Remove), and on-premises.
    pub(crate) removed: usize,
    pub(crate) on_premises: usize,
}

impl<'a> ContactIndex<'a> {
    pub fn new(rows: &'a [ContactRow]) -> ContactIndex<'a> {
        let mut index = ContactIndex::default();
        for r in rows {
            index.by_source.entry(r.source).or_default().push(r);
            match r.action {
                ContactAction::Remove => index.removed += 1,
                ContactAction::RemoveOnPremises => index.on_premises += 1,
            }
        }
        index
    }

    /// `<contact> (Remove)` for each contact of mailbox `i`, joined by "; ".
    pub(crate) fn describe(&self, report: &Report<'_>, i: usize) -> String {
        self.by_source.get(&i).map_or_else(String::new, |rows| {
            let each: Vec<String> = rows
                .iter()
                .map(|r| {
                    let c = &report.inputs.target_others[r.other];
                    format!("{} ({})", c.label(), r.action.as_str())
                })
                .collect();
            each.join("; ")
        })
    }
}
