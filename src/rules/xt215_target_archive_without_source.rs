//! XT215 `target-archive-without-source`: the target has an ArchiveGuid, the source no archive.

use super::{Finding, MailboxCx, RuleMeta, Severity};

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT215",
    name: "target-archive-without-source",
    severity: Severity::Warning,
    org: false,
    summary: "target has an ArchiveGuid, source has no archive",
    what: "The target MailUser carries a non-zero ArchiveGuid while the source mailbox has no archive (ArchiveGuid zero).",
    why: "Microsoft's validation script means to flag this but never does (its check compares with null, and a missing archive is the zero GUID). A stray ArchiveGuid points at an archive that will never arrive, or at a different person's.",
    fix: "Set-MailUser <target> -ArchiveGuid $null if nothing should be there; check how the value got stamped.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let Some(t) = cx.mail_user_target() else {
            return;
        };
        let Some(g) = t.archive_guid else { return };
        if cx.source.has_archive()
            || !cx
                .cx
                .inputs
                .has_column(crate::input::InputKind::SourceMailboxes, "ArchiveGuid")
        {
            return;
        }
        out.push(cx.finding(
            &META,
            format!(
                "target {} has ArchiveGuid {g} but the source has no archive",
                t.label()
            ),
            cx.set_target("-ArchiveGuid $null", "-Clear msExchArchiveGUID"),
        ));
    }
}
