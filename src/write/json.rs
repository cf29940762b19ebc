//! The run summary as JSON (`--json`, on stdout) for automation: the inputs read, mailboxes by
//! status, findings by severity and code, org-level findings, the plan, files and timings.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Value, json};

use crate::report::Report;
use crate::rules::{Severity, Status};
use crate::waves::Plan;

pub fn summary(
    report: &Report<'_>,
    plan: &Plan,
    written: &[PathBuf],
    timings: &[(&str, Duration)],
) -> Value {
    let inputs: Vec<Value> = report
        .inputs
        .files
        .iter()
        .map(|f| {
            json!({
                "kind": f.kind.key(),
                "path": f.path,
                "rows": f.rows,
                "read-as": f.format,
            })
        })
        .collect();
    let mut by_code: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_severity: BTreeMap<&str, usize> = [
        Severity::Blocker,
        Severity::Fix,
        Severity::Warning,
        Severity::Info,
    ]
    .iter()
    .map(|s| (s.as_str(), 0))
    .collect();
    for f in &report.findings {
        *by_code.entry(f.code).or_default() += 1;
        *by_severity.entry(f.severity.as_str()).or_default() += 1;
    }
    let org: Vec<Value> = report
        .findings
        .iter()
        .filter(|f| f.source.is_none())
        .map(|f| json!({"code": f.code, "severity": f.severity.as_str(), "message": f.message}))
        .collect();
    let notes: Vec<&str> = report
        .inputs
        .notices
        .iter()
        .map(|n| n.0.as_str())
        .chain(report.skipped.iter().map(String::as_str))
        .collect();
    json!({
        "xtenant": env!("CARGO_PKG_VERSION"),
        "inputs": inputs,
        "notes": notes,
        "mailboxes": {
            "total": report.statuses.len(),
            "ready": report.count(Status::Ready),
            "needs-stamping": report.count(Status::NeedsStamping),
            "blocked": report.count(Status::Blocked),
        },
        "findings": {
            "total": report.findings.len(),
            "worst": report.worst().map(Severity::as_str),
            "by-severity": by_severity,
            "by-code": by_code,
        },
        "org-findings": org,
        "plan": {
            "waves": plan.waves.len(),
            "batches": plan.waves.iter().map(|w| w.batches.len()).sum::<usize>(),
            "planned": plan.waves.iter().map(|w| w.users()).sum::<usize>(),
            "held-back": report.count(Status::Blocked),
        },
        "written": written,
        "timings": timings
            .iter()
            .map(|(stage, d)| (stage.to_string(), json!(d.as_secs_f64())))
            .collect::<serde_json::Map<_, _>>(),
    })
}
