//! MF102 `not-accepted-domain`: the target MailUser holds an address in a domain the target does not accept.

use super::Cause;

pub static CAUSE: Cause = Cause {
    code: "MF102",
    name: "not-accepted-domain",
    summary: "the target MailUser holds an address in a domain the target does not accept",
    patterns: &["NotAcceptedDomainException"],
    predicted_by: Some("XT211"),
    resubmit: false,
    what: "The move reports NotAcceptedDomainException: a proxy address of the target MailUser is in a domain the target tenant has not accepted (often the source's *.onmicrosoft.com domain).",
    why: "A mailbox may only hold addresses in accepted domains: MRS cannot turn the MailUser into a mailbox.",
    fix: "Remove the address (Set-MailUser -EmailAddresses @{Remove=...}; stamping/mailusers.csv's EmailAddressesToRemove), then resume the batch.",
};
