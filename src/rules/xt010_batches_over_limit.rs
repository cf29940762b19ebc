//! XT010 `batches-over-limit`: the plan has more batches than the target lets exist at once.

use super::{Context, Finding, RuleMeta, Severity};

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT010",
    name: "batches-over-limit",
    severity: Severity::Warning,
    org: true,
    summary: "the plan has more batches than the target's MaxNumberOfBatches",
    what: "The plan's batches outnumber the migration batches the target lets exist at once: MaxNumberOfBatches of Get-MigrationConfig (--migration-config), 100 when it was not exported. Reported by the planner, which knows the batches.",
    why: "New-MigrationBatch fails once the tenant holds that many batches, completed ones included: submitting every wave up front stops at the limit.",
    fix: "Submit the waves in turn (scripts/New-MigrationBatches.ps1 -Wave), and remove the batches of completed waves (scripts/Remove-MigrationBatches.ps1) before submitting more.",
};

/// Exchange Online's MaxNumberOfBatches when Get-MigrationConfig was not exported.
pub const DEFAULT_MAX_BATCHES: u64 = 100;

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}

/// The target's MaxNumberOfBatches, as exported, else Exchange Online's default.
pub fn max_batches(inputs: &crate::model::Inputs) -> u64 {
    inputs
        .setup
        .migration_config
        .as_ref()
        .and_then(|c| c.iter().find_map(|c| c.max_number_of_batches))
        .unwrap_or(DEFAULT_MAX_BATCHES)
}

/// After planning: `batches` in all, the most in one wave `per_wave`.
pub fn check_plan(cx: &Context<'_>, batches: usize, per_wave: usize) -> Vec<Finding> {
    let limit = max_batches(cx.inputs);
    if batches as u64 <= limit {
        return Vec::new();
    }
    let from = if cx.inputs.setup.migration_config.is_some() {
        "the target's MaxNumberOfBatches"
    } else {
        "Exchange Online's default MaxNumberOfBatches (Get-MigrationConfig was not exported)"
    };
    let wave = if per_wave as u64 > limit {
        format!(
            "; one wave alone has {per_wave}: make its batches larger (--batch-size) or the wave smaller"
        )
    } else {
        String::new()
    };
    vec![cx.finding(
        &META,
        format!("the plan has {batches} batches, more than {limit}, {from}{wave}"),
        META.fix,
    )]
}
