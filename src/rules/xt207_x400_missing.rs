//! XT207 `x400-missing`: the target lacks an X400 proxy address of the source.

use super::{Finding, MailboxCx, ProxyEdit, RuleMeta, Severity};
use crate::input::values::ProxyKind;

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT207",
    name: "x400-missing",
    severity: Severity::Warning,
    org: false,
    summary: "target lacks a source X400 proxy (recommended by Microsoft)",
    what: "An X400 proxy address of the source mailbox is not among the target MailUser's proxy addresses.",
    why: "Not required for the move, but Microsoft recommends copying X400 addresses: mail and systems that still address the user by X.400 would otherwise bounce.",
    fix: "Set-MailUser <target> -EmailAddresses @{Add='X400:...'} with the value copied byte for byte, semicolons included.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let Some(t) = cx.mail_user_target() else {
            return;
        };
        // Those another recipient holds are XT219's: stamping leaves them out.
        let held = cx.cx.held_x400(cx.index);
        let missing: Vec<String> = cx
            .source
            .proxies(ProxyKind::X400)
            .filter(|p| !t.has_proxy(ProxyKind::X400, p.value))
            .filter(|p| !held.contains(&p.value.to_ascii_lowercase()))
            .map(|p| format!("X400:{}", p.value))
            .collect();
        if missing.is_empty() {
            return;
        }
        out.push(cx.finding(
            &META,
            format!("target {} lacks {}", t.label(), missing.join(" and ")),
            cx.edit_proxies(ProxyEdit::Add, &missing),
        ));
    }
}
