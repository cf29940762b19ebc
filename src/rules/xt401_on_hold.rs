//! XT401 `on-hold`: the source mailbox is on a hold; Microsoft blocks the move.

use super::{Finding, MailboxCx, RuleMeta, Severity};
use crate::ps::quote;

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT401",
    name: "on-hold",
    severity: Severity::Blocker,
    org: false,
    summary: "source mailbox is on a hold (litigation, delay, retention label, in-place/eDiscovery, retention policy)",
    what: "LitigationHoldEnabled, DelayHoldApplied, DelayReleaseHoldApplied or ComplianceTagHoldApplied is True, or InPlaceHolds has an entry of the mbx / cld / UniH / skp kinds or a 32-character legacy In-Place Hold id. A `-mbx...` entry is an exclusion from an org-wide policy, not a hold; RetentionHoldEnabled is not a hold either.",
    why: "\"Mailboxes that are on any type of hold aren't migrated, and the move for those mailboxes is blocked\" (Microsoft). Moving them would also lose data the hold exists to keep.",
    fix: "Agree with legal/compliance first. Then remove the hold (Set-Mailbox -LitigationHoldEnabled $false, exclude the mailbox from the retention policy or eDiscovery case); a delay hold follows removal for 30 days unless cleared with Set-Mailbox -RemoveDelayHoldApplied / -RemoveDelayReleaseHoldApplied.",
};

/// InPlaceHolds entries that are holds: retention policies (mbx, skp), eDiscovery (UniH),
/// legacy In-Place Holds (cld, or 32 hex digits). A leading `-` marks an exclusion.
pub fn is_hold(entry: &str) -> bool {
    let e = entry.trim();
    if e.starts_with('-') || e.is_empty() {
        return false;
    }
    let starts = |p: &str| e.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p));
    starts("mbx")
        || starts("cld")
        || starts("unih")
        || starts("skp")
        || (e.len() == 32 && e.bytes().all(|b| b.is_ascii_hexdigit()))
}

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let s = cx.source;
        let id = quote(s.label());
        let mut holds = Vec::new();
        let mut fixes = Vec::new();
        if s.litigation_hold {
            holds.push("LitigationHoldEnabled".to_string());
            fixes.push(format!(
                "Set-Mailbox -Identity {id} -LitigationHoldEnabled $false"
            ));
        }
        if s.delay_hold {
            holds.push("DelayHoldApplied".to_string());
            fixes.push(format!(
                "Set-Mailbox -Identity {id} -RemoveDelayHoldApplied"
            ));
        }
        if s.delay_release_hold {
            holds.push("DelayReleaseHoldApplied".to_string());
            fixes.push(format!(
                "Set-Mailbox -Identity {id} -RemoveDelayReleaseHoldApplied"
            ));
        }
        if s.compliance_tag_hold {
            holds.push("ComplianceTagHoldApplied (retention label)".to_string());
        }
        let in_place: Vec<&str> = s.in_place_holds().filter(|h| is_hold(h)).collect();
        if !in_place.is_empty() {
            holds.push(format!("InPlaceHolds {}", in_place.join(";")));
            fixes.push(
                "exclude the mailbox from the retention policies / eDiscovery holds listed".into(),
            );
        }
        if holds.is_empty() {
            return;
        }
        out.push(cx.finding(
            &META,
            format!("source mailbox is on hold: {}", holds.join(", ")),
            format!("with compliance sign-off: {}", fixes.join("; ")),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::is_hold;

    #[test]
    fn hold_kinds() {
        for h in [
            "UniH7d895d48-7e23-4a8d-8346-533c3beac15d",
            "c0ba3ce811b6432a8751430937152491",
            "cld9c0a984ca74b457fbe4504bf7d3e00de",
            "mbxcdbbb86ce60342489bff371876e7f224:1",
            "skp127d7cf1076947929bf136b7a2a8c36f:3",
        ] {
            assert!(is_hold(h), "{h}");
        }
        assert!(!is_hold("-mbxe9b52bf7ab3b46a286308ecb29624696"));
        assert!(!is_hold(""));
    }
}
