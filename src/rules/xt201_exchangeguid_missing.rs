//! XT201 `exchangeguid-missing`: the target MailUser has no ExchangeGuid.

use super::{Finding, GuidField, MailboxCx, RuleMeta, Severity};

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT201",
    name: "exchangeguid-missing",
    severity: Severity::Fix,
    org: false,
    summary: "target ExchangeGuid empty or zero",
    what: "The target MailUser's ExchangeGuid is empty or 00000000-0000-0000-0000-000000000000.",
    why: "MRS connects the source mailbox to the target object by ExchangeGuid; without it the move fails with MissingExchangeGuidException. Licensing the user before it is stamped creates a new, empty mailbox instead.",
    fix: "Set-MailUser <target> -ExchangeGuid <source ExchangeGuid> (on-premises: msExchMailboxGuid, then sync). Licence the user only afterwards.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let (Some(t), Some(g)) = (cx.mail_user_target(), cx.source.exchange_guid) else {
            return;
        };
        if t.exchange_guid.is_some() {
            return;
        }
        let g = g.to_string();
        out.push(cx.finding(
            &META,
            format!("target {} has no ExchangeGuid; expected {g}", t.label()),
            cx.stamp_guid(GuidField::Exchange, &g),
        ));
    }
}
