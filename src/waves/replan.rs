//! Re-planning: the key that names a mailbox across runs, a previous plan read back from its
//! plan.json, this plan's plan.json, and who is placed differently from the previous plan.

use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::HashMap;

use super::Plan;
use crate::input::values::address_key;
use crate::rules::Context;
use crate::write::batches::{Move, PlanFile, PlannedMailbox};

/// What a previous plan pinned: mailbox key -> (wave name, batch name, cluster signature).
#[derive(Debug, Default, Clone)]
pub struct Previous {
    pub pinned: HashMap<String, (String, String, String)>,
}

/// The key that identifies a mailbox across runs: its ExchangeGuid, else its primary address.
pub fn mailbox_key(cx: &Context<'_>, i: usize) -> String {
    let s = &cx.inputs.sources[i];
    s.exchange_guid
        .map(|g| g.to_string())
        .unwrap_or_else(|| address_key(s.primary_smtp()))
}

/// Reads a previous plan (its folder, or its plan.json).
pub fn load_previous(
    path: &std::path::Path,
) -> crate::error::Result<(Previous, PlanFile<'static>)> {
    let file = if path.is_dir() {
        path.join("plan.json")
    } else {
        path.to_path_buf()
    };
    let text = std::fs::read_to_string(&file).map_err(|source| crate::error::Error::Read {
        path: file.clone(),
        source,
    })?;
    let plan: PlanFile<'static> =
        serde_json::from_str(&text).map_err(|e| crate::error::Error::Input {
            path: file.clone(),
            detail: format!(
                "not a plan.json written by xtenant: {e} (line {}, column {})",
                e.line(),
                e.column()
            ),
        })?;
    let pinned = plan
        .mailboxes
        .iter()
        .map(|m| {
            (
                m.key.to_string(),
                (
                    m.wave.to_string(),
                    m.batch.to_string(),
                    m.cluster.to_string(),
                ),
            )
        })
        .collect();
    Ok((Previous { pinned }, plan))
}

/// plan.json for this plan.
pub fn plan_file<'a>(
    cx: &Context<'a>,
    plan: &'a Plan,
    addresses: &'a [String],
    order: &[usize],
) -> PlanFile<'a> {
    let mailboxes = order
        .par_iter()
        .filter_map(|&i| {
            let (w, b) = plan.placement[i]?;
            Some(PlannedMailbox {
                key: Cow::Owned(mailbox_key(cx, i)),
                source: Cow::Borrowed(cx.inputs.sources[i].label()),
                target: Cow::Borrowed(&addresses[i]),
                wave: Cow::Borrowed(&plan.waves[w].name),
                batch: Cow::Borrowed(&plan.waves[w].batches[b].name),
                cluster: Cow::Borrowed(
                    plan.signatures
                        .get(&plan.cluster_of[i]?)
                        .map_or("", String::as_str),
                ),
            })
        })
        .collect();
    PlanFile {
        version: 1,
        mailboxes,
    }
}

/// Who is placed differently from the previous plan, and why.
pub fn moves(
    previous: &PlanFile<'_>,
    now: &PlanFile<'_>,
    blocked: &std::collections::HashSet<String>,
) -> Vec<Move> {
    let before: HashMap<&str, &PlannedMailbox<'_>> = previous
        .mailboxes
        .iter()
        .map(|m| (m.key.as_ref(), m))
        .collect();
    let after: HashMap<&str, &PlannedMailbox<'_>> =
        now.mailboxes.iter().map(|m| (m.key.as_ref(), m)).collect();
    let place = |m: &PlannedMailbox<'_>| format!("{}/{}", m.wave, m.batch);
    let mut out = Vec::new();
    for m in &now.mailboxes {
        match before.get(m.key.as_ref()) {
            None => out.push(Move {
                key: m.key.to_string(),
                source: m.source.to_string(),
                before: String::new(),
                after: place(m),
                why: "new mailbox",
            }),
            Some(p) if place(p) != place(m) => out.push(Move {
                key: m.key.to_string(),
                source: m.source.to_string(),
                before: place(p),
                after: place(m),
                why: if p.cluster != m.cluster {
                    "its permission cluster changed"
                } else {
                    "capacity (re-balanced)"
                },
            }),
            _ => {}
        }
    }
    for p in &previous.mailboxes {
        if !after.contains_key(p.key.as_ref()) {
            let why = if blocked.contains(p.key.as_ref()) {
                "now Blocked: held back"
            } else {
                "no longer in the source export"
            };
            out.push(Move {
                key: p.key.to_string(),
                source: p.source.to_string(),
                before: place(p),
                after: String::new(),
                why,
            });
        }
    }
    out.sort();
    out
}
