//! XT002 `target-export-matches-nothing`: the target export is empty, or none of its
//! recipients matches a source mailbox.

use super::{Context, Finding, RuleMeta, Severity};

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT002",
    name: "target-export-matches-nothing",
    severity: Severity::Warning,
    org: true,
    summary: "the target export is empty or matches no source mailbox: every mailbox would get a new MailUser",
    what: "The target recipients export holds no rows, or not one of its recipients matches any source mailbox (by mapping, ExchangeGuid, ExternalEmailAddress, x500 or name).",
    why: "Then every source mailbox is planned a new MailUser (XT101). That is right for a target prepared from nothing, but far more often the export is of the wrong tenant, was cut short, or was filtered to the wrong objects; creating thousands of MailUsers beside the real ones makes duplicates that collide with them.",
    fix: "Check that target-recipients.csv is a complete export of the target tenant (the recipe in docs/exports.md: Get-MailUser and Get-Mailbox, -ResultSize Unlimited) and export it again. If the target really holds none of these users yet, go ahead: stamping creates them.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_org(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let (sources, targets) = (cx.inputs.sources.len(), cx.inputs.targets.len());
        if sources == 0 {
            return;
        }
        let matched = cx
            .joined
            .matches
            .iter()
            .filter(|m| m.target.is_some())
            .count();
        let message = if targets == 0 {
            format!(
                "the target export holds no recipients: all {sources} source mailboxes would get a new MailUser"
            )
        } else if matched == 0 {
            format!(
                "none of the target export's {targets} recipients matches one of the {sources} source mailboxes: all of them would get a new MailUser"
            )
        } else {
            return;
        };
        out.push(cx.finding(&META, message, META.fix));
    }
}
