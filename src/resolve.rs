//! Resolves recipient identities as Exchange writes them in exports (address, UPN, alias, name,
//! display name, canonical name `domain/OU/Name`, DN `CN=Name,OU=...`, GUID) to source mailboxes.
//! Used for delegates (GrantSendOnBehalfTo) and, later, permission trustees.

use std::collections::HashMap;

use crate::input::values::{address_key, strip_smtp_prefix};
use crate::model::SourceMailbox;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    One(usize),
    /// Several mailboxes answer to the identity (a display name shared by two people).
    Ambiguous(Vec<usize>),
    None,
}

pub struct Resolver {
    /// Identities unique in a tenant: addresses, UPN, alias, Name, object ids.
    by_key: HashMap<String, Vec<usize>>,
    /// Display names, which two people may share: consulted only when nothing else answers.
    by_display_name: HashMap<String, Vec<usize>>,
}

impl Resolver {
    pub fn new(sources: &[SourceMailbox]) -> Resolver {
        let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_display_name: HashMap<String, Vec<usize>> = HashMap::new();
        let add = |map: &mut HashMap<String, Vec<usize>>, id: &str, i: usize| {
            let v = map.entry(address_key(id)).or_default();
            if v.last() != Some(&i) {
                v.push(i);
            }
        };
        for (i, s) in sources.iter().enumerate() {
            let guid = s.exchange_guid.map(|g| g.to_string());
            for id in s.unique_identities().chain(guid.as_deref()) {
                add(&mut by_key, id, i);
            }
            if !s.display_name.is_empty() {
                add(&mut by_display_name, &s.display_name, i);
            }
        }
        Resolver {
            by_key,
            by_display_name,
        }
    }

    pub fn resolve(&self, identity: &str) -> Resolved {
        let id = strip_smtp_prefix(identity.trim());
        let candidates = [Some(id), canonical_name_leaf(id), dn_common_name(id)];
        for index in [&self.by_key, &self.by_display_name] {
            for key in candidates.iter().flatten() {
                match index.get(&address_key(key)).map(Vec::as_slice) {
                    Some([one]) => return Resolved::One(*one),
                    Some(many) if many.len() > 1 => return Resolved::Ambiguous(many.to_vec()),
                    _ => {}
                }
            }
        }
        Resolved::None
    }
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

    fn mailbox(primary: &str, name: &str, display: &str) -> SourceMailbox {
        SourceMailbox {
            primary_smtp: primary.into(),
            name: name.into(),
            display_name: display.into(),
            ..SourceMailbox::default()
        }
    }

    #[test]
    fn every_identity_form_resolves() {
        let r = Resolver::new(&[
            mailbox("lara@contoso.com", "Lara Newton", "Newton, Lara"),
            mailbox("john@contoso.com", "John Smith", "Smith, John"),
            mailbox("john2@contoso.com", "John Smith2", "Smith, John"),
        ]);
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
