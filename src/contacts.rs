//! Stand-ins: the target's mail contacts (GAL sync) and guest MailUsers that stand for a
//! migrating source mailbox, found by the source's addresses and x500s; and what converting a
//! contact (remove it, carry its LegacyExchangeDN and proxies to the MailUser) gives the MailUser.

use rayon::prelude::*;

use crate::index::KeyIndex;
use crate::input::values::ProxyKind;
use crate::model::{OtherRecipient, SourceMailbox};
use crate::space::Recipient;

/// What kind of stand-in an other recipient can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A MailContact, usually made by a GAL-sync tool so the two companies could mail each
    /// other before the merger.
    Contact,
    /// A GuestMailUser: an invited user of the source, from collaboration before the merger.
    Guest,
}

impl Kind {
    /// By RecipientTypeDetails; groups, public folders and the like stand for nobody.
    pub fn of(o: &OtherRecipient) -> Option<Kind> {
        let t = o.recipient_type_details();
        if t.eq_ignore_ascii_case("MailContact") {
            Some(Kind::Contact)
        } else if t.eq_ignore_ascii_case("GuestMailUser") {
            Some(Kind::Guest)
        } else {
            None
        }
    }
}

/// A source value held by more contacts and guests than this identifies none of them: it is
/// passed over (a shared mailbox's address on every contact of a list, a hostile export).
const LOOKED_AT: usize = 8;

/// Which other recipients stand for which source mailbox. A contact or guest that holds the
/// values of two source mailboxes stands for neither: its values stay collisions.
#[derive(Debug, Default)]
pub struct StandIns {
    /// (source, other), sorted.
    pairs: Vec<(u32, u32)>,
}

impl StandIns {
    pub fn find(sources: &[SourceMailbox], others: &[OtherRecipient]) -> StandIns {
        if !others.iter().any(|o| Kind::of(o).is_some()) {
            return StandIns::default();
        }
        // Only contacts and guests can stand for someone: they are indexed, by the addresses
        // that point at the person and the x500s that are the person's.
        let (addresses, x500s) = rayon::join(
            || {
                let mut ix = KeyIndex::with_capacity(0);
                for (i, o) in others.iter().enumerate() {
                    if Kind::of(o).is_some() {
                        ix.add(o.external_email_address(), i);
                        ix.add(o.primary_smtp(), i);
                        for p in o.email_addresses().filter(|p| p.kind == ProxyKind::Smtp) {
                            ix.add(p.value, i);
                        }
                    }
                }
                ix
            },
            || {
                let mut ix = KeyIndex::with_capacity(0);
                for (i, o) in others.iter().enumerate() {
                    if Kind::of(o).is_some() {
                        ix.add(o.legacy_dn(), i);
                        for p in o.email_addresses().filter(|p| p.kind == ProxyKind::X500) {
                            ix.add(p.value, i);
                        }
                    }
                }
                ix
            },
        );
        let mut pairs: Vec<(u32, u32)> = sources
            .par_iter()
            .enumerate()
            .flat_map_iter(|(i, s)| {
                let mut found: Vec<u32> = Vec::new();
                let mut take = |rows: &[u32]| {
                    if rows.len() <= LOOKED_AT {
                        found.extend_from_slice(rows);
                    }
                };
                for a in s.smtp_addresses() {
                    take(addresses.get(a));
                }
                let x500 = std::iter::once(s.legacy_dn())
                    .chain(s.proxies(ProxyKind::X500).map(|p| p.value));
                for x in x500 {
                    take(x500s.get(x));
                }
                // Sorted and deduplicated at once: a source may have thousands of x500s.
                found.sort_unstable();
                found.dedup();
                found.into_iter().map(move |o| (i as u32, o))
            })
            .collect();
        // An other claimed by two sources is dropped from both.
        pairs.par_sort_unstable_by_key(|&(s, o)| (o, s));
        let claimed_once = |k: usize| {
            let o = pairs[k].1;
            (k == 0 || pairs[k - 1].1 != o) && pairs.get(k + 1).is_none_or(|p| p.1 != o)
        };
        let keep: Vec<bool> = (0..pairs.len()).map(claimed_once).collect();
        let mut keep = keep.into_iter();
        pairs.retain(|_| keep.next().unwrap_or(false));
        pairs.par_sort_unstable();
        StandIns { pairs }
    }

    /// The other recipients (`target_others` rows) that stand for `source`, in row order.
    pub fn of(&self, source: usize) -> impl Iterator<Item = usize> + '_ {
        let s = source as u32;
        let start = self.pairs.partition_point(|p| p.0 < s);
        self.pairs[start..]
            .iter()
            .take_while(move |p| p.0 == s)
            .map(|p| p.1 as usize)
    }

    /// Whether `r` stands for `source`.
    pub fn stands_for(&self, source: usize, r: Recipient) -> bool {
        match r {
            Recipient::Other(o) => self.pairs.binary_search(&(source as u32, o as u32)).is_ok(),
            Recipient::Target(_) => false,
        }
    }

    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

/// Whether the stamping removes `o` in Exchange Online: a contact that is not dir-synced (a
/// dir-synced one comes back from the next sync; it is removed on-premises).
pub fn removed_in_cloud(o: &OtherRecipient) -> bool {
    Kind::of(o) == Some(Kind::Contact) && o.is_dir_synced != Some(true)
}

/// The proxies a converted contact hands to the MailUser that replaces it, as `PREFIX:value`:
/// `x500:<its LegacyExchangeDN>` (people who mailed the contact can still reply to old mail),
/// its X500 and X400 proxies, and its SMTP proxies in `accepted` domains (a proxy in a domain
/// the target does not own keeps the MailUser from becoming a mailbox).
pub fn carried(
    o: &OtherRecipient,
    accepted: impl Fn(&str) -> bool,
) -> impl Iterator<Item = (ProxyKind, &'static str, &str)> {
    let legacy =
        (!o.legacy_dn().trim().is_empty()).then(|| (ProxyKind::X500, "x500", o.legacy_dn()));
    let proxies = o.email_addresses().filter_map(move |p| match p.kind {
        ProxyKind::X500 => Some((p.kind, "X500", p.value)),
        ProxyKind::X400 => Some((p.kind, "X400", p.value)),
        ProxyKind::Smtp if accepted(p.value) => Some((p.kind, "smtp", p.value)),
        _ => None,
    });
    legacy.into_iter().chain(proxies)
}

/// Values as findings list them: sorted, repeats dropped, at most ten.
pub fn list(values: &[&str]) -> String {
    let mut v: Vec<&str> = values.to_vec();
    v.sort_unstable();
    v.dedup();
    let mut s = v[..v.len().min(10)].join(", ");
    if v.len() > 10 {
        s.push_str(" and more");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{OtherText, SourceText};

    fn contact(values: &[(OtherText, &str)], proxies: &[&str]) -> OtherRecipient {
        let mut all = values.to_vec();
        all.push((OtherText::RecipientTypeDetails, "MailContact"));
        OtherRecipient::with_texts_and_proxies(&all, proxies)
    }

    #[test]
    fn a_contact_stands_for_the_source_whose_address_or_x500_it_holds() {
        let sources = [
            SourceMailbox::with_texts_and_proxies(
                &[
                    (SourceText::PrimarySmtp, "ann@contoso.com"),
                    (SourceText::LegacyDn, "/o=ExchangeLabs/cn=ann"),
                ],
                &["SMTP:ann@contoso.com", "smtp:ann.b@contoso.com"],
            ),
            SourceMailbox::with_texts_and_proxies(
                &[
                    (SourceText::PrimarySmtp, "bob@contoso.com"),
                    (SourceText::LegacyDn, "/o=ExchangeLabs/cn=bob"),
                ],
                &["SMTP:bob@contoso.com"],
            ),
        ];
        let others = [
            // By ExternalEmailAddress (a secondary address of ann's).
            contact(
                &[(OtherText::ExternalEmailAddress, "ANN.B@contoso.com")],
                &[],
            ),
            // By x500: bob's LegacyExchangeDN.
            contact(
                &[(OtherText::PrimarySmtp, "robert@fabrikam.com")],
                &["X500:/o=ExchangeLabs/cn=BOB"],
            ),
            // Holding both: stands for neither.
            contact(
                &[(OtherText::ExternalEmailAddress, "ann@contoso.com")],
                &["X500:/o=ExchangeLabs/cn=bob"],
            ),
            // A group with ann's address stands for nobody.
            OtherRecipient::with_texts_and_proxies(
                &[(
                    OtherText::RecipientTypeDetails,
                    "MailUniversalDistributionGroup",
                )],
                &["smtp:ann@contoso.com"],
            ),
        ];
        let stand_ins = StandIns::find(&sources, &others);
        assert_eq!(stand_ins.of(0).collect::<Vec<_>>(), [0]);
        assert_eq!(stand_ins.of(1).collect::<Vec<_>>(), [1]);
        assert!(stand_ins.stands_for(1, Recipient::Other(1)));
        assert!(!stand_ins.stands_for(0, Recipient::Other(2)));
        assert_eq!(stand_ins.len(), 2);
    }

    #[test]
    fn a_converted_contact_carries_its_dn_its_x500s_and_its_accepted_addresses() {
        let c = contact(
            &[(OtherText::LegacyDn, "/o=Northwind/cn=contact-ann")],
            &[
                "SMTP:ann@contoso.com",
                "smtp:ann.contoso@northwind.com",
                "X500:/o=GalSync/cn=ann",
                "X400:c=US;p=Contoso;s=Ann;",
            ],
        );
        let carried: Vec<_> = carried(&c, |a| a.ends_with("@northwind.com")).collect();
        assert_eq!(
            carried,
            [
                (ProxyKind::X500, "x500", "/o=Northwind/cn=contact-ann"),
                (ProxyKind::Smtp, "smtp", "ann.contoso@northwind.com"),
                (ProxyKind::X500, "X500", "/o=GalSync/cn=ann"),
                (ProxyKind::X400, "X400", "c=US;p=Contoso;s=Ann;"),
            ]
        );
    }
}
