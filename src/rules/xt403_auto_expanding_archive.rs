//! XT403 `auto-expanding-archive`: an auto-expanding archive with auxiliary archives moves, but
//! can fail if it grows during the move.

use super::{Finding, MailboxCx, RuleMeta, Severity};

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT403",
    name: "auto-expanding-archive",
    severity: Severity::Warning,
    org: false,
    summary: "auto-expanding archive with 1-12 auxiliary archives: submit early, it fails if it grows mid-move",
    what: "The source has auto-expanding archiving and 1 to 12 auxiliary archives.",
    why: "If the archive expands during the move, a new auxiliary archive appears in the source but not in the target and the move fails (SourceAuxArchiveIsProvisionedDuringCrossTenantMovePermanentException). Large archives also take long to sync.",
    fix: "Put the mailbox in an early batch, well before its cut-over; if the move fails this way, remove it from the batch and submit it again.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let n = cx.source.aux_archives;
        if n == 0 || n > super::xt402_aux_archive_over_limit::LIMIT {
            return;
        }
        out.push(cx.finding(
            &META,
            format!("source has an auto-expanding archive with {n} auxiliary archive(s)"),
            "submit in an early batch; resubmit if the archive expands mid-move",
        ));
    }
}
