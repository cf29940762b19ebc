//! The target tenant's address space: which recipients (the MailUsers and mailboxes of
//! target-recipients.csv, and the contacts, groups, public folders and guests of
//! --target-other-recipients) hold each SMTP address, X500/X400 proxy, Name and alias that the
//! stamping asks about.

use rayon::prelude::*;

use crate::index::KeySlots;
use crate::input::values::ProxyKind;
use crate::model::{OtherRecipient, TargetRecipient};

/// A recipient of the target tenant: `targets[i]` or `target_others[i]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Recipient {
    Target(usize),
    Other(usize),
}

/// The values Exchange Online keeps unique among recipients, or (aliases) that should be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Namespace {
    /// PrimarySmtpAddress, SMTP proxies and UPNs (a new MailUser's UPN is its primary).
    Smtp,
    /// X500 proxies and LegacyExchangeDN: Exchange refuses an x500 proxy that equals another
    /// recipient's LegacyExchangeDN as it does one that equals its proxy.
    X500,
    X400,
    Name,
    Alias,
}

impl Namespace {
    pub const ALL: [Namespace; 5] = [
        Namespace::Smtp,
        Namespace::X500,
        Namespace::X400,
        Namespace::Name,
        Namespace::Alias,
    ];

    pub fn of_proxy(kind: ProxyKind) -> Option<Namespace> {
        match kind {
            ProxyKind::Smtp => Some(Namespace::Smtp),
            ProxyKind::X500 => Some(Namespace::X500),
            ProxyKind::X400 => Some(Namespace::X400),
            _ => None,
        }
    }
}

/// The values the stamping will ask about, per namespace. Collected before the recipients are
/// looked at, so that a run indexes a few values per stamped mailbox, not every value of
/// millions of recipients (that index cost a fifth of the run's time and memory at a million).
#[derive(Debug, Default)]
pub struct Wanted {
    slots: [KeySlots; 5],
}

impl Wanted {
    pub fn add(&mut self, ns: Namespace, value: &str) {
        self.slots[ns as usize].insert(value);
    }

    fn slot(&self, ns: Namespace, value: &str) -> Option<u32> {
        self.slots[ns as usize].get(value)
    }
}

/// Each wanted value -> the recipients holding it.
#[derive(Debug, Default)]
pub struct AddressSpace {
    /// Rows below `targets` are targets; the others follow.
    targets: usize,
    wanted: Wanted,
    /// Per namespace, (slot, row), sorted: a wanted value's holders are one run of it.
    held: [Vec<(u32, u32)>; 5],
}

impl AddressSpace {
    /// Looks for the `wanted` values among every recipient's, on every core.
    pub fn new(
        targets: &[TargetRecipient],
        others: &[OtherRecipient],
        wanted: Wanted,
    ) -> AddressSpace {
        let n = targets.len();
        let hits = |row: usize, values: &mut dyn Iterator<Item = (Namespace, &str)>| {
            values
                .filter_map(|(ns, v)| Some((ns as u8, wanted.slot(ns, v)?, row as u32)))
                .collect::<Vec<_>>()
        };
        let mut found: Vec<(u8, u32, u32)> = targets
            .par_iter()
            .enumerate()
            .flat_map_iter(|(i, t)| hits(i, &mut target_values(t)))
            .chain(
                others
                    .par_iter()
                    .enumerate()
                    .flat_map_iter(|(i, o)| hits(n + i, &mut other_values(o))),
            )
            .collect();
        found.par_sort_unstable();
        found.dedup();
        let mut held: [Vec<(u32, u32)>; 5] = Default::default();
        for (ns, slot, row) in found {
            held[usize::from(ns)].push((slot, row));
        }
        AddressSpace {
            targets: n,
            wanted,
            held,
        }
    }

    /// The recipients holding `value` in `ns`, targets first. `value` must have been wanted.
    pub fn holders(&self, ns: Namespace, value: &str) -> impl Iterator<Item = Recipient> + '_ {
        let slot = self.wanted.slot(ns, value);
        debug_assert!(
            slot.is_some() || value.trim().is_empty(),
            "{ns:?} {value:?} was not among the wanted values"
        );
        let held = &self.held[ns as usize];
        let run = match slot {
            Some(s) => {
                let start = held.partition_point(|&(x, _)| x < s);
                let len = held[start..].partition_point(|&(x, _)| x == s);
                &held[start..start + len]
            }
            None => &[][..],
        };
        run.iter().map(|&(_, row)| {
            let row = row as usize;
            if row < self.targets {
                Recipient::Target(row)
            } else {
                Recipient::Other(row - self.targets)
            }
        })
    }
}

/// Every value a target-recipients object holds, by namespace.
fn target_values(t: &TargetRecipient) -> impl Iterator<Item = (Namespace, &str)> {
    [
        (Namespace::Smtp, t.primary_smtp()),
        (Namespace::Smtp, t.upn()),
        (Namespace::Name, t.name()),
        (Namespace::Alias, t.alias()),
    ]
    .into_iter()
    .chain(
        t.email_addresses()
            .filter_map(|p| Some((Namespace::of_proxy(p.kind)?, p.value))),
    )
}

/// Every value another recipient holds, by namespace: its LegacyExchangeDN is an X500 value.
fn other_values(o: &OtherRecipient) -> impl Iterator<Item = (Namespace, &str)> {
    [
        (Namespace::Smtp, o.primary_smtp()),
        (Namespace::X500, o.legacy_dn()),
        (Namespace::Name, o.name()),
        (Namespace::Alias, o.alias()),
    ]
    .into_iter()
    .chain(
        o.email_addresses()
            .filter_map(|p| Some((Namespace::of_proxy(p.kind)?, p.value))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{OtherText, TargetText};

    #[test]
    fn every_namespace_finds_the_holders_of_what_is_wanted() {
        let targets = [TargetRecipient::with_texts_and_proxies(
            &[
                (TargetText::PrimarySmtp, "lara@northwind.com"),
                (TargetText::Upn, "LaraN@northwind.onmicrosoft.com"),
                (TargetText::Name, "Lara Newton"),
                (TargetText::Alias, "LaraN"),
            ],
            &["SMTP:lara@northwind.com", "X500:/o=Northwind/cn=lara"],
        )];
        let others = [OtherRecipient::with_texts_and_proxies(
            &[
                (OtherText::PrimarySmtp, "lara.newton@contoso.com"),
                (
                    OtherText::LegacyDn,
                    "/o=ExchangeLabs/cn=Recipients/cn=abc-lara",
                ),
                (OtherText::Name, "Lara Newton (Contoso)"),
                (OtherText::Alias, "laran"),
            ],
            &[
                "SMTP:lara.newton@contoso.com",
                "X400:c=US;a= ;p=Contoso;s=Newton;",
            ],
        )];
        let asked = [
            (Namespace::Smtp, "LARA@northwind.com"),
            (Namespace::Smtp, "laran@northwind.onmicrosoft.com"),
            (Namespace::Smtp, "lara.newton@contoso.com"),
            (Namespace::X500, "/o=northwind/cn=LARA"),
            (Namespace::X500, "/o=ExchangeLabs/cn=Recipients/cn=ABC-lara"),
            (Namespace::X400, "c=us;a= ;p=contoso;s=newton;"),
            (Namespace::Name, "lara newton"),
            (Namespace::Alias, "LARAN"),
            (Namespace::X500, "/o=northwind/cn=ann"),
            (Namespace::Smtp, "/o=Northwind/cn=lara"),
        ];
        let mut wanted = Wanted::default();
        for (ns, v) in asked {
            wanted.add(ns, v);
        }
        let space = AddressSpace::new(&targets, &others, wanted);
        let find = |ns, v| space.holders(ns, v).collect::<Vec<_>>();
        use Recipient::*;
        assert_eq!(find(Namespace::Smtp, "LARA@northwind.com"), [Target(0)]);
        assert_eq!(
            find(Namespace::Smtp, "laran@northwind.onmicrosoft.com"),
            [Target(0)]
        );
        assert_eq!(find(Namespace::Smtp, "lara.newton@contoso.com"), [Other(0)]);
        assert_eq!(find(Namespace::X500, "/o=northwind/cn=LARA"), [Target(0)]);
        assert_eq!(
            find(Namespace::X500, "/o=ExchangeLabs/cn=Recipients/cn=ABC-lara"),
            [Other(0)],
            "a LegacyExchangeDN is held in the X500 namespace"
        );
        assert_eq!(
            find(Namespace::X400, "c=us;a= ;p=contoso;s=newton;"),
            [Other(0)]
        );
        assert_eq!(find(Namespace::Name, "lara newton"), [Target(0)]);
        assert_eq!(find(Namespace::Alias, "LARAN"), [Target(0), Other(0)]);
        assert!(find(Namespace::X500, "/o=northwind/cn=ann").is_empty());
        assert!(
            find(Namespace::Smtp, "/o=Northwind/cn=lara").is_empty(),
            "namespaces are apart"
        );
    }
}
