//! XT012 `waves-past-horizon`: the waves run for more than half a year. Reported by the
//! planner (src/waves/mod.rs).

use super::{Context, Finding, RuleMeta, Severity};
use crate::config::WaveSettings;
use crate::waves::Wave;

pub struct Rule;

/// Beyond this many weeks from the first cut-over to the last, the schedule is worth a look.
pub const HORIZON_WEEKS: i64 = 26;

static META: RuleMeta = RuleMeta {
    code: "XT012",
    name: "waves-past-horizon",
    severity: Severity::Warning,
    org: true,
    summary: "the waves run for more than 26 weeks",
    what: "From the first main wave's cut-over to the last one's is more than 26 weeks (with no cut-over date, the waves times cadence-days).",
    why: "A merger's migration is planned in weeks or months: a schedule that runs for years usually comes from a wave size meant for another tenant (users-per-wave too small for the number of mailboxes), and licences, coexistence and the migration app's secret all run out long before it ends.",
    fix: "Make the waves larger (users-per-wave) or fewer (--waves), or the cadence shorter (cadence-days), and plan again.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}

pub fn check(cx: &Context<'_>, waves: &[Wave], s: &WaveSettings) -> Vec<Finding> {
    let main = waves.iter().filter(|w| !w.name.ends_with("-pilot")).count();
    if main < 2 {
        return Vec::new();
    }
    let dated = waves
        .iter()
        .filter(|w| !w.name.ends_with("-pilot"))
        .filter_map(|w| w.cutover);
    let (first, last) = (dated.clone().min(), dated.max());
    let days = match (first, last) {
        (Some(f), Some(l)) => l.days_since(f),
        _ => (main as i64 - 1) * s.cadence_days,
    };
    if days <= HORIZON_WEEKS * 7 {
        return Vec::new();
    }
    let span = match (first, last) {
        (Some(f), Some(l)) => format!("from {f} to {l}"),
        _ => format!("one every {} days", s.cadence_days),
    };
    vec![cx.finding(
        &META,
        format!(
            "{main} main waves run {span}: {} weeks, more than {HORIZON_WEEKS}",
            days / 7
        ),
        META.fix,
    )]
}
