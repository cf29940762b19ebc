//! Resolves recipient identities as Exchange writes them in exports (address, UPN, alias, name,
//! display name, canonical name `domain/OU/Name`, DN `CN=Name,OU=...`, GUID) to source mailboxes.
//! Used for delegates (GrantSendOnBehalfTo) and, later, permission trustees.

use crate::index::KeyIndex;
use crate::input::values::strip_smtp_prefix;
use crate::model::SourceMailbox;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    One(usize),
    /// Several mailboxes answer to the identity (a display name shared by two people).
    Ambiguous(Vec<usize>),
    None,
}

pub struct Resolver<'a> {
    /// Identities unique in a tenant: addresses, UPN, alias, Name, object ids.
    by_key: KeyIndex<'a>,
    /// Display names, which two people may share: consulted only when nothing else answers.
    by_display_name: KeyIndex<'a>,
}

impl<'a> Resolver<'a> {
    pub fn new(sources: &'a [SourceMailbox]) -> Resolver<'a> {
        let mut by_key = KeyIndex::with_capacity(6 * sources.len());
        by_key.reserve_guids(sources.len());
        let mut by_display_name = KeyIndex::with_capacity(sources.len());
        // Two maps, two threads.
        rayon::join(
            || {
                for (i, s) in sources.iter().enumerate() {
                    for id in s.unique_identities() {
                        by_key.add(id, i);
                    }
                    if let Some(g) = s.exchange_guid {
                        by_key.add_guid(g, i);
                    }
                }
            },
            || {
                for (i, s) in sources.iter().enumerate() {
                    by_display_name.add(s.display_name(), i);
                }
            },
        );
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
                match index.get(key) {
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
        let r = Resolver::new(&sources);
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
