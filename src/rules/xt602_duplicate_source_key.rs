//! XT602 `duplicate-source-key`: two source rows share an ExchangeGuid or PrimarySmtpAddress.

use super::{Finding, MailboxCx, RuleMeta, Severity};
use crate::index::some_of;
use crate::join::LISTED;

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT602",
    name: "duplicate-source-key",
    severity: Severity::Blocker,
    org: false,
    summary: "two source rows share an ExchangeGuid or PrimarySmtpAddress",
    what: "The ExchangeGuid or PrimarySmtpAddress of this source mailbox appears on another row of the source export.",
    why: "Both are unique in a tenant; a repeat means the export was appended to twice or merged from two tenants. Stamping one target object from two rows cannot be right.",
    fix: "Re-export the source mailboxes in one run; if the rows really are two mailboxes, one of them has a corrupted value in the export.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let sources = &cx.cx.inputs.sources;
        for (column, group) in cx.cx.duplicates_of(cx.index) {
            let lines: Vec<String> = group
                .iter()
                .filter(|&&o| o != cx.index)
                .take(LISTED)
                .map(|&o| sources[o].line.to_string())
                .collect();
            out.push(cx.finding(
                &META,
                format!(
                    "{column} of source line {} repeats on line(s) {}",
                    cx.source.line,
                    some_of(lines.iter().map(String::as_str), group.len() - 1, LISTED)
                ),
                "re-export the source mailboxes in one run",
            ));
        }
    }
}
