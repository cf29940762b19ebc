//! XT406 `large-mailbox`: the mailbox is larger than the configured threshold.

use super::{Finding, MailboxCx, RuleMeta, Severity};

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT406",
    name: "large-mailbox",
    severity: Severity::Info,
    org: false,
    summary: "TotalItemSize above the threshold (default 50 GB): submit early",
    what: "The source mailbox's TotalItemSize (statistics export) is above --large-mailbox-gb (default 50).",
    why: "Large mailboxes take long to sync; Microsoft recommends submitting batches two weeks before cut-over, and earlier for the largest.",
    fix: "Plan the mailbox into an early batch; nothing to change on the objects.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn skipped(&self, cx: &super::Context<'_>) -> Option<&'static str> {
        (!cx.inputs.given(crate::input::InputKind::SourceStatistics))
            .then_some("no source-statistics file was given")
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let Some(size) = cx.source.stats.as_ref().and_then(|s| s.total_item_size) else {
            return;
        };
        let limit = cx.cx.large_mailbox_bytes;
        if size <= limit {
            return;
        }
        let gb = |b: u64| b as f64 / (1u64 << 30) as f64;
        out.push(cx.finding(
            &META,
            format!(
                "mailbox holds {:.1} GB (threshold {:.0} GB)",
                gb(size),
                gb(limit)
            ),
            "submit in an early batch",
        ));
    }
}
