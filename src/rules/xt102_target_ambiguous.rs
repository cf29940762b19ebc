//! XT102 `target-ambiguous`: several target objects match at the deciding level.

use super::{Finding, MailboxCx, RuleMeta, Severity};

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT102",
    name: "target-ambiguous",
    severity: Severity::Blocker,
    org: false,
    summary: "several target objects match at the deciding level",
    what: "Two or more target objects match the source mailbox at the strongest level that finds any (for example two MailUsers whose ExternalEmailAddress is one of its addresses).",
    why: "xtenant never guesses: stamping the wrong object would give one person's mailbox to another, and a duplicate ExchangeGuid in the target fails the move.",
    fix: "Decide which object is the right one, add SourceIdentity,TargetIdentity to the mapping file, and remove or correct the other object.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        if cx.m.ambiguous.is_empty() {
            return;
        }
        let targets = &cx.cx.inputs.targets;
        let names: Vec<&str> = cx.m.ambiguous.iter().map(|&t| targets[t].label()).collect();
        let by = cx.m.by.map(|b| b.to_string()).unwrap_or_default();
        let (count, more) = if cx.m.more_candidates {
            (format!("more than {}", names.len()), " and more")
        } else {
            (names.len().to_string(), "")
        };
        out.push(cx.finding(
            &META,
            format!(
                "{count} target objects match by {by}: {}{more}",
                names.join(", ")
            ),
            format!(
                "add the right pair to the mapping file: {},<one of: {}>",
                cx.source.label(),
                names.join(" | ")
            ),
        ));
    }
}
