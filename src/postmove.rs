//! After the move: what a cross-tenant move does not carry, in target terms. Send-As (a
//! directory permission), send-on-behalf (publicDelegates) and the FullAccess between mailboxes
//! the plan puts in different batches, and the source's on-premises routing address.

use rayon::prelude::*;

use crate::identity;
use crate::plan::{EdgeKind, Graph, Plan};
use crate::report::Report;
use crate::rules::Context;

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

/// One row of stamping/permissions.csv: `trustee` holds `kind` on `mailbox` (a source mailbox
/// that moves), and the move will not keep it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    pub kind: EdgeKind,
    pub mailbox: usize,
    pub trustee: Trustee,
    pub status: GrantStatus,
}

impl Grant {
    /// The wave after which the grant can be made, as an index into `Plan::waves`: `None` for
    /// Send-As, which can be granted as soon as both MailUsers are stamped (Add-RecipientPermission
    /// takes mail users on both sides); the mailbox's wave for send-on-behalf (Set-Mailbox needs a
    /// mailbox, the delegate may still be a mail user); the later of the two waves for FullAccess
    /// (Add-MailboxPermission needs the mailbox, and the holder is of no use before its own move).
    pub fn after_wave(&self, plan: &Plan) -> Option<usize> {
        let wave = |i: usize| plan.placement[i].map(|(w, _)| w);
        match (self.kind, self.trustee) {
            (EdgeKind::SendAs, _) => None,
            (EdgeKind::SendOnBehalf, _) | (EdgeKind::FullAccess, Trustee::Unresolved(_)) => {
                wave(self.mailbox)
            }
            (EdgeKind::FullAccess, Trustee::Mailbox(t)) => wave(self.mailbox).max(wave(t)),
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
        Some(Grant {
            kind: e.kind,
            mailbox: e.mailbox,
            trustee: Trustee::Mailbox(e.trustee),
            status,
        })
    });
    let unresolved = graph
        .unresolved
        .par_iter()
        .enumerate()
        .filter_map(|(u, row)| {
            let mailbox = row.mailbox.filter(|&m| moves(m))?;
            Some(Grant {
                kind: row.kind,
                mailbox,
                trustee: Trustee::Unresolved(u),
                status: if row.is_ambiguous() {
                    GrantStatus::TrusteeAmbiguous
                } else {
                    GrantStatus::TrusteeUnresolved
                },
            })
        });
    let mut out: Vec<Grant> = edges.chain(unresolved).collect();
    let rank = cx.source_rank();
    let holder = |g: &Grant| match g.trustee {
        Trustee::Mailbox(t) => (0, rank[t], ""),
        Trustee::Unresolved(u) => (1, 0, graph.unresolved[u].trustee_text.as_str()),
    };
    out.par_sort_unstable_by(|a, b| {
        (rank[a.mailbox], a.kind)
            .cmp(&(rank[b.mailbox], b.kind))
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
pub struct Routing {
    pub source: usize,
    /// The target's SMTP address in the TargetDeliveryDomain (MRS stamps the same address as
    /// the cloud source object's ExternalEmailAddress); empty when no delivery domain is known.
    pub address: String,
    /// The target object's identity in its on-premises AD (its UPN), when it is dir-synced.
    pub onprem_target: Option<String>,
}

/// The routing address of every mailbox the plan moves, in output order.
pub fn routing(cx: &Context<'_>, plan: &Plan, report: &Report<'_>) -> Vec<Routing> {
    report
        .order
        .par_iter()
        .filter(|&&i| plan.placement[i].is_some())
        .map(|&i| {
            let target = cx.joined.matches[i].target.map(|t| &cx.inputs.targets[t]);
            Routing {
                source: i,
                address: identity::delivery_address(target, &cx.planned[i], &cx.domains)
                    .unwrap_or_default(),
                onprem_target: target
                    .filter(|t| t.is_dir_synced == Some(true))
                    .map(|t| crate::stamp::stable_identity(t).to_string()),
            }
        })
        .collect()
}
