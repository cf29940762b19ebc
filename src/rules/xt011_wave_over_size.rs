//! XT011 `wave-over-size`: a wave holds more users than its size, because one cluster of
//! mailboxes linked by permissions is larger. Reported by the planner (src/waves/fill.rs).

use super::{Context, Finding, RuleMeta, Severity};
use crate::progress::thousands;
use crate::waves::Oversize;

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT011",
    name: "wave-over-size",
    severity: Severity::Warning,
    org: true,
    summary: "a wave holds more users than users-per-wave, for one large permission cluster",
    what: "The planner keeps mailboxes linked by FullAccess, SendAs or send-on-behalf in one wave. A cluster larger than the wave size (users-per-wave, or the share --waves gives each wave) goes into a wave of its own, which then holds more users than asked. The finding names the wave, the cluster's size and one of its mailboxes.",
    why: "A wave that is several times its size is a weekend several times as long, and its cut-over affects that many more people at once: the schedule does not say what the config asked for.",
    fix: "Look at the cluster (the Permissions sheet, and XT504 for its hubs): remove stale permissions in the source so it falls apart, or make the waves larger; or accept the large wave and staff its weekend for it.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}

/// One finding for every wave over its size (hundreds at 200,000 users would be a wall): how
/// many, and the largest cluster.
pub fn finding(cx: &Context<'_>, over: &[Oversize]) -> Option<Finding> {
    let largest = over.iter().max_by_key(|o| o.cluster)?;
    let others = if over.len() > 1 {
        format!(
            "; {} more wave(s) are over their size for the same reason (the Waves sheet)",
            over.len() - 1
        )
    } else {
        String::new()
    };
    Some(cx.finding(
        &META,
        format!(
            "wave {} holds a cluster of {} mailboxes linked by permissions (among them {}), more than the wave size of {}{others}",
            largest.wave,
            thousands(largest.cluster as u64),
            cx.inputs.sources[largest.first].label(),
            thousands(largest.per_wave as u64)
        ),
        META.fix,
    ))
}
