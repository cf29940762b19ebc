//! After the move: what a cross-tenant move does not carry, in target terms. Send-As (a
//! directory permission), send-on-behalf (publicDelegates) and the FullAccess between mailboxes
//! the plan puts in different batches, and the source's on-premises routing address.

use rayon::prelude::*;

use crate::identity;
use crate::join::Joined;
use crate::model::Inputs;
use crate::rules::{Context, Domains};
use crate::waves::{EdgeKind, Graph, Plan};

/// Whether a grant can be made again in the target, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum GrantStatus {
    /// Both sides move: grant it in the target (scripts/Restore-Permissions.ps1).
    Restamp,
    /// The holder is Blocked and stays in the source tenant.
    TrusteeNotMigrating,
    /// The holder's identity matches several source mailboxes.
    TrusteeAmbiguous,
    /// The holder is not a source mailbox (a group, a user without a mailbox, a deleted account).
    TrusteeUnresolved,
}

impl GrantStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            GrantStatus::Restamp => "Restamp",
            GrantStatus::TrusteeNotMigrating => "TrusteeNotMigrating",
            GrantStatus::TrusteeAmbiguous => "TrusteeAmbiguous",
            GrantStatus::TrusteeUnresolved => "TrusteeUnresolved",
        }
    }
}

/// Who holds a permission: a source mailbox, or an identity that is not one (an index into
/// `Graph::unresolved`, whose text the export wrote).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trustee {
    Mailbox(usize),
    Unresolved(usize),
}

/// One row of stamping/permissions.csv: the trustee holds `kind` on the mailbox (a source
/// mailbox that moves), and the move will not keep it. Twelve bytes: the stress shape has
/// millions of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    mailbox: u32,
    /// A source mailbox, or an index into `Graph::unresolved` when `unresolved`.
    trustee: u32,
    unresolved: bool,
    pub kind: EdgeKind,
    pub status: GrantStatus,
}

impl Grant {
    fn new(kind: EdgeKind, mailbox: usize, trustee: Trustee, status: GrantStatus) -> Grant {
        let (trustee, unresolved) = match trustee {
            Trustee::Mailbox(t) => (t, false),
            Trustee::Unresolved(u) => (u, true),
        };
        let index = |i: usize| u32::try_from(i).expect("fewer than 4 billion rows");
        Grant {
            mailbox: index(mailbox),
            trustee: index(trustee),
            unresolved,
            kind,
            status,
        }
    }

    pub fn mailbox(&self) -> usize {
        self.mailbox as usize
    }

    pub fn trustee(&self) -> Trustee {
        if self.unresolved {
            Trustee::Unresolved(self.trustee as usize)
        } else {
            Trustee::Mailbox(self.trustee as usize)
        }
    }

    /// The wave after which the grant can be made, as an index into `Plan::waves`: `None` for
    /// Send-As, which can be granted as soon as both MailUsers are stamped (Add-RecipientPermission
    /// takes mail users on both sides); the mailbox's wave for send-on-behalf (Set-Mailbox needs a
    /// mailbox, the delegate may still be a mail user); the later of the two waves for FullAccess
    /// (Add-MailboxPermission needs the mailbox, and the holder is of no use before its own move).
    pub fn after_wave(&self, plan: &Plan) -> Option<usize> {
        let wave = |i: usize| plan.placement[i].map(|(w, _)| w);
        match (self.kind, self.trustee()) {
            (EdgeKind::SendAs, _) => None,
            (EdgeKind::SendOnBehalf, _) | (EdgeKind::FullAccess, Trustee::Unresolved(_)) => {
                wave(self.mailbox())
            }
            (EdgeKind::FullAccess, Trustee::Mailbox(t)) => wave(self.mailbox()).max(wave(t)),
        }
    }
}

/// Every permission of a migrating mailbox that the move does not carry: all its Send-As and
/// send-on-behalf grants, and FullAccess where the holder moves in another batch or not at all
/// (FullAccess moves with the mailbox only when both are in the same batch). Sorted by the
/// mailbox's output order, then permission, then holder.
pub fn grants(cx: &Context<'_>, graph: &Graph, plan: &Plan) -> Vec<Grant> {
    let placement = &plan.placement;
    let moves = |i: usize| placement[i].is_some();
    let edges = graph.edges.par_iter().filter_map(|e| {
        if !moves(e.mailbox) {
            return None;
        }
        let status = match (e.kind, placement[e.trustee]) {
            (_, None) => GrantStatus::TrusteeNotMigrating,
            (EdgeKind::FullAccess, t) if t == placement[e.mailbox] => return None,
            _ => GrantStatus::Restamp,
        };
        Some(Grant::new(
            e.kind,
            e.mailbox,
            Trustee::Mailbox(e.trustee),
            status,
        ))
    });
    let unresolved = graph
        .unresolved
        .par_iter()
        .enumerate()
        .filter_map(|(u, row)| {
            let mailbox = row.mailbox.filter(|&m| moves(m))?;
            let status = if row.is_ambiguous() {
                GrantStatus::TrusteeAmbiguous
            } else {
                GrantStatus::TrusteeUnresolved
            };
            Some(Grant::new(
                row.kind,
                mailbox,
                Trustee::Unresolved(u),
                status,
            ))
        });
    let mut out: Vec<Grant> = edges.chain(unresolved).collect();
    let rank = cx.source_rank();
    let holder = |g: &Grant| match g.trustee() {
        Trustee::Mailbox(t) => (0, rank[t], ""),
        Trustee::Unresolved(u) => (1, 0, graph.unresolved[u].trustee_text.as_str()),
    };
    out.par_sort_unstable_by(|a, b| {
        (rank[a.mailbox()], a.kind)
            .cmp(&(rank[b.mailbox()], b.kind))
            .then_with(|| holder(a).cmp(&holder(b)))
            .then(a.status.cmp(&b.status))
    });
    out
}

/// One row of stamping/routing.csv: where the on-premises objects must route once the mailbox
/// has moved. Microsoft's article updates the on-premises mail users "in both the source and
/// target": a hybrid source's RemoteMailbox, and a dir-synced target's AD user, whose
/// targetAddress still points at the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routing<'a> {
    /// The target's SMTP address in the TargetDeliveryDomain (MRS stamps the same address as
    /// the cloud source object's ExternalEmailAddress); `None` when no delivery domain is known.
    pub address: Option<String>,
    /// The target object's identity in its on-premises AD (its UPN), when it is dir-synced.
    pub onprem_target: Option<&'a str>,
}

/// The routing of source mailbox `i`, made as its row is written: a million addresses are not
/// held for the writer.
pub fn routing<'a>(
    inputs: &'a Inputs,
    joined: &Joined,
    domains: &Domains,
    i: usize,
) -> Routing<'a> {
    let target = joined.matches[i].target.map(|t| &inputs.targets[t]);
    Routing {
        address: identity::delivery_address(&inputs.sources[i], target, domains),
        onprem_target: target
            .filter(|t| t.is_dir_synced == Some(true))
            .map(crate::stamp::stable_identity),
    }
}

/// How many planned mailboxes have a dir-synced target (Update-TargetRouting.ps1's rows).
pub fn onprem_targets(inputs: &Inputs, joined: &Joined, plan: &Plan) -> usize {
    (0..inputs.sources.len())
        .filter(|&i| plan.placement[i].is_some())
        .filter(|&i| {
            joined.matches[i]
                .target
                .is_some_and(|t| inputs.targets[t].is_dir_synced == Some(true))
        })
        .count()
}
