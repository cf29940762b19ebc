//! XT407 `dumpster-over-target-quota`: the source's Recoverable Items exceed the target's quota.

use super::{Finding, MailboxCx, RuleMeta, Severity};

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT407",
    name: "dumpster-over-target-quota",
    severity: Severity::Warning,
    org: false,
    summary: "TotalDeletedItemSize above the target's RecoverableItemsQuota",
    what: "The source mailbox's TotalDeletedItemSize (Recoverable Items, the \"dumpster\") is larger than the target MailUser's RecoverableItemsQuota.",
    why: "Recoverable Items move too; if they do not fit the target's quota the move can fail (Microsoft's validation script reports it as an error).",
    fix: "Raise the target's quota before the move (Set-MailUser <target> -EnableLitigationHoldForMigration in the cloud, msExchELCMailboxFlags on-premises) or purge the source's Recoverable Items where policy allows.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn skipped(&self, cx: &super::Context<'_>) -> Option<&'static str> {
        if !cx.inputs.given(crate::input::InputKind::SourceStatistics) {
            Some("no source-statistics file was given")
        } else if !cx.inputs.has_column(
            crate::input::InputKind::TargetRecipients,
            "RecoverableItemsQuota",
        ) {
            Some("the target export has no RecoverableItemsQuota column")
        } else {
            None
        }
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let Some(t) = cx.target else { return };
        let (Some(dumpster), Some(quota)) = (
            cx.source
                .stats
                .as_ref()
                .and_then(|s| s.total_deleted_item_size),
            t.recoverable_items_quota,
        ) else {
            return;
        };
        if dumpster <= quota {
            return;
        }
        out.push(cx.finding(
            &META,
            format!("source Recoverable Items hold {dumpster} bytes; target {} allows {quota}", t.label()),
            if cx.target_dir_synced() {
                "on-premises AD: set the litigation-hold flag in msExchELCMailboxFlags as Microsoft's cross-tenant guide describes, then sync".into()
            } else {
                cx.set_target("-EnableLitigationHoldForMigration", "")
            },
        ));
    }
}
