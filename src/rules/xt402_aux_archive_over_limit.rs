//! XT402 `aux-archive-over-limit`: more than 12 auxiliary archives.

use super::{Finding, MailboxCx, RuleMeta, Severity};

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT402",
    name: "aux-archive-over-limit",
    severity: Severity::Blocker,
    org: false,
    summary: "more than 12 AuxArchive entries in MailboxLocations",
    what: "The source mailbox's MailboxLocations lists more than 12 auxiliary archives (auto-expanding archiving).",
    why: "Microsoft supports moving users with no more than 12 auxiliary archive mailboxes; its validation script stops on the same condition.",
    fix: "Reduce the archive (retention policies, export and purge old content) with the user's records owner, or leave the mailbox out of the cross-tenant move.",
};

/// Microsoft's documented maximum of auxiliary archives for a cross-tenant move.
pub const LIMIT: u32 = 12;

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let n = cx.source.aux_archives;
        if n <= LIMIT {
            return;
        }
        out.push(cx.finding(
            &META,
            format!("source has {n} auxiliary archives; at most {LIMIT} can move"),
            "reduce the archive with the records owner, or leave the mailbox out",
        ));
    }
}
