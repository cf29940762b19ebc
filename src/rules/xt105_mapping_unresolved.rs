//! XT105 `mapping-unresolved`: a mapping-file row names an object found in neither export.

use super::{Context, Finding, MailboxCx, RuleMeta, Severity};

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT105",
    name: "mapping-unresolved",
    severity: Severity::Blocker,
    org: false,
    summary: "a mapping row names an object found in neither export",
    what: "A SourceIdentity or TargetIdentity in the mapping file matches no primary address, UPN, alias, proxy address or ExchangeGuid in the corresponding export.",
    why: "The mapping file states intent explicitly; when it cannot be honoured, falling back to automatic matching could pick an object the planner ruled out.",
    fix: "Correct the identity in the mapping file (typo, old address), or re-export the tenant if the object was created since.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let Some(row) = cx.m.unresolved_mapping else {
            return;
        };
        let Some(rows) = cx.cx.inputs.mapping.as_deref() else {
            return;
        };
        let r = &rows[row];
        out.push(cx.finding(
            &META,
            format!(
                "mapping line {} names target {:?}, which is not in the target export",
                r.line, r.target
            ),
            "correct TargetIdentity in the mapping file",
        ));
    }

    fn check_org(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(rows) = cx.inputs.mapping.as_deref() else {
            return;
        };
        for p in cx
            .joined
            .mapping_problems
            .iter()
            .filter(|p| !p.source_found)
        {
            let r = &rows[p.row];
            let side = if p.target_found {
                ""
            } else {
                ", and its target is not in the target export either"
            };
            out.push(cx.finding(
                &META,
                format!(
                    "mapping line {} names source {:?}, which is not in the source export{side}",
                    r.line, r.source
                ),
                "correct SourceIdentity in the mapping file, or remove the row",
            ));
        }
    }
}
