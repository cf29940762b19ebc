//! Case-insensitive multimaps from identities (addresses, names, DNs) to row numbers, built once
//! per run over millions of keys: a fast seeded hash, keys borrowed from the rows when already
//! in canonical form, and one row stored inline (no allocation) in the usual unique case.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::Hash;

/// The hasher of every large map: foldhash, seeded per process (so crafted keys cannot aim at
/// collisions), several times faster than SipHash on short keys.
pub type FastHash = foldhash::fast::RandomState;
pub type FastMap<K, V> = HashMap<K, V, FastHash>;

/// The rows a key maps to: usually one.
#[derive(Debug, Clone)]
enum Rows {
    One([u32; 1]),
    Many(Vec<u32>),
}

impl Rows {
    fn as_slice(&self) -> &[u32] {
        match self {
            Rows::One(one) => one,
            Rows::Many(many) => many,
        }
    }

    /// Adds `row` unless it is the last one added (rows arrive in order, so a row naming the
    /// same key twice is stored once).
    fn push(&mut self, row: u32) {
        match self {
            Rows::One([only]) if *only == row => {}
            Rows::One([only]) => *self = Rows::Many(vec![*only, row]),
            Rows::Many(v) if v.last() == Some(&row) => {}
            Rows::Many(v) => v.push(row),
        }
    }
}

/// Identity -> rows, compared as `key` normalises them (trimmed, lower-cased).
#[derive(Debug, Default)]
pub struct KeyIndex<'a> {
    map: FastMap<Cow<'a, str>, Rows>,
}

impl<'a> KeyIndex<'a> {
    pub fn with_capacity(n: usize) -> KeyIndex<'a> {
        KeyIndex {
            map: FastMap::with_capacity_and_hasher(n, FastHash::default()),
        }
    }

    /// Indexes `row` under `id` (ignored when blank).
    pub fn add(&mut self, id: &'a str, row: usize) {
        let k = key(id);
        if k.is_empty() {
            return;
        }
        insert(&mut self.map, k, row_number(row));
    }

    /// Indexes `row` under an identity computed for the purpose (a GUID's text).
    pub fn add_owned(&mut self, id: String, row: usize) {
        let k = match key(&id) {
            Cow::Borrowed(k) if k.len() == id.len() => id,
            k => k.into_owned(),
        };
        if k.is_empty() {
            return;
        }
        insert(&mut self.map, Cow::Owned(k), row_number(row));
    }

    /// The rows indexed under `id`, in the order they were added.
    pub fn get(&self, id: &str) -> &[u32] {
        self.map.get(key(id).as_ref()).map_or(&[], Rows::as_slice)
    }

    /// Every key with two or more rows.
    pub fn repeated(&self) -> impl Iterator<Item = &[u32]> {
        self.map
            .values()
            .map(Rows::as_slice)
            .filter(|r| r.len() > 1)
    }
}

/// One hash and one probe per key: a key already there gets the row, a new one is inserted.
fn insert<K: Hash + Eq>(map: &mut FastMap<K, Rows>, k: K, row: u32) {
    match map.entry(k) {
        std::collections::hash_map::Entry::Occupied(e) => e.into_mut().push(row),
        std::collections::hash_map::Entry::Vacant(e) => {
            e.insert(Rows::One([row]));
        }
    }
}

/// Rows are stored as u32 (half the memory of usize): more than four billion rows is refused
/// long before, by the memory it would take to read them.
fn row_number(row: usize) -> u32 {
    u32::try_from(row).expect("fewer than 4,294,967,296 rows")
}

/// The comparison form of an identity: trimmed and lower-cased. Borrowed when it already is
/// (most addresses in exports are), so indexing allocates only for the rest.
pub fn key(id: &str) -> Cow<'_, str> {
    let id = id.trim();
    if id.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        Cow::Borrowed(id)
    } else {
        Cow::Owned(id.to_lowercase())
    }
}

/// A plain map of anything hashable to rows, same storage as `KeyIndex` (GUIDs, for one).
#[derive(Debug)]
pub struct RowIndex<K> {
    map: FastMap<K, Rows>,
}

impl<K: Hash + Eq> RowIndex<K> {
    pub fn with_capacity(n: usize) -> RowIndex<K> {
        RowIndex {
            map: FastMap::with_capacity_and_hasher(n, FastHash::default()),
        }
    }

    pub fn add(&mut self, k: K, row: usize) {
        insert(&mut self.map, k, row_number(row));
    }

    pub fn get(&self, k: &K) -> &[u32] {
        self.map.get(k).map_or(&[], Rows::as_slice)
    }

    pub fn repeated(&self) -> impl Iterator<Item = &[u32]> {
        self.map
            .values()
            .map(Rows::as_slice)
            .filter(|r| r.len() > 1)
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
        assert!(matches!(key("abc"), Cow::Borrowed(_)));
    }

    #[test]
    fn long_lists_are_cut() {
        let items = ["a", "b", "c", "d"];
        assert_eq!(some_of(items, 4, 10), "a, b, c, d");
        assert_eq!(some_of(items, 1_004, 2), "a, b and 1,002 more");
    }
}
