//! MF103 `delivery-proxy-missing`: the target MailUser has no address in the batch's TargetDeliveryDomain.

use super::Cause;

pub static CAUSE: Cause = Cause {
    code: "MF103",
    name: "delivery-proxy-missing",
    summary: "the target MailUser has no address in the batch's TargetDeliveryDomain",
    patterns: &[
        "doesn't have an SMTP proxy matching",
        "does not have an SMTP proxy matching",
    ],
    predicted_by: Some("XT212"),
    resubmit: false,
    what: "The move reports that the target mailbox doesn't have an SMTP proxy matching the TargetDeliveryDomain of the batch.",
    why: "MRS stamps the source's new targetAddress from that proxy: without it the move cannot finish.",
    fix: "Add <alias>@<delivery domain> to the MailUser (stamping adds it), then resume the batch.",
};
