//! XT302 `licensed-before-stamping`: the target carries an Exchange licence but not the source's
//! ExchangeGuid.

use super::{Finding, MailboxCx, RuleMeta, Severity};

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT302",
    name: "licensed-before-stamping",
    severity: Severity::Blocker,
    org: false,
    summary: "target has an Exchange licence but not the source's ExchangeGuid: a new mailbox gets provisioned",
    what: "Get-User's SKUAssigned is True, or the target's PersistedCapabilities holds an Exchange Online plan (BPOS_S_*), while its ExchangeGuid is not the source mailbox's.",
    why: "Microsoft: applying a licence before the ExchangeGuid is stamped provisions a new, empty mailbox, and the move then fails with \"already has a primary mailbox\". Licensing also scrubs SMTP proxies in non-owned domains.",
    fix: "Remove the Exchange licence (or its Exchange service plan) from the target user now; stamp the ExchangeGuid; licence again after the move, within the 30-day grace period.",
};

/// PersistedCapabilities values that mean an Exchange Online mailbox plan is assigned.
fn is_exchange_plan(capability: &str) -> bool {
    capability
        .get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("BPOS_S_"))
}

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let Some(t) = cx.target else { return };
        if cx.source.exchange_guid.is_some() && t.exchange_guid == cx.source.exchange_guid {
            return;
        }
        let plan = t
            .persisted_capabilities
            .iter()
            .find(|c| is_exchange_plan(c));
        let why = match (t.sku_assigned, plan) {
            (_, Some(p)) => format!("an Exchange plan ({p})"),
            (Some(true), None) => "a licence (SKUAssigned True)".to_string(),
            _ => return,
        };
        out.push(cx.finding(
            &META,
            format!("target {} has {why} but not the source's ExchangeGuid", t.label()),
            "remove the Exchange licence from the target user, stamp ExchangeGuid, licence after the move".into(),
        ));
    }
}
