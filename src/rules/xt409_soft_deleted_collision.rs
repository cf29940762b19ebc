//! XT409 `soft-deleted-collision`: a soft-deleted mailbox or mail user holds the mailbox's
//! ExchangeGuid, address or UPN, in the source or the target.

use super::{Context, Finding, MailboxCx, RuleMeta, Severity};
use crate::index::KeyIndex;
use crate::model::SoftDeleted;
use crate::ps::quote;
use uuid::Uuid;

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT409",
    name: "soft-deleted-collision",
    severity: Severity::Blocker,
    org: false,
    summary: "a soft-deleted mailbox or mail user holds the mailbox's GUID, address or UPN",
    what: "A soft-deleted object in the source (--source-soft-deleted) holds the mailbox's ExchangeGuid, primary address or UPN, or one in the target (--target-soft-deleted) holds the mailbox's ExchangeGuid or its target's primary address or UPN (the planned ones for a new MailUser).",
    why: "Microsoft lists a soft-deleted user in the source or the target among the causes of \"Setup validation failed\" (orchestrated migrations, EXCH-08) and of failed moves: the move finds two objects for one identity.",
    fix: "Remove the soft-deleted object for good once nothing in it is needed: in Exchange Online PowerShell Remove-Mailbox -PermanentlyDelete (soft-deleted mailbox) or Remove-MailUser -PermanentlyDelete (soft-deleted mail user), or delete the user permanently in Entra ID's Deleted users; then export again.",
};

/// The soft-deleted objects of one tenant, by ExchangeGuid, SMTP address and UPN.
pub struct SoftIndex<'a> {
    rows: &'a [SoftDeleted],
    keys: KeyIndex<'a>,
}

impl<'a> SoftIndex<'a> {
    pub fn new(rows: &'a [SoftDeleted]) -> SoftIndex<'a> {
        let mut keys = KeyIndex::with_capacity(rows.len() * 2);
        for (k, r) in rows.iter().enumerate() {
            if let Some(g) = r.exchange_guid {
                keys.add_guid(g, k);
            }
            for a in &r.smtp {
                keys.add(a, k);
            }
            keys.add(&r.upn, k);
        }
        SoftIndex { rows, keys }
    }

    /// The first object holding `guid` or else one of `ids`, with the value it holds. The
    /// GUID is looked up as one: formatting it for every mailbox, to parse it back here, was
    /// most of this rule's cost.
    fn holder(&self, guid: Option<Uuid>, ids: &[&str]) -> Option<(&'a SoftDeleted, String)> {
        let first = |rows: &[u32]| rows.first().map(|&k| &self.rows[k as usize]);
        guid.and_then(|g| first(self.keys.get_guid(g)).map(|o| (o, g.to_string())))
            .or_else(|| {
                ids.iter()
                    .find_map(|id| first(self.keys.get(id)).map(|o| (o, id.to_string())))
            })
    }
}

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn skipped(&self, cx: &Context<'_>) -> Option<&'static str> {
        (cx.soft_deleted.0.is_none() && cx.soft_deleted.1.is_none())
            .then_some("no --source-soft-deleted or --target-soft-deleted export was given")
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let s = cx.source;
        let guid = s.exchange_guid;
        let (source, target) = &cx.cx.soft_deleted;
        if let Some((o, value)) = source
            .as_ref()
            .and_then(|ix| ix.holder(guid, &[s.primary_smtp(), s.upn()]))
        {
            out.push(cx.finding(
                &META,
                format!(
                    "a soft-deleted {} in the source, {}, holds {value}: the move would fail",
                    kind(o),
                    label(o)
                ),
                format!(
                    "Get-Mailbox -SoftDeletedMailbox -Identity {} | Remove-Mailbox -PermanentlyDelete (source tenant; only once nothing in it is needed)",
                    quote(&o.exchange_guid.map(|g| g.to_string()).unwrap_or_else(|| label(o).to_string()))
                ),
            ));
        }
        let Some(target) = target else { return };
        let planned = &cx.cx.planned[cx.index];
        let mut ids: Vec<&str> = Vec::with_capacity(3);
        match cx.target {
            Some(t) => ids.extend([t.primary_smtp(), t.upn()]),
            None => ids.extend(planned.primary.as_deref()),
        }
        ids.extend(planned.replaced_primary.as_deref());
        if let Some((o, value)) = target.holder(guid, &ids) {
            let mailuser = o
                .recipient_type_details
                .to_ascii_lowercase()
                .contains("mailuser");
            let id = quote(
                &o.exchange_guid
                    .map(|g| g.to_string())
                    .unwrap_or_else(|| label(o).to_string()),
            );
            out.push(cx.finding(
                &META,
                format!(
                    "a soft-deleted {} in the target, {}, holds {value}: the move would fail",
                    kind(o),
                    label(o)
                ),
                if mailuser {
                    format!("delete the user permanently in Entra ID's Deleted users (target tenant); a soft-deleted mail user without an ExternalDirectoryObjectId: Get-MailUser -Identity {id} -SoftDeletedMailUser | Remove-MailUser -PermanentlyDelete")
                } else {
                    format!("Get-Mailbox -SoftDeletedMailbox -Identity {id} | Remove-Mailbox -PermanentlyDelete (target tenant; only once nothing in it is needed; an inactive mailbox, kept by a hold, is not removed this way)")
                },
            ));
        }
    }
}

fn kind(o: &SoftDeleted) -> &str {
    if o.recipient_type_details.is_empty() {
        "mailbox"
    } else {
        &o.recipient_type_details
    }
}

fn label(o: &SoftDeleted) -> &str {
    [&o.primary_smtp, &o.upn, &o.name]
        .into_iter()
        .find(|v| !v.is_empty())
        .map_or("(no name)", String::as_str)
}
