//! The batches and waves measured: users per standing, bytes moved, throughput (GB/h) from
//! BytesTransferred and the snapshots' times, and each batch and wave against the plan's dates.

use std::collections::HashMap;

use super::{STANDINGS, Standing, TrackInputs, Tracked};
use crate::date::{Date, Timestamp};
use crate::model::StatusSummary;

/// The time of day (UTC) of the plan's StartAfter and CompleteAfter dates when the batches are
/// not exported: the default of New-MigrationBatches.ps1's -CutoverTimeUtc.
pub const CUTOVER_HOUR_UTC: i64 = 18;

/// After CompleteAfter, the hours a completion may take before a batch still Synced is stuck,
/// and one still moving is late.
pub const COMPLETION_GRACE_HOURS: i64 = 12;

/// How a batch or a wave stands against the plan's dates, worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Schedule {
    /// Its date has passed and it is not done (or not submitted when due).
    Late,
    /// It will not be synced by its cut-over at the measured throughput, or users in it
    /// failed, stopped or are missing.
    AtRisk,
    /// Cut over, but failed or stopped users were left behind.
    LeftBehind,
    /// Users are copying but no throughput could be measured, or the snapshot's time is not
    /// known.
    Unmeasured,
    OnSchedule,
    /// Not submitted, and not due yet.
    NotDue,
    /// Planned without dates: nothing to measure against.
    Undated,
    Done,
}

impl Schedule {
    pub fn as_str(self) -> &'static str {
        match self {
            Schedule::Late => "Late",
            Schedule::AtRisk => "At risk",
            Schedule::LeftBehind => "Cut over, users left",
            Schedule::Unmeasured => "Not measured",
            Schedule::OnSchedule => "On schedule",
            Schedule::NotDue => "Not due",
            Schedule::Undated => "No date",
            Schedule::Done => "Done",
        }
    }
}

/// Users per standing, in `STANDINGS` order.
pub type Counts = [usize; STANDINGS.len()];

fn slot(standing: Standing) -> usize {
    STANDINGS.iter().position(|s| *s == standing).unwrap_or(0)
}

/// When a batch started syncing and may complete.
#[derive(Debug, Clone, Copy, Default)]
pub struct BatchTimes {
    pub start: Option<Timestamp>,
    pub complete_after: Option<Timestamp>,
}

/// Each batch's times, by lower-cased name: Get-MigrationBatch's StartDateTime, else the later
/// of its CreationDateTime and StartAfter (the plan's scripts create batches ahead of
/// StartAfter), else the plan's StartAfter; its CompleteAfter, else the plan's. The plan's
/// dates are at `CUTOVER_HOUR_UTC`.
pub fn batch_times(inputs: &TrackInputs) -> HashMap<String, BatchTimes> {
    let at = |d: &str| {
        Date::parse(d)
            .map(|d| Timestamp::from_unix(d.unix_days() * 86_400 + CUTOVER_HOUR_UTC * 3600))
    };
    let mut times: HashMap<String, BatchTimes> = inputs
        .plan
        .batches
        .iter()
        .map(|b| {
            (
                b.batch.to_lowercase(),
                BatchTimes {
                    start: at(&b.start_after),
                    complete_after: at(&b.complete_after),
                },
            )
        })
        .collect();
    for e in inputs.batches.iter().flatten() {
        let t = times.entry(e.identity.to_lowercase()).or_default();
        let start_after = e.start_after.or(t.start);
        t.start = e
            .started
            .or_else(|| match (e.created, start_after) {
                (Some(c), Some(s)) => Some(c.max(s)),
                (c, s) => c.or(s),
            })
            .or(t.start);
        t.complete_after = e.complete_after.or(t.complete_after);
    }
    times
}

#[derive(Debug, Clone)]
pub struct BatchProgress {
    pub wave: String,
    pub batch: String,
    /// Its planned users, by where they stand.
    pub users: usize,
    pub counts: Counts,
    /// Bytes to copy: each user's EstimatedTotalTransferSize, else the plan's size.
    pub expected: u64,
    /// Bytes copied: all of a Synced or Completed user's, else BytesTransferred.
    pub done: u64,
    /// Get-MigrationBatch's Status, when exported.
    pub status: String,
    pub start: Option<Timestamp>,
    pub complete_after: Option<Timestamp>,
    /// Users copying (Status Syncing) in the batch as the tenant has it.
    pub copying: usize,
    /// Measured: bytes moved per hour over the measuring window, by the users copying in it.
    pub gb_per_hour: Option<f64>,
    /// The plan's: its bytes over its estimated hours.
    pub planned_gb_per_hour: Option<f64>,
    pub eta: Option<Timestamp>,
    /// Synced users in it (as the tenant has it) after CompleteAfter and the grace: usually
    /// unapproved skipped items.
    pub stuck: bool,
    pub schedule: Schedule,
}

#[derive(Debug, Clone)]
pub struct WaveProgress {
    pub name: String,
    pub cutover: Option<Date>,
    pub users: usize,
    pub counts: Counts,
    pub expected: u64,
    pub done: u64,
    /// The sync time the plan estimated for its longest batch, and the same at the measured
    /// throughput.
    pub planned_hours: f64,
    pub estimated_hours: Option<f64>,
    pub schedule: Schedule,
}

impl WaveProgress {
    pub fn count(&self, standing: Standing) -> usize {
        self.counts[slot(standing)]
    }
}

impl BatchProgress {
    pub fn count(&self, standing: Standing) -> usize {
        self.counts[slot(standing)]
    }
}

/// The throughput measured over the batches copying, against the plan's assumption.
#[derive(Debug, Clone, Default)]
pub struct Throughput {
    /// All copying batches together.
    pub gb_per_hour: Option<f64>,
    /// Per mailbox move: the total over the moves copying at once (at most the concurrency).
    pub per_move: Option<f64>,
    /// The plan's `gb-per-hour`: what its estimates assumed per move.
    pub planned_per_move: Option<f64>,
    /// Measured per move over planned per move (1.0: as planned): the plan's estimates of the
    /// later waves are divided by it.
    pub ratio: Option<f64>,
    /// Between the previous snapshot and this one, else since each batch started.
    pub from_previous: bool,
    /// `--previous` was given but its snapshot is not older than this one: measured since each
    /// batch started instead.
    pub previous_not_older: bool,
    /// Waves the measured throughput does not sync within their window.
    pub late_waves: Vec<String>,
}

/// What the tenant's own batch holds, by lower-cased name (users may sit in another batch than
/// the plan's).
#[derive(Default)]
struct InTenant {
    synced: usize,
    copying: usize,
    moved: u64,
    done: u64,
}

pub fn measure(
    inputs: &TrackInputs,
    rows: &[Tracked],
    times: &HashMap<String, BatchTimes>,
    as_of: Option<Timestamp>,
) -> (Vec<BatchProgress>, Vec<WaveProgress>, Throughput) {
    let plan = &inputs.plan;
    let exported: HashMap<String, &crate::model::MigrationBatch> = inputs
        .batches
        .iter()
        .flatten()
        .map(|b| (b.identity.to_lowercase(), b))
        .collect();
    let index: HashMap<&str, usize> = plan
        .batches
        .iter()
        .enumerate()
        .map(|(i, b)| (b.batch.as_str(), i))
        .collect();
    let mut batches: Vec<BatchProgress> = plan
        .batches
        .iter()
        .map(|b| {
            let key = b.batch.to_lowercase();
            let t = times.get(&key).copied().unwrap_or_default();
            BatchProgress {
                wave: b.wave.clone(),
                batch: b.batch.clone(),
                users: 0,
                counts: Counts::default(),
                expected: 0,
                done: 0,
                status: exported
                    .get(&key)
                    .map(|e| e.status.clone())
                    .unwrap_or_default(),
                start: t.start,
                complete_after: t.complete_after,
                copying: 0,
                gb_per_hour: None,
                planned_gb_per_hour: (b.estimated_hours > 0.0)
                    .then(|| gb(b.bytes) / b.estimated_hours),
                eta: None,
                stuck: false,
                schedule: Schedule::Undated,
            }
        })
        .collect();
    let mut tenant: HashMap<String, InTenant> = HashMap::new();
    for row in rows {
        let mailbox = &plan.mailboxes[row.planned];
        let Some(&b) = index.get(mailbox.batch.as_ref()) else {
            continue;
        };
        let user = row.user.map(|u| &inputs.users[u]);
        let batch = &mut batches[b];
        batch.users += 1;
        batch.counts[slot(row.standing)] += 1;
        let expected = user
            .and_then(|u| u.estimated_total)
            .filter(|&e| e > 0)
            .unwrap_or(mailbox.bytes);
        let transferred = user.and_then(|u| u.bytes_transferred).unwrap_or(0);
        let done = match row.standing {
            Standing::Exported(StatusSummary::Synced | StatusSummary::Completed) => expected,
            _ => transferred.min(expected),
        };
        batch.expected += expected;
        batch.done += done;
        if let Some(u) = user {
            let name: &str = if u.batch.is_empty() {
                &mailbox.batch
            } else {
                &u.batch
            };
            let t = tenant.entry(name.to_lowercase()).or_default();
            if row.standing == Standing::Exported(StatusSummary::Synced) {
                t.synced += 1;
            }
            if u.status.eq_ignore_ascii_case("Syncing") {
                t.copying += 1;
                t.done += done;
                if let Some(previous) = &inputs.previous {
                    t.moved += previous.moved(&mailbox.target, transferred);
                }
            }
        }
    }
    let previous_at = inputs.previous.as_ref().and_then(|p| p.as_of);
    let window = match (previous_at, as_of) {
        (Some(before), Some(now)) if now > before => Some(now.hours_since(before)),
        _ => None,
    };
    let settings = plan.settings.as_ref();
    let mut throughput = Throughput {
        from_previous: window.is_some(),
        previous_not_older: inputs.previous.is_some() && window.is_none(),
        planned_per_move: settings.map(|s| s.gb_per_hour),
        ..Throughput::default()
    };
    let (mut total_rate, mut copying_total, mut measured) = (0.0, 0usize, false);
    let grace = COMPLETION_GRACE_HOURS * 3600;
    for batch in &mut batches {
        let key = batch.batch.to_lowercase();
        let here = tenant.get(&key);
        let (copying, synced_here) = here.map_or((0, 0), |t| (t.copying, t.synced));
        batch.copying = copying;
        batch.gb_per_hour = match (here, window, as_of, batch.start) {
            (Some(t), Some(hours), _, _) if copying > 0 => Some(gb(t.moved) / hours),
            (Some(t), None, Some(now), Some(start)) if copying > 0 && now > start => {
                Some(gb(t.done) / now.hours_since(start))
            }
            _ => None,
        };
        if let Some(rate) = batch.gb_per_hour {
            total_rate += rate;
            copying_total += copying;
            measured = true;
        }
        let remaining = batch.expected.saturating_sub(batch.done);
        batch.eta = match (batch.gb_per_hour, as_of) {
            (Some(rate), Some(now)) if rate > 0.0 => Some(Timestamp::from_unix(
                now.unix() + (gb(remaining) / rate * 3600.0) as i64,
            )),
            _ => None,
        };
        let past = |t: Option<Timestamp>, after: i64| matches!((t, as_of), (Some(t), Some(now)) if now.unix() > t.unix() + after);
        batch.stuck = synced_here > 0 && past(batch.complete_after, grace);
        let count = |s: StatusSummary| batch.count(Standing::Exported(s));
        let completed = count(StatusSummary::Completed);
        let submitted = batch.users - batch.count(Standing::NotSubmitted);
        let moving = count(StatusSummary::Active)
            + count(StatusSummary::Synced)
            + batch.count(Standing::NotSubmitted);
        let troubled = count(StatusSummary::Failed)
            + count(StatusSummary::Stopped)
            + batch.count(Standing::Unknown);
        batch.schedule = if batch.users > 0 && completed == batch.users {
            Schedule::Done
        } else if as_of.is_none() {
            Schedule::Unmeasured
        } else if submitted == 0 {
            match batch.start {
                Some(_) if past(batch.start, 0) => Schedule::Late,
                Some(_) => Schedule::NotDue,
                None => Schedule::Undated,
            }
        } else if past(batch.complete_after, grace) {
            if moving == 0 {
                Schedule::LeftBehind
            } else {
                Schedule::Late
            }
        } else if batch.complete_after.is_none() {
            Schedule::Undated
        } else if troubled > 0 || batch.count(Standing::NotSubmitted) > 0 {
            // Users who will not move at cut-over unless someone acts.
            Schedule::AtRisk
        } else if copying > 0 {
            match (batch.gb_per_hour, batch.eta) {
                (None, _) => Schedule::Unmeasured,
                (Some(_), None) => Schedule::AtRisk,
                (Some(_), Some(eta)) if Some(eta) > batch.complete_after => Schedule::AtRisk,
                _ => Schedule::OnSchedule,
            }
        } else {
            Schedule::OnSchedule
        };
    }
    if measured {
        throughput.gb_per_hour = Some(total_rate);
        let lanes = settings
            .map_or(copying_total, |s| copying_total.min(s.concurrency))
            .max(1);
        let per_move = total_rate / lanes as f64;
        throughput.per_move = Some(per_move);
        throughput.ratio = settings
            .filter(|s| s.gb_per_hour > 0.0)
            .map(|s| per_move / s.gb_per_hour);
    }

    // Waves, in the plan's order.
    let mut waves: Vec<WaveProgress> = Vec::new();
    for (batch, planned) in batches.iter().zip(&plan.batches) {
        if waves.last().is_none_or(|w| w.name != batch.wave) {
            waves.push(WaveProgress {
                name: batch.wave.clone(),
                cutover: Date::parse(&planned.complete_after),
                users: 0,
                counts: Counts::default(),
                expected: 0,
                done: 0,
                planned_hours: 0.0,
                estimated_hours: None,
                schedule: Schedule::Done,
            });
        }
        let wave = waves.last_mut().expect("pushed above");
        wave.users += batch.users;
        for (total, n) in wave.counts.iter_mut().zip(batch.counts) {
            *total += n;
        }
        wave.expected += batch.expected;
        wave.done += batch.done;
        wave.planned_hours = wave.planned_hours.max(planned.estimated_hours);
        wave.schedule = wave.schedule.min(batch.schedule);
    }
    // Batches copying that will not be synced by their cut-over at their measured speed.
    for b in &batches {
        let late = match (b.eta, b.complete_after, b.gb_per_hour) {
            (Some(eta), Some(by), _) => eta > by,
            (None, Some(_), Some(_)) => true,
            _ => false,
        };
        if late && b.schedule == Schedule::AtRisk && !throughput.late_waves.contains(&b.wave) {
            throughput.late_waves.push(b.wave.clone());
        }
    }
    let window_hours = settings.map(|s| s.start_days_before as f64 * 24.0);
    if let Some(ratio) = throughput.ratio {
        for wave in &mut waves {
            // The plan's estimate at the measured speed; nothing moving: never synced.
            let hours = if ratio > 0.0 {
                wave.planned_hours / ratio
            } else {
                f64::INFINITY
            };
            wave.estimated_hours = hours.is_finite().then_some(hours);
            // A wave not started yet: its sync window is the plan's start-days-before.
            if wave.schedule == Schedule::NotDue && window_hours.is_some_and(|w| hours > w) {
                wave.schedule = Schedule::AtRisk;
                if !throughput.late_waves.contains(&wave.name) {
                    throughput.late_waves.push(wave.name.clone());
                }
            }
        }
    }
    (batches, waves, throughput)
}

pub fn gb(bytes: u64) -> f64 {
    bytes as f64 / (1u64 << 30) as f64
}
