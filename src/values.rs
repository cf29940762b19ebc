//! Pure parsers for the value shapes PowerShell writes: flattened lists (prefix-aware for proxy
//! addresses), GUIDs, ByteQuantifiedSize strings, booleans, unflattened .NET type names, and
//! addresses and domains. Below the model and the settings, which use it (`input::values` too).

use std::borrow::Cow;
use std::collections::HashSet;

use uuid::Uuid;

/// How a column's cell is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// One value.
    Scalar,
    /// `PREFIX:address` entries (EmailAddresses): split only where a new prefix starts,
    /// because X400 addresses contain `;`.
    ProxyList,
    /// Recipient identities (GrantSendOnBehalfTo): split on `;`, `|` and line breaks, never on
    /// `,` (canonical names and display names contain commas).
    IdentityList,
    /// Short tokens (AccessRights, InPlaceHolds, PersistedCapabilities, MailboxLocations):
    /// split on `;`, `|`, `,`, whitespace and line breaks.
    TokenList,
}

impl ValueKind {
    pub fn is_list(self) -> bool {
        self != ValueKind::Scalar
    }
}

/// Splits a flattened multi-valued cell according to what the column holds.
pub fn split_list(cell: &str, kind: ValueKind) -> Vec<&str> {
    match kind {
        ValueKind::Scalar => vec![cell],
        ValueKind::ProxyList => split_proxies(cell),
        ValueKind::IdentityList => split_on(cell, &IDENTITY_SEPARATORS, false),
        ValueKind::TokenList => split_on(cell, &TOKEN_SEPARATORS, true),
    }
}

/// What may separate two proxy addresses: `;` `|` `,` a blank or a line break.
const PROXY_SEPARATORS: [bool; 256] = byte_set(b";|,\n\r \t");
/// `;` `|` and line breaks: never `,` (canonical names and display names contain commas).
const IDENTITY_SEPARATORS: [bool; 256] = byte_set(b";|\n\r");
/// `;` `|` `,` and every ASCII whitespace character (as `char::is_whitespace` sees it).
const TOKEN_SEPARATORS: [bool; 256] = byte_set(b";|,\n\r\t\x0B\x0C ");

/// The set of the bytes in `bytes`, as a table indexed by byte.
const fn byte_set(bytes: &[u8]) -> [bool; 256] {
    let mut set = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        set[bytes[i] as usize] = true;
        i += 1;
    }
    set
}

/// Splits `cell` at the ASCII bytes in `ascii` and, with `blanks`, at any whitespace
/// character; the pieces trimmed, empty ones dropped. An ASCII cell is cut by the table alone,
/// so with `blanks` the table must hold the ASCII whitespace bytes too.
fn split_on<'c>(cell: &'c str, ascii: &[bool; 256], blanks: bool) -> Vec<&'c str> {
    debug_assert!(!blanks || b"\t\n\x0B\x0C\r ".iter().all(|&b| ascii[usize::from(b)]));
    // Nearly every cell is ASCII, where a byte is a character: scanned as bytes through the
    // table, without decoding characters (every row of the big exports has several lists).
    if !cell.is_ascii() {
        return cell
            .split(|c: char| (c.is_ascii() && ascii[c as usize]) || (blanks && c.is_whitespace()))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
    }
    fn push<'c>(out: &mut Vec<&'c str>, piece: &'c str) {
        let piece = trim(piece);
        if !piece.is_empty() {
            out.push(piece);
        }
    }
    let bytes = cell.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    while let Some(n) = bytes[start..].iter().position(|&b| ascii[usize::from(b)]) {
        push(&mut out, &cell[start..start + n]);
        start += n + 1;
    }
    push(&mut out, &cell[start..]);
    out
}

/// Splits `SMTP:a@x;smtp:b@x|X400:c=US;a= ;p=Org;o=Exchange;s=Doe, SIP:a@x` into its entries.
/// A separator (`;` `|` `,` a blank or a line break) only ends an entry when the next non-blank
/// text is a proxy prefix (`letters/digits` then `:`): X400 addresses contain `;` and X500 DNs contain `,`
/// and spaces, but neither has a `word:` right after one of those.
pub fn split_proxies(cell: &str) -> Vec<&str> {
    // Bare addresses (`ann@contoso.com;ann2@contoso.com`, from `% { $_.SmtpAddress }`) have no
    // prefixes to anchor on; they hold no separators or blanks themselves, so split on all.
    if !starts_with_prefix(cell) {
        return split_on(cell, &TOKEN_SEPARATORS, true);
    }
    // A blank separates too: `"$($_.EmailAddresses)"` joins with spaces. DNs contain blanks,
    // but never one followed by `word:`.
    let separator = |b: u8| PROXY_SEPARATORS[usize::from(b)];
    let bytes = cell.as_bytes();
    // The text between separators is skipped in one search (every row of the big exports has
    // a list of addresses). Exports join with `;`, and DNs hold blanks and commas: a cell with
    // no other separator is searched for those three alone, vectorised (memchr3); any other
    // cell through the table.
    let rare = memchr::memchr3(b'|', b'\n', b'\r', bytes).is_some() || bytes.contains(&b'\t');
    let next_separator = |from: &[u8]| {
        if rare {
            from.iter().position(|&b| separator(b))
        } else {
            memchr::memchr3(b';', b' ', b',', from)
        }
    };
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match next_separator(&bytes[i..]) {
            Some(n) => i += n,
            None => break,
        }
        // Where the next non-blank text starts. The scan resumes from there, so a million
        // blanks in a row cost linear time.
        let word = match bytes.get(i + 1) {
            Some(&b) if is_ascii_non_blank(b) => i + 1,
            _ => {
                let rest = &cell[i + 1..];
                i + 1 + (rest.len() - rest.trim_start().len())
            }
        };
        if !starts_with_prefix(&cell[word..]) {
            i += 1;
            continue;
        }
        // An X400 address ends with its own `;`: in `...;s=Doe; SMTP:b` it is the blank that
        // separates, and the `;` stays with the address (in `...;s=Doe ; SMTP:b` it separates).
        let piece = &cell[start..i];
        let mut cut = i;
        if bytes[i] == b';'
            && !piece.ends_with(char::is_whitespace)
            && piece
                .trim_start()
                .get(..5)
                .is_some_and(|p| p.eq_ignore_ascii_case("x400:"))
            && let Some(next) = (i + 1..word).find(|&j| separator(bytes[j]))
        {
            cut = next;
        }
        push_trimmed(&mut out, &cell[start..cut]);
        start = cut + 1;
        i = word.max(start);
    }
    if start < cell.len() {
        push_trimmed(&mut out, &cell[start..]);
    }
    out
}

/// An ASCII byte that is not whitespace (as `char::is_whitespace` sees it; control bytes
/// count as non-blank, as they do for `str::trim`): text that starts and ends with one needs
/// no trimming.
fn is_ascii_non_blank(b: u8) -> bool {
    b.is_ascii() && b != b' ' && !(0x09..=0x0D).contains(&b)
}

/// `s.trim()`, answered at once for the usual cell, which starts and ends with a non-blank
/// ASCII character (a million-row export has tens of millions of cells).
pub fn trim(s: &str) -> &str {
    match s.as_bytes() {
        [] => s,
        [first, .., last] | [first @ last]
            if is_ascii_non_blank(*first) && is_ascii_non_blank(*last) =>
        {
            s
        }
        _ => s.trim(),
    }
}

fn push_trimmed<'a>(out: &mut Vec<&'a str>, s: &'a str) {
    // An entry that ends in a letter or digit, as nearly all do, keeps every byte.
    if let [first, .., last] | [first @ last] = s.as_bytes()
        && is_ascii_non_blank(*first)
        && last.is_ascii_alphanumeric()
    {
        out.push(s);
        return;
    }
    let s = s.trim();
    // A trailing separator is list punctuation (`a;;b`, `a;`), except in X400 addresses,
    // whose own syntax ends with `;` (`...;s=Doe;g=John;`): those are kept byte for byte.
    let x400 = s.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("x400:"));
    let s = if x400 {
        s
    } else {
        s.trim_end_matches(|c: char| matches!(c, ';' | '|' | ',') || c.is_whitespace())
    };
    if !s.is_empty() {
        out.push(s);
    }
}

/// The address types Exchange writes in EmailAddresses and proxyAddresses. Only these start an
/// entry: a DN holds `word:` too (`ou=Site: Paris`, `C:\Share`), and is not cut there.
const PROXY_PREFIXES: [&str; 12] = [
    "SMTP", "X500", "X400", "SIP", "SPO", "EUM", "FAX", "MS", "CCMAIL", "NOTES", "GWISE", "RFAX",
];

/// `true` when `s` (after blanks) starts with `prefix:` and something after it. Only blanks are
/// skipped, so a run of separators costs linear time: `;;smtp:` splits at the second `;`.
fn starts_with_prefix(s: &str) -> bool {
    let s = s.trim_start();
    // A prefix is at most 6 characters: never scan further.
    let head = s
        .bytes()
        .take(7)
        .take_while(u8::is_ascii_alphanumeric)
        .count();
    s.as_bytes().get(head) == Some(&b':')
        && s.len() > head + 1
        && PROXY_PREFIXES
            .iter()
            .any(|p| p.eq_ignore_ascii_case(&s[..head]))
}

/// A proxy address split into its prefix and value. The value is kept byte-exact (X500 DNs are
/// copied as they are); only the prefix is interpreted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Proxy<'a> {
    pub kind: ProxyKind,
    /// Upper-case `SMTP:` marks the primary address.
    pub primary: bool,
    pub value: &'a str,
}

/// Case-insensitive membership in one recipient's proxy list. A scan for the usual handful; a
/// hash set once the list is long, so checking every source proxy against a target's list is
/// never the product of two hostile 100,000-entry lists.
pub struct ProxySet<'a> {
    proxies: Vec<Proxy<'a>>,
    index: Option<HashSet<(ProxyKind, String)>>,
}

impl<'a> ProxySet<'a> {
    /// Longer lists than this are indexed.
    const SCAN: usize = 32;

    pub fn new(proxies: impl Iterator<Item = Proxy<'a>>) -> ProxySet<'a> {
        let proxies: Vec<Proxy<'a>> = proxies.collect();
        let index = (proxies.len() > Self::SCAN).then(|| {
            proxies
                .iter()
                .map(|p| (p.kind, p.value.to_ascii_lowercase()))
                .collect()
        });
        ProxySet { proxies, index }
    }

    pub fn contains(&self, kind: ProxyKind, value: &str) -> bool {
        match &self.index {
            Some(set) => set.contains(&(kind, value.to_ascii_lowercase())),
            None => self
                .proxies
                .iter()
                .any(|p| p.kind == kind && p.value.eq_ignore_ascii_case(value)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProxyKind {
    Smtp,
    X500,
    X400,
    Sip,
    Spo,
    Eum,
    /// Any other prefix, upper-cased.
    Other(Prefix),
}

/// A proxy prefix (1 to 16 ASCII letters and digits, upper-cased), kept inline so that a
/// `ProxyKind` is a plain value.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Prefix {
    len: u8,
    bytes: [u8; 16],
}

impl Prefix {
    /// `None` unless `p` is a prefix (`is_prefix`).
    pub fn new(p: &str) -> Option<Prefix> {
        if !is_prefix(p) {
            return None;
        }
        let mut bytes = [0; 16];
        bytes[..p.len()].copy_from_slice(p.as_bytes());
        bytes.make_ascii_uppercase();
        Some(Prefix {
            len: p.len() as u8,
            bytes,
        })
    }

    pub fn as_str(&self) -> &str {
        // ASCII by construction.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("")
    }
}

impl std::fmt::Debug for Prefix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl<'a> Proxy<'a> {
    /// Parses one entry. An entry without a prefix is taken as a secondary SMTP address, since
    /// some admins flatten `EmailAddresses | % { $_.SmtpAddress }`.
    pub fn parse(entry: &'a str) -> Proxy<'a> {
        let entry = trim(entry);
        let Some((prefix, value)) = entry.split_once(':').filter(|(p, _)| is_prefix(p)) else {
            return Proxy {
                kind: ProxyKind::Smtp,
                primary: false,
                value: entry,
            };
        };
        // Compared in place: an upper-case copy per address was an allocation per proxy.
        const KNOWN: [(&str, ProxyKind); 6] = [
            ("SMTP", ProxyKind::Smtp),
            ("X500", ProxyKind::X500),
            ("X400", ProxyKind::X400),
            ("SIP", ProxyKind::Sip),
            ("SPO", ProxyKind::Spo),
            ("EUM", ProxyKind::Eum),
        ];
        let kind = KNOWN
            .iter()
            .find(|(name, _)| prefix.eq_ignore_ascii_case(name))
            .map(|(_, kind)| *kind)
            .unwrap_or_else(|| Prefix::new(prefix).map_or(ProxyKind::Smtp, ProxyKind::Other));
        let primary = kind == ProxyKind::Smtp && prefix == "SMTP";
        Proxy {
            kind,
            primary,
            value,
        }
    }

    pub fn prefix(&self) -> &str {
        match &self.kind {
            ProxyKind::Smtp if self.primary => "SMTP",
            ProxyKind::Smtp => "smtp",
            ProxyKind::X500 => "X500",
            ProxyKind::X400 => "X400",
            ProxyKind::Sip => "SIP",
            ProxyKind::Spo => "SPO",
            ProxyKind::Eum => "EUM",
            ProxyKind::Other(p) => p.as_str(),
        }
    }

    /// The proxy as Exchange writes it: `PREFIX:value`.
    pub fn render(&self) -> String {
        format!("{}:{}", self.prefix(), self.value)
    }
}

fn is_prefix(p: &str) -> bool {
    (1..=16).contains(&p.len())
        && p.as_bytes()[0].is_ascii_alphabetic()
        && p.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Strips an optional `SMTP:`/`smtp:` prefix (ExternalEmailAddress carries one).
pub fn strip_smtp_prefix(s: &str) -> &str {
    match s.get(..5) {
        Some(p) if p.eq_ignore_ascii_case("smtp:") => &s[5..],
        _ => s,
    }
}

/// The canonical comparison form of an SMTP address.
pub fn address_key(s: &str) -> String {
    s.trim().to_lowercase()
}

/// The part of an address before `@`; empty when there is no `@`.
pub fn local_part(address: &str) -> &str {
    address.split_once('@').map_or("", |(l, _)| l)
}

/// A tenant's initial domain, `<tenant>.onmicrosoft.com` (any case), not its hybrid
/// `<tenant>.mail.onmicrosoft.com`: where its mail is routed, and what a cross-tenant endpoint
/// names.
pub fn is_tenant_domain(domain: &str) -> bool {
    let d = domain.to_ascii_lowercase();
    d.ends_with(".onmicrosoft.com") && !d.ends_with(".mail.onmicrosoft.com")
}

/// The domain of an address, lower-cased; `None` when there is no `@` or nothing after it.
/// Borrowed when it is lower case already, as nearly every exported address is.
pub fn domain_of(address: &str) -> Option<Cow<'_, str>> {
    let d = address.rsplit_once('@')?.1.trim();
    if d.is_empty() {
        None
    } else if d.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
        Some(Cow::Owned(d.to_lowercase()))
    } else {
        Some(Cow::Borrowed(d))
    }
}

/// Folds a name to the ASCII an alias can hold: `Müller` -> `muller`, `O'Brien` -> `obrien`.
pub fn ascii_fold(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            let c = match c {
                'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
                'é' | 'è' | 'ê' | 'ë' => 'e',
                'í' | 'ì' | 'î' | 'ï' => 'i',
                'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'Ó' | 'Ø' => 'o',
                'ú' | 'ù' | 'û' | 'ü' => 'u',
                'ç' => 'c',
                'ñ' => 'n',
                'ł' | 'Ł' => 'l',
                'š' => 's',
                c => c,
            };
            c.is_ascii_alphanumeric().then(|| c.to_ascii_lowercase())
        })
        .collect()
}

/// A lower-cased domain name, or `None` when the text cannot be one.
pub fn domain_name(s: &str) -> Option<String> {
    let d = s.trim().trim_start_matches('@').to_lowercase();
    let ok = d.contains('.')
        && !d.starts_with('.')
        && !d.ends_with('.')
        && d.chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
    ok.then_some(d)
}

/// A syntactically usable SMTP address: one `@`, something on both sides, no blanks.
pub fn is_valid_address(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !s.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// A value that is not of the kind its column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invalid;

/// A GUID cell: `Ok(None)` for empty or the all-zero GUID, `Err` for anything unparsable.
pub fn parse_guid(s: &str) -> Result<Option<Uuid>, Invalid> {
    let s = trim(s);
    if s.is_empty() {
        return Ok(None);
    }
    let g = Uuid::try_parse(s).map_err(|_| Invalid)?;
    Ok(if g.is_nil() { None } else { Some(g) })
}

/// A size cell in bytes. Accepts `1.234 GB (1,324,567,890 bytes)` (the byte count in
/// parentheses is exact and culture-proof), a plain byte count, and `12.5 GB`-style text.
/// `Ok(None)` for empty and `Unlimited`.
pub fn parse_size(s: &str) -> Result<Option<u64>, Invalid> {
    let s = trim(s);
    if s.is_empty() || s.eq_ignore_ascii_case("unlimited") {
        return Ok(None);
    }
    // By byte: `(` and `)` are ASCII, so where they are is a character boundary.
    if let Some(open) = memchr::memrchr(b'(', s.as_bytes()) {
        let inner = &s[open + 1..];
        let inner = &inner[..memchr::memchr(b')', inner.as_bytes()).unwrap_or(inner.len())];
        return digits_of(inner).map(Some);
    }
    if s.bytes().all(|b| b.is_ascii_digit() || b == b',') {
        return digits_of(s).map(Some);
    }
    let (num, unit) = s.split_at(s.find(|c: char| c.is_ascii_alphabetic()).ok_or(Invalid)?);
    let num: f64 = num.trim().replace(',', ".").parse().map_err(|_| Invalid)?;
    let unit = unit.trim();
    let scale: u64 = [("B", 0), ("KB", 10), ("MB", 20), ("GB", 30), ("TB", 40)]
        .iter()
        .find(|(u, _)| unit.eq_ignore_ascii_case(u))
        .map(|&(_, shift)| 1 << shift)
        .ok_or(Invalid)?;
    if !num.is_finite() || num < 0.0 {
        return Err(Invalid);
    }
    Ok(Some((num * scale as f64).round() as u64))
}

/// The number the ASCII digits of `s` spell, ignoring everything else (`2,576,980,377 bytes`);
/// `Invalid` without digits or past `u64::MAX`. Read without a copy: sizes are in every row.
fn digits_of(s: &str) -> Result<u64, Invalid> {
    let (mut n, mut any) = (0u64, false);
    for d in s.bytes().filter(u8::is_ascii_digit) {
        n = n
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(d - b'0')))
            .ok_or(Invalid)?;
        any = true;
    }
    if any { Ok(n) } else { Err(Invalid) }
}

/// `True`/`False` in any case (also `$true`, `1`/`0`); `Ok(None)` for empty.
pub fn parse_bool(s: &str) -> Result<Option<bool>, Invalid> {
    // Compared in place: a million-row export has millions of these cells.
    let s = trim(s).trim_start_matches('$');
    let any = |words: [&str; 3]| words.iter().any(|w| s.eq_ignore_ascii_case(w));
    if s.is_empty() {
        Ok(None)
    } else if any(["true", "1", "yes"]) {
        Ok(Some(true))
    } else if any(["false", "0", "no"]) {
        Ok(Some(false))
    } else {
        Err(Invalid)
    }
}

/// `true` when a cell is the name of a .NET collection type, i.e. Export-Csv wrote the
/// collection's `ToString()` instead of its items: `System.Collections.ArrayList`,
/// `System.Object[]`, `Microsoft.Exchange.Data.ProxyAddressCollection`,
/// ``Deserialized.Microsoft.Exchange.Data.MultiValuedProperty`1[System.String]``.
pub fn is_dotnet_type_name(cell: &str) -> bool {
    let s = cell.trim();
    let s = s.strip_prefix("Deserialized.").unwrap_or(s);
    let rest = match s
        .strip_prefix("System.")
        .or_else(|| s.strip_prefix("Microsoft."))
    {
        Some(rest) if !rest.is_empty() => rest,
        _ => return false,
    };
    let (name, generic) = match rest.find('[') {
        Some(i) => (&rest[..i], Some(&rest[i..])),
        None => (rest, None),
    };
    // Only collection types: a delegate really named `System.Admin` is data.
    let collection = generic.is_some()
        || ["Collection", "ArrayList", "List", "MultiValuedProperty"]
            .iter()
            .any(|c| name.ends_with(c));
    collection
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'`'))
        && generic.is_none_or(|g| g.ends_with(']'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const X400: &str = "X400:c=US;a= ;p=First Organizati;o=Exchange;s=JohnDoe";

    #[test]
    fn x400_with_semicolons_survives_every_separator() {
        for sep in [";", "|", ",", ", ", "\n", "\r\n", " ; "] {
            let cell = [
                "SMTP:john@contoso.com",
                X400,
                "x500:/o=Org/ou=A (FYDIBOHF23SPDLT)/cn=Recipients/cn=Doe, John",
                "SIP:john@contoso.com",
            ]
            .join(sep);
            assert_eq!(
                split_proxies(&cell),
                [
                    "SMTP:john@contoso.com",
                    X400,
                    "x500:/o=Org/ou=A (FYDIBOHF23SPDLT)/cn=Recipients/cn=Doe, John",
                    "SIP:john@contoso.com"
                ],
                "separator {sep:?}"
            );
        }
    }

    #[test]
    fn x400_keeps_its_own_trailing_semicolon() {
        assert_eq!(
            split_proxies("X400:c=US;a= ;p=Org;o=Exchange;s=Doe;g=John;;SMTP:j@x.com"),
            [
                "X400:c=US;a= ;p=Org;o=Exchange;s=Doe;g=John;",
                "SMTP:j@x.com"
            ]
        );
    }

    #[test]
    fn bare_and_blank_joined_lists_are_split_too() {
        assert_eq!(
            split_proxies("ann@contoso.com;ann2@contoso.com ann3@contoso.com"),
            ["ann@contoso.com", "ann2@contoso.com", "ann3@contoso.com"]
        );
        let dn = "X500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=abc-Lara";
        assert_eq!(
            split_proxies(&format!("SMTP:a@x.com {dn} SIP:a@x.com")),
            ["SMTP:a@x.com", dn, "SIP:a@x.com"]
        );
    }

    #[test]
    fn proxy_lists_tolerate_trailing_and_doubled_separators() {
        assert_eq!(
            split_proxies("SMTP:a@x.com;;smtp:b@x.com;"),
            ["SMTP:a@x.com", "smtp:b@x.com"]
        );
        // `C:` in a DN is not an address type: the DN stays whole.
        assert_eq!(
            split_proxies("SMTP:a@x.com;X500:/o=Org/ou=Share C:\\Data/cn=a;smtp:b@x.com"),
            [
                "SMTP:a@x.com",
                "X500:/o=Org/ou=Share C:\\Data/cn=a",
                "smtp:b@x.com"
            ]
        );
        assert_eq!(split_proxies(""), Vec::<&str>::new());
        assert_eq!(split_proxies("  "), Vec::<&str>::new());
    }

    #[test]
    fn trim_answers_visible_edges_at_once_and_trims_the_rest() {
        for s in [
            "a",
            "ab",
            "a b",
            "",
            " ",
            "\u{b}a",
            "a\u{b}",
            "\u{a0}a",
            "é",
            " a@x.com\t",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
    }

    #[test]
    fn proxy_prefix_decides_kind_and_primary() {
        let p = Proxy::parse("SMTP:Ann@Contoso.com");
        assert_eq!(
            (p.kind, p.primary, p.value),
            (ProxyKind::Smtp, true, "Ann@Contoso.com")
        );
        assert!(!Proxy::parse("smtp:ann@contoso.com").primary);
        let x = Proxy::parse(
            "x500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=abc-Lara",
        );
        assert_eq!(x.kind, ProxyKind::X500);
        assert_eq!(
            x.value,
            "/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=abc-Lara"
        );
        assert_eq!(
            Proxy::parse(X400).value,
            "c=US;a= ;p=First Organizati;o=Exchange;s=JohnDoe"
        );
        assert_eq!(Proxy::parse("bare@contoso.com").kind, ProxyKind::Smtp);
        assert_eq!(
            Proxy::parse("MSXYZ:thing").kind,
            ProxyKind::Other(Prefix::new("msxyz").unwrap())
        );
    }

    #[test]
    fn identity_lists_keep_commas_in_names() {
        assert_eq!(
            split_list(
                "adatum.com/TestOU/Cheng,Angela;Smith, John|ann@contoso.com",
                ValueKind::IdentityList
            ),
            [
                "adatum.com/TestOU/Cheng,Angela",
                "Smith, John",
                "ann@contoso.com"
            ]
        );
    }

    #[test]
    fn token_lists_split_on_everything() {
        assert_eq!(
            split_list("FullAccess, ReadPermission", ValueKind::TokenList),
            ["FullAccess", "ReadPermission"]
        );
        assert_eq!(
            split_list(
                "1;guid;Primary;d;db;2;g2;AuxArchive;d;db",
                ValueKind::TokenList
            )
            .len(),
            10
        );
    }

    #[test]
    fn guids_in_any_case_and_zero_means_none() {
        let g = "9B9387FE-E1B1-4695-97BD-B0A0BEBE7CE2";
        assert_eq!(
            parse_guid(g).unwrap().unwrap().to_string(),
            g.to_lowercase()
        );
        assert_eq!(
            parse_guid("{9b9387fe-e1b1-4695-97bd-b0a0bebe7ce2}")
                .unwrap()
                .unwrap()
                .to_string(),
            g.to_lowercase()
        );
        assert_eq!(parse_guid("00000000-0000-0000-0000-000000000000"), Ok(None));
        assert_eq!(parse_guid(""), Ok(None));
        assert_eq!(parse_guid("not-a-guid"), Err(Invalid));
    }

    #[test]
    fn sizes_parse_to_bytes() {
        assert_eq!(
            parse_size("1.234 GB (1,324,567,890 bytes)"),
            Ok(Some(1_324_567_890))
        );
        assert_eq!(parse_size("0 B (0 bytes)"), Ok(Some(0)));
        assert_eq!(parse_size("6.08 KB (6,226 bytes)"), Ok(Some(6226)));
        assert_eq!(
            parse_size("30 GB (32.212.254.720 bytes)"),
            Ok(Some(32_212_254_720))
        );
        assert_eq!(parse_size("12345"), Ok(Some(12345)));
        assert_eq!(parse_size("2 GB"), Ok(Some(2 << 30)));
        assert_eq!(parse_size("1,5 GB"), Ok(Some(1_610_612_736)));
        assert_eq!(parse_size("Unlimited"), Ok(None));
        assert_eq!(parse_size("lots"), Err(Invalid));
    }

    #[test]
    fn booleans() {
        for (s, v) in [
            ("True", true),
            ("false", false),
            ("FALSE", false),
            ("$true", true),
        ] {
            assert_eq!(parse_bool(s), Ok(Some(v)));
        }
        assert_eq!(parse_bool(""), Ok(None));
        assert_eq!(parse_bool("maybe"), Err(Invalid));
    }

    #[test]
    fn unflattened_collections_are_recognised() {
        for s in [
            "System.Collections.ArrayList",
            "System.Object[]",
            "Microsoft.Exchange.Data.ProxyAddressCollection",
            "Microsoft.Exchange.Data.MultiValuedProperty`1[System.String]",
            "Deserialized.Microsoft.Exchange.Data.MultiValuedProperty`1[[System.String, mscorlib]]",
        ] {
            assert!(is_dotnet_type_name(s), "{s}");
        }
        for s in [
            "FullAccess",
            "System",
            "System.Admin",
            "smtp:system.admin@contoso.com",
            "System.Collections.ArrayList extra",
        ] {
            assert!(!is_dotnet_type_name(s), "{s}");
        }
    }

    #[test]
    fn addresses() {
        assert!(is_valid_address("ann@contoso.com"));
        assert!(!is_valid_address("ann.contoso.com"));
        assert!(!is_valid_address("ann@"));
        assert!(!is_valid_address("a b@contoso.com"));
        assert_eq!(
            strip_smtp_prefix("SMTP:LaraN@contoso.onmicrosoft.com"),
            "LaraN@contoso.onmicrosoft.com"
        );
        assert_eq!(domain_of("a@Contoso.COM").as_deref(), Some("contoso.com"));
    }
}

/// Property tests: the splitter and the parsers on generated input, hostile and well-formed.
#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    /// A proxy as Exchange writes one, with the characters that make splitting hard: blanks
    /// and commas in X500 DNs, `;` (and a trailing `;`) in X400 addresses.
    fn proxy() -> impl Strategy<Value = String> {
        let smtp = ("(SMTP|smtp|SIP|SPO|sip)", "[a-z0-9.]{1,12}", "[a-z]{1,8}")
            .prop_map(|(p, l, d)| format!("{p}:{l}@{d}.com"));
        // DNs hold blanks, commas and `word:` (`ou=Site: Paris`, a path `C:\Data`).
        let x500 = (
            "(X500|x500)",
            "[A-Za-z ]{1,10}",
            "[A-Za-z0-9 ()]{1,20}",
            "( [A-Za-z]{1,6}:[ \\\\]?[A-Za-z]{0,6})?",
            "[a-z0-9,-]{0,11}[a-z0-9]",
        )
            // A DN with ` SIP:` in it is ambiguous: the splitter takes the known type.
            // (Checked with what follows it in the DN: `SIP:` alone is no prefix, having
            // nothing after its colon, but `SIP:/cn=...` is.)
            .prop_filter("a DN word that is a proxy type", |(_, _, _, colon, _)| {
                !starts_with_prefix(&format!("{colon}/cn"))
            })
            .prop_map(|(p, o, ou, colon, cn)| {
                format!("{p}:/o={o}/ou={ou}{colon}/cn=Recipients/cn={cn}")
            });
        let x400 = ("[A-Z]{2}", "[A-Za-z]{1,8}", "[A-Za-z]{1,8}", any::<bool>()).prop_map(
            |(c, p, s, trailing)| {
                format!(
                    "X400:c={c};a= ;p={p};o=Exchange;s={s}{}",
                    if trailing { ";" } else { "" }
                )
            },
        );
        prop_oneof![smtp, x500, x400]
    }

    fn with_commas(n: u64, sep: char) -> String {
        let digits = n.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(c);
        }
        out
    }

    proptest! {
        #[test]
        fn trim_is_str_trim(s in "[ \t\n\r\u{b}\u{c}\u{0}\u{1c}\u{7f}\u{85}\u{a0}\u{3000}a;é]{0,6}") {
            prop_assert_eq!(trim(&s), s.trim());
        }

        #[test]
        fn token_and_identity_lists_split_as_their_characters_say(
            cell in "[a;|, \t\n\r\u{b}\u{c}\u{a0}\u{85}\u{3000}é]{0,12}",
        ) {
            let reference = |sep: fn(char) -> bool| -> Vec<&str> {
                cell.split(sep).map(str::trim).filter(|s| !s.is_empty()).collect()
            };
            prop_assert_eq!(
                split_list(&cell, ValueKind::TokenList),
                reference(|c| matches!(c, ';' | '|' | ',' | '\n' | '\r') || c.is_whitespace())
            );
            prop_assert_eq!(
                split_list(&cell, ValueKind::IdentityList),
                reference(|c| matches!(c, ';' | '|' | '\n' | '\r'))
            );
        }

        #[test]
        fn split_returns_the_joined_proxies(
            list in prop::collection::vec(proxy(), 1..8),
            sep in "(;|\\||, | |\r\n)",
        ) {
            let cell = list.join(&sep);
            prop_assert_eq!(split_proxies(&cell), list.iter().map(String::as_str).collect::<Vec<_>>());
        }

        #[test]
        fn split_never_panics_and_returns_trimmed_pieces(cell in any::<String>()) {
            let pieces = split_proxies(&cell);
            let total: usize = pieces.iter().map(|p| p.len()).sum();
            prop_assert!(total <= cell.len());
            for p in pieces {
                prop_assert!(!p.is_empty() && p.trim() == p);
            }
        }

        #[test]
        fn guids_parse_in_every_spelling(n in any::<u128>()) {
            let g = Uuid::from_u128(n);
            let want = if n == 0 { None } else { Some(g) };
            for text in [
                g.hyphenated().to_string(),
                g.hyphenated().to_string().to_uppercase(),
                g.braced().to_string(),
                g.simple().to_string(),
                format!("  {g}  "),
            ] {
                prop_assert_eq!(parse_guid(&text), Ok(want), "{}", text);
            }
        }

        #[test]
        fn guid_and_size_parsers_never_panic(s in any::<String>()) {
            let _ = parse_guid(&s);
            let _ = parse_bool(&s);
            if let Ok(Some(n)) = parse_size(&s) {
                prop_assert!(n < u64::MAX || s.contains('('));
            }
        }

        #[test]
        fn sizes_take_the_exact_byte_count_in_any_culture(bytes in any::<u64>()) {
            let gb = bytes as f64 / (1u64 << 30) as f64;
            for (text, sep) in [
                (format!("{gb:.3} GB"), ','),
                (format!("{gb:.3} GB").replace('.', ","), '.'),
                (format!("{gb:.3} GB"), '\u{202F}'),
            ] {
                let cell = format!("{text} ({} bytes)", with_commas(bytes, sep));
                prop_assert_eq!(parse_size(&cell), Ok(Some(bytes)), "{}", cell);
            }
            prop_assert_eq!(parse_size(&bytes.to_string()), Ok(Some(bytes)));
            prop_assert_eq!(parse_size(&with_commas(bytes, ',')), Ok(Some(bytes)));
        }
    }

    #[test]
    fn a_million_blanks_split_in_linear_time() {
        // Each blank is a separator candidate; finding the next word from each of them again
        // would be a trillion steps.
        let cell = format!(
            "SMTP:a@contoso.com{}smtp:b@contoso.com",
            " ".repeat(1_000_000)
        );
        assert_eq!(
            split_proxies(&cell),
            ["SMTP:a@contoso.com", "smtp:b@contoso.com"]
        );
        let cell = format!("SMTP:a@contoso.com{}", "; ".repeat(500_000));
        let pieces = split_proxies(&cell);
        // Not an assert_eq!: a failure would print the million-character cell.
        assert!(
            pieces.len() == 1 && pieces[0].len() < 100,
            "{} pieces",
            pieces.len()
        );
    }
}
