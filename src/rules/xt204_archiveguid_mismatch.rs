//! XT204 `archiveguid-mismatch`: both sides have an ArchiveGuid and they differ.

use super::{Finding, GuidField, MailboxCx, RuleMeta, Severity};

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT204",
    name: "archiveguid-mismatch",
    severity: Severity::Fix,
    org: false,
    summary: "source and target ArchiveGuid both set, different",
    what: "The source mailbox's ArchiveGuid and the target MailUser's ArchiveGuid are both set and differ.",
    why: "MRS pairs the archives by ArchiveGuid; a different value fails the move of the archive.",
    fix: "Set-MailUser <target> -ArchiveGuid <source ArchiveGuid>.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let Some(t) = cx.mail_user_target() else {
            return;
        };
        let (Some(want), Some(have)) = (cx.source.archive_guid, t.archive_guid) else {
            return;
        };
        if want == have {
            return;
        }
        let want = want.to_string();
        out.push(cx.finding(
            &META,
            format!(
                "target {} has ArchiveGuid {have}; expected {want}",
                t.label()
            ),
            cx.stamp_guid(GuidField::Archive, &want),
        ));
    }
}
