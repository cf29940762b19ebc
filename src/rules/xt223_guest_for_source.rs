//! XT223 `guest-for-source`: a guest account of the target stands for this person; it is never
//! the match, and it is removed or converted before the person's MailUser is stamped.

use super::{Finding, MailboxCx, RuleMeta, Severity};
use crate::contacts::Kind;

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT223",
    name: "guest-for-source",
    severity: Severity::Warning,
    org: false,
    summary: "a guest account in the target stands for this person",
    what: "A GuestMailUser of the target tenant (from collaboration before the merger) stands for this source mailbox: its ExternalEmailAddress or a proxy is one of the source's SMTP addresses, or it holds an x500 of the source.",
    why: "A guest is an invited outsider, never the object a mailbox moves to: xtenant does not match it. Beside the person's MailUser it is a second entry in the address book, and any address or x500 it holds that stamping needs is refused (\"already being used\"; XT214, XT216 then block the person). Guests live in Entra ID: Exchange cannot remove them.",
    fix: "Either remove the guest in Entra ID (Remove-MgUser; its shares and Teams memberships go with it) and plan again; or convert it to an internal user in Entra ID (Convert to internal user, which keeps its access), give it the source's address and map it to this mailbox in the mapping file, so stamping stamps that object instead of creating one.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        cx.for_each_stand_in(|o, other, holds| {
            if Kind::of(other) != Some(Kind::Guest) {
                return;
            }
            out.push(cx.finding(
                &META,
                format!(
                    "{}: remove it, or convert it to an internal user and map it",
                    cx.cx.stand_in_message(o, holds)
                ),
                "remove the guest in Entra ID, or convert it to an internal user and map this mailbox to it",
            ));
        });
    }
}
