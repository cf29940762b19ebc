//! Finds each source mailbox's target object, by the strongest evidence that finds any:
//! mapping file, ExchangeGuid, ExternalEmailAddress, x500 LegacyExchangeDN, then (optionally)
//! a name match onto a migration placeholder. Two candidates at the deciding level is an
//! ambiguity, never a guess; one target claimed by two sources is reported for both.

use std::fmt;

use rayon::prelude::*;
use uuid::Uuid;

use crate::index::{FastMap, FastSet, KeyIndex, RowIndex};
use crate::input::values::{ProxyKind, domain_of, local_part};
use crate::model::{Inputs, MappingRow, SourceMailbox, TargetRecipient};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchedBy {
    Mapping,
    ExchangeGuid,
    ExternalEmailAddress,
    LegacyExchangeDN,
    Name,
}

impl MatchedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchedBy::Mapping => "Mapping",
            MatchedBy::ExchangeGuid => "ExchangeGuid",
            MatchedBy::ExternalEmailAddress => "ExternalEmailAddress",
            MatchedBy::LegacyExchangeDN => "LegacyExchangeDN",
            MatchedBy::Name => "Name",
        }
    }
}

impl fmt::Display for MatchedBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The outcome for one source mailbox.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Match {
    /// The target, when exactly one candidate was found at the deciding level.
    pub target: Option<usize>,
    pub by: Option<MatchedBy>,
    /// The candidates at the deciding level when there were several (sorted; at most
    /// `LISTED`, with `more_candidates` set when there were more).
    pub ambiguous: Vec<usize>,
    pub more_candidates: bool,
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
    pub claimed: FastMap<usize, Vec<usize>>,
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

/// Candidates kept for an ambiguous match: enough to name in a message, and a bound on the
/// work when a hostile export gives thousands of targets one key.
pub const LISTED: usize = 20;

/// Distinct candidates, in arrival order, at most `LISTED + 1` (the extra one says "more").
#[derive(Default)]
struct Candidates(Vec<usize>);

impl Candidates {
    fn extend(&mut self, rows: &[u32]) {
        for &r in rows {
            if self.0.len() > LISTED {
                return;
            }
            let r = r as usize;
            if !self.0.contains(&r) {
                self.0.push(r);
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The target side, indexed once.
struct TargetIndex<'a> {
    by_guid: RowIndex<Uuid>,
    by_external: KeyIndex<'a>,
    by_x500: KeyIndex<'a>,
    /// Every identity a mapping file may use: addresses, UPN, alias, proxies, GUID.
    by_identity: KeyIndex<'a>,
    /// Alias, UPN local part and primary local part of placeholder MailUsers only.
    by_placeholder_name: KeyIndex<'a>,
}

impl<'a> TargetIndex<'a> {
    fn build(targets: &'a [TargetRecipient], source_domains: &FastSet<String>) -> TargetIndex<'a> {
        let n = targets.len();
        let mut by_guid = RowIndex::with_capacity(n);
        let mut by_external = KeyIndex::with_capacity(n);
        let mut by_x500 = KeyIndex::with_capacity(n);
        let mut by_identity = KeyIndex::with_capacity(4 * n);
        by_identity.reserve_guids(n);
        let mut by_placeholder_name = KeyIndex::with_capacity(n / 8);
        // Four maps filled side by side: each is one thread's work, no locks.
        rayon::scope(|scope| {
            scope.spawn(|_| {
                for (i, t) in targets.iter().enumerate() {
                    if let Some(g) = t.exchange_guid {
                        by_guid.add(g, i);
                    }
                    by_external.add(t.external_email_address(), i);
                    for p in t.email_addresses().filter(|p| p.kind == ProxyKind::X500) {
                        by_x500.add(p.value, i);
                    }
                }
            });
            scope.spawn(|_| {
                for (i, t) in targets.iter().enumerate() {
                    if let Some(g) = t.exchange_guid {
                        by_identity.add_guid(g, i);
                    }
                    for p in t.email_addresses().filter(|p| p.kind == ProxyKind::Smtp) {
                        by_identity.add(p.value, i);
                    }
                    for id in [t.primary_smtp(), t.upn(), t.alias()] {
                        by_identity.add(id, i);
                    }
                }
            });
            scope.spawn(|_| {
                for (i, t) in targets.iter().enumerate() {
                    if is_placeholder(t, source_domains) {
                        for name in [t.alias(), local_part(t.upn()), local_part(t.primary_smtp())] {
                            by_placeholder_name.add(name, i);
                        }
                    }
                }
            });
        });
        TargetIndex {
            by_guid,
            by_external,
            by_x500,
            by_identity,
            by_placeholder_name,
        }
    }
}

/// A MailUser that exists only to receive a migrating mailbox: no ExchangeGuid of its own and
/// no ExternalEmailAddress pointing anywhere but the source tenant. A name match onto anything
/// else would merge two different people who happen to share a name.
pub fn is_placeholder(t: &TargetRecipient, source_domains: &FastSet<String>) -> bool {
    t.is_mail_user()
        && t.exchange_guid.is_none()
        && (t.external_email_address().is_empty()
            || domain_of(t.external_email_address()).is_some_and(|d| source_domains.contains(&*d)))
}

/// Every identity of a source mailbox a mapping file may use (and its ExchangeGuid).
fn source_identities(s: &SourceMailbox) -> impl Iterator<Item = &str> {
    [s.primary_smtp(), s.upn(), s.alias()]
        .into_iter()
        .chain(s.proxies(ProxyKind::Smtp).map(|p| p.value))
}

/// The domains of every SMTP address in the source tenant.
pub fn source_domains(sources: &[SourceMailbox]) -> FastSet<String> {
    sources
        .par_iter()
        .fold(FastSet::default, |mut set, s| {
            for d in s.smtp_addresses().filter_map(domain_of) {
                if !set.contains(&*d) {
                    set.insert(d.into_owned());
                }
            }
            set
        })
        .reduce(FastSet::default, |mut a, b| {
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
            Some((row, targets)) if targets.is_empty() => Match {
                unresolved_mapping: Some(*row),
                ..Match::default()
            },
            Some((_, targets)) => decide(MatchedBy::Mapping, Candidates(targets.0.clone())),
            None => match_one(s, &ix, options),
        })
        .collect();

    let mut by_target: FastMap<usize, Vec<usize>> = FastMap::default();
    for (i, m) in matches.iter().enumerate() {
        if let Some(t) = m.target {
            by_target.entry(t).or_default().push(i);
        }
    }
    by_target.retain(|_, sources| sources.len() > 1);
    // A few thousand stay of a table sized for every matched target: 69 MB at 1,000,000
    // mailboxes, held to the end of the run.
    by_target.shrink_to_fit();
    Joined {
        matches,
        claimed: by_target,
        mapping_problems,
    }
}

fn match_one(s: &SourceMailbox, ix: &TargetIndex<'_>, options: JoinOptions) -> Match {
    let from = |index: &KeyIndex<'_>, keys: &mut dyn Iterator<Item = &str>| {
        let mut c = Candidates::default();
        for k in keys {
            c.extend(index.get(k));
        }
        c
    };
    let guid = || {
        let mut c = Candidates::default();
        if let Some(g) = s.exchange_guid {
            c.extend(ix.by_guid.get(&g));
        }
        c
    };
    let external = || from(&ix.by_external, &mut s.smtp_addresses());
    let x500 = || from(&ix.by_x500, &mut std::iter::once(s.legacy_dn()));
    let name = || {
        if !options.name_match {
            return Candidates::default();
        }
        let names = [s.alias(), local_part(s.upn()), local_part(s.primary_smtp())];
        from(&ix.by_placeholder_name, &mut names.into_iter())
    };
    // The strongest level that finds anything decides; weaker ones are not even looked up.
    let levels: [(MatchedBy, &dyn Fn() -> Candidates); 4] = [
        (MatchedBy::ExchangeGuid, &guid),
        (MatchedBy::ExternalEmailAddress, &external),
        (MatchedBy::LegacyExchangeDN, &x500),
        (MatchedBy::Name, &name),
    ];
    levels
        .into_iter()
        .map(|(by, find)| (by, find()))
        .find(|(_, c)| !c.is_empty())
        .map_or_else(Match::default, |(by, c)| decide(by, c))
}

fn decide(by: MatchedBy, candidates: Candidates) -> Match {
    let mut candidates = candidates.0;
    if let [only] = candidates[..] {
        return Match {
            target: Some(only),
            by: Some(by),
            ..Match::default()
        };
    }
    let more = candidates.len() > LISTED;
    candidates.truncate(LISTED);
    candidates.sort_unstable();
    Match {
        by: Some(by),
        ambiguous: candidates,
        more_candidates: more,
        ..Match::default()
    }
}

/// Source index -> (mapping row, target candidates).
type Mapped = FastMap<usize, (usize, Candidates)>;

/// Resolves the mapping file's rows against both exports. A mapping row that names no source, or whose
/// target side finds nothing, is a problem to report.
fn resolve_mapping(inputs: &Inputs, ix: &TargetIndex) -> (Mapped, Vec<MappingProblem>) {
    let Some(rows) = inputs.mapping.as_deref() else {
        return (FastMap::default(), Vec::new());
    };
    let mut by_identity = KeyIndex::with_capacity(4 * inputs.sources.len());
    for (i, s) in inputs.sources.iter().enumerate() {
        for id in source_identities(s) {
            by_identity.add(id, i);
        }
        if let Some(g) = s.exchange_guid {
            by_identity.add_guid(g, i);
        }
    }
    let mut mapped = FastMap::default();
    let mut problems = Vec::new();
    for (r, MappingRow { source, target, .. }) in rows.iter().enumerate() {
        let sources = by_identity.get(mapping_key(source));
        let targets = ix.by_identity.get(mapping_key(target));
        if sources.is_empty() || targets.is_empty() {
            problems.push(MappingProblem {
                row: r,
                source_found: !sources.is_empty(),
                target_found: !targets.is_empty(),
            });
        }
        for &s in sources {
            // Two rows naming different targets for one mailbox: all of them are candidates at
            // the mapping level, which makes an ambiguity (XT102), not a silent first pick.
            let entry = mapped
                .entry(s as usize)
                .or_insert((r, Candidates::default()));
            entry.1.extend(targets);
        }
    }
    (mapped, problems)
}

/// Identities in a mapping file may carry a proxy prefix or braces around a GUID.
fn mapping_key(s: &str) -> &str {
    crate::input::values::strip_smtp_prefix(s.trim())
}
