//! The readiness verdict assembled for the writers: findings, each mailbox's status and
//! codes, and the output order. Computed once; every writer renders the same data.

use crate::join::Joined;
use crate::model::Inputs;
use crate::rules::{self, Context, Finding, Severity, Status};

pub struct Report<'a> {
    pub inputs: &'a Inputs,
    pub joined: &'a Joined,
    /// Sorted: org findings first, then by mailbox in output order.
    pub findings: Vec<Finding>,
    /// Per source mailbox, in input order.
    pub statuses: Vec<Status>,
    /// The distinct codes of each source mailbox's findings, sorted.
    pub codes: Vec<Vec<&'static str>>,
    /// Source indices in output order (by primary address, then line).
    pub order: Vec<usize>,
    /// Rules that could not run on these inputs, and why.
    pub skipped: Vec<String>,
}

impl<'a> Report<'a> {
    pub fn build(cx: &Context<'a>) -> Report<'a> {
        let findings = rules::evaluate(cx);
        let n = cx.inputs.sources.len();
        let statuses = rules::statuses(n, &findings);
        let codes = codes(n, &findings);
        let mut order = vec![0; n];
        for (i, &r) in cx.source_rank().iter().enumerate() {
            order[r] = i;
        }
        Report {
            inputs: cx.inputs,
            joined: cx.joined,
            findings,
            statuses,
            codes,
            order,
            skipped: rules::skipped(cx),
        }
    }

    /// Adds the planner's findings (warnings and info: statuses do not change).
    pub fn extend(&mut self, cx: &Context<'a>, more: Vec<Finding>) {
        rules::merge(cx, &mut self.findings, more);
        self.statuses = rules::statuses(self.statuses.len(), &self.findings);
        self.codes = codes(self.statuses.len(), &self.findings);
    }

    /// The most severe finding of the run, if any.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).min()
    }

    pub fn count(&self, status: Status) -> usize {
        self.statuses.iter().filter(|&&s| s == status).count()
    }
}

/// The distinct codes of each source mailbox's findings, sorted.
fn codes(n: usize, findings: &[Finding]) -> Vec<Vec<&'static str>> {
    let mut codes: Vec<Vec<&'static str>> = vec![Vec::new(); n];
    for f in findings {
        if let Some(s) = f.source
            && !codes[s].contains(&f.code)
        {
            codes[s].push(f.code);
        }
    }
    for c in &mut codes {
        c.sort_unstable();
    }
    codes
}
