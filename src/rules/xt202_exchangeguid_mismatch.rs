//! XT202 `exchangeguid-mismatch`: the target's ExchangeGuid differs from the source's.

use super::{Finding, GuidField, MailboxCx, RuleMeta, Severity};

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT202",
    name: "exchangeguid-mismatch",
    severity: Severity::Fix,
    org: false,
    summary: "target ExchangeGuid differs from the source's",
    what: "The target MailUser carries an ExchangeGuid, but not the source mailbox's.",
    why: "The move requires the two to be equal. A different GUID often means the target was once licensed and had a mailbox of its own (see XT301) or was stamped from the wrong source.",
    fix: "Set-MailUser <target> -ExchangeGuid <source ExchangeGuid>, after making sure the object is the right one.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let Some(t) = cx.mail_user_target() else {
            return;
        };
        let (Some(want), Some(have)) = (cx.source.exchange_guid, t.exchange_guid) else {
            return;
        };
        if want == have {
            return;
        }
        let want = want.to_string();
        out.push(cx.finding(
            &META,
            format!(
                "target {} has ExchangeGuid {have}; expected {want}",
                t.label()
            ),
            cx.stamp_guid(GuidField::Exchange, &want),
        ));
    }
}
