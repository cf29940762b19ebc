//! The address policy: which addresses xtenant will give a target object it creates (XT101) or
//! completes (XT212). Rules check these for collisions (XT214); stamping writes them.

use crate::index::FastSet;
use crate::input::values::{ProxyKind, ProxySet, ascii_fold, local_part};
use crate::model::{SourceMailbox, TargetRecipient};
use crate::rules::Domains;

/// `{first}.{last}@northwindtraders.com`: the address (and UPN) of new MailUsers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressTemplate {
    local: String,
    domain: String,
}

const PLACEHOLDERS: [&str; 4] = ["{local}", "{alias}", "{first}", "{last}"];

impl AddressTemplate {
    pub fn parse(text: &str) -> Result<AddressTemplate, String> {
        let (local, domain) = text
            .trim()
            .rsplit_once('@')
            .ok_or("expected <local part>@<domain>")?;
        let domain =
            crate::input::values::domain_name(domain).ok_or("the part after @ is not a domain")?;
        let mut rest = local.to_string();
        for p in PLACEHOLDERS {
            rest = rest.replace(p, "");
        }
        if let Some(bad) = rest.find(['{', '}']) {
            return Err(format!(
                "unknown placeholder at {:?}; use {}",
                &rest[bad..],
                PLACEHOLDERS.join(" ")
            ));
        }
        if local.is_empty() || !local.contains('{') {
            return Err(
                "the local part needs a placeholder, or every user gets the same address".into(),
            );
        }
        Ok(AddressTemplate {
            local: local.to_string(),
            domain,
        })
    }

    /// The address for `source`, or `None` when a value it needs is empty (then the default
    /// policy applies). Names are folded to ASCII: `Müller` -> `muller`.
    pub fn render(&self, source: &SourceMailbox) -> Option<String> {
        let mut local = self.local.clone();
        for (p, value) in [
            ("{local}", local_part(source.primary_smtp()).to_string()),
            ("{alias}", source.alias().to_string()),
            ("{first}", ascii_fold(source.first_name())),
            ("{last}", ascii_fold(source.last_name())),
        ] {
            if local.contains(p) {
                if value.is_empty() {
                    return None;
                }
                local = local.replace(p, &value);
            }
        }
        Some(format!("{local}@{}", self.domain))
    }
}

/// Addresses xtenant plans to stamp on one source mailbox's target.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Planned {
    /// PrimarySmtpAddress and UPN of a new MailUser.
    pub primary: Option<String>,
    /// Name and Alias of a new MailUser (with `primary`).
    pub name: Option<String>,
    pub alias: Option<String>,
    /// The PrimarySmtpAddress that replaces an existing target's unusable one
    /// (`primary_must_change`).
    pub replaced_primary: Option<String>,
    /// `<alias>@<TargetDeliveryDomain>`, which MRS needs to stamp the source's new targetAddress.
    pub delivery_proxy: Option<String>,
}

impl Planned {
    /// Every SMTP address stamping adds to the target.
    pub fn addresses(&self) -> impl Iterator<Item = &str> {
        self.primary
            .iter()
            .chain(&self.replaced_primary)
            .chain(&self.delivery_proxy)
            .map(String::as_str)
    }
}

/// The addresses planned for `source`, whose match is `target` (`None`: a new MailUser).
/// `creates` is false when no object will be created (an ambiguous or unresolved match).
pub fn planned(
    source: &SourceMailbox,
    target: Option<&TargetRecipient>,
    creates: bool,
    domains: &Domains,
    template: Option<&AddressTemplate>,
) -> Planned {
    match target {
        None if creates => {
            let primary = template.and_then(|t| t.render(source)).or_else(|| {
                domains
                    .primary
                    .as_ref()
                    .map(|d| format!("{}@{d}", new_local_part(source)))
            });
            Planned {
                name: primary.as_ref().map(|_| new_name(source)),
                alias: primary.as_ref().map(|_| new_alias(source)),
                primary,
                replaced_primary: None,
                delivery_proxy: new_delivery_proxy(source, None, domains),
            }
        }
        None => Planned::default(),
        Some(t) => Planned {
            primary: None,
            name: None,
            alias: None,
            replaced_primary: if primary_must_change(t, domains) {
                domains
                    .primary
                    .as_ref()
                    .map(|d| format!("{}@{d}", new_local_part(source)))
            } else {
                None
            },
            delivery_proxy: match &domains.delivery {
                Some(d) if !has_delivery_proxy(t, d) => {
                    new_delivery_proxy(source, Some(t), domains)
                }
                _ => None,
            },
        },
    }
}

/// The X500 and X400 proxies stamping carries from the source, as (prefix, value):
/// `x500:<LegacyExchangeDN>`, then every X500 and X400 in export order, values byte-exact,
/// repeats that differ only in ASCII case dropped.
pub fn source_proxies(source: &SourceMailbox) -> Vec<(&'static str, &str)> {
    let legacy = (!source.legacy_dn().is_empty()).then(|| ("x500", source.legacy_dn()));
    let carried = source.email_addresses().filter_map(|p| match p.kind {
        ProxyKind::X500 => Some(("X500", p.value)),
        ProxyKind::X400 => Some(("X400", p.value)),
        _ => None,
    });
    let mut out: Vec<(&'static str, &str)> = legacy.into_iter().chain(carried).collect();
    // A scan for the usual handful; a set for a hostile list of thousands, which a scan
    // would make quadratic.
    if out.len() <= 32 {
        let mut kept = 0;
        for i in 0..out.len() {
            let (prefix, value) = out[i];
            if !out[..kept]
                .iter()
                .any(|(p, v)| p.eq_ignore_ascii_case(prefix) && v.eq_ignore_ascii_case(value))
            {
                out[kept] = (prefix, value);
                kept += 1;
            }
        }
        out.truncate(kept);
    } else {
        let mut seen = FastSet::default();
        out.retain(|&(prefix, value)| {
            seen.insert((carried_kind(prefix), value.to_ascii_lowercase()))
        });
    }
    out
}

/// The kind of a proxy prefix `source_proxies` gives.
pub fn carried_kind(prefix: &str) -> ProxyKind {
    if prefix.eq_ignore_ascii_case("X400") {
        ProxyKind::X400
    } else {
        ProxyKind::X500
    }
}

/// The source proxies stamping adds to `target` (all of them to a new MailUser): those it
/// does not hold yet.
pub fn proxies_to_add<'s>(
    source: &'s SourceMailbox,
    target: Option<&TargetRecipient>,
) -> Vec<(&'static str, &'s str)> {
    let mut proxies = source_proxies(source);
    if let Some(t) = target {
        let has = ProxySet::new(t.email_addresses());
        proxies.retain(|&(prefix, value)| !has.contains(carried_kind(prefix), value));
    }
    proxies
}

/// `<alias>@<TargetDeliveryDomain>`, the proxy stamping gives a target without one: the
/// target's alias, else the new MailUser's.
fn new_delivery_proxy(
    source: &SourceMailbox,
    target: Option<&TargetRecipient>,
    domains: &Domains,
) -> Option<String> {
    let d = domains.delivery.as_ref()?;
    let alias = match target.map(TargetRecipient::alias) {
        Some(a) if !a.is_empty() => a.to_string(),
        _ => new_alias(source),
    };
    Some(format!("{alias}@{d}"))
}

/// Whether stamping replaces the target's PrimarySmtpAddress: it is empty, in a domain the
/// target does not accept (XT208), or the same address as its ExternalEmailAddress (XT209).
/// Without accepted domains every domain counts as accepted (XT208 cannot run).
pub fn primary_must_change(t: &TargetRecipient, domains: &Domains) -> bool {
    let primary = t.primary_smtp();
    let accepted = domains.accepted.is_empty()
        || crate::input::values::domain_of(primary).is_some_and(|d| domains.accepts(&d));
    primary.is_empty() || !accepted || primary.eq_ignore_ascii_case(t.external_email_address())
}

/// The PrimarySmtpAddress the target of `source` has once every stamping change of the plan is
/// applied, in the cloud or on-premises (then synchronised): the address its migration batch
/// names. `target` is its match (`None`: the MailUser stamping creates, named by `planned`).
/// `None` when stamping cannot name one: no target and no domain to create it in, or a target
/// whose primary must change and no primary domain to change it to (XT107).
pub fn primary_after_stamping(
    target: Option<&TargetRecipient>,
    planned: &Planned,
    domains: &Domains,
) -> Option<String> {
    match target {
        None => planned.primary.clone(),
        Some(t) if primary_must_change(t, domains) => planned.replaced_primary.clone(),
        Some(t) => Some(t.primary_smtp().to_string()),
    }
}

/// The target's SMTP address in the TargetDeliveryDomain once stamped: its own, else the one
/// stamping adds (XT212). MRS matches it when it converts the source mailbox, and stamps it as
/// the source object's new routing address.
pub fn delivery_address(
    source: &SourceMailbox,
    target: Option<&TargetRecipient>,
    domains: &Domains,
) -> Option<String> {
    let delivery = domains.delivery.as_deref()?;
    target
        .and_then(|t| {
            t.email_addresses()
                .find(|p| p.kind == ProxyKind::Smtp && in_domain(p.value, delivery))
                .map(|p| p.value.to_string())
        })
        .or_else(|| new_delivery_proxy(source, target, domains))
}

fn in_domain(address: &str, domain: &str) -> bool {
    address
        .rsplit_once('@')
        .is_some_and(|(_, d)| d.eq_ignore_ascii_case(domain))
}

/// Whether the target has an SMTP proxy in the delivery domain.
pub fn has_delivery_proxy(t: &TargetRecipient, delivery: &str) -> bool {
    t.email_addresses()
        .any(|p| p.kind == ProxyKind::Smtp && in_domain(p.value, delivery))
}

/// The local part of a new target's primary address: the source's primary local part.
pub fn new_local_part(source: &SourceMailbox) -> String {
    let local = local_part(source.primary_smtp());
    if local.is_empty() {
        new_alias(source)
    } else {
        local.to_string()
    }
}

/// The Name of a new target: the source's Name, else its display name, else the new alias.
pub fn new_name(source: &SourceMailbox) -> String {
    [source.name(), source.display_name()]
        .into_iter()
        .find(|n| !n.is_empty())
        .map_or_else(|| new_alias(source), str::to_string)
}

/// The alias of a new target: the source's alias, else its primary local part.
pub fn new_alias(source: &SourceMailbox) -> String {
    if source.alias().is_empty() {
        local_part(source.primary_smtp()).to_string()
    } else {
        source.alias().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SourceText;

    fn source(first: &str, last: &str) -> SourceMailbox {
        SourceMailbox::with_texts(&[
            (SourceText::PrimarySmtp, "lara.newton@contoso.com"),
            (SourceText::Alias, "LaraN"),
            (SourceText::FirstName, first),
            (SourceText::LastName, last),
        ])
    }

    #[test]
    fn templates_fill_placeholders_and_fold_names() {
        let t = AddressTemplate::parse("{first}.{last}@NorthwindTraders.com").unwrap();
        assert_eq!(
            t.render(&source("Zoë", "Müller")).as_deref(),
            Some("zoe.muller@northwindtraders.com")
        );
        assert_eq!(
            t.render(&source("", "Müller")),
            None,
            "a missing name falls back to the default policy"
        );
        let t = AddressTemplate::parse("{alias}@northwindtraders.com").unwrap();
        assert_eq!(
            t.render(&source("", "")).as_deref(),
            Some("LaraN@northwindtraders.com")
        );
    }

    #[test]
    fn bad_templates_are_refused() {
        for (t, why) in [
            ("first.last@northwindtraders.com", "needs a placeholder"),
            ("{given}@northwindtraders.com", "unknown placeholder"),
            ("{first}", "expected <local part>@<domain>"),
            ("{first}@", "not a domain"),
        ] {
            let e = AddressTemplate::parse(t).unwrap_err();
            assert!(e.contains(why), "{t}: {e}");
        }
    }
}
