//! Output: every writer (CSV, workbook, scripts, console, JSON), and the folder they write into
//! (`folder`: a plan replaced whole or not at all).

pub mod batches;
pub mod console;
pub mod csv;
mod folder;
pub mod json;
pub mod ps1;
pub mod sheet_xml;
pub mod xlsx;

pub use folder::{Claim, KEPT, MANIFEST, Slot, Staging};
