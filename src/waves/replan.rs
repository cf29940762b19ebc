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
    let plan = crate::input::plan_file::load(path)?;
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
    report: &crate::report::Report<'_>,
    settings: &crate::config::WaveSettings,
) -> PlanFile<'a> {
    let mailboxes = report
        .order
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
                bytes: super::size_of(cx, i),
                codes: Cow::Owned(report.codes[i].join(";")),
            })
        })
        .collect();
    let date = |d: Option<crate::date::Date>| d.map(|d| d.to_string()).unwrap_or_default();
    let batches = plan
        .waves
        .iter()
        .flat_map(|w| {
            w.batches
                .iter()
                .map(|b| crate::write::batches::PlannedBatch {
                    wave: w.name.clone(),
                    batch: b.name.clone(),
                    users: b.members.len(),
                    bytes: b.bytes,
                    estimated_hours: b.estimated_hours,
                    start_after: date(w.cutover.map(|c| c.add_days(-settings.start_days_before))),
                    complete_after: date(w.cutover),
                })
        })
        .collect();
    let held_back = report
        .order
        .iter()
        .filter(|&&i| report.statuses[i] == crate::rules::Status::Blocked)
        .map(|&i| crate::write::batches::HeldBack {
            source: cx.inputs.sources[i].label().to_string(),
            target: addresses[i].clone(),
            codes: report.codes[i].join(";"),
        })
        .collect();
    let mut org_codes: Vec<String> = report
        .findings
        .iter()
        .take_while(|f| f.source.is_none())
        .map(|f| f.code.to_string())
        .collect();
    org_codes.sort();
    org_codes.dedup();
    let exports_at = cx
        .inputs
        .files
        .iter()
        .filter_map(|f| f.modified)
        .max()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| crate::date::Timestamp::from_unix(d.as_secs() as i64).to_string());
    PlanFile {
        version: crate::write::batches::PLAN_FILE_VERSION,
        exports_at,
        settings: Some(crate::write::batches::PlanSettings {
            gb_per_hour: settings.gb_per_hour,
            concurrency: settings.concurrency,
            start_days_before: settings.start_days_before,
        }),
        org_codes,
        batches,
        mailboxes,
        held_back,
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
