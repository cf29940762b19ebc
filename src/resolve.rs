//! Resolves recipient identities as Exchange writes them in exports (address, UPN, alias, name,
//! display name, canonical name `domain/OU/Name`, DN `CN=Name,OU=...`, GUID) to source mailboxes.
//! Used for delegates (GrantSendOnBehalfTo) and, later, permission trustees.

use rayon::prelude::*;

use crate::index::IdentitySlots;
use crate::input::values::strip_smtp_prefix;
use crate::model::SourceMailbox;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    One(usize),
    /// Several mailboxes answer to the identity (a display name shared by two people).
    Ambiguous(Vec<usize>),
    None,
}

/// The mailboxes that answer to each of the identities it was built for. Indexing every
/// identity of every mailbox (six million keys at 1,000,000 mailboxes) was one thread's six
/// seconds of random writes; the identities permission rows name are far fewer, so they are
/// indexed instead, and the mailboxes' identities probe that small index on every thread.
pub struct Resolver {
    keys: IdentitySlots,
    /// Identities unique in a tenant: addresses, UPN, alias, Name, object ids.
    by_key: SlotRows,
    /// Display names, which two people may share: consulted only when nothing else answers.
    by_display_name: SlotRows,
}

/// Per slot, its rows in ascending order (`start[slot]..start[slot + 1]` of `rows`).
#[derive(Default)]
struct SlotRows {
    start: Vec<u32>,
    rows: Vec<u32>,
}

impl SlotRows {
    fn new(slots: usize, mut pairs: Vec<(u32, u32)>) -> SlotRows {
        pairs.par_sort_unstable();
        pairs.dedup();
        let mut start = vec![0u32; slots + 1];
        for &(slot, _) in &pairs {
            start[slot as usize + 1] += 1;
        }
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        SlotRows {
            start,
            rows: pairs.into_iter().map(|(_, row)| row).collect(),
        }
    }

    fn get(&self, slot: u32) -> &[u32] {
        let slot = slot as usize;
        &self.rows[self.start[slot] as usize..self.start[slot + 1] as usize]
    }
}

impl Resolver {
    /// The resolver of `identities` (every identity `resolve` will be asked) among `sources`.
    pub fn new<'i>(
        sources: &[SourceMailbox],
        identities: impl IntoIterator<Item = &'i str>,
    ) -> Resolver {
        let mut keys = IdentitySlots::default();
        for identity in identities {
            for key in candidates(identity).into_iter().flatten() {
                keys.insert(key);
            }
        }
        let row = |i: usize| u32::try_from(i).expect("fewer than 4,294,967,296 mailboxes");
        let (by_key, by_display_name) = rayon::join(
            || {
                let pairs = sources
                    .par_iter()
                    .enumerate()
                    .flat_map_iter(|(i, s)| {
                        s.unique_identities()
                            .filter_map(|id| keys.get(id))
                            .chain(s.exchange_guid.and_then(|g| keys.get_guid(g)))
                            .map(move |slot| (slot, row(i)))
                    })
                    .collect();
                SlotRows::new(keys.len(), pairs)
            },
            || {
                let pairs = sources
                    .par_iter()
                    .enumerate()
                    .filter_map(|(i, s)| keys.get(s.display_name()).map(|slot| (slot, row(i))))
                    .collect();
                SlotRows::new(keys.len(), pairs)
            },
        );
        Resolver {
            keys,
            by_key,
            by_display_name,
        }
    }

    /// The mailboxes `identity` names; it must be one of the identities the resolver was
    /// built for.
    pub fn resolve(&self, identity: &str) -> Resolved {
        let candidates = candidates(identity);
        for index in [&self.by_key, &self.by_display_name] {
            for key in candidates.iter().flatten() {
                let Some(slot) = self.keys.get(key) else {
                    debug_assert!(key.trim().is_empty(), "{key:?} was not indexed");
                    continue;
                };
                match index.get(slot) {
                    [one] => return Resolved::One(*one as usize),
                    [] => {}
                    many => {
                        return Resolved::Ambiguous(many.iter().map(|&m| m as usize).collect());
                    }
                }
            }
        }
        Resolved::None
    }
}

/// The forms under which an identity is looked up: as written (without `SMTP:`), and the
/// name a canonical name or a DN ends or starts with.
fn candidates(identity: &str) -> [Option<&str>; 3] {
    let id = strip_smtp_prefix(identity.trim());
    [Some(id), canonical_name_leaf(id), dn_common_name(id)]
}

/// `contoso.com/Users/Lara Newton` -> `Lara Newton` (on-premises canonical names).
fn canonical_name_leaf(id: &str) -> Option<&str> {
    id.contains('/')
        .then(|| id.rsplit('/').next())
        .flatten()
        .filter(|s| !s.is_empty())
}

/// `CN=Lara Newton,OU=Users,DC=contoso,DC=com` -> `Lara Newton`.
fn dn_common_name(id: &str) -> Option<&str> {
    id.get(..3).filter(|p| p.eq_ignore_ascii_case("CN="))?;
    let value = id.get(3..)?;
    // An escaped comma (`\,`) belongs to the name.
    let mut end = value.len();
    let bytes = value.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b',' && (i == 0 || bytes[i - 1] != b'\\') {
            end = i;
            break;
        }
    }
    Some(&value[..end]).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SourceText;

    fn mailbox(primary: &str, name: &str, display: &str) -> SourceMailbox {
        SourceMailbox::with_texts(&[
            (SourceText::PrimarySmtp, primary),
            (SourceText::Name, name),
            (SourceText::DisplayName, display),
        ])
    }

    #[test]
    fn every_identity_form_resolves() {
        let sources = [
            mailbox("lara@contoso.com", "Lara Newton", "Newton, Lara"),
            mailbox("john@contoso.com", "John Smith", "Smith, John"),
            mailbox("john2@contoso.com", "John Smith2", "Smith, John"),
        ];
        let asked = [
            "LARA@contoso.com",
            "SMTP:lara@contoso.com",
            "Lara Newton",
            "contoso.com/Users/Lara Newton",
            "CN=John Smith,OU=Users,DC=contoso,DC=com",
            "Smith, John",
            "Newton, Lara",
            "nobody",
            "CN=é",
        ];
        let r = Resolver::new(&sources, asked);
        assert_eq!(r.resolve("LARA@contoso.com"), Resolved::One(0));
        assert_eq!(r.resolve("SMTP:lara@contoso.com"), Resolved::One(0));
        assert_eq!(r.resolve("Lara Newton"), Resolved::One(0));
        assert_eq!(r.resolve("contoso.com/Users/Lara Newton"), Resolved::One(0));
        assert_eq!(
            r.resolve("CN=John Smith,OU=Users,DC=contoso,DC=com"),
            Resolved::One(1)
        );
        assert_eq!(r.resolve("Smith, John"), Resolved::Ambiguous(vec![1, 2]));
        assert_eq!(
            r.resolve("Newton, Lara"),
            Resolved::One(0),
            "a unique display name will do"
        );
        assert_eq!(r.resolve("nobody"), Resolved::None);
        assert_eq!(r.resolve("CN=é"), Resolved::None);
    }
}
