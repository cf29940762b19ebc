//! XT408 `move-remote-host-leftover`: the source still carries MailboxMoveRemoteHostName.

use super::{Finding, MailboxCx, RuleMeta, Severity};
use crate::ps::quote;

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT408",
    name: "move-remote-host-leftover",
    severity: Severity::Blocker,
    org: false,
    summary: "source MailboxMoveRemoteHostName not empty (clear it first)",
    what: "The source mailbox's MailboxMoveRemoteHostName is set, a leftover of an earlier (hybrid) move.",
    why: "Microsoft lists it among the causes of failed move validation (orchestrated migration EXCH-08); the new move cannot start while it is set.",
    fix: "Set-Mailbox <source> -AttributesToClear MailboxMoveRemoteHostName in the source tenant, after checking no move is running (Get-MoveRequest).",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let host = cx.source.move_remote_host().trim();
        if host.is_empty() {
            return;
        }
        out.push(cx.finding(
            &META,
            format!("source MailboxMoveRemoteHostName is {host}"),
            format!(
                "Set-Mailbox -Identity {} -AttributesToClear MailboxMoveRemoteHostName",
                quote(cx.source.label())
            ),
        ));
    }
}
