//! What every rule can see: the inputs, the join, the target's domains and the settings, plus
//! the per-mailbox view handed to mailbox rules.

use std::borrow::Cow;

use rayon::prelude::*;

use crate::config::{Config, SetupSettings};
use crate::contacts::{self, StandIns};
use crate::identity::{self, Planned};
use crate::index::{FastMap, FastSet, KeyIndex, RowIndex, key};
use crate::input::values::{ProxyKind, ProxySet, domain_of, is_tenant_domain};
use crate::join::{Joined, Match};
use crate::model::{Inputs, OrgRelationship, OtherRecipient, SourceMailbox, TargetRecipient};
use crate::ps::quote;
use crate::space::{AddressSpace, Namespace, Recipient, Wanted};

use super::xt409_soft_deleted_collision::SoftIndex;
use super::{Finding, RuleMeta};

/// The target tenant's domains, from the flags and the Get-AcceptedDomain export.
#[derive(Debug, Clone, Default)]
pub struct Domains {
    /// Lower-cased; empty when none were given (the checks that need them say so).
    pub accepted: FastSet<String>,
    /// TargetDeliveryDomain.
    pub delivery: Option<String>,
    /// Domain for new target addresses.
    pub primary: Option<String>,
}

impl Domains {
    pub fn new(config: &Config, inputs: &Inputs) -> Domains {
        // File order after flag order, defaults first: "first" below is then well defined.
        let mut ordered: Vec<String> = config.accepted_domains.clone();
        if let Some(rows) = &inputs.accepted_domains {
            let mut rows: Vec<_> = rows.iter().collect();
            rows.sort_by_key(|r| !r.default);
            ordered.extend(rows.into_iter().map(|r| r.name.clone()));
        }
        let onmicrosoft = |d: &str| d.ends_with(".onmicrosoft.com");
        let delivery = config
            .delivery_domain
            .clone()
            .or_else(|| ordered.iter().find(|d| is_tenant_domain(d)).cloned());
        let primary = config
            .primary_domain
            .clone()
            .or_else(|| ordered.iter().find(|d| !onmicrosoft(d)).cloned());
        Domains {
            accepted: ordered.into_iter().collect(),
            delivery,
            primary,
        }
    }

    pub fn accepts(&self, domain: &str) -> bool {
        self.accepted.contains(domain)
    }

    /// Whether `address` is in one of the accepted domains (none when none were given).
    pub fn owns(&self, address: &str) -> bool {
        !self.accepted.is_empty() && domain_of(address).is_some_and(|d| self.accepts(&d))
    }
}

pub struct Context<'a> {
    pub inputs: &'a Inputs,
    pub joined: &'a Joined,
    pub domains: Domains,
    pub large_mailbox_bytes: u64,
    /// The identities of the scope group's members, when that file was given.
    pub scope: Option<KeyIndex<'a>>,
    /// Position of each source mailbox in the output order.
    rank: Vec<usize>,
    /// Source rows whose ExchangeGuid or PrimarySmtpAddress repeats.
    duplicates: Duplicates,
    /// Per source mailbox, the addresses xtenant plans to give its target.
    pub planned: Vec<Planned>,
    /// Who holds each address, proxy, Name and alias in the target; `None` once the stamping
    /// is planned (`release_address_space`).
    space: Option<AddressSpace>,
    /// Per namespace (`Namespace as usize`), value lower-cased -> how many source mailboxes
    /// it is planned for.
    planned_count: [FastMap<String, usize>; 5],
    /// The contacts and guests that stand for each source mailbox.
    pub stand_ins: StandIns,
    /// Per source mailbox, the X500/X400 proxies stamping adds to its target
    /// (`identity::proxies_to_add`), computed once: four checks and the stamping ask.
    to_add: Vec<Vec<(&'static str, &'a str)>>,
    /// The tenant IDs and cloud host the setup checks compare the exports with.
    pub setup: SetupSettings,
    /// The soft-deleted objects of the source and of the target, when exported (XT409).
    pub soft_deleted: (Option<SoftIndex<'a>>, Option<SoftIndex<'a>>),
}

/// The setup scripts' defaults, as the plan knows them (empty: unknown, the script asks).
#[derive(Debug, Clone, Default)]
pub struct SetupFacts {
    pub source_tenant_id: String,
    pub target_tenant_id: String,
    pub app_id: String,
    /// The source's <tenant>.onmicrosoft.com domain.
    pub source_tenant_domain: String,
    /// Every domain of the source (an endpoint's RemoteTenant may name any).
    pub source_domains: Vec<String>,
    pub remote_server: String,
    pub scope_group: String,
}

/// Which holders of a value stamping adds a look-up counts.
#[derive(Debug, Clone, Copy)]
enum Holders {
    /// Everyone but the matched target and the contacts the stamping removes first.
    Colliding,
    /// Only the contacts and guests that stand for the mailbox.
    StandIns,
}

/// At most this many holders of one value are walked: a value that thousands of recipients
/// hold (a hostile export) must not make the work per mailbox that large. Consistent data has
/// a handful, of which only the matched target and converted contacts are passed over.
const WALKED: usize = 1_000;

/// What of the stamping of one mailbox each of its stand-ins holds.
#[derive(Debug, Default)]
pub struct Holdings<'c>(Vec<Collision<'c>>);

impl<'c> Holdings<'c> {
    /// The values `other` holds.
    pub fn of(&self, other: usize) -> &[Collision<'c>] {
        let key = Holder::Recipient(Recipient::Other(other));
        let start = self.0.partition_point(|c| c.holder < key);
        let len = self.0[start..].partition_point(|c| c.holder == key);
        &self.0[start..start + len]
    }
}

/// At most this many holders of one value are named (and looked at): a value a hundred
/// thousand recipients share must not make a message, or the work, per mailbox that large.
const NAMED: usize = 10;

/// Who else holds a value xtenant plans to give a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Holder {
    Recipient(Recipient),
    AnotherSource,
}

/// A value stamping would give a target that someone else holds.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Collision<'a> {
    pub ns: Namespace,
    /// As stamping writes it: `PREFIX:value` for X500 and X400, else the value.
    pub value: Cow<'a, str>,
    pub holder: Holder,
}

impl<'a> Context<'a> {
    pub fn new(inputs: &'a Inputs, joined: &'a Joined, config: &Config) -> Context<'a> {
        let domains = Domains::new(config, inputs);
        let planned_addresses = || {
            let planned: Vec<Planned> = (0..inputs.sources.len())
                .into_par_iter()
                .map(|i| {
                    let m = &joined.matches[i];
                    let creates = m.target.is_none()
                        && m.ambiguous.is_empty()
                        && m.unresolved_mapping.is_none();
                    identity::planned(
                        &inputs.sources[i],
                        m.target.map(|t| &inputs.targets[t]),
                        creates,
                        &domains,
                        config.address_template.as_ref(),
                    )
                })
                .collect();
            let mut planned_count: [FastMap<String, usize>; 5] = Default::default();
            for p in &planned {
                let smtp = p.addresses().map(|a| (Namespace::Smtp, a));
                let names = p.name.iter().map(|n| (Namespace::Name, n.as_str()));
                let aliases = p.alias.iter().map(|a| (Namespace::Alias, a.as_str()));
                for (ns, v) in smtp.chain(names).chain(aliases) {
                    *planned_count[ns as usize]
                        .entry(key(v).into_owned())
                        .or_default() += 1;
                }
            }
            (planned, planned_count)
        };
        let scope = || {
            inputs.scope_members.as_ref().map(|members| {
                let mut index = KeyIndex::with_capacity(3 * members.len());
                for (i, m) in members.iter().enumerate() {
                    for id in m.identities() {
                        index.add(id, i);
                    }
                }
                index
            })
        };
        // Independent indexes, built side by side (each is one thread's work).
        let (((planned, planned_count), scope), (rank, (duplicates, stand_ins))) = rayon::join(
            || rayon::join(planned_addresses, scope),
            || {
                rayon::join(
                    || output_rank(&inputs.sources),
                    || {
                        rayon::join(
                            || duplicate_keys(&inputs.sources),
                            || StandIns::find(&inputs.sources, &inputs.target_others),
                        )
                    },
                )
            },
        );
        let to_add: Vec<Vec<(&'static str, &'a str)>> = (0..inputs.sources.len())
            .into_par_iter()
            .map(|i| {
                let target = joined.matches[i].target.map(|t| &inputs.targets[t]);
                if target.is_some() || planned[i].primary.is_some() {
                    identity::proxies_to_add(&inputs.sources[i], target)
                } else {
                    Vec::new()
                }
            })
            .collect();
        let wanted = wanted(inputs, joined, &planned, &to_add, &stand_ins, &domains);
        let space = AddressSpace::new(&inputs.targets, &inputs.target_others, wanted);
        Context {
            inputs,
            joined,
            domains,
            large_mailbox_bytes: config.large_mailbox_bytes,
            scope,
            rank,
            duplicates,
            space: Some(space),
            stand_ins,
            planned,
            planned_count,
            to_add,
            setup: config.setup.clone(),
            soft_deleted: (
                inputs
                    .setup
                    .source_soft_deleted
                    .as_deref()
                    .map(SoftIndex::new),
                inputs
                    .setup
                    .target_soft_deleted
                    .as_deref()
                    .map(SoftIndex::new),
            ),
        }
    }

    fn space(&self) -> &AddressSpace {
        self.space.as_ref().expect(
            "the address space is asked by the rules and the stamping only, before it is released",
        )
    }

    /// Frees the target's address space and the planned-value counts, which only the rules
    /// and the stamping ask: with a million mailboxes and as many other recipients they are
    /// hundreds of megabytes, and the run's peak comes after them, in the planning stage.
    pub fn release_address_space(&mut self) {
        self.space = None;
        self.planned_count = Default::default();
        self.to_add = Vec::new();
    }

    /// The X500/X400 proxies stamping adds to the target of `source` (all of the source's to
    /// a new MailUser), as (prefix, value).
    pub fn proxies_to_add(&self, source: usize) -> &[(&'static str, &'a str)] {
        &self.to_add[source]
    }

    /// Who else holds the SMTP addresses planned for `source`: another target recipient, or
    /// the plan of another source mailbox.
    pub fn collisions(&self, source: usize) -> Vec<Collision<'_>> {
        let planned = self.planned[source].addresses().map(Cow::Borrowed);
        self.held(source, Namespace::Smtp, planned, Holders::Colliding)
    }

    /// Who else holds the X500 proxies (`ns` X500: x500:<LegacyExchangeDN> and the source's
    /// own) or X400 proxies (`ns` X400) stamping adds to the target of `source`, when stamping
    /// will change a MailUser.
    pub fn proxy_collisions(&self, source: usize, ns: Namespace) -> Vec<Collision<'_>> {
        self.proxies_held(source, ns, Holders::Colliding)
    }

    fn proxies_held(&self, source: usize, ns: Namespace, which: Holders) -> Vec<Collision<'_>> {
        if !self.stamps(source) {
            return Vec::new();
        }
        let mut out = Vec::new();
        for &(prefix, value) in self.proxies_to_add(source) {
            if Namespace::of_proxy(identity::carried_kind(prefix)) != Some(ns) {
                continue;
            }
            for holder in self.holders(source, ns, value, which) {
                out.push(Collision {
                    ns,
                    value: Cow::Owned(format!("{prefix}:{value}")),
                    holder: Holder::Recipient(holder),
                });
            }
        }
        out
    }

    /// Whether stamping changes or creates a MailUser for `source`.
    pub fn stamps(&self, source: usize) -> bool {
        stamps(self.inputs, self.joined, &self.planned, source)
    }

    /// The source's X400 values (lower-cased, no prefix) that another recipient holds, which
    /// stamping leaves out (XT219): a set, so a hostile list of thousands stays linear.
    pub fn held_x400(&self, source: usize) -> FastSet<String> {
        self.proxy_collisions(source, Namespace::X400)
            .into_iter()
            .map(|c| {
                let value = c.value.split_once(':').map_or(&*c.value, |(_, v)| v);
                value.to_ascii_lowercase()
            })
            .collect()
    }

    /// Who else holds the Name (`ns` Name) or Alias (`ns` Alias) of the MailUser stamping
    /// creates for `source`.
    pub fn name_collisions(&self, source: usize, ns: Namespace) -> Vec<Collision<'_>> {
        self.name_held(source, ns, Holders::Colliding)
    }

    fn name_held(&self, source: usize, ns: Namespace, which: Holders) -> Vec<Collision<'_>> {
        let p = &self.planned[source];
        let value = match ns {
            Namespace::Name => &p.name,
            _ => &p.alias,
        };
        self.held(
            source,
            ns,
            value.as_deref().map(Cow::Borrowed).into_iter(),
            which,
        )
    }

    /// The holders of `value` that count for `which`: at most `NAMED + 1` of them for a
    /// collision (enough to name), every stand-in among the first `WALKED` for stand-ins.
    fn holders(
        &self,
        source: usize,
        ns: Namespace,
        value: &str,
        which: Holders,
    ) -> impl Iterator<Item = Recipient> + '_ {
        let named = match which {
            Holders::Colliding => NAMED + 1,
            Holders::StandIns => WALKED,
        };
        self.space()
            .holders(ns, value)
            .take(WALKED)
            .filter(move |&h| self.counts(source, h, which))
            .take(named)
    }

    /// The values stamping gives the target of `source` (addresses, proxies, Name, Alias)
    /// that its stand-ins hold, by stand-in: found in one pass, however many stand-ins.
    pub fn stand_in_holdings(&self, source: usize) -> Holdings<'_> {
        if self.stand_ins.of(source).next().is_none() {
            return Holdings::default();
        }
        let which = Holders::StandIns;
        let planned = self.planned[source].addresses().map(Cow::Borrowed);
        let mut out = self.held(source, Namespace::Smtp, planned, which);
        for ns in [Namespace::X500, Namespace::X400] {
            out.extend(self.proxies_held(source, ns, which));
        }
        for ns in [Namespace::Name, Namespace::Alias] {
            out.extend(self.name_held(source, ns, which));
        }
        out.sort_by_key(|c| c.holder);
        Holdings(out)
    }

    /// `X (kind) stands for this person`, and what of the stamping it holds (`holds`, from
    /// `stand_in_holdings`): the opening of a stand-in's finding.
    pub fn stand_in_message(&self, other: usize, holds: &[Collision<'_>]) -> String {
        let values: Vec<&str> = holds.iter().map(|c| &*c.value).collect();
        let mut message = format!(
            "{} stands for this person",
            self.describe(Recipient::Other(other))
        );
        if !values.is_empty() {
            message.push_str(&format!(
                " and holds {}, which stamping needs",
                contacts::list(&values)
            ));
        }
        message
    }

    /// Whether `holder` of a value stamping gives `source` counts for `which`.
    fn counts(&self, source: usize, holder: Recipient, which: Holders) -> bool {
        match which {
            Holders::Colliding => {
                let matched = self.joined.matches[source].target.map(Recipient::Target);
                Some(holder) != matched && !self.converted(source, holder)
            }
            Holders::StandIns => self.stand_ins.stands_for(source, holder),
        }
    }

    /// Whether `holder` is a contact that stands for `source` and that the stamping removes
    /// before it stamps (so what it holds is free by then).
    pub fn converted(&self, source: usize, holder: Recipient) -> bool {
        match holder {
            Recipient::Other(o) => {
                contacts::removed_in_cloud(&self.inputs.target_others[o])
                    && self.stand_ins.stands_for(source, holder)
            }
            Recipient::Target(_) => false,
        }
    }

    /// What converting the contacts that stand for `source` carries to its MailUser
    /// (`target`, or `None` for a new one), as `PREFIX:value`: values the target has
    /// already, that stamping adds anyway, or that a third recipient holds are left out.
    pub fn carried(&self, source: usize, target: Option<&TargetRecipient>) -> Vec<String> {
        let converts = |o: usize| contacts::removed_in_cloud(&self.inputs.target_others[o]);
        if !self.stand_ins.of(source).any(converts) {
            return Vec::new();
        }
        let accepted = |a: &str| self.domains.owns(a);
        let has = target.map(|t| ProxySet::new(t.email_addresses()));
        // What the MailUser has or gets anyway, and what is carried already: a set, as a
        // contact may copy thousands of the source's x500s.
        let mut seen: FastSet<(ProxyKind, String)> = self.planned[source]
            .addresses()
            .map(|a| (ProxyKind::Smtp, a.to_ascii_lowercase()))
            .chain(
                self.proxies_to_add(source)
                    .iter()
                    .map(|&(p, v)| (identity::carried_kind(p), v.to_ascii_lowercase())),
            )
            .collect();
        let mut out = Vec::new();
        for o in self.stand_ins.of(source) {
            let other = &self.inputs.target_others[o];
            if !contacts::removed_in_cloud(other) {
                continue;
            }
            for (kind, prefix, value) in contacts::carried(other, accepted) {
                let ns = Namespace::of_proxy(kind).unwrap_or(Namespace::X500);
                if has.as_ref().is_some_and(|h| h.contains(kind, value))
                    || !seen.insert((kind, value.to_ascii_lowercase()))
                {
                    continue;
                }
                if self
                    .holders(source, ns, value, Holders::Colliding)
                    .next()
                    .is_none()
                {
                    out.push(format!("{prefix}:{value}"));
                }
            }
        }
        out
    }

    fn held<'s>(
        &'s self,
        source: usize,
        ns: Namespace,
        values: impl Iterator<Item = Cow<'s, str>>,
        which: Holders,
    ) -> Vec<Collision<'s>> {
        let mut out = Vec::new();
        for v in values {
            for holder in self.holders(source, ns, &v, which) {
                out.push(Collision {
                    ns,
                    value: v.clone(),
                    holder: Holder::Recipient(holder),
                });
            }
            if matches!(which, Holders::Colliding)
                && self.planned_count[ns as usize]
                    .get(key(&v).as_ref())
                    .is_some_and(|&n| n > 1)
            {
                out.push(Collision {
                    ns,
                    value: v,
                    holder: Holder::AnotherSource,
                });
            }
        }
        out
    }

    /// A target recipient as findings name it: its identity and kind.
    pub fn describe(&self, r: Recipient) -> String {
        match r {
            Recipient::Target(t) => {
                let t = &self.inputs.targets[t];
                format!("{} ({})", t.label(), t.recipient_type_details())
            }
            Recipient::Other(o) => {
                let o = &self.inputs.target_others[o];
                format!("{} ({})", o.label(), o.kind())
            }
        }
    }

    /// `value is held by X (kind); ...`: a collision list as one message, in a fixed order.
    pub fn describe_collisions(&self, collisions: &[Collision<'_>]) -> String {
        let mut held: Vec<String> = collisions
            .iter()
            .map(|c| match c.holder {
                Holder::Recipient(r) => format!("{} is held by {}", c.value, self.describe(r)),
                Holder::AnotherSource => {
                    format!("{} is planned for another source mailbox too", c.value)
                }
            })
            .collect();
        held.sort();
        held.dedup();
        let mut message = held[..held.len().min(NAMED)].join("; ");
        if held.len() > NAMED {
            message.push_str("; and more");
        }
        message
    }

    /// The columns in which this source row repeats another, each with its group of rows
    /// (this one included, in input order).
    pub fn duplicates_of(&self, source: usize) -> impl Iterator<Item = (&'static str, &[usize])> {
        self.duplicates
            .of
            .get(&source)
            .into_iter()
            .flatten()
            .map(|&(column, g)| (column, self.duplicates.groups[g].as_slice()))
    }

    pub fn mailbox(&self, index: usize) -> MailboxCx<'_> {
        let m = &self.joined.matches[index];
        MailboxCx {
            cx: self,
            index,
            source: &self.inputs.sources[index],
            target: m.target.map(|t| &self.inputs.targets[t]),
            m,
        }
    }

    /// Rank of each source in the output order (sorted by address, then line).
    /// The domains, the rest freed: the writers need nothing else of the context.
    pub fn into_domains(self) -> Domains {
        self.domains
    }

    pub fn source_rank(&self) -> &[usize] {
        &self.rank
    }

    /// Why rules that compare against the target's accepted domains cannot run, if so.
    pub fn without_accepted_domains(&self) -> Option<&'static str> {
        self.domains.accepted.is_empty().then_some(
            "no accepted domains were given (--accepted-domains FILE or --accepted-domain)",
        )
    }

    /// The source's relationship with the target tenant (the first, when the export has several).
    pub fn source_relationship(&self) -> Option<&'a OrgRelationship> {
        let id = self.setup.target_tenant_id?;
        let rels = self.inputs.setup.source_relationships.as_ref()?;
        rels.iter().find(|r| r.names_tenant(id))
    }

    /// The target's relationship with the source tenant.
    pub fn target_relationship(&self) -> Option<&'a OrgRelationship> {
        let id = self.setup.source_tenant_id?;
        let rels = self.inputs.setup.target_relationships.as_ref()?;
        rels.iter().find(|r| r.names_tenant(id))
    }

    /// The migration app's ID, and where it was read: the source relationship's
    /// OAuthApplicationId (the one the move is authorised with), else the app's export.
    pub fn migration_app_id(&self) -> Option<(uuid::Uuid, &'static str)> {
        let from_relationship = self
            .source_relationship()
            .and_then(|r| r.oauth_application_id)
            .map(|id| (id, "the source relationship's OAuthApplicationId"));
        from_relationship.or_else(|| Some((self.exported_app_id()?, "the migration app's AppId")))
    }

    /// The AppId of the migration app's export (`--migration-app`).
    pub fn exported_app_id(&self) -> Option<uuid::Uuid> {
        let apps = self.inputs.setup.migration_app.as_ref()?;
        apps.iter().find_map(|a| a.app_id)
    }

    /// The scope group's export (`--scope-group`), when it holds one.
    pub fn scope_group(&self) -> Option<&'a crate::model::ScopeGroup> {
        self.inputs.setup.scope_group.as_ref()?.first()
    }

    /// The source's `<tenant>.onmicrosoft.com` among `domains` (`source_domains`).
    pub fn source_tenant_domain(domains: &std::collections::BTreeSet<String>) -> Option<&String> {
        domains.iter().find(|d| is_tenant_domain(d))
    }

    /// What the setup scripts default to: the tenant IDs, the app, the source's
    /// <tenant>.onmicrosoft.com domain, the host, the scope group.
    pub fn setup_facts(&self) -> SetupFacts {
        let domains = self.source_domains();
        let scope = self.scope_group().map(|g| g.name.clone()).or_else(|| {
            self.source_relationship()
                .and_then(|r| r.published_scopes.first().cloned())
        });
        SetupFacts {
            source_tenant_id: self
                .setup
                .source_tenant_id
                .map(|g| g.to_string())
                .unwrap_or_default(),
            target_tenant_id: self
                .setup
                .target_tenant_id
                .map(|g| g.to_string())
                .unwrap_or_default(),
            app_id: self
                .migration_app_id()
                .map(|(g, _)| g.to_string())
                .unwrap_or_default(),
            source_tenant_domain: Self::source_tenant_domain(&domains)
                .cloned()
                .unwrap_or_default(),
            source_domains: domains.iter().cloned().collect(),
            remote_server: self.setup.remote_server.clone(),
            scope_group: scope.unwrap_or_else(|| "T2T-Migration-Scope".to_string()),
        }
    }

    /// The source tenant's domains, lower-cased: its accepted domains when exported, else the
    /// domains of the migrating mailboxes' addresses.
    /// Every run asks (the setup scripts' defaults): read in parallel, and a domain is copied
    /// only the first time a thread meets it (a tenant has a handful, its mailboxes millions).
    pub fn source_domains(&self) -> std::collections::BTreeSet<String> {
        if let Some(rows) = &self.inputs.setup.source_domains {
            return rows.iter().map(|d| d.name.to_ascii_lowercase()).collect();
        }
        let add = |mut seen: Vec<String>, d: &str| {
            if !seen.iter().any(|s| s.eq_ignore_ascii_case(d)) {
                seen.push(d.to_ascii_lowercase());
            }
            seen
        };
        self.inputs
            .sources
            .par_iter()
            .fold(Vec::new, |seen, s| {
                s.smtp_addresses()
                    .filter_map(domain_of)
                    .fold(seen, |seen, d| add(seen, &d))
            })
            .reduce(Vec::new, |a, b| b.iter().fold(a, |a, d| add(a, d)))
            .into_iter()
            .collect()
    }

    /// An org-level finding.
    pub fn finding(
        &self,
        meta: &RuleMeta,
        message: String,
        fix: impl Into<Cow<'static, str>>,
    ) -> Finding {
        Finding {
            code: meta.code,
            severity: meta.severity,
            source: None,
            target: None,
            message: message.into_boxed_str(),
            fix: fix.into(),
        }
    }
}

/// Whether stamping changes or creates a MailUser for `source`.
fn stamps(inputs: &Inputs, joined: &Joined, planned: &[Planned], source: usize) -> bool {
    match joined.matches[source].target {
        Some(t) => inputs.targets[t].is_mail_user(),
        None => planned[source].primary.is_some(),
    }
}

/// Every value the rules and the stamping will ask the address space about: the addresses,
/// Name and alias planned for each mailbox, the X500/X400 proxies stamping adds to it, and
/// what its converted contacts carry (`Context::collisions`, `proxy_collisions`,
/// `name_collisions`, `carried`).
fn wanted<'a>(
    inputs: &'a Inputs,
    joined: &Joined,
    planned: &'a [Planned],
    to_add: &[Vec<(&'static str, &'a str)>],
    stand_ins: &StandIns,
    domains: &Domains,
) -> Wanted {
    let values: Vec<(Namespace, &str)> = (0..inputs.sources.len())
        .into_par_iter()
        .flat_map_iter(|i| {
            let p = &planned[i];
            let mut v: Vec<(Namespace, &str)> =
                p.addresses().map(|a| (Namespace::Smtp, a)).collect();
            v.extend(p.name.as_deref().map(|n| (Namespace::Name, n)));
            v.extend(p.alias.as_deref().map(|a| (Namespace::Alias, a)));
            if stamps(inputs, joined, planned, i) {
                for &(prefix, value) in &to_add[i] {
                    let kind = identity::carried_kind(prefix);
                    v.extend(Namespace::of_proxy(kind).map(|ns| (ns, value)));
                }
            }
            for o in stand_ins.of(i) {
                let other = &inputs.target_others[o];
                if contacts::removed_in_cloud(other) {
                    for (kind, _, value) in contacts::carried(other, |a| domains.owns(a)) {
                        v.extend(Namespace::of_proxy(kind).map(|ns| (ns, value)));
                    }
                }
            }
            v
        })
        .collect();
    let mut wanted = Wanted::default();
    for (ns, value) in values {
        wanted.add(ns, value);
    }
    wanted
}

/// Source rows that share an ExchangeGuid or a PrimarySmtpAddress. Each group is stored once
/// and its rows point at it, so a key shared by a hundred thousand rows costs memory in
/// proportion to them, not to their square.
#[derive(Debug, Default)]
struct Duplicates {
    groups: Vec<Vec<usize>>,
    /// Row -> (column, group), sorted.
    of: FastMap<usize, Vec<(&'static str, usize)>>,
}

fn duplicate_keys(sources: &[SourceMailbox]) -> Duplicates {
    let mut by_guid = RowIndex::with_capacity(sources.len());
    let mut by_primary = KeyIndex::with_capacity(sources.len());
    for (i, s) in sources.iter().enumerate() {
        if let Some(g) = s.exchange_guid {
            by_guid.add(g, i);
        }
        by_primary.add(s.primary_smtp(), i);
    }
    let mut groups: Vec<(&'static str, Vec<usize>)> = by_guid
        .repeated()
        .map(|g| ("ExchangeGuid", g))
        .chain(by_primary.repeated().map(|g| ("PrimarySmtpAddress", g)))
        .map(|(column, g)| (column, g.iter().map(|&r| r as usize).collect()))
        .collect();
    // Map iteration order varies between runs: fix the groups' order.
    groups.sort();
    let mut out = Duplicates::default();
    for (column, group) in groups {
        for &i in &group {
            out.of
                .entry(i)
                .or_default()
                .push((column, out.groups.len()));
        }
        out.groups.push(group);
    }
    out
}

/// Output order: by primary SMTP address (case-insensitive), then by line in the file.
fn output_rank(sources: &[SourceMailbox]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..sources.len()).collect();
    order.sort_by_cached_key(|&i| (sources[i].label().to_lowercase(), sources[i].line));
    let mut rank = vec![0; sources.len()];
    for (r, i) in order.into_iter().enumerate() {
        rank[i] = r;
    }
    rank
}

/// One source mailbox with its match, as a mailbox rule sees it.
pub struct MailboxCx<'a> {
    pub cx: &'a Context<'a>,
    pub index: usize,
    pub source: &'a SourceMailbox,
    pub target: Option<&'a TargetRecipient>,
    pub m: &'a Match,
}

impl MailboxCx<'_> {
    /// Each contact or guest that stands for this mailbox (its row, the recipient) with what
    /// of the mailbox's stamping it holds: what the four stand-in rules look at.
    pub fn for_each_stand_in(&self, mut f: impl FnMut(usize, &OtherRecipient, &[Collision<'_>])) {
        let holdings = self.cx.stand_in_holdings(self.index);
        for o in self.cx.stand_ins.of(self.index) {
            f(o, &self.cx.inputs.target_others[o], holdings.of(o));
        }
    }
}

impl MailboxCx<'_> {
    pub fn finding(
        &self,
        meta: &RuleMeta,
        message: String,
        fix: impl Into<Cow<'static, str>>,
    ) -> Finding {
        Finding {
            source: Some(self.index),
            target: self.m.target,
            ..self.cx.finding(meta, message, fix)
        }
    }

    /// The target is synchronised from on-premises AD: Set-MailUser cannot change it.
    pub fn target_dir_synced(&self) -> bool {
        self.target.is_some_and(|t| t.is_dir_synced == Some(true))
    }
}

impl MailboxCx<'_> {
    /// The command that changes the target: Set-MailUser in the cloud, or the on-premises AD
    /// equivalent when the object is dir-synced (Set-MailUser cannot change synced attributes).
    pub fn set_target(&self, cloud: &str, ad: &str) -> String {
        let Some(t) = self.target else {
            return String::new();
        };
        if self.target_dir_synced() {
            // Find the AD user by UPN, or by mail when the export had no UPN.
            let (attribute, value) = if t.upn().is_empty() {
                ("mail", t.primary_smtp())
            } else {
                ("UserPrincipalName", t.upn())
            };
            format!(
                "on-premises AD (the target is dir-synced): Get-ADUser -Filter {{{attribute} -eq {}}} | Set-ADUser {ad}; then run a delta sync",
                quote(value)
            )
        } else {
            format!("Set-MailUser -Identity {} {cloud}", quote(t.label()))
        }
    }
}

/// The two GUIDs stamped on a target MailUser, with their cmdlet and AD names.
#[derive(Debug, Clone, Copy)]
pub enum GuidField {
    Exchange,
    Archive,
}

impl MailboxCx<'_> {
    /// The fix that sets one of the target's GUIDs to `guid`.
    pub fn stamp_guid(&self, field: GuidField, guid: &str) -> String {
        let (param, attribute) = match field {
            GuidField::Exchange => ("-ExchangeGuid", "msExchMailboxGuid"),
            GuidField::Archive => ("-ArchiveGuid", "msExchArchiveGUID"),
        };
        let g = quote(guid);
        self.set_target(
            &format!("{param} {g}"),
            &format!("-Replace @{{{attribute}=([guid]{g}).ToByteArray()}}"),
        )
    }
}

/// Whether a fix adds proxy addresses to the target or removes them.
#[derive(Debug, Clone, Copy)]
pub enum ProxyEdit {
    Add,
    Remove,
}

impl MailboxCx<'_> {
    /// The matched target when it is a MailUser: the only kind the stamping checks apply to
    /// (a mailbox target is XT104's concern).
    pub fn mail_user_target(&self) -> Option<&TargetRecipient> {
        self.target.filter(|t| t.is_mail_user())
    }

    /// The fix that adds or removes proxy addresses (`PREFIX:value` each) on the target.
    pub fn edit_proxies(&self, edit: ProxyEdit, proxies: &[String]) -> String {
        let list = proxies
            .iter()
            .map(|p| quote(p))
            .collect::<Vec<_>>()
            .join(",");
        let verb = match edit {
            ProxyEdit::Add => "Add",
            ProxyEdit::Remove => "Remove",
        };
        self.set_target(
            &format!("-EmailAddresses @{{{verb}={list}}}"),
            &format!("-{verb} @{{proxyAddresses={list}}}"),
        )
    }
}
