//! Filling waves with units: those a previous plan placed stay in their wave, the pilot takes
//! small typical ones, the rest go in group order up to each wave's users and gigabytes (a
//! cluster larger than a wave is an `Oversize`, XT011); then each wave is cut into batches.

use std::collections::BTreeMap;

use super::batches::batches;
use super::clusters::Unit;
use super::replan::{Previous, mailbox_key};
use super::{Wave, size_of};
use crate::config::WaveSettings;
use crate::rules::Context;

/// A wave that holds more than its size because one cluster (mailboxes linked by permissions)
/// is larger: (wave, the cluster's size, its first mailbox, the size asked).
pub struct Oversize {
    pub wave: String,
    pub cluster: usize,
    pub first: usize,
    pub per_wave: usize,
}

pub(super) fn fill_waves(
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
