//! The address policy: which addresses xtenant will give a target object it creates (XT101) or
//! completes (XT212). Rules check these for collisions (XT214); stamping writes them.

use crate::input::values::{ProxyKind, local_part};
use crate::model::{SourceMailbox, TargetRecipient};
use crate::rules::Domains;

/// Addresses xtenant plans to stamp on one source mailbox's target.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Planned {
    /// PrimarySmtpAddress and UPN of a new MailUser.
    pub primary: Option<String>,
    /// `<alias>@<TargetDeliveryDomain>`, which MRS needs to stamp the source's new targetAddress.
    pub delivery_proxy: Option<String>,
}

impl Planned {
    pub fn addresses(&self) -> impl Iterator<Item = &str> {
        self.primary
            .iter()
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
) -> Planned {
    match target {
        None if creates => Planned {
            primary: domains
                .primary
                .as_ref()
                .map(|d| format!("{}@{d}", new_local_part(source))),
            delivery_proxy: domains
                .delivery
                .as_ref()
                .map(|d| format!("{}@{d}", new_alias(source))),
        },
        None => Planned::default(),
        Some(t) => {
            let Some(d) = &domains.delivery else {
                return Planned::default();
            };
            if has_delivery_proxy(t, d) {
                return Planned::default();
            }
            let alias = if t.alias.is_empty() {
                new_alias(source)
            } else {
                t.alias.clone()
            };
            Planned {
                primary: None,
                delivery_proxy: Some(format!("{alias}@{d}")),
            }
        }
    }
}

/// Whether the target has an SMTP proxy in the delivery domain.
pub fn has_delivery_proxy(t: &TargetRecipient, delivery: &str) -> bool {
    t.email_addresses.iter().any(|p| {
        p.kind == ProxyKind::Smtp
            && p.value
                .rsplit_once('@')
                .is_some_and(|(_, d)| d.eq_ignore_ascii_case(delivery))
    })
}

/// The local part of a new target's primary address: the source's primary local part.
pub fn new_local_part(source: &SourceMailbox) -> String {
    let local = local_part(&source.primary_smtp);
    if local.is_empty() {
        new_alias(source)
    } else {
        local.to_string()
    }
}

/// The alias of a new target: the source's alias, else its primary local part.
pub fn new_alias(source: &SourceMailbox) -> String {
    if source.alias.is_empty() {
        local_part(&source.primary_smtp).to_string()
    } else {
        source.alias.clone()
    }
}
