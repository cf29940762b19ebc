//! The permission graph between source mailboxes: who holds FullAccess, SendAs or SendOnBehalf
//! on whom, with the grants that name no source mailbox listed beside it, never dropped.

use rayon::prelude::*;

use crate::model::PermissionRow;
use crate::resolve::{Resolved, Resolver};
use crate::rules::Context;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EdgeKind {
    FullAccess,
    SendAs,
    SendOnBehalf,
}

impl EdgeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::FullAccess => "FullAccess",
            EdgeKind::SendAs => "SendAs",
            EdgeKind::SendOnBehalf => "SendOnBehalf",
        }
    }
}

/// The permissions one holder has on one mailbox, a set of [`EdgeKind`]s: a broken link between
/// two mailboxes is reported once, whatever it grants (a shared mailbox's delegates usually hold
/// FullAccess and SendAs both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Kinds(u8);

impl Kinds {
    pub fn with(self, kind: EdgeKind) -> Kinds {
        Kinds(self.0 | 1 << kind as u8)
    }

    /// The names in [`EdgeKind`] order, joined with ", ".
    pub fn as_str(self) -> &'static str {
        const NAMES: [&str; 8] = [
            "",
            "FullAccess",
            "SendAs",
            "FullAccess, SendAs",
            "SendOnBehalf",
            "FullAccess, SendOnBehalf",
            "SendAs, SendOnBehalf",
            "FullAccess, SendAs, SendOnBehalf",
        ];
        NAMES[usize::from(self.0 & 7)]
    }
}

/// `trustee` holds `kind` on `mailbox` (both source mailbox indices).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Edge {
    pub mailbox: usize,
    pub trustee: usize,
    pub kind: EdgeKind,
}

/// A permission whose mailbox or trustee is not a source mailbox (a group, a user without a
/// mailbox, a typo): listed, never dropped.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unresolved {
    /// The mailbox side when it resolved.
    pub mailbox: Option<usize>,
    pub mailbox_text: String,
    pub trustee_text: String,
    pub kind: EdgeKind,
    pub why: &'static str,
}

impl Unresolved {
    const AMBIGUOUS: &str = "ambiguous";

    /// The identity matched several source mailboxes (rather than none).
    pub fn is_ambiguous(&self) -> bool {
        self.why == Unresolved::AMBIGUOUS
    }
}

#[derive(Debug, Default)]
pub struct Graph {
    pub edges: Vec<Edge>,
    pub unresolved: Vec<Unresolved>,
}

/// The permission exports' rows, taken out of the inputs so that they can be freed as soon as
/// the graph is built.
#[derive(Debug, Default)]
pub struct Grants {
    /// FullAccess (Get-EXOMailboxPermission).
    pub mailbox: Vec<PermissionRow>,
    /// SendAs (Get-EXORecipientPermission).
    pub recipient: Vec<PermissionRow>,
}

impl Grants {
    pub fn take(inputs: &mut crate::model::Inputs) -> Grants {
        Grants {
            mailbox: inputs.mailbox_permissions.take().unwrap_or_default(),
            recipient: inputs.recipient_permissions.take().unwrap_or_default(),
        }
    }
}

/// Builds the graph from FullAccess (Get-EXOMailboxPermission), SendAs
/// (Get-EXORecipientPermission) and GrantSendOnBehalfTo.
pub(super) fn graph<'a>(cx: &Context<'a>, grants: &'a Grants) -> Graph {
    let inputs = cx.inputs;
    let (full_access, send_as) = (&grants.mailbox, &grants.recipient);
    let full_access = || {
        full_access
            .par_iter()
            .filter(|p| counts(p) && p.full_access)
    };
    let send_as = || send_as.par_iter().filter(|p| counts(p) && p.send_as);
    // Every identity resolved below: the two sides of each grant, and each mailbox that has
    // delegates with its delegates.
    let named: Vec<&str> = full_access()
        .chain(send_as())
        .flat_map_iter(|p| [p.identity(), p.trustee()])
        .chain(inputs.sources.par_iter().flat_map_iter(|s| {
            let mut delegates = s.grant_send_on_behalf_to().peekable();
            let label = delegates.peek().is_some().then(|| s.label());
            label.into_iter().chain(delegates)
        }))
        .collect();
    let resolver = Resolver::new(&inputs.sources, named);
    // Resolving is the costly part (millions of lookups on big tenants) and each grant's is its
    // own, so it runs on every core; both lists are sorted below, so arrival order is moot.
    // An export lists a mailbox's grants one after another: each task remembers the last
    // mailbox it resolved.
    let resolve = |last: &mut Option<(&'a str, Resolved)>, mailbox: &'a str, trustee, kind| {
        let m = match last.take() {
            Some((id, m)) if id == mailbox => m,
            _ => resolver.resolve(mailbox),
        };
        let m = last.insert((mailbox, m)).1.clone();
        grant(m, resolver.resolve(trustee), mailbox, trustee, kind)
    };
    let send_on_behalf = inputs.sources.par_iter().flat_map_iter(|s| {
        s.grant_send_on_behalf_to()
            .scan(None, move |last, d| {
                Some(resolve(last, s.label(), d, EdgeKind::SendOnBehalf))
            })
            .flatten()
    });
    let (mut edges, mut unresolved): (Vec<Edge>, Vec<Unresolved>) = full_access()
        .map_init(
            || None,
            |last, p| resolve(last, p.identity(), p.trustee(), EdgeKind::FullAccess),
        )
        .flatten()
        .chain(
            send_as()
                .map_init(
                    || None,
                    |last, p| resolve(last, p.identity(), p.trustee(), EdgeKind::SendAs),
                )
                .flatten(),
        )
        .chain(send_on_behalf)
        .partition_map(|e| e);
    edges.par_sort_unstable();
    edges.dedup();
    unresolved.par_sort();
    unresolved.dedup();
    Graph { edges, unresolved }
}

/// The edge, or the unresolved permission, a grant makes once both sides are resolved; `None`
/// for a mailbox's rights on itself.
fn grant(
    m: Resolved,
    t: Resolved,
    mailbox: &str,
    trustee: &str,
    kind: EdgeKind,
) -> Option<rayon::iter::Either<Edge, Unresolved>> {
    use rayon::iter::Either;
    match (m, t) {
        (Resolved::One(m), Resolved::One(t)) if m != t => Some(Either::Left(Edge {
            mailbox: m,
            trustee: t,
            kind,
        })),
        (Resolved::One(_), Resolved::One(_)) => None,
        (m, t) => {
            let why = |r: &Resolved| match r {
                Resolved::Ambiguous(_) => Unresolved::AMBIGUOUS,
                _ => "not a source mailbox",
            };
            let (mailbox_idx, why) = match (&m, &t) {
                (Resolved::One(i), other) => (Some(*i), why(other)),
                (other, _) => (None, why(other)),
            };
            Some(Either::Right(Unresolved {
                mailbox: mailbox_idx,
                mailbox_text: mailbox.to_string(),
                trustee_text: trustee.to_string(),
                kind,
                why,
            }))
        }
    }
}

/// Explicit grants between people: not the mailbox's own SELF entry, not inherited (admin
/// groups), not Deny, not well-known system principals.
fn counts(p: &PermissionRow) -> bool {
    let t = p.trustee().trim();
    let system = t
        .get(..13)
        .is_some_and(|h| h.eq_ignore_ascii_case("NT AUTHORITY\\"))
        || t.get(..6).is_some_and(|h| h.eq_ignore_ascii_case("S-1-5-"));
    !p.inherited && !p.deny && !system && !t.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_named_in_one_order() {
        let k = Kinds::default()
            .with(EdgeKind::SendOnBehalf)
            .with(EdgeKind::FullAccess);
        assert_eq!(k.as_str(), "FullAccess, SendOnBehalf");
        assert_eq!(Kinds::default().with(EdgeKind::SendAs).as_str(), "SendAs");
    }
}
