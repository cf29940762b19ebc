//! XT001 `shared-domain`: a domain accepted in the target is still used by source addresses.

use std::borrow::Cow;
use std::collections::BTreeMap;

use rayon::prelude::*;

use super::{Context, Domains, Finding, MailboxCx, RuleMeta, Severity};
use crate::input::values::domain_of;
use crate::model::SourceMailbox;

pub struct Rule;

static META: RuleMeta = RuleMeta {
    code: "XT001",
    name: "shared-domain",
    severity: Severity::Blocker,
    org: true,
    summary: "a domain is accepted in the target and also used by migrating source addresses",
    what: "A domain in the target's accepted domains also appears in SMTP addresses of the source mailboxes being migrated, or in the source's own accepted domains (--source-accepted-domains).",
    why: "A domain belongs to one tenant only. Either the exports are from different points in time, or the domain is being moved: then source addresses in it cannot be copied, and mail routing for it changes for everyone at once (a cut-over, not a per-batch move).",
    fix: "Confirm which tenant owns the domain now. If the target does, remove the domain from the source mailboxes' addresses before moving; if the source does, remove it from the target's accepted domains. Re-export both tenants.",
};

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn skipped(&self, cx: &Context<'_>) -> Option<&'static str> {
        cx.without_accepted_domains()
    }

    /// Each mailbox using such a domain is blocked too, so its status says so.
    fn check_mailbox(&self, cx: &MailboxCx<'_>, out: &mut Vec<Finding>) {
        let shared = shared_domains(cx.source, &cx.cx.domains);
        if shared.is_empty() {
            return;
        }
        out.push(cx.finding(
            &META,
            format!(
                "addresses in {}, which the target accepts too",
                shared.join(", ")
            ),
            "decide which tenant owns the domain (see the org-level XT001 finding)",
        ));
    }

    fn check_org(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        // Counted on every core, each mailbox listing only its accepted domains (the same list
        // as its own finding's): every domain listed on one core was a second of a
        // 1,000,000-mailbox run.
        let users: BTreeMap<String, usize> = cx
            .inputs
            .sources
            .par_iter()
            .fold(BTreeMap::new, |mut users, s| {
                for d in shared_domains(s, &cx.domains) {
                    *users.entry(d.into_owned()).or_default() += 1;
                }
                users
            })
            .reduce(BTreeMap::new, |mut a, b| {
                for (d, n) in b {
                    *a.entry(d).or_default() += n;
                }
                a
            });
        // Accepted in both tenants: a domain no mailbox uses is still one too many.
        let both: Vec<String> = cx
            .inputs
            .setup
            .source_domains
            .iter()
            .flatten()
            .map(|d| d.name.to_ascii_lowercase())
            .filter(|d| cx.domains.accepts(d) && !users.contains_key(d))
            .collect();
        for (domain, n) in users {
            out.push(cx.finding(
                &META,
                format!("{domain} is accepted in the target and used by {n} source mailbox(es)"),
                "decide which tenant owns the domain, remove it from the other, re-export",
            ));
        }
        for domain in both {
            out.push(cx.finding(
                &META,
                format!("{domain} is an accepted domain of both tenants"),
                format!("decide which tenant owns {domain}; in the other, move every address and UPN off it, then remove it (Microsoft 365 admin center, Settings, Domains; or Remove-MgDomain -DomainId {domain}), re-export"),
            ));
        }
    }
}

/// The domains of `source`'s SMTP addresses that the target accepts, each once, sorted. The
/// list is nearly always empty, and then allocates nothing.
fn shared_domains<'s>(source: &'s SourceMailbox, domains: &Domains) -> Vec<Cow<'s, str>> {
    let mut shared: Vec<_> = source
        .smtp_addresses()
        .filter_map(domain_of)
        .filter(|d| domains.accepts(d))
        .collect();
    shared.sort();
    shared.dedup();
    shared
}
