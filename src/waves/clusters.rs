//! Clusters: the mailboxes that permissions tie together move together (union-find over the
//! graph, hubs left out); a cluster larger than a batch is cut into units along its links.

use rayon::prelude::*;

use super::graph::Edge;
use super::replan::mailbox_key;
use crate::index::{FastHash, FastSet};
use crate::rules::Context;

/// A group of mailboxes that moves together: a cluster, or a piece of one over the cap.
#[derive(Debug, Clone)]
pub(super) struct Unit {
    pub(super) members: Vec<usize>,
    pub(super) bytes: u64,
    /// The whole cluster's identity across runs (see `cluster_signature`).
    pub(super) signature: String,
}

/// Each mailbox's distinct neighbours in the permission graph, in index order, as ranges of one
/// list.
pub(super) struct Neighbours {
    /// Mailbox `i`'s neighbours are `list[start[i]..start[i + 1]]`.
    start: Vec<usize>,
    list: Vec<usize>,
}

impl Neighbours {
    pub(super) fn new<'e>(n: usize, edges: impl ParallelIterator<Item = &'e Edge>) -> Neighbours {
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

    pub(super) fn of(&self, i: usize) -> &[usize] {
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
pub(super) fn split(
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

/// A cluster's identity across runs: its members' keys, sorted.
pub(super) fn cluster_signature(cx: &Context<'_>, members: &[usize]) -> String {
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

pub(super) struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    pub(super) fn new(n: usize) -> UnionFind {
        UnionFind {
            parent: (0..n).collect(),
        }
    }

    pub(super) fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    /// Joins the sets; the smaller index becomes the root, so roots do not depend on edge order.
    pub(super) fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[hi] = lo;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::waves::EdgeKind;

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
}
