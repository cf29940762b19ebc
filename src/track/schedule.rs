//! The batches and waves measured: users per standing, bytes moved, throughput (GB/h) from
//! BytesTransferred and the snapshots' times, and each batch and wave against the plan's dates.

use std::collections::HashMap;

use super::{STANDINGS, Standing, TrackInputs, Tracked};
use crate::date::{Date, Timestamp};
use crate::model::StatusSummary;

/// How a batch or a wave stands against the plan's dates, worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Schedule {
    /// Its date has passed and it is not done (or not submitted when due).
    Late,
    /// Cut over, but failed or stopped users were left behind.
    LeftBehind,
    /// At the measured throughput it will not be synced by its cut-over.
    AtRisk,
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
            Schedule::LeftBehind => "Cut over, users left",
            Schedule::AtRisk => "At risk",
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

#[derive(Debug, Clone)]
pub struct BatchProgress {
    pub wave: String,
    pub batch: String,
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
    /// Measured: bytes moved per hour over the measuring window.
    pub gb_per_hour: Option<f64>,
    /// The plan's: its bytes over its estimated hours.
    pub planned_gb_per_hour: Option<f64>,
    pub eta: Option<Timestamp>,
    /// Synced users left after CompleteAfter passed: usually unapproved skipped items.
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

/// The throughput measured over the running batches, against the plan's assumption.
#[derive(Debug, Clone, Default)]
pub struct Throughput {
    /// All running batches together.
    pub gb_per_hour: Option<f64>,
    /// Per mailbox move: the total over the moves running at once (at most the concurrency).
    pub per_move: Option<f64>,
    /// The plan's `gb-per-hour`.
    pub planned_per_move: Option<f64>,
    /// Measured over planned for the same batches (1.0: as planned).
    pub ratio: Option<f64>,
    /// Between the previous snapshot and this one, else since each batch started.
    pub from_previous: bool,
    /// Waves the measured throughput does not sync within their window.
    pub late_waves: Vec<String>,
}

pub fn measure(
    inputs: &TrackInputs,
    rows: &[Tracked],
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
            let export = exported.get(&b.batch.to_lowercase());
            let day =
                |d: &str| Date::parse(d).map(|d| Timestamp::from_unix(d.unix_days() * 86_400));
            BatchProgress {
                wave: b.wave.clone(),
                batch: b.batch.clone(),
                users: 0,
                counts: Counts::default(),
                expected: 0,
                done: 0,
                status: export.map(|e| e.status.clone()).unwrap_or_default(),
                start: export
                    .and_then(|e| e.started.or(e.created))
                    .or_else(|| day(&b.start_after)),
                complete_after: export
                    .and_then(|e| e.complete_after)
                    .or_else(|| day(&b.complete_after)),
                gb_per_hour: None,
                planned_gb_per_hour: (b.estimated_hours > 0.0)
                    .then(|| gb(b.bytes) / b.estimated_hours),
                eta: None,
                stuck: false,
                schedule: Schedule::Undated,
            }
        })
        .collect();
    // Bytes moved between the snapshots, per batch.
    let mut moved: Vec<u64> = vec![0; batches.len()];
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
        batch.expected += expected;
        batch.done += match row.standing {
            Standing::Exported(StatusSummary::Synced | StatusSummary::Completed) => expected,
            _ => transferred.min(expected),
        };
        if let (Some(previous), Some(_)) = (&inputs.previous, user) {
            moved[b] += previous.moved(&mailbox.target, transferred);
        }
    }
    let previous_at = inputs.previous.as_ref().and_then(|p| p.as_of);
    let window = match (previous_at, as_of) {
        (Some(before), Some(now)) if now > before => Some(now.hours_since(before)),
        _ => None,
    };
    let mut throughput = Throughput {
        from_previous: window.is_some(),
        planned_per_move: plan.settings.as_ref().map(|s| s.gb_per_hour),
        ..Throughput::default()
    };
    let (mut total_rate, mut total_planned, mut running) = (0.0, 0.0, 0usize);
    for (i, batch) in batches.iter_mut().enumerate() {
        let active = batch.count(Standing::Exported(StatusSummary::Active));
        let submitted = batch.users - batch.count(Standing::NotSubmitted);
        let completed = batch.count(Standing::Exported(StatusSummary::Completed));
        let synced = batch.count(Standing::Exported(StatusSummary::Synced));
        batch.gb_per_hour = match (window, as_of, batch.start) {
            (Some(hours), _, _) if active > 0 => Some(gb(moved[i]) / hours),
            (None, Some(now), Some(start)) if active > 0 && now > start => {
                Some(gb(batch.done) / now.hours_since(start))
            }
            _ => None,
        };
        if let (Some(rate), Some(planned)) = (batch.gb_per_hour, batch.planned_gb_per_hour) {
            total_rate += rate;
            total_planned += planned;
            running += active;
        }
        let remaining = batch.expected.saturating_sub(batch.done);
        batch.eta = match (batch.gb_per_hour, as_of) {
            (Some(rate), Some(now)) if rate > 0.0 => Some(Timestamp::from_unix(
                now.unix() + (gb(remaining) / rate * 3600.0) as i64,
            )),
            _ => None,
        };
        let past = |t: Option<Timestamp>| matches!((t, as_of), (Some(t), Some(now)) if now > t);
        batch.stuck = synced > 0 && past(batch.complete_after);
        batch.schedule = if batch.users > 0 && completed == batch.users {
            Schedule::Done
        } else if submitted == 0 {
            match (batch.start, as_of) {
                (Some(start), Some(now)) if now >= start => Schedule::Late,
                (Some(_), _) => Schedule::NotDue,
                _ => Schedule::Undated,
            }
        } else if past(
            batch
                .complete_after
                .map(|t| Timestamp::from_unix(t.unix() + 86_400)),
        ) {
            // Past the whole cut-over day and not completed: still moving, or left behind.
            let moving = active + synced + batch.count(Standing::NotSubmitted);
            if moving == 0 {
                Schedule::LeftBehind
            } else {
                Schedule::Late
            }
        } else if batch.complete_after.is_none() {
            Schedule::Undated
        } else if batch
            .eta
            .zip(batch.complete_after)
            .is_some_and(|(eta, by)| eta > by)
        {
            Schedule::AtRisk
        } else {
            Schedule::OnSchedule
        };
    }
    if total_planned > 0.0 {
        throughput.gb_per_hour = Some(total_rate);
        throughput.ratio = Some(total_rate / total_planned);
        let lanes = plan
            .settings
            .as_ref()
            .map_or(running, |s| running.min(s.concurrency))
            .max(1);
        throughput.per_move = Some(total_rate / lanes as f64);
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
    let window_hours = plan
        .settings
        .as_ref()
        .map(|s| s.start_days_before as f64 * 24.0);
    for wave in &mut waves {
        let Some(ratio) = throughput.ratio.filter(|r| *r > 0.0) else {
            continue;
        };
        let hours = wave.planned_hours / ratio;
        wave.estimated_hours = Some(hours);
        // A wave not started yet: its sync window is the plan's start-days-before.
        if wave.schedule == Schedule::NotDue && window_hours.is_some_and(|w| hours > w) {
            wave.schedule = Schedule::AtRisk;
        }
        if wave.schedule == Schedule::AtRisk {
            throughput.late_waves.push(wave.name.clone());
        }
    }
    (batches, waves, throughput)
}

pub fn gb(bytes: u64) -> f64 {
    bytes as f64 / (1u64 << 30) as f64
}
