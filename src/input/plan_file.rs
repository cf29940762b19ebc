//! plan.json, as `xtenant plan` wrote it: read back by `plan --previous-plan` (to keep each
//! mailbox's place) and by `track` (what to follow), never written by hand.

use std::path::Path;

use crate::error::{Error, Result};
use crate::write::batches::{PLAN_FILE_VERSION, PlanFile};

/// Reads plan.json, or the plan.json of a plan folder.
pub fn load(path: &Path) -> Result<PlanFile<'static>> {
    let file = if path.is_dir() {
        path.join("plan.json")
    } else {
        path.to_path_buf()
    };
    let text = std::fs::read_to_string(&file).map_err(|source| Error::Read {
        path: file.clone(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| Error::Input {
        path: file.clone(),
        detail: format!(
            "not a plan.json written by xtenant: {e} (line {}, column {})",
            e.line(),
            e.column()
        ),
    })
}

/// plan.json for `track`, which needs what version 2 added (the batches and their dates).
pub fn load_for_track(path: &Path) -> Result<PlanFile<'static>> {
    let plan = load(path)?;
    if plan.version < PLAN_FILE_VERSION || plan.settings.is_none() {
        return Err(Error::Input {
            path: path.to_path_buf(),
            detail: format!(
                "a plan.json of version {} has no batches or dates to track: plan again with this xtenant ({}), with --previous-plan so every mailbox keeps its batch",
                plan.version,
                env!("CARGO_PKG_VERSION")
            ),
        });
    }
    Ok(plan)
}
