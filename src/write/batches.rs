//! The plan's files: one CSV per migration batch (only `EmailAddress`, the target address, so
//! New-MigrationBatch accepts it), the batch list the scripts read, the mailboxes held back,
//! the permissions that could not be resolved, plan.json and the re-planning report.

use std::borrow::Cow;
use std::io::Write;

use serde::{Deserialize, Serialize};

use crate::config::WaveSettings;
use crate::report::Report;
use crate::rules::Status;
use crate::waves::Plan;

/// A batch file exactly as New-MigrationBatch -CSVData expects it: the header `EmailAddress`,
/// one target address per line, CRLF, UTF-8 without BOM, nothing else (unknown columns fail the
/// batch unless -AllowUnknownColumnsInCsv).
///
/// A blank address would fail its user in the tenant: the rules hold back every mailbox whose
/// target address is unknown (XT107), so one here is a bug, and the run stops rather than
/// write it.
pub fn batch_csv(addresses: &[&str], w: &mut dyn Write) -> std::io::Result<()> {
    if addresses.iter().any(|a| a.trim().is_empty()) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "internal error: a planned mailbox has no target address (please report it)",
        ));
    }
    w.write_all(b"EmailAddress\r\n")?;
    for a in addresses {
        w.write_all(a.as_bytes())?;
        w.write_all(b"\r\n")?;
    }
    Ok(())
}

pub const BATCHES_HEADER: [&str; 9] = [
    "Wave",
    "Batch",
    "File",
    "Users",
    "SizeBytes",
    "EstimatedHours",
    "CutOver",
    "StartAfter",
    "CompleteAfter",
];

/// batches/batches.csv: what scripts/New-MigrationBatches.ps1 submits.
pub fn batch_list(plan: &Plan, settings: &WaveSettings, w: &mut dyn Write) -> std::io::Result<()> {
    let mut out = super::csv::import_csv_writer(w)?;
    out.write_record(BATCHES_HEADER)?;
    for wave in &plan.waves {
        let date = |d: Option<crate::date::Date>| d.map(|d| d.to_string()).unwrap_or_default();
        for b in &wave.batches {
            out.write_record([
                wave.name.as_str(),
                &b.name,
                &format!("{}/{}.csv", wave.name, b.name),
                &b.members.len().to_string(),
                &b.bytes.to_string(),
                &format!("{:.1}", b.estimated_hours),
                &date(wave.cutover),
                &date(
                    wave.cutover
                        .map(|c| c.add_days(-settings.start_days_before)),
                ),
                &date(wave.cutover),
            ])?;
        }
    }
    out.flush()
}

/// batches/held-back.csv: the Blocked mailboxes, with why.
pub fn held_back(report: &Report<'_>, w: &mut dyn Write) -> std::io::Result<()> {
    let mut out = super::csv::import_csv_writer(w)?;
    out.write_record(["SourcePrimarySmtpAddress", "Codes"])?;
    for &i in report
        .order
        .iter()
        .filter(|&&i| report.statuses[i] == Status::Blocked)
    {
        out.write_record([report.inputs.sources[i].label(), &report.codes[i].join(";")])?;
    }
    out.flush()
}

/// batches/permissions-unresolved.csv.
pub fn unresolved(plan: &Plan, w: &mut dyn Write) -> std::io::Result<()> {
    let mut out = super::csv::import_csv_writer(w)?;
    out.write_record(["Mailbox", "Trustee", "Permission", "Why"])?;
    for u in &plan.graph.unresolved {
        out.write_record([
            u.mailbox_text.as_str(),
            &u.trustee_text,
            u.kind.as_str(),
            u.why,
        ])?;
    }
    out.flush()
}

/// plan.json: each planned mailbox's wave and batch, for `--previous-plan`, and (version 2)
/// what `xtenant track` follows: the batches with their dates and estimates, the throughput
/// assumed, each mailbox's size and findings, the mailboxes held back. Written, its values are
/// borrowed from the run (a million mailboxes made six million copies); read back, owned.
#[derive(Debug, Serialize, Deserialize)]
pub struct PlanFile<'a> {
    pub version: u32,
    /// When the newest export the plan read was written (its file's modification time, ISO
    /// 8601): a failure of a batch started before it may be fixed since.
    #[serde(default)]
    pub exports_at: Option<String>,
    #[serde(default)]
    pub settings: Option<PlanSettings>,
    /// The codes of the organisation-level findings (the tenants' setup, shared domains).
    #[serde(default)]
    pub org_codes: Vec<String>,
    #[serde(default)]
    pub batches: Vec<PlannedBatch>,
    pub mailboxes: Vec<PlannedMailbox<'a>>,
    #[serde(default)]
    pub held_back: Vec<HeldBack>,
}

/// The version `plan` writes; `track` needs at least 2.
pub const PLAN_FILE_VERSION: u32 = 2;

/// The throughput model the plan's estimates assumed (`[waves]` in the config).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlanSettings {
    pub gb_per_hour: f64,
    pub concurrency: usize,
    pub start_days_before: i64,
}

/// One migration batch as batches/batches.csv lists it; dates are `YYYY-MM-DD` or empty.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlannedBatch {
    pub wave: String,
    pub batch: String,
    pub users: usize,
    pub bytes: u64,
    pub estimated_hours: f64,
    pub start_after: String,
    pub complete_after: String,
}

/// A source mailbox the plan keeps out of every batch, with the codes that hold it back.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HeldBack {
    pub source: String,
    pub target: String,
    pub codes: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct PlannedMailbox<'a> {
    /// ExchangeGuid, else the primary address.
    pub key: Cow<'a, str>,
    pub source: Cow<'a, str>,
    pub target: Cow<'a, str>,
    pub wave: Cow<'a, str>,
    pub batch: Cow<'a, str>,
    /// The cluster's identity: when it changes, the mailbox may move.
    pub cluster: Cow<'a, str>,
    /// Primary and archive size, from the statistics.
    #[serde(default)]
    pub bytes: u64,
    /// The codes of its findings, `;`-separated.
    #[serde(default)]
    pub codes: Cow<'a, str>,
}

pub fn plan_json(file: &PlanFile<'_>, w: &mut dyn Write) -> std::io::Result<()> {
    // serde_json writes a few bytes at a time (a quote, a key, an indent): into a buffer of a
    // known type those are inlined copies, where each was a call through `dyn Write`.
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, &mut *w);
    serde_json::to_writer_pretty(&mut buffered, file)?;
    buffered.write_all(b"\n")?;
    buffered.flush()
}

/// One line of replan.csv: a mailbox whose place differs from the previous plan.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Move {
    pub key: String,
    pub source: String,
    pub before: String,
    pub after: String,
    pub why: &'static str,
}

pub fn replan(moves: &[Move], w: &mut dyn Write) -> std::io::Result<()> {
    let mut out = super::csv::import_csv_writer(w)?;
    out.write_record(["SourcePrimarySmtpAddress", "Key", "Before", "After", "Why"])?;
    for m in moves {
        out.write_record([m.source.as_str(), &m.key, &m.before, &m.after, m.why])?;
    }
    out.flush()
}
