//! XT603 `target-value-invalid`: the matched target has a value that cannot be read.

use super::{Finding, MailboxCx, RuleMeta, Severity};

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT603",
    name: "target-value-invalid",
    severity: Severity::Fix,
    org: false,
    summary: "the matched target has an unreadable value (GUID, address, True/False, size)",
    what: "A value of the matched target object in the target export is not of its kind, for example an ExchangeGuid that is not a GUID or an ExternalEmailAddress without `@`.",
    why: "xtenant treats the value as absent, so the checks that use it report what stamping will set; confirm the real value before stamping.",
    fix: "Look at the object in the target tenant (Get-MailUser <id> | Format-List <column>); stamping overwrites the value.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let Some(t) = cx.target else { return };
        for issue in &t.issues {
            out.push(cx.finding(
                &META,
                format!(
                    "target {} {} {:?} {} (target line {})",
                    t.label(),
                    issue.column,
                    issue.value,
                    issue.problem.describe(),
                    t.line
                ),
                format!(
                    "check {} of {} in the target tenant",
                    issue.column,
                    t.label()
                ),
            ));
        }
    }
}
