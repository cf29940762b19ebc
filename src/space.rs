//! The target tenant's address space: which recipients (the MailUsers and mailboxes of
//! target-recipients.csv, and the contacts, groups, public folders and guests of
//! --target-other-recipients) hold each SMTP address, X500/X400 proxy, Name and alias.

use crate::index::KeyIndex;
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
    pub fn of_proxy(kind: ProxyKind) -> Option<Namespace> {
        match kind {
            ProxyKind::Smtp => Some(Namespace::Smtp),
            ProxyKind::X500 => Some(Namespace::X500),
            ProxyKind::X400 => Some(Namespace::X400),
            _ => None,
        }
    }
}

/// Value -> the recipients holding it, one index per namespace.
#[derive(Debug)]
pub struct AddressSpace<'a> {
    /// Rows below `targets` are targets; the others follow.
    targets: usize,
    smtp: KeyIndex<'a>,
    x500: KeyIndex<'a>,
    x400: KeyIndex<'a>,
    names: KeyIndex<'a>,
    aliases: KeyIndex<'a>,
    /// The ExternalEmailAddress of the other recipients (a contact's or a guest's): not held
    /// in any namespace, but it tells whom a GAL-sync contact stands for.
    externals: KeyIndex<'a>,
}

impl<'a> AddressSpace<'a> {
    pub fn new(targets: &'a [TargetRecipient], others: &'a [OtherRecipient]) -> AddressSpace<'a> {
        let n = targets.len() + others.len();
        let proxies = |kind: ProxyKind| {
            let mut ix = KeyIndex::with_capacity(if kind == ProxyKind::Smtp { 3 * n } else { 0 });
            for (i, t) in targets.iter().enumerate() {
                if kind == ProxyKind::Smtp {
                    ix.add(t.primary_smtp(), i);
                    ix.add(t.upn(), i);
                }
                for p in t.email_addresses().filter(|p| p.kind == kind) {
                    ix.add(p.value, i);
                }
            }
            for (i, o) in others.iter().enumerate() {
                let row = targets.len() + i;
                match kind {
                    ProxyKind::Smtp => ix.add(o.primary_smtp(), row),
                    ProxyKind::X500 => ix.add(o.legacy_dn(), row),
                    _ => {}
                }
                for p in o.email_addresses().filter(|p| p.kind == kind) {
                    ix.add(p.value, row);
                }
            }
            ix
        };
        let texts = |target: fn(&'a TargetRecipient) -> &'a str,
                     other: fn(&'a OtherRecipient) -> &'a str| {
            let mut ix = KeyIndex::with_capacity(n);
            for (i, t) in targets.iter().enumerate() {
                ix.add(target(t), i);
            }
            for (i, o) in others.iter().enumerate() {
                ix.add(other(o), targets.len() + i);
            }
            ix
        };
        let externals = || {
            let mut ix = KeyIndex::with_capacity(others.len());
            for (i, o) in others.iter().enumerate() {
                ix.add(o.external_email_address(), targets.len() + i);
            }
            ix
        };
        let (((smtp, x500), externals), (x400, (names, aliases))) = rayon::join(
            || {
                rayon::join(
                    || rayon::join(|| proxies(ProxyKind::Smtp), || proxies(ProxyKind::X500)),
                    externals,
                )
            },
            || {
                rayon::join(
                    || proxies(ProxyKind::X400),
                    || {
                        rayon::join(
                            || texts(TargetRecipient::name, OtherRecipient::name),
                            || texts(TargetRecipient::alias, OtherRecipient::alias),
                        )
                    },
                )
            },
        );
        AddressSpace {
            targets: targets.len(),
            smtp,
            x500,
            x400,
            names,
            aliases,
            externals,
        }
    }

    /// The recipients holding `value` in `ns`, in index order (targets first).
    pub fn holders(&self, ns: Namespace, value: &str) -> impl Iterator<Item = Recipient> + '_ {
        let ix = match ns {
            Namespace::Smtp => &self.smtp,
            Namespace::X500 => &self.x500,
            Namespace::X400 => &self.x400,
            Namespace::Name => &self.names,
            Namespace::Alias => &self.aliases,
        };
        self.rows(ix, value)
    }

    /// The other recipients whose ExternalEmailAddress is `address`.
    pub fn external_holders(&self, address: &str) -> impl Iterator<Item = Recipient> + '_ {
        self.rows(&self.externals, address)
    }

    fn rows<'s>(
        &'s self,
        ix: &'s KeyIndex<'a>,
        value: &str,
    ) -> impl Iterator<Item = Recipient> + 's {
        ix.get(value).iter().map(|&row| {
            let row = row as usize;
            if row < self.targets {
                Recipient::Target(row)
            } else {
                Recipient::Other(row - self.targets)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{OtherText, TargetText};

    #[test]
    fn every_namespace_finds_its_holders() {
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
        let space = AddressSpace::new(&targets, &others);
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
