//! A finding (one rule's verdict on one mailbox, or on the whole migration) and the status
//! a mailbox gets from its findings.

use std::borrow::Cow;
use std::fmt;

use super::Severity;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    /// The source mailbox (index into `Inputs::sources`); `None` for org findings.
    pub source: Option<usize>,
    /// The target object involved (index into `Inputs::targets`), if any.
    pub target: Option<usize>,
    /// What was found, naming the values involved. Boxed: a million findings kept the spare
    /// capacity `format!` leaves in a String.
    pub message: Box<str>,
    /// The PowerShell (or step) that fixes it for this object; empty when there is none. Often
    /// the same words for every finding of a rule: those are borrowed, not copied per finding.
    pub fix: Cow<'static, str>,
}

/// A mailbox's readiness. Ordered from best to worst, so the worst finding wins with `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Ready,
    NeedsStamping,
    Blocked,
}

impl Status {
    pub fn from_severity(s: Severity) -> Status {
        match s {
            Severity::Blocker => Status::Blocked,
            Severity::Fix => Status::NeedsStamping,
            Severity::Warning | Severity::Info => Status::Ready,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ready => "Ready",
            Status::NeedsStamping => "NeedsStamping",
            Status::Blocked => "Blocked",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
