//! Finds each source mailbox's target object, by the strongest evidence that finds any:
//! mapping file, ExchangeGuid, ExternalEmailAddress, x500 LegacyExchangeDN, then (optionally)
//! a name match onto a migration placeholder. Two candidates at the deciding level is an
//! ambiguity, never a guess; one target claimed by two sources is reported for both.

use std::collections::{HashMap, HashSet};
use std::fmt;

use rayon::prelude::*;
use uuid::Uuid;

use crate::input::values::{ProxyKind, address_key, domain_of, local_part};
use crate::model::{Inputs, MappingRow, SourceMailbox, TargetRecipient};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchedBy {
    Mapping,
    ExchangeGuid,
    ExternalEmailAddress,
    LegacyExchangeDN,
    Name,
}

impl fmt::Display for MatchedBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MatchedBy::Mapping => "Mapping",
            MatchedBy::ExchangeGuid => "ExchangeGuid",
            MatchedBy::ExternalEmailAddress => "ExternalEmailAddress",
            MatchedBy::LegacyExchangeDN => "LegacyExchangeDN",
            MatchedBy::Name => "Name",
        })
    }
}

/// The outcome for one source mailbox.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Match {
    /// The target, when exactly one candidate was found at the deciding level.
    pub target: Option<usize>,
    pub by: Option<MatchedBy>,
    /// Every candidate at the deciding level when there were several (sorted).
    pub ambiguous: Vec<usize>,
    /// A mapping row named this mailbox but its target side found nothing.
    pub unresolved_mapping: Option<usize>,
}

/// A mapping row that names no source mailbox, or names one side in neither export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingProblem {
    pub row: usize,
    pub source_found: bool,
    pub target_found: bool,
}

#[derive(Debug, Default)]
pub struct Joined {
    /// One per source mailbox, in input order.
    pub matches: Vec<Match>,
    /// Targets matched by more than one source: target -> sources (sorted).
    pub claimed: HashMap<usize, Vec<usize>>,
    pub mapping_problems: Vec<MappingProblem>,
}

impl Joined {
    pub fn claimants(&self, target: usize) -> &[usize] {
        self.claimed.get(&target).map_or(&[], Vec::as_slice)
    }
}

/// Settings that change how matching behaves.
#[derive(Debug, Clone, Copy)]
pub struct JoinOptions {
    /// Level 5: alias / UPN local part / primary local part onto placeholder MailUsers.
    pub name_match: bool,
}

impl Default for JoinOptions {
    fn default() -> Self {
        JoinOptions { name_match: true }
    }
}

type Index<K> = HashMap<K, Vec<usize>>;

fn push<K: std::hash::Hash + Eq>(index: &mut Index<K>, key: K, i: usize) {
    let v = index.entry(key).or_default();
    if v.last() != Some(&i) {
        v.push(i);
    }
}

/// The target side, indexed once.
struct TargetIndex {
    by_guid: Index<Uuid>,
    by_external: Index<String>,
    by_x500: Index<String>,
    /// Every identity a mapping file may use: addresses, UPN, alias, proxies, GUID.
    by_identity: Index<String>,
    /// Alias, UPN local part and primary local part of placeholder MailUsers only.
    by_placeholder_name: Index<String>,
}

impl TargetIndex {
    fn build(targets: &[TargetRecipient], source_domains: &HashSet<String>) -> TargetIndex {
        let mut ix = TargetIndex {
            by_guid: Index::new(),
            by_external: Index::new(),
            by_x500: Index::new(),
            by_identity: Index::new(),
            by_placeholder_name: Index::new(),
        };
        for (i, t) in targets.iter().enumerate() {
            if let Some(g) = t.exchange_guid {
                push(&mut ix.by_guid, g, i);
                push(&mut ix.by_identity, g.to_string(), i);
            }
            if !t.external_email_address.is_empty() {
                push(
                    &mut ix.by_external,
                    address_key(&t.external_email_address),
                    i,
                );
            }
            for p in &t.email_addresses {
                match p.kind {
                    ProxyKind::X500 => push(&mut ix.by_x500, p.value.to_lowercase(), i),
                    ProxyKind::Smtp => push(&mut ix.by_identity, address_key(&p.value), i),
                    _ => {}
                }
            }
            for id in [&t.primary_smtp, &t.upn, &t.alias] {
                if !id.is_empty() {
                    push(&mut ix.by_identity, address_key(id), i);
                }
            }
            if is_placeholder(t, source_domains) {
                for name in [
                    t.alias.as_str(),
                    local_part(&t.upn),
                    local_part(&t.primary_smtp),
                ] {
                    if !name.is_empty() {
                        push(&mut ix.by_placeholder_name, name.to_lowercase(), i);
                    }
                }
            }
        }
        ix
    }
}

/// A MailUser that exists only to receive a migrating mailbox: no ExchangeGuid of its own and
/// no ExternalEmailAddress pointing anywhere but the source tenant. A name match onto anything
/// else would merge two different people who happen to share a name.
pub fn is_placeholder(t: &TargetRecipient, source_domains: &HashSet<String>) -> bool {
    t.is_mail_user()
        && t.exchange_guid.is_none()
        && (t.external_email_address.is_empty()
            || domain_of(&t.external_email_address).is_some_and(|d| source_domains.contains(&d)))
}

/// Every identity of a source mailbox a mapping file may use.
fn source_identities(s: &SourceMailbox) -> impl Iterator<Item = String> + '_ {
    [&s.primary_smtp, &s.upn, &s.alias]
        .into_iter()
        .filter(|v| !v.is_empty())
        .map(|v| address_key(v))
        .chain(s.proxies(ProxyKind::Smtp).map(|p| address_key(&p.value)))
        .chain(s.exchange_guid.map(|g| g.to_string()))
}

/// The domains of every SMTP address in the source tenant.
pub fn source_domains(sources: &[SourceMailbox]) -> HashSet<String> {
    sources
        .par_iter()
        .fold(HashSet::new, |mut set, s| {
            set.extend(s.smtp_addresses().filter_map(domain_of));
            set
        })
        .reduce(HashSet::new, |mut a, b| {
            a.extend(b);
            a
        })
}

pub fn join(inputs: &Inputs, options: JoinOptions) -> Joined {
    let source_domains = source_domains(&inputs.sources);
    let ix = TargetIndex::build(&inputs.targets, &source_domains);
    let (mapped, mapping_problems) = resolve_mapping(inputs, &ix);

    let matches: Vec<Match> = inputs
        .sources
        .par_iter()
        .enumerate()
        .map(|(i, s)| match mapped.get(&i) {
            Some(&(row, ref targets)) => match targets.as_slice() {
                [] => Match {
                    unresolved_mapping: Some(row),
                    ..Match::default()
                },
                _ => decide(MatchedBy::Mapping, targets.clone()),
            },
            None => match_one(s, &ix, options),
        })
        .collect();

    let mut by_target: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, m) in matches.iter().enumerate() {
        if let Some(t) = m.target {
            by_target.entry(t).or_default().push(i);
        }
    }
    by_target.retain(|_, sources| sources.len() > 1);
    Joined {
        matches,
        claimed: by_target,
        mapping_problems,
    }
}

fn match_one(s: &SourceMailbox, ix: &TargetIndex, options: JoinOptions) -> Match {
    let lookup = |index: &Index<String>, keys: &mut dyn Iterator<Item = String>| -> Vec<usize> {
        keys.filter_map(|k| index.get(&k))
            .flatten()
            .copied()
            .collect()
    };
    let levels: [(MatchedBy, Vec<usize>); 4] = [
        (
            MatchedBy::ExchangeGuid,
            s.exchange_guid
                .and_then(|g| ix.by_guid.get(&g))
                .cloned()
                .unwrap_or_default(),
        ),
        (
            MatchedBy::ExternalEmailAddress,
            lookup(&ix.by_external, &mut s.smtp_addresses().map(address_key)),
        ),
        (
            MatchedBy::LegacyExchangeDN,
            lookup(
                &ix.by_x500,
                &mut std::iter::once(s.legacy_dn.to_lowercase()).filter(|k| !k.is_empty()),
            ),
        ),
        (
            MatchedBy::Name,
            if options.name_match {
                let names = [
                    s.alias.as_str(),
                    local_part(&s.upn),
                    local_part(&s.primary_smtp),
                ];
                let mut keys = names
                    .into_iter()
                    .filter(|n| !n.is_empty())
                    .map(str::to_lowercase);
                lookup(&ix.by_placeholder_name, &mut keys)
            } else {
                Vec::new()
            },
        ),
    ];
    levels
        .into_iter()
        .find(|(_, candidates)| !candidates.is_empty())
        .map_or_else(Match::default, |(by, candidates)| decide(by, candidates))
}

fn decide(by: MatchedBy, mut candidates: Vec<usize>) -> Match {
    candidates.sort_unstable();
    candidates.dedup();
    if let [only] = candidates[..] {
        Match {
            target: Some(only),
            by: Some(by),
            ..Match::default()
        }
    } else {
        Match {
            by: Some(by),
            ambiguous: candidates,
            ..Match::default()
        }
    }
}

/// Source index -> (mapping row, target candidates).
type Mapped = HashMap<usize, (usize, Vec<usize>)>;

/// Resolves the mapping file's rows against both exports. A mapping row that names no source, or whose
/// target side finds nothing, is a problem to report.
fn resolve_mapping(inputs: &Inputs, ix: &TargetIndex) -> (Mapped, Vec<MappingProblem>) {
    let Some(rows) = inputs.mapping.as_deref() else {
        return (HashMap::new(), Vec::new());
    };
    let mut by_identity: Index<String> = Index::new();
    for (i, s) in inputs.sources.iter().enumerate() {
        for id in source_identities(s) {
            push(&mut by_identity, id, i);
        }
    }
    let mut mapped = HashMap::new();
    let mut problems = Vec::new();
    for (r, MappingRow { source, target, .. }) in rows.iter().enumerate() {
        let sources = by_identity
            .get(&mapping_key(source))
            .cloned()
            .unwrap_or_default();
        let targets = ix
            .by_identity
            .get(&mapping_key(target))
            .cloned()
            .unwrap_or_default();
        if sources.is_empty() || targets.is_empty() {
            problems.push(MappingProblem {
                row: r,
                source_found: !sources.is_empty(),
                target_found: !targets.is_empty(),
            });
        }
        for s in sources {
            // Two rows naming different targets for one mailbox: all of them are candidates at
            // the mapping level, which makes an ambiguity (XT102), not a silent first pick.
            let entry = mapped.entry(s).or_insert((r, Vec::new()));
            entry.1.extend(targets.iter().copied());
        }
    }
    (mapped, problems)
}

/// Identities in a mapping file may carry a proxy prefix or braces around a GUID.
fn mapping_key(s: &str) -> String {
    let s = crate::input::values::strip_smtp_prefix(s.trim());
    match crate::input::values::parse_guid(s) {
        Ok(Some(g)) => g.to_string(),
        _ => address_key(s),
    }
}
