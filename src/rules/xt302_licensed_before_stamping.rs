//! XT302 `licensed-before-stamping`: the target carries an Exchange licence but not the source's
//! ExchangeGuid.

use super::{Finding, MailboxCx, RuleMeta, Severity};
use crate::input::InputKind;

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT302",
    name: "licensed-before-stamping",
    severity: Severity::Blocker,
    org: false,
    summary: "target has an Exchange licence but not the source's ExchangeGuid: a new mailbox gets provisioned",
    what: "The target's PersistedCapabilities holds an Exchange Online plan (BPOS_S_*), or, when PersistedCapabilities was not exported, Get-User's SKUAssigned is True, while its ExchangeGuid is not the source mailbox's.",
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
        // PersistedCapabilities names the plans; SKUAssigned is True for any licence, the
        // migration add-on included, so it only decides when the plans were not exported.
        let why = if cx
            .cx
            .inputs
            .has_column(InputKind::TargetRecipients, "PersistedCapabilities")
        {
            match t.persisted_capabilities().find(|c| is_exchange_plan(c)) {
                Some(p) => format!("an Exchange plan ({p})"),
                None => return,
            }
        } else if t.sku_assigned == Some(true) {
            "a licence (SKUAssigned True; PersistedCapabilities was not exported to tell which)"
                .to_string()
        } else {
            return;
        };
        out.push(cx.finding(
            &META,
            format!("target {} has {why} but not the source's ExchangeGuid", t.label()),
            "remove the Exchange licence from the target user, stamp ExchangeGuid, licence after the move",
        ));
    }
}
