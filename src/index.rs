//! Case-insensitive multimaps from identities (addresses, names, DNs, GUIDs) to row numbers,
//! built once per run over millions of keys: a fast seeded hash, keys borrowed from the rows and
//! folded to lower case as they are hashed and compared (never copied), and one row stored
//! inline in the usual unique case.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use uuid::Uuid;

use crate::values::trim;

/// The hasher of every large map: foldhash, seeded per process (so crafted keys cannot aim at
/// collisions), several times faster than SipHash on short keys.
pub type FastHash = foldhash::fast::RandomState;
pub type FastMap<K, V> = HashMap<K, V, FastHash>;
pub type FastSet<K> = std::collections::HashSet<K, FastHash>;

/// The rows of one key: a row number, or (high bit set) the index of a list in `Lists`.
#[derive(Debug, Clone, Copy)]
struct Rows(u32);

const MANY: u32 = 1 << 31;

/// The row lists of keys that have several rows.
#[derive(Debug, Default)]
struct Lists(Vec<Vec<u32>>);

impl Lists {
    fn get<'s>(&'s self, rows: &'s Rows) -> &'s [u32] {
        if rows.0 & MANY == 0 {
            std::slice::from_ref(&rows.0)
        } else {
            &self.0[(rows.0 & !MANY) as usize]
        }
    }

    /// Adds `row` unless it is the last one added (rows arrive in order, so a row naming the
    /// same key twice is stored once).
    fn push(&mut self, rows: &mut Rows, row: u32) {
        if rows.0 & MANY == 0 {
            if rows.0 != row {
                self.0.push(vec![rows.0, row]);
                rows.0 = MANY | (self.0.len() - 1) as u32;
            }
            return;
        }
        let list = &mut self.0[(rows.0 & !MANY) as usize];
        if list.last() != Some(&row) {
            list.push(row);
        }
    }
}

/// A map of anything hashable to rows, with one row inline.
#[derive(Debug)]
struct Multi<K> {
    map: FastMap<K, Rows>,
    lists: Lists,
}

impl<K: Hash + Eq> Multi<K> {
    fn with_capacity(n: usize) -> Self {
        Multi {
            map: FastMap::with_capacity_and_hasher(n, FastHash::default()),
            lists: Lists::default(),
        }
    }

    /// One hash and one probe per key: a key already there gets the row, a new one is inserted.
    fn add(&mut self, k: K, row: u32) {
        match self.map.entry(k) {
            std::collections::hash_map::Entry::Occupied(e) => self.lists.push(e.into_mut(), row),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(Rows(row));
            }
        }
    }

    fn get<Q: Hash + Eq + ?Sized>(&self, k: &Q) -> &[u32]
    where
        K: std::borrow::Borrow<Q>,
    {
        self.map.get(k).map_or(&[], |r| self.lists.get(r))
    }

    fn repeated(&self) -> impl Iterator<Item = &[u32]> {
        self.lists.0.iter().map(Vec::as_slice)
    }
}

/// Identity -> rows, compared as `key` normalises them (trimmed, lower-cased). A key that is a
/// GUID (`0b2d...`, with or without braces) is stored as one, so its text in any case or format
/// and the GUID itself find each other.
#[derive(Debug)]
pub struct KeyIndex<'a> {
    text: Multi<&'a Folded>,
    guids: Multi<Uuid>,
}

impl<'a> KeyIndex<'a> {
    pub fn with_capacity(n: usize) -> KeyIndex<'a> {
        KeyIndex {
            text: Multi::with_capacity(n),
            guids: Multi::with_capacity(0),
        }
    }

    /// Indexes `row` under `id` (ignored when blank).
    pub fn add(&mut self, id: &'a str, row: usize) {
        let id = trim(id);
        if id.is_empty() {
            return;
        }
        match as_guid(id) {
            Some(g) => self.guids.add(g, row_number(row)),
            None => self.text.add(Folded::new(id), row_number(row)),
        }
    }

    /// Room for `n` GUIDs (their map is empty until then, as most indexes hold none).
    pub fn reserve_guids(&mut self, n: usize) {
        self.guids.map.reserve(n);
    }

    /// Indexes `row` under a GUID.
    pub fn add_guid(&mut self, g: Uuid, row: usize) {
        self.guids.add(g, row_number(row));
    }

    /// The rows indexed under `id`, in the order they were added.
    pub fn get(&self, id: &str) -> &[u32] {
        let id = trim(id);
        match as_guid(id) {
            Some(g) => self.guids.get(&g),
            None => self.text.get(Folded::new(id)),
        }
    }

    /// The rows indexed under a GUID (`add_guid`, or `add` of its text).
    pub fn get_guid(&self, g: Uuid) -> &[u32] {
        self.guids.get(&g)
    }

    /// Every key with two or more rows.
    pub fn repeated(&self) -> impl Iterator<Item = &[u32]> {
        self.text.repeated().chain(self.guids.repeated())
    }
}

/// Keys copied once and numbered in the order added, compared as `KeyIndex` compares
/// identities (trimmed, case folded): a small set of wanted values, probed with the values of
/// millions of rows without copying them.
#[derive(Debug, Default)]
pub struct KeySlots {
    map: FastMap<Box<Folded>, u32>,
}

impl KeySlots {
    /// The slot of `id`, a new one when it is new; `None` when it is blank.
    pub fn insert(&mut self, id: &str) -> Option<u32> {
        let id = trim(id);
        if id.is_empty() {
            return None;
        }
        Some(self.slot(id, row_number(self.map.len())))
    }

    /// The slot of `id` (trimmed, not blank), `next` when it is new. Probed before it is
    /// inserted: a key already there is not copied again.
    fn slot(&mut self, id: &str, next: u32) -> u32 {
        if let Some(&slot) = self.map.get(Folded::new(id)) {
            return slot;
        }
        self.map.insert(Folded::boxed(id), next);
        next
    }

    /// The slot of `id`, if it was inserted.
    pub fn get(&self, id: &str) -> Option<u32> {
        let id = trim(id);
        if id.is_empty() || self.map.is_empty() {
            return None;
        }
        self.map.get(Folded::new(id)).copied()
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// Identities numbered in the order added, compared exactly as `KeyIndex` compares them
/// (trimmed, case folded, a GUID in any format as the GUID): the few hundred thousand
/// identities a tenant's permission rows name, probed with the millions its mailboxes have.
#[derive(Debug, Default)]
pub struct IdentitySlots {
    /// Text identities, numbered with the GUIDs (one count for both).
    text: KeySlots,
    guids: FastMap<Uuid, u32>,
}

impl IdentitySlots {
    /// The slot of `id`, a new one when it is new; `None` when it is blank.
    pub fn insert(&mut self, id: &str) -> Option<u32> {
        let id = trim(id);
        if id.is_empty() {
            return None;
        }
        let next = row_number(self.len());
        Some(match as_guid(id) {
            Some(g) => *self.guids.entry(g).or_insert(next),
            None => self.text.slot(id, next),
        })
    }

    /// The slot of `id`, if it was inserted.
    pub fn get(&self, id: &str) -> Option<u32> {
        match as_guid(trim(id)) {
            Some(g) => self.get_guid(g),
            None => self.text.get(id),
        }
    }

    /// The slot of a GUID, if it was inserted (as a GUID, in any of its text forms).
    pub fn get_guid(&self, g: Uuid) -> Option<u32> {
        self.guids.get(&g).copied()
    }

    pub fn len(&self) -> usize {
        self.text.len() + self.guids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A GUID written as one (32 hex digits, plain, in the 8-4-4-4-12 form, in braces or as a URN).
/// Only text of those lengths is parsed, so names and addresses cost a length check.
fn as_guid(id: &str) -> Option<Uuid> {
    matches!(id.len(), 32 | 36 | 38 | 45)
        .then(|| Uuid::try_parse(id).ok())
        .flatten()
}

/// An identity hashed and compared by its lower-case form, which is never built: a million
/// mailboxes have millions of keys, and copying the mixed-case ones cost memory and time. A
/// map keyed by `&Folded` borrows its keys from the rows and is searched with any `&Folded`.
#[derive(Debug)]
#[repr(transparent)]
struct Folded(str);

impl Folded {
    /// An owned copy of `s`, hashed and compared as `Folded`.
    fn boxed(s: &str) -> Box<Folded> {
        let b: Box<str> = s.into();
        // SAFETY: as in `new`: `Folded` is a `repr(transparent)` wrapper of `str`, so a
        // `Box<str>` is a `Box<Folded>` with the same layout and allocation.
        unsafe { Box::from_raw(Box::into_raw(b) as *mut Folded) }
    }

    fn new(s: &str) -> &Folded {
        // SAFETY: `Folded` is a `repr(transparent)` wrapper of `str`, so the cast keeps the
        // pointer's layout, length and lifetime (as `Path::new` does for `OsStr`).
        unsafe { &*(s as *const str as *const Folded) }
    }
}

impl PartialEq for Folded {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (&self.0, &other.0);
        if a.is_ascii() && b.is_ascii() {
            a.eq_ignore_ascii_case(b)
        } else {
            folded_chars(a).eq(folded_chars(b))
        }
    }
}

impl Eq for Folded {}

/// The characters of `s` in lower case, a final sigma as any other (`str::to_lowercase` writes
/// `ς` at the end of a word, where a character-by-character fold writes `σ`: both match here).
fn folded_chars(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ς' { 'σ' } else { c })
}

impl Hash for Folded {
    /// The lower-case bytes in blocks of 64 (the same blocks whichever path made them: two
    /// equal keys, one of them not ASCII, hash the same), then an end marker.
    fn hash<H: Hasher>(&self, h: &mut H) {
        let mut block = [0u8; 64];
        // One pass, without early exits so that it runs on whole vectors: whether the key is
        // ASCII and whether it has an upper-case letter (millions of keys are hashed per run;
        // two scans that stopped at the first hit cost 4 % of a run's instructions).
        let (mut high, mut upper) = (0u8, false);
        for &b in self.0.as_bytes() {
            high |= b;
            upper |= b.wrapping_sub(b'A') < 26;
        }
        if high < 0x80 {
            for chunk in self.0.as_bytes().chunks(64) {
                // Most keys (addresses) are lower case already: hashed where they are.
                if !upper || !chunk.iter().any(u8::is_ascii_uppercase) {
                    h.write(chunk);
                    continue;
                }
                let b = &mut block[..chunk.len()];
                b.copy_from_slice(chunk);
                b.make_ascii_lowercase();
                h.write(b);
            }
        } else {
            let mut n = 0;
            let mut utf8 = [0u8; 4];
            for c in folded_chars(&self.0) {
                for &byte in c.encode_utf8(&mut utf8).as_bytes() {
                    block[n] = byte;
                    n += 1;
                    if n == block.len() {
                        h.write(&block);
                        n = 0;
                    }
                }
            }
            if n > 0 {
                h.write(&block[..n]);
            }
        }
        h.write_u8(0xff);
    }
}

/// Rows are stored as u32 less one bit (half the memory of usize): more than two billion rows
/// is refused long before, by the memory it would take to read them.
fn row_number(row: usize) -> u32 {
    u32::try_from(row)
        .ok()
        .filter(|r| r & MANY == 0)
        .expect("fewer than 2,147,483,648 rows")
}

/// The comparison form of an identity: trimmed and lower-cased.
pub fn key(id: &str) -> std::borrow::Cow<'_, str> {
    let id = trim(id);
    if id.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        std::borrow::Cow::Borrowed(id)
    } else {
        std::borrow::Cow::Owned(id.to_lowercase())
    }
}

/// A plain map of anything hashable to rows, same storage as `KeyIndex` (GUIDs, for one).
#[derive(Debug)]
pub struct RowIndex<K> {
    rows: Multi<K>,
}

impl<K: Hash + Eq> RowIndex<K> {
    pub fn with_capacity(n: usize) -> RowIndex<K> {
        RowIndex {
            rows: Multi::with_capacity(n),
        }
    }

    pub fn add(&mut self, k: K, row: usize) {
        self.rows.add(k, row_number(row));
    }

    pub fn get(&self, k: &K) -> &[u32] {
        self.rows.get(k)
    }

    pub fn repeated(&self) -> impl Iterator<Item = &[u32]> {
        self.rows.repeated()
    }
}

/// `a, b, c and 1,234 more`: at most `max` items named, so a message about a group of a
/// hundred thousand rows stays a line, not a megabyte per row (which would be quadratic).
pub fn some_of<'s>(items: impl IntoIterator<Item = &'s str>, total: usize, max: usize) -> String {
    let named: Vec<&str> = items.into_iter().take(max).collect();
    let mut out = named.join(", ");
    if total > named.len() {
        out.push_str(&format!(
            " and {} more",
            crate::progress::thousands((total - named.len()) as u64)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fold_case_and_blanks_and_rows_stay_in_order() {
        let ids = [
            "Ann@Contoso.com",
            " ann@contoso.com ",
            "bob@contoso.com",
            "ÉLISE@x.fr",
        ];
        let mut ix = KeyIndex::with_capacity(4);
        for (row, id) in ids.iter().enumerate() {
            ix.add(id, row);
        }
        ix.add("bob@contoso.com", 2);
        assert_eq!(ix.get("ANN@contoso.com"), [0, 1]);
        assert_eq!(
            ix.get("bob@contoso.com"),
            [2],
            "a row repeated is stored once"
        );
        assert_eq!(ix.get("élise@x.fr"), [3]);
        assert!(ix.get("nobody").is_empty());
        assert_eq!(ix.repeated().count(), 1);
        assert!(matches!(key("abc"), std::borrow::Cow::Borrowed(_)));

        // A GUID's text in any case or with braces, and the GUID itself, are one key.
        let g = "0B2D6F31-1D2E-4F5A-8B9C-0D1E2F3A4B5C";
        ix.add(g, 4);
        ix.add_guid(Uuid::parse_str(g).unwrap(), 5);
        assert_eq!(ix.get("{0b2d6f31-1d2e-4f5a-8b9c-0d1e2f3a4b5c}"), [4, 5]);
    }

    /// Folded keys hash and compare as their lower-case copies would, non-ASCII included (the
    /// Kelvin sign folds to an ASCII `k`), and over 64 bytes.
    #[test]
    fn folded_keys_match_their_lower_case() {
        let hash = |s: &str| {
            use std::hash::BuildHasher;
            let state = FastHash::default();
            (
                state.hash_one(Folded::new(s)),
                state.hash_one(Folded::new(&s.to_lowercase())),
            )
        };
        let long = format!("{}@CONTOSO.com", "Ä".repeat(40));
        for s in [
            "Ann@Contoso.COM",
            "\u{212A}elvin",
            "ÉLISE",
            "ΟΔΟΣ@x.gr",
            long.as_str(),
        ] {
            let (a, b) = hash(s);
            assert_eq!(a, b, "{s}");
            assert_eq!(Folded::new(s), Folded::new(&s.to_lowercase()));
        }
        let (kelvin, k) = {
            let state = FastHash::default();
            use std::hash::BuildHasher;
            (
                state.hash_one(Folded::new("\u{212A}")),
                state.hash_one(Folded::new("k")),
            )
        };
        assert_eq!(kelvin, k);
        assert_ne!(Folded::new("ann"), Folded::new("anne"));
    }

    #[test]
    fn key_slots_number_each_key_once_and_find_it_in_any_case() {
        let mut slots = KeySlots::default();
        assert_eq!(
            slots.get("ann@contoso.com"),
            None,
            "an empty set finds nothing"
        );
        assert_eq!(slots.insert(" Ann@Contoso.com "), Some(0));
        assert_eq!(slots.insert("/o=Contoso/cn=Søren"), Some(1));
        assert_eq!(
            slots.insert("ANN@contoso.COM"),
            Some(0),
            "the same key, folded"
        );
        assert_eq!(slots.insert("  "), None);
        assert_eq!(slots.len(), 2);
        assert_eq!(slots.get("ann@contoso.com"), Some(0));
        assert_eq!(slots.get("/O=CONTOSO/CN=SØREN"), Some(1));
        assert_eq!(slots.get("bob@contoso.com"), None);
        assert_eq!(slots.get(""), None);
    }

    #[test]
    fn long_lists_are_cut() {
        let items = ["a", "b", "c", "d"];
        assert_eq!(some_of(items, 4, 10), "a, b, c, d");
        assert_eq!(some_of(items, 1_004, 2), "a, b and 1,002 more");
    }
}
