//! Waves and batches: the permission graph between mailboxes, clusters that must move
//! together (union-find), waves filled by group and capacity, and batches of at most 2,000
//! balanced by size. Also the planner's findings (XT501-XT504, and the schedule's XT011-XT012),
//! which need the batches.

use rayon::prelude::*;
use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};

use crate::config::WaveSettings;
use crate::date::Date;
use crate::index::{FastHash, FastSet};
use crate::input::values::address_key;
use crate::model::{PermissionRow, SourceMailbox};
use crate::report::Report;
use crate::resolve::{Resolved, Resolver};
use crate::rules::{Context, Finding, Severity, Status};
use crate::write::batches::{Move, PlanFile, PlannedMailbox};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EdgeKind {
    FullAccess,
    SendAs,
    SendOnBehalf,
}

impl EdgeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::FullAccess => "FullAccess",
            EdgeKind::SendAs => "SendAs",
            EdgeKind::SendOnBehalf => "SendOnBehalf",
        }
    }
}

/// The permissions one holder has on one mailbox, a set of [`EdgeKind`]s: a broken link between
/// two mailboxes is reported once, whatever it grants (a shared mailbox's delegates usually hold
/// FullAccess and SendAs both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Kinds(u8);

impl Kinds {
    pub fn with(self, kind: EdgeKind) -> Kinds {
        Kinds(self.0 | 1 << kind as u8)
    }

    /// The names in [`EdgeKind`] order, joined with ", ".
    pub fn as_str(self) -> &'static str {
        const NAMES: [&str; 8] = [
            "",
            "FullAccess",
            "SendAs",
            "FullAccess, SendAs",
            "SendOnBehalf",
            "FullAccess, SendOnBehalf",
            "SendAs, SendOnBehalf",
            "FullAccess, SendAs, SendOnBehalf",
        ];
        NAMES[usize::from(self.0 & 7)]
    }
}

/// `trustee` holds `kind` on `mailbox` (both source mailbox indices).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Edge {
    pub mailbox: usize,
    pub trustee: usize,
    pub kind: EdgeKind,
}

/// A permission whose mailbox or trustee is not a source mailbox (a group, a user without a
/// mailbox, a typo): listed, never dropped.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unresolved {
    /// The mailbox side when it resolved.
    pub mailbox: Option<usize>,
    pub mailbox_text: String,
    pub trustee_text: String,
    pub kind: EdgeKind,
    pub why: &'static str,
}

impl Unresolved {
    const AMBIGUOUS: &str = "ambiguous";

    /// The identity matched several source mailboxes (rather than none).
    pub fn is_ambiguous(&self) -> bool {
        self.why == Unresolved::AMBIGUOUS
    }
}

#[derive(Debug, Default)]
pub struct Graph {
    pub edges: Vec<Edge>,
    pub unresolved: Vec<Unresolved>,
}

/// The permission exports' rows, taken out of the inputs so that they can be freed as soon as
/// the graph is built.
#[derive(Debug, Default)]
pub struct Grants {
    /// FullAccess (Get-EXOMailboxPermission).
    pub mailbox: Vec<PermissionRow>,
    /// SendAs (Get-EXORecipientPermission).
    pub recipient: Vec<PermissionRow>,
}

impl Grants {
    pub fn take(inputs: &mut crate::model::Inputs) -> Grants {
        Grants {
            mailbox: inputs.mailbox_permissions.take().unwrap_or_default(),
            recipient: inputs.recipient_permissions.take().unwrap_or_default(),
        }
    }
}

/// Builds the graph from FullAccess (Get-EXOMailboxPermission), SendAs
/// (Get-EXORecipientPermission) and GrantSendOnBehalfTo.
pub fn graph<'a>(cx: &Context<'a>, grants: &'a Grants, resolver: &Resolver<'_>) -> Graph {
    let inputs = cx.inputs;
    // Resolving is the costly part (millions of lookups on big tenants) and each grant's is its
    // own, so it runs on every core; both lists are sorted below, so arrival order is moot.
    // An export lists a mailbox's grants one after another: each task remembers the last
    // mailbox it resolved.
    let resolve = |last: &mut Option<(&'a str, Resolved)>, mailbox: &'a str, trustee, kind| {
        let m = match last.take() {
            Some((id, m)) if id == mailbox => m,
            _ => resolver.resolve(mailbox),
        };
        let m = last.insert((mailbox, m)).1.clone();
        grant(m, resolver.resolve(trustee), mailbox, trustee, kind)
    };
    let (full_access, send_as) = (&grants.mailbox, &grants.recipient);
    let send_on_behalf = inputs.sources.par_iter().flat_map_iter(|s| {
        s.grant_send_on_behalf_to()
            .scan(None, move |last, d| {
                Some(resolve(last, s.label(), d, EdgeKind::SendOnBehalf))
            })
            .flatten()
    });
    let (mut edges, mut unresolved): (Vec<Edge>, Vec<Unresolved>) = full_access
        .par_iter()
        .filter(|p| counts(p) && p.full_access)
        .map_init(
            || None,
            |last, p| resolve(last, p.identity(), p.trustee(), EdgeKind::FullAccess),
        )
        .flatten()
        .chain(
            send_as
                .par_iter()
                .filter(|p| counts(p) && p.send_as)
                .map_init(
                    || None,
                    |last, p| resolve(last, p.identity(), p.trustee(), EdgeKind::SendAs),
                )
                .flatten(),
        )
        .chain(send_on_behalf)
        .partition_map(|e| e);
    edges.par_sort_unstable();
    edges.dedup();
    unresolved.par_sort();
    unresolved.dedup();
    Graph { edges, unresolved }
}

/// The edge, or the unresolved permission, a grant makes once both sides are resolved; `None`
/// for a mailbox's rights on itself.
fn grant(
    m: Resolved,
    t: Resolved,
    mailbox: &str,
    trustee: &str,
    kind: EdgeKind,
) -> Option<rayon::iter::Either<Edge, Unresolved>> {
    use rayon::iter::Either;
    match (m, t) {
        (Resolved::One(m), Resolved::One(t)) if m != t => Some(Either::Left(Edge {
            mailbox: m,
            trustee: t,
            kind,
        })),
        (Resolved::One(_), Resolved::One(_)) => None,
        (m, t) => {
            let why = |r: &Resolved| match r {
                Resolved::Ambiguous(_) => Unresolved::AMBIGUOUS,
                _ => "not a source mailbox",
            };
            let (mailbox_idx, why) = match (&m, &t) {
                (Resolved::One(i), other) => (Some(*i), why(other)),
                (other, _) => (None, why(other)),
            };
            Some(Either::Right(Unresolved {
                mailbox: mailbox_idx,
                mailbox_text: mailbox.to_string(),
                trustee_text: trustee.to_string(),
                kind,
                why,
            }))
        }
    }
}

/// Explicit grants between people: not the mailbox's own SELF entry, not inherited (admin
/// groups), not Deny, not well-known system principals.
fn counts(p: &PermissionRow) -> bool {
    let t = p.trustee().trim();
    let system = t
        .get(..13)
        .is_some_and(|h| h.eq_ignore_ascii_case("NT AUTHORITY\\"))
        || t.get(..6).is_some_and(|h| h.eq_ignore_ascii_case("S-1-5-"));
    !p.inherited && !p.deny && !system && !t.is_empty()
}

/// A group of mailboxes that moves together: a cluster, or a piece of one over the cap.
#[derive(Debug, Clone)]
pub struct Unit {
    pub members: Vec<usize>,
    pub bytes: u64,
    /// The whole cluster's identity across runs (see `cluster_signature`).
    pub signature: String,
}

/// The plan: every Ready or NeedsStamping mailbox in exactly one batch of one wave.
#[derive(Debug, Default)]
pub struct Plan {
    pub waves: Vec<Wave>,
    /// Per source mailbox: (wave, batch) indices, `None` when held back or not migrating.
    pub placement: Vec<Option<(usize, usize)>>,
    /// Per source mailbox: its cluster id (smallest member index), for re-planning.
    pub cluster_of: Vec<Option<usize>>,
    /// Cluster id -> the cluster's identity across runs (`cluster_signature`).
    pub signatures: HashMap<usize, String>,
    /// Mailboxes kept out of clustering because too many others are tied to them.
    pub hubs: Vec<usize>,
    pub graph: Graph,
    /// XT502 and XT504; `link_findings` makes XT501 and XT503 from `broken`.
    pub findings: Vec<Finding>,
}

impl Plan {
    /// The names of source mailbox `i`'s wave and batch, empty when it is not planned.
    pub fn wave_batch(&self, i: usize) -> (&str, &str) {
        self.placement[i].map_or(("", ""), |(w, b)| {
            let wave = &self.waves[w];
            (wave.name.as_str(), wave.batches[b].name.as_str())
        })
    }
}

#[derive(Debug, Clone)]
pub struct Wave {
    pub name: String,
    pub cutover: Option<Date>,
    pub batches: Vec<Batch>,
}

#[derive(Debug, Clone)]
pub struct Batch {
    pub name: String,
    /// Source mailbox indices, in output order.
    pub members: Vec<usize>,
    pub bytes: u64,
    pub estimated_hours: f64,
}

impl Wave {
    pub fn users(&self) -> usize {
        self.batches.iter().map(|b| b.members.len()).sum()
    }
    pub fn bytes(&self) -> u64 {
        self.batches.iter().map(|b| b.bytes).sum()
    }
}

fn size_of(cx: &Context<'_>, i: usize) -> u64 {
    cx.inputs.sources[i].stats.as_ref().map_or(0, |s| {
        s.total_item_size.unwrap_or(0) + s.archive_size.unwrap_or(0)
    })
}

/// Plans waves and batches for every mailbox that is not Blocked. `previous` pins mailboxes to
/// the wave and batch names a previous plan gave them (see `replan`).
pub fn plan_waves(
    cx: &Context<'_>,
    report: &Report<'_>,
    resolver: &Resolver<'_>,
    grants: &Grants,
    settings: &WaveSettings,
    previous: &Previous,
) -> Plan {
    let n = cx.inputs.sources.len();
    let moving: Vec<bool> = report
        .statuses
        .iter()
        .map(|s| *s != Status::Blocked)
        .collect();
    let graph = graph(cx, grants, resolver);

    // Degree over distinct migrating neighbours; hubs stay out of the union.
    let neighbours = Neighbours::new(
        n,
        graph
            .edges
            .par_iter()
            .filter(|e| moving[e.mailbox] && moving[e.trustee]),
    );
    let hubs: Vec<usize> = (0..n)
        .filter(|&i| moving[i] && neighbours.of(i).len() > settings.hub_degree)
        .collect();
    let is_hub: Vec<bool> = {
        let mut v = vec![false; n];
        hubs.iter().for_each(|&h| v[h] = true);
        v
    };

    let mut uf = UnionFind::new(n);
    for e in &graph.edges {
        let (a, b) = (e.mailbox, e.trustee);
        if moving[a] && moving[b] && !is_hub[a] && !is_hub[b] {
            uf.union(a, b);
        }
    }
    // Clusters in order of their root, members in index order, as ranges of one list: a map of
    // a `Vec` per cluster was a million allocations at 1,000,000 users, most of one member.
    let mut by_root: Vec<(usize, usize)> = (0..n)
        .filter(|&i| moving[i])
        .map(|i| (uf.find(i), i))
        .collect();
    by_root.par_sort_unstable();
    let clustered: Vec<usize> = by_root.iter().map(|&(_, i)| i).collect();
    let mut clusters: Vec<&[usize]> = Vec::new();
    let mut rest = clustered.as_slice();
    for run in by_root.chunk_by(|a, b| a.0 == b.0) {
        let (members, tail) = rest.split_at(run.len());
        clusters.push(members);
        rest = tail;
    }
    drop(by_root);
    let rank = cx.source_rank();
    // Each cluster's signature and pieces are its own work: on every core, then gathered in
    // cluster order.
    let prepared: Vec<(String, Vec<Vec<usize>>)> = clusters
        .par_iter()
        .map(|members| {
            (
                cluster_signature(cx, members),
                split(members, &neighbours, &is_hub, settings.batch_size),
            )
        })
        .collect();
    let mut cluster_of = vec![None; n];
    let mut signatures = HashMap::new();
    let mut units: Vec<Unit> = Vec::new();
    for (members, (signature, pieces)) in clusters.iter().zip(prepared) {
        let id = members[0];
        for &m in *members {
            cluster_of[m] = Some(id);
        }
        signatures.insert(id, signature.clone());
        for piece in pieces {
            let bytes = piece.iter().map(|&m| size_of(cx, m)).sum();
            units.push(Unit {
                members: piece,
                bytes,
                signature: signature.clone(),
            });
        }
    }

    let mut oversize = Vec::new();
    let waves = fill_waves(cx, units, settings, previous, rank, &mut oversize);
    let mut placement = vec![None; n];
    for (w, wave) in waves.iter().enumerate() {
        for (b, batch) in wave.batches.iter().enumerate() {
            for &m in &batch.members {
                placement[m] = Some((w, b));
            }
        }
    }
    let mut findings = findings(cx, &graph, &placement, &hubs, &neighbours);
    findings.extend(crate::rules::xt011_wave_over_size::finding(cx, &oversize));
    findings.extend(crate::rules::xt012_waves_past_horizon::check(
        cx, &waves, settings,
    ));
    Plan {
        waves,
        placement,
        cluster_of,
        signatures,
        hubs,
        graph,
        findings,
    }
}

/// Each mailbox's distinct neighbours in the permission graph, in index order, as ranges of one
/// list.
struct Neighbours {
    /// Mailbox `i`'s neighbours are `list[start[i]..start[i + 1]]`.
    start: Vec<usize>,
    list: Vec<usize>,
}

impl Neighbours {
    fn new<'e>(n: usize, edges: impl ParallelIterator<Item = &'e Edge>) -> Neighbours {
        let mut pairs: Vec<(usize, usize)> = edges
            .flat_map_iter(|e| [(e.mailbox, e.trustee), (e.trustee, e.mailbox)])
            .collect();
        pairs.par_sort_unstable();
        pairs.dedup();
        let mut start = vec![0; n + 1];
        for &(a, _) in &pairs {
            start[a + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let list = pairs.into_par_iter().map(|(_, b)| b).collect();
        Neighbours { start, list }
    }

    fn of(&self, i: usize) -> &[usize] {
        &self.list[self.start[i]..self.start[i + 1]]
    }
}

/// A set of mailbox indices for one cluster's walk: one bit per mailbox of the tenant when the
/// cluster holds at least one in 64 of them (hash sets took a core for seconds on a cluster of
/// 800,000), a hash set otherwise, so that many mid-sized clusters do not each clear a bitmap
/// of the whole tenant (the total stays linear).
enum Marks {
    Bits(Vec<u64>),
    Set(FastSet<usize>),
}

impl Marks {
    fn new(members: usize, tenant: usize) -> Marks {
        if members.saturating_mul(64) >= tenant {
            Marks::Bits(vec![0; tenant.div_ceil(64)])
        } else {
            Marks::Set(FastSet::with_capacity_and_hasher(
                members,
                FastHash::default(),
            ))
        }
    }

    fn contains(&self, i: usize) -> bool {
        match self {
            Marks::Bits(bits) => bits[i / 64] & 1 << (i % 64) != 0,
            Marks::Set(set) => set.contains(&i),
        }
    }

    /// Adds `i`; true when it was not there.
    fn insert(&mut self, i: usize) -> bool {
        match self {
            Marks::Bits(bits) => {
                let fresh = bits[i / 64] & 1 << (i % 64) == 0;
                bits[i / 64] |= 1 << (i % 64);
                fresh
            }
            Marks::Set(set) => set.insert(i),
        }
    }
}

/// Splits a cluster into pieces of at most `cap`, following breadth-first order from its first
/// member so that neighbours tend to share a piece (few cut edges). A cluster that fits is one
/// piece, never split.
fn split(
    members: &[usize],
    neighbours: &Neighbours,
    is_hub: &[bool],
    cap: usize,
) -> Vec<Vec<usize>> {
    if members.len() <= cap {
        return vec![members.to_vec()];
    }
    let mut inside = Marks::new(members.len(), is_hub.len());
    for &m in members {
        inside.insert(m);
    }
    let mut seen = Marks::new(members.len(), is_hub.len());
    let mut order = Vec::with_capacity(members.len());
    let mut queue = std::collections::VecDeque::new();
    for &start in members {
        if !seen.insert(start) {
            continue;
        }
        queue.push_back(start);
        while let Some(x) = queue.pop_front() {
            order.push(x);
            for &y in neighbours.of(x) {
                if inside.contains(y) && !is_hub[y] && seen.insert(y) {
                    queue.push_back(y);
                }
            }
        }
    }
    order
        .chunks(cap)
        .map(|c| {
            let mut c = c.to_vec();
            c.sort_unstable();
            c
        })
        .collect()
}

/// What a previous plan pinned: mailbox key -> (wave name, batch name, cluster signature).
#[derive(Debug, Default, Clone)]
pub struct Previous {
    pub pinned: HashMap<String, (String, String, String)>,
}

/// The key that identifies a mailbox across runs: its ExchangeGuid, else its primary address.
pub fn mailbox_key(cx: &Context<'_>, i: usize) -> String {
    let s = &cx.inputs.sources[i];
    s.exchange_guid
        .map(|g| g.to_string())
        .unwrap_or_else(|| address_key(s.primary_smtp()))
}

/// A cluster's identity across runs: its members' keys, sorted.
pub fn cluster_signature(cx: &Context<'_>, members: &[usize]) -> String {
    // Permissions can join most of a tenant into one cluster (random grants do): a cluster that
    // big is keyed on every core.
    let keys: Vec<String> = if members.len() > 10_000 {
        let mut keys: Vec<String> = members.par_iter().map(|&m| mailbox_key(cx, m)).collect();
        keys.par_sort_unstable();
        keys
    } else {
        let mut keys: Vec<String> = members.iter().map(|&m| mailbox_key(cx, m)).collect();
        keys.sort_unstable();
        keys
    };
    let mut h = std::collections::hash_map::DefaultHasher::new();
    std::hash::Hash::hash(&keys, &mut h);
    format!("{:016x}", std::hash::Hasher::finish(&h))
}

/// A wave that holds more than its size because one cluster (mailboxes linked by permissions)
/// is larger: (wave, the cluster's size, its first mailbox, the size asked).
pub struct Oversize {
    pub wave: String,
    pub cluster: usize,
    pub first: usize,
    pub per_wave: usize,
}

fn fill_waves(
    cx: &Context<'_>,
    units: Vec<Unit>,
    s: &WaveSettings,
    previous: &Previous,
    rank: &[usize],
    oversize: &mut Vec<Oversize>,
) -> Vec<Wave> {
    let total: usize = units.iter().map(|u| u.members.len()).sum();
    let wave_names = |count: usize| -> Vec<String> {
        let mut names = Vec::new();
        if s.pilot > 0 {
            names.push("W00-pilot".to_string());
        }
        names.extend((1..=count).map(|w| format!("W{w:02}")));
        names
    };
    let main_total = total.saturating_sub(s.pilot.min(total));
    let per_wave = s
        .users_per_wave
        .unwrap_or_else(|| main_total.div_ceil(s.waves.unwrap_or(1).max(1)).max(1));
    let count = main_total.div_ceil(per_wave).max(1);
    let names = wave_names(count);
    let mut waves: Vec<Filling> = names.into_iter().map(Filling::new).collect();

    // Units a previous plan placed stay where they were, if their cluster is unchanged.
    let mut free = Vec::new();
    for u in units {
        // Pinned when every member was in one wave of the previous plan, in the same cluster.
        let wave = (!previous.pinned.is_empty())
            .then_some(&u.members)
            .and_then(|m| m.first())
            .and_then(|&m| previous.pinned.get(&mailbox_key(cx, m)))
            .and_then(|(wave, _, sig)| {
                let same = u.members.iter().all(|&m| {
                    previous
                        .pinned
                        .get(&mailbox_key(cx, m))
                        .is_some_and(|p| p.0 == *wave && p.2 == u.signature)
                });
                (same && *sig == u.signature).then(|| wave.clone())
            });
        match wave {
            Some(wave) => {
                let w = match waves.iter().position(|x| x.name == wave) {
                    Some(w) => w,
                    None => {
                        waves.push(Filling::new(wave));
                        waves.len() - 1
                    }
                };
                waves[w].add(u);
            }
            None => free.push(u),
        }
    }

    // Groups move together: order units by their group, then by their first mailbox.
    let group = |u: &Unit| -> String {
        match (s.group_by, u.members.as_slice()) {
            (None, _) => return String::new(),
            (Some(g), [only]) => return g.value(&cx.inputs.sources[*only]),
            _ => {}
        }
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for &m in &u.members {
            *counts
                .entry(
                    s.group_by
                        .map(|g| g.value(&cx.inputs.sources[m]))
                        .unwrap_or_default(),
                )
                .or_default() += 1;
        }
        counts
            .into_iter()
            .max_by_key(|(k, c)| (*c, std::cmp::Reverse(k.clone())))
            .map(|(k, _)| k)
            .unwrap_or_default()
    };
    // Each unit's group by number, numbered in the order of the names: the sorts compare numbers.
    let groups: Vec<String> = free.iter().map(group).collect();
    let mut number: BTreeMap<&str, usize> = groups.iter().map(|g| (g.as_str(), 0)).collect();
    for (n, v) in number.values_mut().enumerate() {
        *v = n;
    }
    let mut keyed: Vec<(usize, usize, Unit)> = free
        .into_iter()
        .zip(&groups)
        .map(|(u, g)| {
            let first = u.members.iter().map(|&m| rank[m]).min().unwrap_or(0);
            (number[g.as_str()], first, u)
        })
        .collect();
    keyed.sort_by_key(|k| (k.0, k.1));

    let cap_bytes = s
        .max_gb_per_wave
        .map(|gb| (gb * (1u64 << 30) as f64) as u64);
    let first_main = usize::from(s.pilot > 0);
    // The pilot takes typical users: the smallest units first, and among them mailboxes under
    // the median size (a pilot of the largest mailboxes is the slowest batch, and says little).
    if s.pilot > 0 {
        let mut sizes: Vec<u64> = keyed
            .iter()
            .flat_map(|k| k.2.members.iter().map(|&m| size_of(cx, m)))
            .collect();
        let median = if sizes.is_empty() {
            0
        } else {
            let mid = sizes.len() / 2;
            *sizes.select_nth_unstable(mid).1
        };
        keyed.sort_by_key(|k| {
            let n = k.2.members.len() as u64;
            (
                k.2.members.len(),
                k.2.bytes > median.saturating_mul(n),
                k.0,
                k.1,
            )
        });
    }
    let mut rest = Vec::new();
    for k in keyed {
        if s.pilot > 0 && waves[0].users + k.2.members.len() <= s.pilot {
            waves[0].add(k.2);
        } else {
            rest.push(k);
        }
    }
    // Back to group order for the main waves.
    rest.sort_by_key(|k| (k.0, k.1));
    let rest = rest.into_iter().map(|k| k.2);
    let mut w = first_main;
    for u in rest {
        loop {
            if w >= waves.len() {
                waves.push(Filling::new(format!(
                    "W{:02}",
                    waves.len() + 1 - first_main
                )));
            }
            let f = &waves[w];
            let fits_users = f.users + u.members.len() <= per_wave;
            let fits_bytes = cap_bytes.is_none_or(|c| f.bytes + u.bytes <= c);
            if f.users == 0 || (fits_users && fits_bytes) {
                if u.members.len() > per_wave {
                    oversize.push(Oversize {
                        wave: f.name.clone(),
                        cluster: u.members.len(),
                        first: u
                            .members
                            .iter()
                            .copied()
                            .min_by_key(|&m| rank[m])
                            .unwrap_or(0),
                        per_wave,
                    });
                }
                break;
            }
            w += 1;
        }
        waves[w].add(u);
    }

    waves
        .into_iter()
        .enumerate()
        .filter(|(_, f)| !f.units.is_empty())
        .map(|(idx, Filling { name, units, .. })| {
            // The pilot (index -1) cuts over one cadence before the first main wave.
            let main_index = idx as i64 - first_main as i64;
            let cutover = s
                .first_cutover
                .map(|d| d.add_days(main_index * s.cadence_days));
            let batches = batches(cx, &name, units, s, previous, rank);
            Wave {
                name,
                cutover,
                batches,
            }
        })
        .collect()
}

/// A wave being filled.
struct Filling {
    name: String,
    units: Vec<Unit>,
    users: usize,
    bytes: u64,
}

impl Filling {
    fn new(name: String) -> Filling {
        Filling {
            name,
            units: Vec::new(),
            users: 0,
            bytes: 0,
        }
    }

    fn add(&mut self, u: Unit) {
        self.users += u.members.len();
        self.bytes += u.bytes;
        self.units.push(u);
    }
}

/// Packs a wave's units into batches of at most `batch_size`, largest first into the batch with
/// the least data that has room, so batches carry similar sizes and sync in similar times.
fn batches(
    cx: &Context<'_>,
    wave: &str,
    mut units: Vec<Unit>,
    s: &WaveSettings,
    previous: &Previous,
    rank: &[usize],
) -> Vec<Batch> {
    let users: usize = units.iter().map(|u| u.members.len()).sum();
    let count = users.div_ceil(s.batch_size).max(1);
    let mut bins: Vec<(Vec<usize>, u64)> = vec![(Vec::new(), 0); count];
    // Units pinned to a batch by a previous plan go there first.
    let mut named: BTreeMap<String, usize> = BTreeMap::new();
    units.sort_by(|a, b| {
        b.bytes
            .cmp(&a.bytes)
            .then_with(|| rank[a.members[0]].cmp(&rank[b.members[0]]))
    });
    let mut loose = Vec::new();
    for u in units {
        let pinned = (!previous.pinned.is_empty())
            .then(|| previous.pinned.get(&mailbox_key(cx, u.members[0])))
            .flatten()
            .map(|p| p.1.clone());
        match pinned {
            Some(batch) if batch.starts_with(wave) => {
                let b = *named.entry(batch).or_insert_with(|| {
                    bins.push((Vec::new(), 0));
                    bins.len() - 1
                });
                if bins[b].0.len() + u.members.len() <= s.batch_size {
                    bins[b].0.extend(&u.members);
                    bins[b].1 += u.bytes;
                } else {
                    loose.push(u);
                }
            }
            _ => loose.push(u),
        }
    }
    // Each unit into the batch with the least data that has room: a heap of the batches by
    // (bytes, users, index), not a scan of all of them per unit (429 batches x 856,000 units
    // in a one-wave plan of a million mailboxes).
    let mut heap: BinaryHeap<Reverse<(u64, usize, usize)>> = bins
        .iter()
        .enumerate()
        .map(|(b, (m, bytes))| Reverse((*bytes, m.len(), b)))
        .collect();
    let mut full = Vec::new();
    for u in loose {
        let mut target = None;
        while let Some(Reverse((bytes, len, b))) = heap.pop() {
            if len + u.members.len() <= s.batch_size {
                target = Some(b);
                break;
            }
            // A batch at the cap takes nothing more: it leaves the heap for good.
            if len < s.batch_size {
                full.push(Reverse((bytes, len, b)));
            }
        }
        let b = target.unwrap_or_else(|| {
            bins.push((Vec::new(), 0));
            bins.len() - 1
        });
        bins[b].0.extend(&u.members);
        bins[b].1 += u.bytes;
        heap.push(Reverse((bins[b].1, bins[b].0.len(), b)));
        // Too full for this unit, maybe not for a smaller one.
        heap.extend(full.drain(..));
    }
    let pinned_names: BTreeMap<usize, String> =
        named.into_iter().map(|(name, b)| (b, name)).collect();
    let mut taken: Vec<String> = pinned_names.values().cloned().collect();
    let mut next = 1;
    bins.into_iter()
        .enumerate()
        .filter(|(_, (m, _))| !m.is_empty())
        .map(|(b, (mut members, bytes))| {
            members.sort_by_key(|&m| rank[m]);
            let name = pinned_names.get(&b).cloned().unwrap_or_else(|| {
                loop {
                    let candidate = format!("{wave}-B{next:03}");
                    next += 1;
                    if !taken.contains(&candidate) {
                        taken.push(candidate.clone());
                        break candidate;
                    }
                }
            });
            let largest = members.iter().map(|&m| size_of(cx, m)).max().unwrap_or(0);
            Batch {
                name,
                estimated_hours: s.estimate_hours(bytes, largest, members.len()),
                members,
                bytes,
            }
        })
        .collect()
}

/// One side of a broken permission: a source mailbox, or the text of an identity that did not
/// resolve to one.
#[derive(Debug, Clone, Copy)]
pub enum Side<'g> {
    Mailbox(usize),
    Unresolved(&'g str),
}

/// Why a permission stops working across the move.
#[derive(Debug, Clone, Copy)]
pub enum Problem<'g> {
    /// Both sides move, in different batches (XT501).
    Split,
    /// The holder is Blocked and stays behind (XT503).
    TrusteeBlocked,
    /// The mailbox is Blocked and stays behind (XT503).
    MailboxBlocked,
    /// The holder is not a source mailbox: a group, a user without a mailbox... (XT503).
    Unresolved(&'g Unresolved),
}

impl Problem<'_> {
    pub fn code(self) -> &'static str {
        match self {
            Problem::Split => "XT501",
            _ => "XT503",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Problem::Split => "in different batches",
            Problem::TrusteeBlocked => "the holder is Blocked and will not move",
            Problem::MailboxBlocked => "the mailbox is Blocked and will not move",
            Problem::Unresolved(u) => u.why,
        }
    }
}

/// The permissions between one mailbox and one holder that the plan does not keep working
/// across the move. The findings XT501 and XT503 are worded from this list, one per pair, and
/// the workbook's Permissions sheet lists it so a planner can fix the plan by hand.
#[derive(Debug, Clone, Copy)]
pub struct Broken<'g> {
    pub kinds: Kinds,
    pub mailbox: Side<'g>,
    pub trustee: Side<'g>,
    /// The migrating mailbox the finding is reported on.
    pub about: usize,
    pub problem: Problem<'g>,
}

/// Every link the plan breaks, in graph order: one per mailbox and holder, with all the
/// permissions between them (the graph lists a pair's permissions side by side).
pub fn broken<'g>(
    graph: &'g Graph,
    placement: &[Option<(usize, usize)>],
    statuses: &[Status],
) -> Vec<Broken<'g>> {
    let blocked = |i: usize| statuses[i] == Status::Blocked;
    let kinds =
        |kinds: &mut dyn Iterator<Item = EdgeKind>| kinds.fold(Kinds::default(), Kinds::with);
    let mut out = Vec::new();
    for pair in graph
        .edges
        .chunk_by(|a, b| (a.mailbox, a.trustee) == (b.mailbox, b.trustee))
    {
        let (m, t) = (pair[0].mailbox, pair[0].trustee);
        let edge = |about, problem| Broken {
            kinds: kinds(&mut pair.iter().map(|e| e.kind)),
            mailbox: Side::Mailbox(m),
            trustee: Side::Mailbox(t),
            about,
            problem,
        };
        if let (Some(a), Some(b)) = (placement[m], placement[t])
            && a != b
        {
            out.push(edge(m, Problem::Split));
        }
        if placement[m].is_some() && blocked(t) {
            out.push(edge(m, Problem::TrusteeBlocked));
        } else if placement[t].is_some() && blocked(m) {
            out.push(edge(t, Problem::MailboxBlocked));
        }
    }
    // Sorted by mailbox, then by the texts: a pair's permissions are side by side here too.
    for pair in graph.unresolved.chunk_by(|a, b| {
        (a.mailbox, &a.mailbox_text, &a.trustee_text)
            == (b.mailbox, &b.mailbox_text, &b.trustee_text)
    }) {
        let u = &pair[0];
        if let Some(m) = u.mailbox.filter(|&m| placement[m].is_some()) {
            out.push(Broken {
                kinds: kinds(&mut pair.iter().map(|u| u.kind)),
                mailbox: Side::Mailbox(m),
                trustee: Side::Unresolved(&u.trustee_text),
                about: m,
                problem: Problem::Unresolved(u),
            });
        }
    }
    out
}

/// A planner finding on source mailbox `source`; its severity comes from the catalogue entry,
/// so it is defined in one place.
fn finding(
    cx: &Context<'_>,
    code: &'static str,
    source: usize,
    message: String,
    fix: &'static str,
) -> Finding {
    Finding {
        code,
        severity: crate::rules::by_code(code).map_or(Severity::Info, |r| r.meta().severity),
        source: Some(source),
        target: cx.joined.matches[source].target,
        message: message.into_boxed_str(),
        fix: Cow::Borrowed(fix),
    }
}

/// XT502 (send-on-behalf) and XT504 (hubs). XT501 and XT503 come from the broken links
/// (`link_findings`), which the workbook lists too.
fn findings(
    cx: &Context<'_>,
    graph: &Graph,
    placement: &[Option<(usize, usize)>],
    hubs: &[usize],
    neighbours: &Neighbours,
) -> Vec<Finding> {
    let sources = &cx.inputs.sources;
    let mut out: Vec<Finding> = graph
        .edges
        .par_iter()
        .filter(|e| e.kind == EdgeKind::SendOnBehalf && placement[e.mailbox].is_some())
        .map(|e| {
            finding(
                cx,
                "XT502",
                e.mailbox,
                format!(
                    "{} sends on behalf of {}: grant it again after the move",
                    sources[e.trustee].label(),
                    sources[e.mailbox].label()
                ),
                "scripts/Restore-Permissions.ps1 -Wave <wave> after the wave (stamping/permissions.csv)",
            )
        })
        .collect();
    for &h in hubs {
        out.push(finding(
            cx,
            "XT504",
            h,
            format!("{} other mailboxes hold permissions with it: planned on its own, not with all of them", neighbours.of(h).len()),
            "expect XT501 for its delegates; move it early or late, as its users need",
        ));
    }
    out
}

/// XT501 (delegates split) and XT503 (delegate not migrating), one per broken link.
pub fn link_findings<'a>(
    cx: &'a Context<'_>,
    broken: &'a [Broken<'_>],
) -> impl IndexedParallelIterator<Item = Finding> + 'a {
    fn label<'a>(sources: &'a [SourceMailbox], side: Side<'a>) -> &'a str {
        match side {
            Side::Mailbox(i) => sources[i].label(),
            Side::Unresolved(text) => text,
        }
    }
    let sources = &cx.inputs.sources;
    broken.par_iter().map(|b| {
        let (mlabel, tlabel) = (label(sources, b.mailbox), label(sources, b.trustee));
        let kind = b.kinds.as_str();
        let (message, fix) = match b.problem {
            Problem::Split => (
                format!("{tlabel} ({kind}) and {mlabel} are in different batches"),
                "move them into one batch, or accept the gap between their moves",
            ),
            Problem::TrusteeBlocked => (
                format!(
                    "{tlabel} holds {kind} on {mlabel} but is Blocked and will not move with it"
                ),
                "fix the delegate's blockers, or tell both users the permission stops working",
            ),
            Problem::MailboxBlocked => (
                format!("{tlabel} holds {kind} on {mlabel}, which is Blocked and will not move"),
                "fix the mailbox's blockers, or tell both users the permission stops working",
            ),
            Problem::Unresolved(u) => (
                format!(
                    "{tlabel} holds {kind} on it but is {} ({})",
                    u.why, u.mailbox_text
                ),
                "grant the permission again in the target to the right object after the move",
            ),
        };
        finding(cx, b.problem.code(), b.about, message, fix)
    })
}

struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> UnionFind {
        UnionFind {
            parent: (0..n).collect(),
        }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    /// Joins the sets; the smaller index becomes the root, so roots do not depend on edge order.
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[hi] = lo;
        }
    }
}

/// Each source mailbox's target address once the plan's stamping is applied (cloud or
/// on-premises): what its batch file, plan.json and the permission scripts name it by. Empty
/// when stamping cannot name one; such a mailbox is Blocked (XT107) and never planned.
pub fn target_addresses(cx: &Context<'_>) -> Vec<String> {
    (0..cx.inputs.sources.len())
        .into_par_iter()
        .map(|i| {
            crate::identity::primary_after_stamping(
                cx.joined.matches[i].target.map(|t| &cx.inputs.targets[t]),
                &cx.planned[i],
                &cx.domains,
            )
            .unwrap_or_default()
        })
        .collect()
}

/// Reads a previous plan (its folder, or its plan.json).
pub fn load_previous(
    path: &std::path::Path,
) -> crate::error::Result<(Previous, PlanFile<'static>)> {
    let file = if path.is_dir() {
        path.join("plan.json")
    } else {
        path.to_path_buf()
    };
    let text = std::fs::read_to_string(&file).map_err(|source| crate::error::Error::Read {
        path: file.clone(),
        source,
    })?;
    let plan: PlanFile<'static> =
        serde_json::from_str(&text).map_err(|e| crate::error::Error::Input {
            path: file.clone(),
            detail: format!(
                "not a plan.json written by xtenant: {e} (line {}, column {})",
                e.line(),
                e.column()
            ),
        })?;
    let pinned = plan
        .mailboxes
        .iter()
        .map(|m| {
            (
                m.key.to_string(),
                (
                    m.wave.to_string(),
                    m.batch.to_string(),
                    m.cluster.to_string(),
                ),
            )
        })
        .collect();
    Ok((Previous { pinned }, plan))
}

/// plan.json for this plan.
pub fn plan_file<'a>(
    cx: &Context<'a>,
    plan: &'a Plan,
    addresses: &'a [String],
    order: &[usize],
) -> PlanFile<'a> {
    let mailboxes = order
        .par_iter()
        .filter_map(|&i| {
            let (w, b) = plan.placement[i]?;
            Some(PlannedMailbox {
                key: Cow::Owned(mailbox_key(cx, i)),
                source: Cow::Borrowed(cx.inputs.sources[i].label()),
                target: Cow::Borrowed(&addresses[i]),
                wave: Cow::Borrowed(&plan.waves[w].name),
                batch: Cow::Borrowed(&plan.waves[w].batches[b].name),
                cluster: Cow::Borrowed(
                    plan.signatures
                        .get(&plan.cluster_of[i]?)
                        .map_or("", String::as_str),
                ),
            })
        })
        .collect();
    PlanFile {
        version: 1,
        mailboxes,
    }
}

/// Who is placed differently from the previous plan, and why.
pub fn moves(
    previous: &PlanFile<'_>,
    now: &PlanFile<'_>,
    blocked: &std::collections::HashSet<String>,
) -> Vec<Move> {
    let before: HashMap<&str, &PlannedMailbox<'_>> = previous
        .mailboxes
        .iter()
        .map(|m| (m.key.as_ref(), m))
        .collect();
    let after: HashMap<&str, &PlannedMailbox<'_>> =
        now.mailboxes.iter().map(|m| (m.key.as_ref(), m)).collect();
    let place = |m: &PlannedMailbox<'_>| format!("{}/{}", m.wave, m.batch);
    let mut out = Vec::new();
    for m in &now.mailboxes {
        match before.get(m.key.as_ref()) {
            None => out.push(Move {
                key: m.key.to_string(),
                source: m.source.to_string(),
                before: String::new(),
                after: place(m),
                why: "new mailbox",
            }),
            Some(p) if place(p) != place(m) => out.push(Move {
                key: m.key.to_string(),
                source: m.source.to_string(),
                before: place(p),
                after: place(m),
                why: if p.cluster != m.cluster {
                    "its permission cluster changed"
                } else {
                    "capacity (re-balanced)"
                },
            }),
            _ => {}
        }
    }
    for p in &previous.mailboxes {
        if !after.contains_key(p.key.as_ref()) {
            let why = if blocked.contains(p.key.as_ref()) {
                "now Blocked: held back"
            } else {
                "no longer in the source export"
            };
            out.push(Move {
                key: p.key.to_string(),
                source: p.source.to_string(),
                before: place(p),
                after: String::new(),
                why,
            });
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(mailbox: usize, trustee: usize, kind: EdgeKind) -> Edge {
        Edge {
            mailbox,
            trustee,
            kind,
        }
    }

    /// 0 - 1 - 2 - ... - (len - 1), in a tenant of `tenant` mailboxes.
    fn chain(len: usize, tenant: usize) -> Neighbours {
        let edges: Vec<Edge> = (1..len)
            .map(|i| edge(i - 1, i, EdgeKind::FullAccess))
            .collect();
        Neighbours::new(tenant, edges.par_iter())
    }

    #[test]
    fn neighbours_are_distinct_and_go_both_ways() {
        let edges = [
            edge(0, 1, EdgeKind::FullAccess),
            edge(0, 1, EdgeKind::SendAs),
            edge(2, 1, EdgeKind::FullAccess),
        ];
        let n = Neighbours::new(4, edges.par_iter());
        assert_eq!(
            (n.of(0), n.of(1), n.of(2), n.of(3)),
            (&[1][..], &[0, 2][..], &[1][..], &[][..])
        );
    }

    #[test]
    fn a_big_cluster_is_cut_along_its_walk_with_a_bitmap_or_a_set() {
        // 100 of 100 mailboxes take the bitmap; 100 of 100,000 the hash set.
        let members: Vec<usize> = (0..100).collect();
        let dense = split(&members, &chain(100, 100), &[false; 100], 30);
        let sparse = split(&members, &chain(100, 100_000), &vec![false; 100_000], 30);
        assert_eq!(dense, sparse);
        let pieces: Vec<Vec<usize>> = [0..30, 30..60, 60..90, 90..100]
            .into_iter()
            .map(|r| r.collect())
            .collect();
        assert_eq!(dense, pieces);
    }

    #[test]
    fn planner_findings_never_change_a_status() {
        // lib.rs judges the broken links on the statuses from before the planner's findings.
        for code in ["XT501", "XT502", "XT503", "XT504", "XT011", "XT012"] {
            let severity = crate::rules::by_code(code).unwrap().meta().severity;
            assert!(
                matches!(severity, Severity::Warning | Severity::Info),
                "{code}"
            );
        }
    }

    #[test]
    fn kinds_are_named_in_one_order() {
        let k = Kinds::default()
            .with(EdgeKind::SendOnBehalf)
            .with(EdgeKind::FullAccess);
        assert_eq!(k.as_str(), "FullAccess, SendOnBehalf");
        assert_eq!(Kinds::default().with(EdgeKind::SendAs).as_str(), "SendAs");
    }
}
