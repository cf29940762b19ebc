//! The permission links a plan breaks (split across batches, or to a mailbox that stays behind)
//! and the planner's findings on the graph: XT501-XT504.

use rayon::prelude::*;
use std::borrow::Cow;

use super::clusters::Neighbours;
use super::graph::{EdgeKind, Graph, Kinds, Unresolved};
use crate::model::SourceMailbox;
use crate::rules::{Context, Finding, Severity, Status};

/// One side of a broken permission: a source mailbox, or the text of an identity that did not
/// resolve to one.
#[derive(Debug, Clone, Copy)]
pub enum Side<'g> {
    Mailbox(usize),
    Unresolved(&'g str),
}

/// Why a permission stops working across the move.
#[derive(Debug, Clone, Copy)]
pub enum Problem<'g> {
    /// Both sides move, in different batches (XT501).
    Split,
    /// The holder is Blocked and stays behind (XT503).
    TrusteeBlocked,
    /// The mailbox is Blocked and stays behind (XT503).
    MailboxBlocked,
    /// The holder is not a source mailbox: a group, a user without a mailbox... (XT503).
    Unresolved(&'g Unresolved),
}

impl Problem<'_> {
    pub fn code(self) -> &'static str {
        match self {
            Problem::Split => "XT501",
            _ => "XT503",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Problem::Split => "in different batches",
            Problem::TrusteeBlocked => "the holder is Blocked and will not move",
            Problem::MailboxBlocked => "the mailbox is Blocked and will not move",
            Problem::Unresolved(u) => u.why,
        }
    }
}

/// The permissions between one mailbox and one holder that the plan does not keep working
/// across the move. The findings XT501 and XT503 are worded from this list, one per pair, and
/// the workbook's Permissions sheet lists it so a planner can fix the plan by hand.
#[derive(Debug, Clone, Copy)]
pub struct Broken<'g> {
    pub kinds: Kinds,
    pub mailbox: Side<'g>,
    pub trustee: Side<'g>,
    /// The migrating mailbox the finding is reported on.
    pub about: usize,
    pub problem: Problem<'g>,
}

/// Every link the plan breaks, in graph order: one per mailbox and holder, with all the
/// permissions between them (the graph lists a pair's permissions side by side).
pub fn broken<'g>(
    graph: &'g Graph,
    placement: &[Option<(usize, usize)>],
    statuses: &[Status],
) -> Vec<Broken<'g>> {
    let blocked = |i: usize| statuses[i] == Status::Blocked;
    let kinds =
        |kinds: &mut dyn Iterator<Item = EdgeKind>| kinds.fold(Kinds::default(), Kinds::with);
    let mut out = Vec::new();
    for pair in graph
        .edges
        .chunk_by(|a, b| (a.mailbox, a.trustee) == (b.mailbox, b.trustee))
    {
        let (m, t) = (pair[0].mailbox, pair[0].trustee);
        let edge = |about, problem| Broken {
            kinds: kinds(&mut pair.iter().map(|e| e.kind)),
            mailbox: Side::Mailbox(m),
            trustee: Side::Mailbox(t),
            about,
            problem,
        };
        if let (Some(a), Some(b)) = (placement[m], placement[t])
            && a != b
        {
            out.push(edge(m, Problem::Split));
        }
        if placement[m].is_some() && blocked(t) {
            out.push(edge(m, Problem::TrusteeBlocked));
        } else if placement[t].is_some() && blocked(m) {
            out.push(edge(t, Problem::MailboxBlocked));
        }
    }
    // Sorted by mailbox, then by the texts: a pair's permissions are side by side here too.
    for pair in graph.unresolved.chunk_by(|a, b| {
        (a.mailbox, &a.mailbox_text, &a.trustee_text)
            == (b.mailbox, &b.mailbox_text, &b.trustee_text)
    }) {
        let u = &pair[0];
        if let Some(m) = u.mailbox.filter(|&m| placement[m].is_some()) {
            out.push(Broken {
                kinds: kinds(&mut pair.iter().map(|u| u.kind)),
                mailbox: Side::Mailbox(m),
                trustee: Side::Unresolved(&u.trustee_text),
                about: m,
                problem: Problem::Unresolved(u),
            });
        }
    }
    out
}

/// A planner finding on source mailbox `source`; its severity comes from the catalogue entry,
/// so it is defined in one place.
fn finding(
    cx: &Context<'_>,
    code: &'static str,
    source: usize,
    message: String,
    fix: &'static str,
) -> Finding {
    Finding {
        code,
        severity: crate::rules::by_code(code).map_or(Severity::Info, |r| r.meta().severity),
        source: Some(source),
        target: cx.joined.matches[source].target,
        message: message.into_boxed_str(),
        fix: Cow::Borrowed(fix),
    }
}

/// XT502 (send-on-behalf) and XT504 (hubs). XT501 and XT503 come from the broken links
/// (`link_findings`), which the workbook lists too.
pub(super) fn findings(
    cx: &Context<'_>,
    graph: &Graph,
    placement: &[Option<(usize, usize)>],
    hubs: &[usize],
    neighbours: &Neighbours,
) -> Vec<Finding> {
    let sources = &cx.inputs.sources;
    let mut out: Vec<Finding> = graph
        .edges
        .par_iter()
        .filter(|e| e.kind == EdgeKind::SendOnBehalf && placement[e.mailbox].is_some())
        .map(|e| {
            finding(
                cx,
                "XT502",
                e.mailbox,
                format!(
                    "{} sends on behalf of {}: grant it again after the move",
                    sources[e.trustee].label(),
                    sources[e.mailbox].label()
                ),
                "scripts/Restore-Permissions.ps1 -Wave <wave> after the wave (stamping/permissions.csv)",
            )
        })
        .collect();
    for &h in hubs {
        out.push(finding(
            cx,
            "XT504",
            h,
            format!("{} other mailboxes hold permissions with it: planned on its own, not with all of them", neighbours.of(h).len()),
            "expect XT501 for its delegates; move it early or late, as its users need",
        ));
    }
    out
}

/// XT501 (delegates split) and XT503 (delegate not migrating), one per broken link.
pub fn link_findings<'a>(
    cx: &'a Context<'_>,
    broken: &'a [Broken<'_>],
) -> impl IndexedParallelIterator<Item = Finding> + 'a {
    fn label<'a>(sources: &'a [SourceMailbox], side: Side<'a>) -> &'a str {
        match side {
            Side::Mailbox(i) => sources[i].label(),
            Side::Unresolved(text) => text,
        }
    }
    let sources = &cx.inputs.sources;
    broken.par_iter().map(|b| {
        let (mlabel, tlabel) = (label(sources, b.mailbox), label(sources, b.trustee));
        let kind = b.kinds.as_str();
        let (message, fix) = match b.problem {
            Problem::Split => (
                format!("{tlabel} ({kind}) and {mlabel} are in different batches"),
                "move them into one batch, or accept the gap between their moves",
            ),
            Problem::TrusteeBlocked => (
                format!(
                    "{tlabel} holds {kind} on {mlabel} but is Blocked and will not move with it"
                ),
                "fix the delegate's blockers, or tell both users the permission stops working",
            ),
            Problem::MailboxBlocked => (
                format!("{tlabel} holds {kind} on {mlabel}, which is Blocked and will not move"),
                "fix the mailbox's blockers, or tell both users the permission stops working",
            ),
            Problem::Unresolved(u) => (
                format!(
                    "{tlabel} holds {kind} on it but is {} ({})",
                    u.why, u.mailbox_text
                ),
                "grant the permission again in the target to the right object after the move",
            ),
        };
        finding(cx, b.problem.code(), b.about, message, fix)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn planner_findings_never_change_a_status() {
        // lib.rs judges the broken links on the statuses from before the planner's findings.
        for code in ["XT501", "XT502", "XT503", "XT504", "XT011", "XT012"] {
            let severity = crate::rules::by_code(code).unwrap().meta().severity;
            assert!(
                matches!(severity, Severity::Warning | Severity::Info),
                "{code}"
            );
        }
    }
}
