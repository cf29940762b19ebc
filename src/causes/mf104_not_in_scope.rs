//! MF104 `not-in-scope`: the source mailbox is not in the migration scope group.

use super::Cause;

pub static CAUSE: Cause = Cause {
    code: "MF104",
    name: "not-in-scope",
    summary: "the source mailbox is not in the migration scope group",
    patterns: &["MailboxNotInCrossTenantMigrationScopeException"],
    predicted_by: Some("XT405"),
    resubmit: false,
    what: "The move reports MailboxNotInCrossTenantMigrationScopeException.",
    why: "The source relationship releases only members of its MailboxMovePublishedScopes group, directly (not through a nested group).",
    fix: "Add the mailbox to the scope group in the source (Add-DistributionGroupMember), then resume the batch.",
};
