//! Stamping: what to create or change on each target so that a NeedsStamping mailbox becomes
//! Ready. Derived from the data (the target as it must be, against the target as it is), not
//! from finding codes, so the rows and the checks cannot drift apart.

use crate::contacts;
use crate::identity;
use crate::index::{KeyIndex, key};
use crate::input::values::{ProxyKind, address_key, domain_of};
use crate::model::{Edit, HolderKind, Reference, SourceMailbox, TargetRecipient};
use crate::report::Report;
use crate::rules::{Context, Status};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    New,
    Set,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::New => "New",
            Action::Set => "Set",
        }
    }
}

/// One row of stamping/mailusers.csv: New-MailUser / Set-MailUser parameters. On `Set` rows
/// only what must change is filled.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailUserRow {
    pub source: usize,
    pub action: Option<Action>,
    /// The target object: its UPN (Set), or the UPN it will have (New).
    pub identity: String,
    pub name: String,
    pub alias: String,
    pub display_name: String,
    pub first_name: String,
    pub last_name: String,
    pub microsoft_online_services_id: String,
    pub primary_smtp_address: String,
    pub external_email_address: String,
    pub exchange_guid: String,
    pub archive_guid: String,
    /// On `Set` rows, the target's ExchangeGuid and ArchiveGuid as the export showed them: the
    /// script refuses to overwrite a value that changed since the plan was made.
    pub exported_exchange_guid: String,
    pub exported_archive_guid: String,
    pub to_add: Vec<String>,
    pub to_remove: Vec<String>,
}

/// One row of stamping/x500.csv: a proxy (X500 or X400) to add to a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyRow {
    pub source: usize,
    pub identity: String,
    pub proxy: String,
}

/// One row of stamping/onprem-ad.csv: an attribute change for a dir-synced target, which
/// Set-MailUser cannot change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdRow {
    pub source: usize,
    /// The target's UserPrincipalName (or mail, when it has none).
    pub identity: String,
    pub attribute: &'static str,
    /// Replace, Add or Remove.
    pub operation: &'static str,
    pub value: String,
    /// For a Replace, the value the target export showed (empty: none): the script refuses to
    /// overwrite a GUID that changed since the plan was made.
    pub exported: String,
}

/// What happens to a contact that stands for a migrating mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactAction {
    /// Remove-MailContact, by scripts/Apply-Stamping.ps1 before it stamps.
    Remove,
    /// A dir-synced contact: removed in on-premises AD (and excluded from GAL sync) by hand.
    RemoveOnPremises,
}

impl ContactAction {
    pub fn as_str(self) -> &'static str {
        match self {
            ContactAction::Remove => "Remove",
            ContactAction::RemoveOnPremises => "RemoveOnPremises",
        }
    }
}

/// One row of stamping/contacts.csv: a contact that stands for a migrating mailbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRow {
    pub source: usize,
    /// Its row in `Inputs::target_others`.
    pub other: usize,
    pub action: ContactAction,
    /// The MailUser that replaces it (its identity in mailusers.csv), empty when the plan
    /// has none for the mailbox.
    pub mailuser: String,
}

/// One row of stamping/group-members.csv: a group a removed contact was a member of, which
/// the MailUser that replaces it joins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRow {
    pub source: usize,
    pub group: String,
    /// The MailUser's identity, as in mailusers.csv.
    pub mailuser: String,
    /// The contact's row in `Inputs::target_others`.
    pub contact: usize,
}

/// One row of stamping/references.csv: a recipient that names a removed contact in its
/// forwarding, delivery restrictions or moderation, where the MailUser that replaces the contact
/// is put back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceRow {
    pub source: usize,
    /// Its row in `Inputs::references`.
    pub reference: usize,
    /// The Set- parameter, and how it is changed (`HolderKind::edit`).
    pub parameter: &'static str,
    pub edit: Edit,
    /// The MailUser's identity, as in mailusers.csv.
    pub mailuser: String,
    /// The contact's row in `Inputs::target_others`.
    pub contact: usize,
}

#[derive(Debug, Default)]
pub struct Stamping {
    pub mailusers: Vec<MailUserRow>,
    pub proxies: Vec<ProxyRow>,
    pub onprem: Vec<AdRow>,
    pub contacts: Vec<ContactRow>,
    pub groups: Vec<GroupRow>,
    pub references: Vec<ReferenceRow>,
}

/// The stamping for every NeedsStamping mailbox, in the report's output order, and the
/// conversion of the contacts that stand for a mailbox that is not Blocked.
pub fn plan(cx: &Context<'_>, report: &Report<'_>) -> Stamping {
    let mut out = Stamping::default();
    for &i in &report.order {
        crate::progress::advance(1);
        // Most mailboxes have no stand-in: asked first, it spares them reading their rows.
        let stand_ins = cx.stand_ins.of(i).next().is_some();
        // A Ready mailbox is stamped only to convert a contact that stands for it (XT221).
        let stamped = match report.statuses[i] {
            Status::NeedsStamping => true,
            Status::Ready => {
                stand_ins
                    && cx
                        .stand_ins
                        .of(i)
                        .any(|o| contacts::removed_in_cloud(&cx.inputs.target_others[o]))
                    && cx.stamps(i)
            }
            Status::Blocked => false,
        };
        if !stamped && !stand_ins {
            continue;
        }
        let target = cx.joined.matches[i].target.map(|t| &cx.inputs.targets[t]);
        if stand_ins {
            let mailuser = match target {
                Some(t) => stable_identity(t),
                None => cx.planned[i].primary.as_deref().unwrap_or_default(),
            };
            contact_rows(cx, i, stamped, mailuser, &mut out);
        }
        if !stamped {
            continue;
        }
        let source = &cx.inputs.sources[i];
        match target {
            None => new_mailuser(cx, i, source, &mut out),
            Some(t) => {
                let change = Change::of(cx, i, source, t);
                if t.is_dir_synced == Some(true) {
                    change.into_ad(i, t, &mut out.onprem);
                } else {
                    change.into_cloud(i, t, &mut out);
                }
            }
        }
    }
    let removed = removed_contacts(cx, &out.contacts);
    out.groups = group_rows(cx, &out.contacts, &removed);
    out.references = reference_rows(cx, &out.contacts, &removed);
    out
}

/// The source's X500/X400 proxies to add to its target (all of them to a new MailUser), as
/// `PREFIX:value`: X400s another recipient holds are left out (XT219). A held X500 blocks the
/// mailbox (XT216), so none is here.
fn proxies_for(cx: &Context<'_>, i: usize) -> Vec<String> {
    let held = cx.held_x400(i);
    cx.proxies_to_add(i)
        .iter()
        .filter(|&&(prefix, value)| {
            identity::carried_kind(prefix) != ProxyKind::X400
                || !held.contains(&value.to_ascii_lowercase())
        })
        .map(|(prefix, value)| format!("{prefix}:{value}"))
        .collect()
}

/// What the contacts converted for mailbox `i` hand its MailUser: (SMTP addresses to add,
/// X500/X400 proxies to add), each `PREFIX:value`.
fn carried(
    cx: &Context<'_>,
    i: usize,
    target: Option<&TargetRecipient>,
) -> (Vec<String>, Vec<String>) {
    cx.carried(i, target)
        .into_iter()
        .partition(|p| p.starts_with("smtp:"))
}

/// The contacts that the scripts remove in Exchange Online and that have a MailUser to take
/// their place, by what an export may name them with: primary address, Name, LegacyExchangeDN.
/// Blank keys are not indexed.
fn removed_contacts<'c>(cx: &Context<'c>, contacts: &[ContactRow]) -> KeyIndex<'c> {
    let mut by_key = KeyIndex::with_capacity(contacts.len() * 3);
    for (k, c) in contacts.iter().enumerate() {
        if c.action == ContactAction::Remove && !c.mailuser.is_empty() {
            let o = &cx.inputs.target_others[c.other];
            for id in [o.primary_smtp(), o.name(), o.legacy_dn()] {
                by_key.add(id, k);
            }
        }
    }
    by_key
}

/// The contacts.csv rows `name` finds, each once, in order.
fn named(removed: &KeyIndex<'_>, name: &str) -> Vec<usize> {
    let mut found: Vec<usize> = removed.get(name).iter().map(|&k| k as usize).collect();
    found.sort_unstable();
    found.dedup();
    found
}

/// The groups each contact removed in Exchange Online was a member of (when the memberships
/// were exported), in contacts.csv's order: its MailUser joins them.
fn group_rows(cx: &Context<'_>, contacts: &[ContactRow], removed: &KeyIndex<'_>) -> Vec<GroupRow> {
    let Some(members) = &cx.inputs.group_members else {
        return Vec::new();
    };
    let mut rows: Vec<(usize, GroupRow)> = members
        .iter()
        .flat_map(|m| {
            named(removed, &m.member).into_iter().map(move |k| {
                let c = &contacts[k];
                (
                    k,
                    GroupRow {
                        source: c.source,
                        group: m.group.clone(),
                        mailuser: c.mailuser.clone(),
                        contact: c.other,
                    },
                )
            })
        })
        .collect();
    rows.sort_by_cached_key(|(k, r)| (*k, key(&r.group).into_owned()));
    rows.dedup_by(|a, b| a.0 == b.0 && key(&a.1.group) == key(&b.1.group));
    rows.into_iter().map(|(_, r)| r).collect()
}

/// Where each contact removed in Exchange Online is named in another recipient's forwarding,
/// delivery restrictions or moderation (when those were exported), in contacts.csv's order:
/// its MailUser is put back there. A recipient named twice in one property (an export of both
/// AcceptMessagesOnlyFrom and its SendersOrMembers list) is one row; a holder synchronised from
/// on-premises is changed there (`Edit::OnPremises`); a holder that is itself a removed contact
/// is gone.
fn reference_rows(
    cx: &Context<'_>,
    contacts: &[ContactRow],
    removed: &KeyIndex<'_>,
) -> Vec<ReferenceRow> {
    let Some(references) = &cx.inputs.references else {
        return Vec::new();
    };
    let mut rows: Vec<(usize, ReferenceRow)> = references
        .iter()
        .enumerate()
        // A contact removed here names nobody afterwards.
        .filter(|(_, reference)| {
            reference.kind != HolderKind::MailContact
                || [&reference.holder, &reference.holder_name]
                    .iter()
                    .all(|id| removed.get(id).is_empty())
        })
        .flat_map(|(r, reference)| {
            let (parameter, edit) = match reference.kind.edit(reference.property) {
                (parameter, _) if reference.holder_dir_synced => (parameter, Edit::OnPremises),
                planned => planned,
            };
            named(removed, &reference.value).into_iter().map(move |k| {
                let c = &contacts[k];
                (
                    k,
                    ReferenceRow {
                        source: c.source,
                        reference: r,
                        parameter,
                        edit,
                        mailuser: c.mailuser.clone(),
                        contact: c.other,
                    },
                )
            })
        })
        .collect();
    let order = |k: usize, r: &Reference| (k, key(&r.holder).into_owned(), r.property);
    rows.sort_by_cached_key(|(k, row)| order(*k, &references[row.reference]));
    rows.dedup_by(|a, b| {
        order(a.0, &references[a.1.reference]) == order(b.0, &references[b.1.reference])
    });
    rows.into_iter().map(|(_, r)| r).collect()
}

/// The contacts that stand for mailbox `i` and are removed for it: in Exchange Online by the
/// scripts when its stamping is applied (`stamped`), on-premises by hand whatever its status.
fn contact_rows(cx: &Context<'_>, i: usize, stamped: bool, mailuser: &str, out: &mut Stamping) {
    for o in cx.stand_ins.of(i) {
        let other = &cx.inputs.target_others[o];
        if contacts::Kind::of(other) != Some(contacts::Kind::Contact) {
            continue;
        }
        let action = if contacts::removed_in_cloud(other) {
            if !stamped {
                continue;
            }
            ContactAction::Remove
        } else {
            ContactAction::RemoveOnPremises
        };
        out.contacts.push(ContactRow {
            source: i,
            other: o,
            action,
            mailuser: mailuser.to_string(),
        });
    }
}

fn new_mailuser(cx: &Context<'_>, i: usize, source: &SourceMailbox, out: &mut Stamping) {
    let planned = &cx.planned[i];
    let (Some(primary), Some(name), Some(alias)) = (
        planned.primary.clone(),
        planned.name.clone(),
        planned.alias.clone(),
    ) else {
        return;
    };
    let (carried_smtp, carried_proxies) = carried(cx, i, None);
    out.mailusers.push(MailUserRow {
        source: i,
        action: Some(Action::New),
        identity: primary.clone(),
        display_name: if source.display_name().is_empty() {
            name.clone()
        } else {
            source.display_name().to_string()
        },
        name,
        alias,
        first_name: source.first_name().to_string(),
        last_name: source.last_name().to_string(),
        microsoft_online_services_id: primary.clone(),
        primary_smtp_address: primary.clone(),
        external_email_address: format!("SMTP:{}", source.routing_address()),
        exchange_guid: guid_text(source.exchange_guid),
        archive_guid: guid_text(source.archive_guid),
        exported_exchange_guid: String::new(),
        exported_archive_guid: String::new(),
        to_add: planned
            .delivery_proxy
            .iter()
            .map(|p| format!("smtp:{p}"))
            .chain(carried_smtp)
            .collect(),
        to_remove: Vec::new(),
    });
    let proxies = proxies_for(cx, i).into_iter().chain(carried_proxies);
    out.proxies.extend(proxies.map(|proxy| ProxyRow {
        source: i,
        identity: primary.clone(),
        proxy,
    }));
}

/// How the rows name an existing target: its UPN, which stamping never changes (the primary
/// address may change in the same run), else its primary address.
pub(crate) fn stable_identity(t: &TargetRecipient) -> &str {
    if t.upn().is_empty() {
        t.label()
    } else {
        t.upn()
    }
}

/// What must change on an existing target.
#[derive(Debug, Default)]
struct Change {
    exchange_guid: Option<String>,
    archive_guid: Option<String>,
    primary: Option<String>,
    /// The primary being replaced, and whether its domain is accepted (then it stays a proxy).
    old_primary: Option<(String, bool)>,
    external: Option<String>,
    add: Vec<String>,
    remove: Vec<String>,
    proxies: Vec<String>,
}

impl Change {
    fn of(cx: &Context<'_>, i: usize, source: &SourceMailbox, t: &TargetRecipient) -> Change {
        let domains = &cx.domains;
        let mut c = Change::default();
        if let Some(g) = source.exchange_guid.filter(|g| t.exchange_guid != Some(*g)) {
            c.exchange_guid = Some(g.to_string());
        }
        if let Some(g) = source.archive_guid.filter(|g| t.archive_guid != Some(*g)) {
            c.archive_guid = Some(g.to_string());
        }
        let accepted = |a: &str| {
            domains.accepted.is_empty() || domain_of(a).is_some_and(|d| domains.accepts(&d))
        };
        if identity::primary_must_change(t, domains) {
            // The same address the batch file names (`waves::target_addresses`).
            c.primary = cx.planned[i].replaced_primary.clone();
            if c.primary.is_some() && !t.primary_smtp().is_empty() {
                c.old_primary = Some((t.primary_smtp().to_string(), accepted(t.primary_smtp())));
            }
        }
        let external = address_key(t.external_email_address());
        if external.is_empty() || !source.smtp_addresses().any(|a| address_key(a) == external) {
            c.external = Some(format!("SMTP:{}", source.routing_address()));
        }
        c.add.extend(
            cx.planned[i]
                .delivery_proxy
                .iter()
                .map(|p| format!("smtp:{p}")),
        );
        if !domains.accepted.is_empty() {
            c.remove = t
                .email_addresses()
                .filter(|p| p.kind == ProxyKind::Smtp && !accepted(p.value))
                .map(|p| format!("smtp:{}", p.value))
                .collect();
        }
        c.proxies = proxies_for(cx, i);
        let (smtp, proxies) = carried(cx, i, Some(t));
        c.add.extend(smtp);
        c.proxies.extend(proxies);
        c
    }

    fn into_cloud(self, i: usize, t: &TargetRecipient, out: &mut Stamping) {
        let identity = stable_identity(t).to_string();
        let has_change = self.exchange_guid.is_some()
            || self.archive_guid.is_some()
            || self.primary.is_some()
            || self.external.is_some()
            || !self.add.is_empty()
            || !self.remove.is_empty();
        if has_change {
            // A new ExternalEmailAddress without a PrimarySmtpAddress would become the primary too.
            let primary = self
                .primary
                .clone()
                .or_else(|| self.external.as_ref().map(|_| t.primary_smtp().to_string()));
            out.mailusers.push(MailUserRow {
                source: i,
                action: Some(Action::Set),
                identity: identity.clone(),
                primary_smtp_address: primary.unwrap_or_default(),
                external_email_address: self.external.unwrap_or_default(),
                exchange_guid: self.exchange_guid.unwrap_or_default(),
                archive_guid: self.archive_guid.unwrap_or_default(),
                exported_exchange_guid: guid_text(t.exchange_guid),
                exported_archive_guid: guid_text(t.archive_guid),
                to_add: self.add,
                to_remove: self.remove,
                ..MailUserRow::default()
            });
        }
        out.proxies
            .extend(self.proxies.into_iter().map(|proxy| ProxyRow {
                source: i,
                identity: identity.clone(),
                proxy,
            }));
    }

    fn into_ad(self, i: usize, t: &TargetRecipient, out: &mut Vec<AdRow>) {
        let identity = stable_identity(t).to_string();
        let mut replaced = |attribute, value: String, exported: String| {
            out.push(AdRow {
                source: i,
                identity: identity.clone(),
                attribute,
                operation: "Replace",
                value,
                exported,
            });
        };
        if let Some(g) = self.exchange_guid {
            replaced("msExchMailboxGuid", g, guid_text(t.exchange_guid));
        }
        if let Some(g) = self.archive_guid {
            replaced("msExchArchiveGUID", g, guid_text(t.archive_guid));
        }
        if let Some(p) = &self.primary {
            replaced("mail", p.clone(), t.primary_smtp().to_string());
        }
        if let Some(e) = &self.external {
            replaced(
                "targetAddress",
                e.clone(),
                t.external_email_address().to_string(),
            );
        }
        let mut row = |attribute, operation, value: String| {
            out.push(AdRow {
                source: i,
                identity: identity.clone(),
                attribute,
                operation,
                value,
                exported: String::new(),
            });
        };
        if let Some(p) = self.primary {
            // proxyAddresses holds one upper-case SMTP: (the primary): demote the old one.
            if let Some((old, keep)) = &self.old_primary {
                row("proxyAddresses", "Remove", format!("SMTP:{old}"));
                if *keep {
                    row("proxyAddresses", "Add", format!("smtp:{old}"));
                }
            }
            row("proxyAddresses", "Add", format!("SMTP:{p}"));
        }
        for p in self.add.into_iter().chain(self.proxies) {
            row("proxyAddresses", "Add", p);
        }
        let old = self.old_primary.as_ref().map(|(o, _)| format!("smtp:{o}"));
        for p in self
            .remove
            .into_iter()
            .filter(|p| old.as_ref().is_none_or(|o| !o.eq_ignore_ascii_case(p)))
        {
            row("proxyAddresses", "Remove", p);
        }
    }
}

fn guid_text(g: Option<uuid::Uuid>) -> String {
    g.map(|g| g.to_string()).unwrap_or_default()
}
