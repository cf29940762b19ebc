//! The readiness catalogue: the `Rule` trait, its metadata, the one registry (`ALL`), and the
//! evaluation of every rule over every mailbox. Rules return findings; they never print.

mod context;
mod docs;
mod finding;

mod xt001_shared_domain;
mod xt002_target_export_matches_nothing;
mod xt003_target_relationship;
mod xt004_source_relationship;
mod xt005_scope_not_security_group;
mod xt006_scope_nested_group;
mod xt007_migration_endpoint;
pub mod xt008_migration_app;
mod xt009_app_not_consented;
pub mod xt010_batches_over_limit;
pub mod xt011_wave_over_size;
pub mod xt012_waves_past_horizon;
mod xt101_target_missing;
mod xt102_target_ambiguous;
mod xt103_target_claimed_twice;
mod xt104_target_not_mailuser;
mod xt105_mapping_unresolved;
mod xt106_matched_by_name_only;
mod xt107_target_address_unknown;
mod xt201_exchangeguid_missing;
mod xt202_exchangeguid_mismatch;
mod xt203_archiveguid_missing;
mod xt204_archiveguid_mismatch;
mod xt205_legacydn_x500_missing;
mod xt206_source_x500_missing;
mod xt207_x400_missing;
mod xt208_primary_smtp_not_accepted;
mod xt209_primary_equals_external;
mod xt210_external_address_not_source;
mod xt211_foreign_smtp_proxy;
mod xt212_delivery_domain_proxy_missing;
mod xt213_upn_not_accepted;
mod xt214_address_collision;
mod xt215_target_archive_without_source;
mod xt216_x500_collision;
mod xt217_name_collision;
mod xt218_alias_collision;
mod xt219_x400_held_elsewhere;
mod xt220_contact_converted;
mod xt221_contact_duplicate;
mod xt222_contact_dir_synced;
mod xt223_guest_for_source;
mod xt301_previous_mailbox;
mod xt302_licensed_before_stamping;
mod xt303_migration_license_missing;
mod xt401_on_hold;
mod xt402_aux_archive_over_limit;
mod xt403_auto_expanding_archive;
mod xt404_unsupported_recipient_type;
mod xt405_out_of_scope;
mod xt406_large_mailbox;
mod xt407_dumpster_over_target_quota;
mod xt408_move_remote_host_leftover;
mod xt409_soft_deleted_collision;
mod xt501_delegates_split;
mod xt502_send_on_behalf_restamp;
mod xt503_delegate_not_migrating;
mod xt504_permission_hub;
mod xt601_source_value_invalid;
mod xt602_duplicate_source_key;
mod xt603_target_value_invalid;

use std::collections::HashMap;

use rayon::prelude::*;

pub use context::{
    Collision, Context, Domains, GuidField, Holder, MailboxCx, ProxyEdit, SetupFacts,
};
pub use docs::{explain, list, markdown};
pub use finding::{Finding, Status};
// Defined with the model: the settings (`--fail-on`) name a severity too.
pub use crate::model::Severity;

/// What a rule is, for the catalogue, `xtenant rules` and docs/rules.md.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable code, never reused: `XT205`.
    pub code: &'static str,
    /// kebab-case name of the condition flagged: `legacydn-x500-missing`.
    pub name: &'static str,
    pub severity: Severity,
    /// `true` for rules about the whole migration rather than one mailbox.
    pub org: bool,
    /// One line.
    pub summary: &'static str,
    pub what: &'static str,
    pub why: &'static str,
    pub fix: &'static str,
}

/// A readiness check. Per-mailbox rules implement `check_mailbox` (run in parallel over
/// mailboxes); org rules implement `check_org` (run once).
pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;

    /// Why the rule cannot run on these inputs (an optional file was not given), if so. A rule
    /// that is skipped is not run, so its checks need not test the same condition again.
    fn skipped(&self, _cx: &Context<'_>) -> Option<&'static str> {
        None
    }

    fn check_mailbox(&self, _cx: &MailboxCx<'_>, _out: &mut Vec<Finding>) {}

    fn check_org(&self, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}

/// Every rule, in code order. Adding a rule: one file, one line here, one fixture folder.
pub static ALL: &[&dyn Rule] = &[
    &xt001_shared_domain::Rule,
    &xt002_target_export_matches_nothing::Rule,
    &xt003_target_relationship::Rule,
    &xt004_source_relationship::Rule,
    &xt005_scope_not_security_group::Rule,
    &xt006_scope_nested_group::Rule,
    &xt007_migration_endpoint::Rule,
    &xt008_migration_app::Rule,
    &xt009_app_not_consented::Rule,
    &xt010_batches_over_limit::Rule,
    &xt011_wave_over_size::Rule,
    &xt012_waves_past_horizon::Rule,
    &xt101_target_missing::Rule,
    &xt102_target_ambiguous::Rule,
    &xt103_target_claimed_twice::Rule,
    &xt104_target_not_mailuser::Rule,
    &xt105_mapping_unresolved::Rule,
    &xt106_matched_by_name_only::Rule,
    &xt107_target_address_unknown::Rule,
    &xt201_exchangeguid_missing::Rule,
    &xt202_exchangeguid_mismatch::Rule,
    &xt203_archiveguid_missing::Rule,
    &xt204_archiveguid_mismatch::Rule,
    &xt205_legacydn_x500_missing::Rule,
    &xt206_source_x500_missing::Rule,
    &xt207_x400_missing::Rule,
    &xt208_primary_smtp_not_accepted::Rule,
    &xt209_primary_equals_external::Rule,
    &xt210_external_address_not_source::Rule,
    &xt211_foreign_smtp_proxy::Rule,
    &xt212_delivery_domain_proxy_missing::Rule,
    &xt213_upn_not_accepted::Rule,
    &xt214_address_collision::Rule,
    &xt215_target_archive_without_source::Rule,
    &xt216_x500_collision::Rule,
    &xt217_name_collision::Rule,
    &xt218_alias_collision::Rule,
    &xt219_x400_held_elsewhere::Rule,
    &xt220_contact_converted::Rule,
    &xt221_contact_duplicate::Rule,
    &xt222_contact_dir_synced::Rule,
    &xt223_guest_for_source::Rule,
    &xt301_previous_mailbox::Rule,
    &xt302_licensed_before_stamping::Rule,
    &xt303_migration_license_missing::Rule,
    &xt401_on_hold::Rule,
    &xt402_aux_archive_over_limit::Rule,
    &xt403_auto_expanding_archive::Rule,
    &xt404_unsupported_recipient_type::Rule,
    &xt405_out_of_scope::Rule,
    &xt406_large_mailbox::Rule,
    &xt407_dumpster_over_target_quota::Rule,
    &xt408_move_remote_host_leftover::Rule,
    &xt409_soft_deleted_collision::Rule,
    &xt501_delegates_split::Rule,
    &xt502_send_on_behalf_restamp::Rule,
    &xt503_delegate_not_migrating::Rule,
    &xt504_permission_hub::Rule,
    &xt601_source_value_invalid::Rule,
    &xt602_duplicate_source_key::Rule,
    &xt603_target_value_invalid::Rule,
];

/// The checks of the two tenants' setup (docs/setup.md), in the order the Summary lists them:
/// whether the migration can start at all.
pub const SETUP: [&str; 10] = [
    "XT003", "XT004", "XT005", "XT006", "XT007", "XT008", "XT009", "XT010", "XT001", "XT409",
];

/// Finds a rule by code or name, case-insensitively.
pub fn find(code_or_name: &str) -> Option<&'static dyn Rule> {
    ALL.iter().copied().find(|r| {
        r.meta().code.eq_ignore_ascii_case(code_or_name)
            || r.meta().name.eq_ignore_ascii_case(code_or_name)
    })
}

/// The rule with exactly this code: a hash lookup, for the writers and the planner, which ask
/// once per finding (millions on big tenants).
pub fn by_code(code: &str) -> Option<&'static dyn Rule> {
    static CODES: std::sync::OnceLock<HashMap<&'static str, &'static dyn Rule>> =
        std::sync::OnceLock::new();
    CODES
        .get_or_init(|| ALL.iter().map(|&r| (r.meta().code, r)).collect())
        .get(code)
        .copied()
}

/// Runs every rule. Findings come back sorted: org findings first, then by mailbox (in the
/// order of `cx.order`), then by code and message, so the output is the same whatever the
/// number of threads.
pub fn evaluate(cx: &Context<'_>) -> Vec<Finding> {
    // A rule whose input is missing does not run at all; the summary says so (`skipped`).
    let active: Vec<&dyn Rule> = ALL
        .iter()
        .copied()
        .filter(|r| r.skipped(cx).is_none())
        .collect();
    let mut findings: Vec<Finding> = cx
        .inputs
        .sources
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, _)| {
            crate::progress::advance(1);
            let mcx = cx.mailbox(i);
            let mut out = Vec::new();
            for rule in &active {
                rule.check_mailbox(&mcx, &mut out);
            }
            out
        })
        .collect();
    for rule in &active {
        rule.check_org(cx, &mut findings);
    }
    sort(cx, &mut findings);
    findings
}

/// Sorts findings on a total order: org findings first, then by mailbox in output order, then
/// by code, message and fix. Every writer sees this order, whatever the thread count.
pub fn sort(cx: &Context<'_>, findings: &mut [Finding]) {
    findings.par_sort_by(order(cx));
}

/// Adds `more` to `findings`, which are sorted, in the same order: `more` is sorted, then the
/// two runs are merged in one pass (on a tie, `findings` first: what a stable sort of the two
/// would give). The merge moves each finding once into a list of the final size; sorting the
/// joined list again needed as much scratch memory on top, at the run's peak.
pub fn merge(cx: &Context<'_>, findings: &mut Vec<Finding>, mut more: Vec<Finding>) {
    let order = order(cx);
    more.par_sort_by(&order);
    let before = std::mem::take(findings);
    let mut out = Vec::with_capacity(before.len() + more.len());
    let (mut a, mut b) = (before.into_iter().peekable(), more.into_iter().peekable());
    loop {
        let take_b = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => order(y, x) == std::cmp::Ordering::Less,
            (Some(_), None) => false,
            (None, Some(_)) => true,
            (None, None) => break,
        };
        out.extend(if take_b { b.next() } else { a.next() });
    }
    *findings = out;
}

fn order<'c>(cx: &'c Context<'_>) -> impl Fn(&Finding, &Finding) -> std::cmp::Ordering + Sync + 'c {
    let rank = cx.source_rank();
    move |a, b| {
        let key = |f: &Finding| f.source.map(|s| rank[s]);
        // `None` (org findings) sorts first.
        key(a)
            .cmp(&key(b))
            .then_with(|| a.code.cmp(b.code))
            .then_with(|| a.message.cmp(&b.message))
            .then_with(|| a.fix.cmp(&b.fix))
    }
}

/// One line per rule that could not run for lack of an input, for the run summary.
pub fn skipped(cx: &Context<'_>) -> Vec<String> {
    ALL.iter()
        .filter_map(|r| {
            r.skipped(cx)
                .map(|why| format!("{} {} did not run: {why}", r.meta().code, r.meta().name))
        })
        .collect()
}

/// The status of each mailbox from its findings.
pub fn statuses(source_count: usize, findings: &[Finding]) -> Vec<Status> {
    let mut status = vec![Status::Ready; source_count];
    for f in findings {
        if let Some(s) = f.source {
            status[s] = status[s].max(Status::from_severity(f.severity));
        }
    }
    status
}
