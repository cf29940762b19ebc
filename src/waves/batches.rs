//! A wave's units packed into batches of at most the batch size, balanced by data; units a
//! previous plan put in a batch of this wave stay in it.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

use super::clusters::Unit;
use super::replan::{Previous, mailbox_key};
use super::{Batch, size_of};
use crate::config::WaveSettings;
use crate::rules::Context;

/// Packs a wave's units into batches of at most `batch_size`, largest first into the batch with
/// the least data that has room, so batches carry similar sizes and sync in similar times.
pub(super) fn batches(
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
