//! XT404 `unsupported-recipient-type`: the source is a kind of mailbox that does not move.

use super::{Finding, MailboxCx, RuleMeta, Severity};

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT404",
    name: "unsupported-recipient-type",
    severity: Severity::Blocker,
    org: false,
    summary: "source is a group, public folder, discovery or other mailbox type that does not move",
    what: "The source RecipientTypeDetails is not UserMailbox, SharedMailbox, RoomMailbox or EquipmentMailbox (for example GroupMailbox, PublicFolderMailbox, DiscoveryMailbox, TeamMailbox).",
    why: "Cross-tenant mailbox migration moves user, shared and resource mailboxes only; Microsoft 365 Groups and public folders need other tools.",
    fix: "Remove the object from the migration scope group and plan its content separately (Groups: a third-party tool or export/import; public folders: a public folder migration).",
};

const SUPPORTED: [&str; 4] = [
    "UserMailbox",
    "SharedMailbox",
    "RoomMailbox",
    "EquipmentMailbox",
];

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let rtd = cx.source.recipient_type_details();
        if rtd.is_empty() || SUPPORTED.iter().any(|s| s.eq_ignore_ascii_case(rtd)) {
            return;
        }
        out.push(cx.finding(
            &META,
            format!("source is a {rtd}, which cross-tenant migration does not move"),
            "remove it from the migration scope group and plan its content separately",
        ));
    }
}
