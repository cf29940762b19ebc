//! XT601 `source-value-invalid`: a source row has a value that cannot be used as written.

use super::{Finding, MailboxCx, RuleMeta, Severity};

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT601",
    name: "source-value-invalid",
    severity: Severity::Blocker,
    org: false,
    summary: "a source row has an invalid or empty key value (GUID, address, True/False)",
    what: "A value in the source mailbox export is not of its kind: an ExchangeGuid or ArchiveGuid that is not a GUID, a PrimarySmtpAddress without `@`, a hold flag that is neither True nor False, or an empty ExchangeGuid, PrimarySmtpAddress or LegacyExchangeDN.",
    why: "These values are copied to the target or decide whether the move is allowed; a wrong or missing one cannot be stamped, and guessing would move the wrong data.",
    fix: "Look at the object in the source tenant (Get-EXOMailbox <id> | Format-List <column>) and re-export; a mangled value usually means the file was edited or saved by Excel.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        for issue in &cx.source.issues {
            out.push(cx.finding(
                &META,
                format!(
                    "{} {:?} {} (source line {})",
                    issue.column,
                    issue.value,
                    issue.problem.describe(),
                    cx.source.line
                ),
                format!("check {} in the source tenant and re-export", issue.column),
            ));
        }
    }
}
