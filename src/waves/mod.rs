//! Waves and batches: the permission graph between mailboxes (`graph`), clusters that must move
//! together (`clusters`), waves filled by group and capacity (`fill`), and batches of at most
//! 2,000 balanced by size (`batches`). Also the planner's findings (XT501-XT504 in `links`, and
//! the schedule's XT011-XT012), which need the batches, and re-planning (`replan`).

mod batches;
mod clusters;
mod fill;
mod graph;
mod links;
mod replan;

pub use fill::Oversize;
pub use graph::{Edge, EdgeKind, Grants, Graph, Kinds, Unresolved};
pub use links::{Broken, Problem, Side, broken, link_findings};
pub use replan::{Previous, load_previous, mailbox_key, moves, plan_file};

use rayon::prelude::*;
use std::collections::HashMap;

use crate::config::WaveSettings;
use crate::date::Date;
use crate::report::Report;
use crate::rules::{Context, Finding, Status};
use clusters::{Neighbours, UnionFind, Unit, cluster_signature, split};

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
    let graph = graph::graph(cx, grants);

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
    let waves = fill::fill_waves(cx, units, settings, previous, rank, &mut oversize);
    let mut placement = vec![None; n];
    for (w, wave) in waves.iter().enumerate() {
        for (b, batch) in wave.batches.iter().enumerate() {
            for &m in &batch.members {
                placement[m] = Some((w, b));
            }
        }
    }
    let mut findings = links::findings(cx, &graph, &placement, &hubs, &neighbours);
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
