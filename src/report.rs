//! The readiness verdict assembled for the writers: findings, each mailbox's status and
//! codes, and the output order. Computed once; every writer renders the same data.

use crate::join::Joined;
use crate::model::Inputs;
use crate::rules::{self, Context, Finding, RuleMeta, Severity, Status};

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
    /// Each setup check (`rules::SETUP`) and, when it did not run, why.
    setup_skipped: Vec<(&'static RuleMeta, Option<&'static str>)>,
}

/// How one check of the tenants' setup came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetupState {
    Passed,
    Failed,
    /// Only warnings.
    Warning,
    /// Its export was not given.
    NotChecked,
}

impl SetupState {
    pub fn as_str(self) -> &'static str {
        match self {
            SetupState::Passed => "Passed",
            SetupState::Failed => "Failed",
            SetupState::Warning => "Warning",
            SetupState::NotChecked => "Not checked",
        }
    }
}

/// One line of the "Organisation setup" panel.
#[derive(Debug, Clone)]
pub struct SetupCheck {
    pub meta: &'static RuleMeta,
    pub state: SetupState,
    /// Its findings (mailboxes, for XT409).
    pub count: usize,
    /// The first finding's message, or why it did not run.
    pub detail: String,
    /// The first finding's fix; empty when it passed.
    pub fix: String,
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
            setup_skipped: rules::SETUP
                .iter()
                .filter_map(|code| rules::by_code(code))
                .map(|r| (r.meta(), r.skipped(cx)))
                .collect(),
        }
    }

    /// The setup checks as they came out, in `rules::SETUP` order: whether the migration can
    /// start. One pass over the findings (millions on big tenants).
    pub fn setup(&self) -> Vec<SetupCheck> {
        // Per check: findings, the worst severity, the first org finding, the first finding.
        type Seen<'f> = (
            usize,
            Option<Severity>,
            Option<&'f Finding>,
            Option<&'f Finding>,
        );
        let mut seen: Vec<Seen<'_>> = vec![(0, None, None, None); self.setup_skipped.len()];
        for f in &self.findings {
            let Some(k) = self
                .setup_skipped
                .iter()
                .position(|(m, _)| m.code == f.code)
            else {
                continue;
            };
            let s = &mut seen[k];
            s.0 += 1;
            s.1 = Some(s.1.map_or(f.severity, |w| w.min(f.severity)));
            if f.source.is_none() && s.2.is_none() {
                s.2 = Some(f);
            }
            s.3 = s.3.or(Some(f));
        }
        self.setup_skipped
            .iter()
            .zip(seen)
            .map(|(&(meta, skipped), (count, worst, org, any))| {
                // An org finding says it for all; a mailbox's is one example.
                let first = org.or(any);
                let state = match (skipped, worst) {
                    (Some(_), _) => SetupState::NotChecked,
                    (None, None) => SetupState::Passed,
                    (None, Some(Severity::Blocker | Severity::Fix)) => SetupState::Failed,
                    (None, Some(_)) => SetupState::Warning,
                };
                SetupCheck {
                    meta,
                    state,
                    count,
                    detail: match (skipped, first) {
                        (Some(why), _) => why.to_string(),
                        (None, Some(f)) => f.message.to_string(),
                        (None, None) => String::new(),
                    },
                    fix: first.map(|f| f.fix.to_string()).unwrap_or_default(),
                }
            })
            .collect()
    }

    /// The codes of the org-level blockers, distinct, comma-separated.
    pub fn org_blocker_codes(&self) -> String {
        let mut codes: Vec<&str> = self
            .findings
            .iter()
            .take_while(|f| f.source.is_none())
            .filter(|f| f.severity == Severity::Blocker)
            .map(|f| f.code)
            .collect();
        codes.dedup();
        codes.join(", ")
    }

    /// Org-level blockers: while one exists no move can succeed.
    pub fn org_blockers(&self) -> usize {
        self.findings
            .iter()
            .take_while(|f| f.source.is_none())
            .filter(|f| f.severity == Severity::Blocker)
            .count()
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
