//! XT203 `archiveguid-missing`: the source has an archive, the target no ArchiveGuid.

use super::{Finding, GuidField, MailboxCx, RuleMeta, Severity};

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT203",
    name: "archiveguid-missing",
    severity: Severity::Fix,
    org: false,
    summary: "source has an archive, target ArchiveGuid empty/zero",
    what: "The source mailbox has an archive (non-zero ArchiveGuid) and the target MailUser's ArchiveGuid is empty or zero.",
    why: "The archive moves with the primary mailbox only when the target carries the same ArchiveGuid; otherwise the move fails.",
    fix: "Set-MailUser <target> -ArchiveGuid <source ArchiveGuid> (on-premises: msExchArchiveGUID).",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let (Some(t), Some(g)) = (cx.mail_user_target(), cx.source.archive_guid) else {
            return;
        };
        if t.archive_guid.is_some() {
            return;
        }
        let g = g.to_string();
        out.push(cx.finding(
            &META,
            format!(
                "source has archive {g}; target {} has no ArchiveGuid",
                t.label()
            ),
            cx.stamp_guid(GuidField::Archive, &g),
        ));
    }
}
