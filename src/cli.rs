//! What the user typed: clap structures only. `config` turns them into a validated `Config`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "xtenant",
    version,
    about = "Plans Exchange Online cross-tenant mailbox migrations from PowerShell exports"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per run
pub enum Command {
    /// Match source mailboxes to target objects, check readiness, write the plan.
    Plan(PlanArgs),
    /// Follow the waves: join the target's migration status exports to a plan and say who
    /// synced, who failed and why, what to do next, and whether the schedule holds.
    Track(TrackArgs),
    /// Generate a realistic pair of tenant exports with planted problems and an answer key.
    Sample(SampleArgs),
    /// List the readiness checks, or explain one (`xtenant rules XT205`).
    Rules(RulesArgs),
}

#[derive(Debug, Args, Default)]
pub struct PlanArgs {
    /// TOML file with the same settings as the flags (paths in it are relative to it).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Get-EXOMailbox export of the source tenant (required).
    #[arg(long, value_name = "FILE")]
    pub source_mailboxes: Option<PathBuf>,
    /// Get-MailUser/Get-User export of the target tenant (required).
    #[arg(long, value_name = "FILE")]
    pub target_recipients: Option<PathBuf>,
    /// Get-EXOMailboxStatistics export of the source tenant.
    #[arg(long, value_name = "FILE")]
    pub source_statistics: Option<PathBuf>,
    /// Get-EXOMailboxPermission export of the source tenant.
    #[arg(long, value_name = "FILE")]
    pub mailbox_permissions: Option<PathBuf>,
    /// Get-EXORecipientPermission export of the source tenant.
    #[arg(long, value_name = "FILE")]
    pub recipient_permissions: Option<PathBuf>,
    /// Members of the migration scope group (Get-DistributionGroupMember).
    #[arg(long, value_name = "FILE")]
    pub scope_members: Option<PathBuf>,
    /// SourceIdentity,TargetIdentity pairs that override automatic matching.
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// A domain accepted in the target tenant (repeatable).
    #[arg(long = "accepted-domain", value_name = "DOMAIN")]
    pub accepted_domain: Vec<String>,
    /// Get-AcceptedDomain export of the target tenant.
    #[arg(long, value_name = "FILE")]
    pub accepted_domains: Option<PathBuf>,
    /// Export of the target's other recipients: mail contacts, groups, public folders, guests
    /// (repeatable).
    #[arg(long = "target-other-recipients", value_name = "FILE")]
    pub target_other_recipients: Vec<PathBuf>,
    /// Export of the target's group memberships (Get-DistributionGroupMember per group): the
    /// MailUser that replaces a converted contact is added to the contact's groups.
    #[arg(long = "target-group-members", value_name = "FILE")]
    pub target_group_members: Option<PathBuf>,
    /// Export of what the target's recipients name in ForwardingAddress, delivery restrictions
    /// and moderation: the MailUser that replaces a converted contact is put back there.
    #[arg(long = "target-references", value_name = "FILE")]
    pub target_references: Option<PathBuf>,
    /// Get-OrganizationRelationship export of the source tenant.
    #[arg(long, value_name = "FILE", help_heading = "Tenant setup")]
    pub source_org_relationships: Option<PathBuf>,
    /// Get-OrganizationRelationship export of the target tenant.
    #[arg(long, value_name = "FILE", help_heading = "Tenant setup")]
    pub target_org_relationships: Option<PathBuf>,
    /// Get-MigrationEndpoint export of the target tenant.
    #[arg(long, value_name = "FILE", help_heading = "Tenant setup")]
    pub migration_endpoints: Option<PathBuf>,
    /// Get-MigrationConfig export of the target tenant.
    #[arg(long, value_name = "FILE", help_heading = "Tenant setup")]
    pub migration_config: Option<PathBuf>,
    /// The source's scope group itself (Get-Recipient).
    #[arg(long, value_name = "FILE", help_heading = "Tenant setup")]
    pub scope_group: Option<PathBuf>,
    /// Get-AcceptedDomain export of the source tenant.
    #[arg(long, value_name = "FILE", help_heading = "Tenant setup")]
    pub source_accepted_domains: Option<PathBuf>,
    /// The migration app in the target (Get-MgApplication, flattened).
    #[arg(long, value_name = "FILE", help_heading = "Tenant setup")]
    pub migration_app: Option<PathBuf>,
    /// The migration app's service principal in the source (Get-MgServicePrincipal).
    #[arg(long, value_name = "FILE", help_heading = "Tenant setup")]
    pub source_service_principals: Option<PathBuf>,
    /// Get-Mailbox -SoftDeletedMailbox export of the source tenant.
    #[arg(long, value_name = "FILE", help_heading = "Tenant setup")]
    pub source_soft_deleted: Option<PathBuf>,
    /// Soft-deleted mailboxes and mail users of the target tenant.
    #[arg(long, value_name = "FILE", help_heading = "Tenant setup")]
    pub target_soft_deleted: Option<PathBuf>,
    /// The source tenant's ID (a GUID).
    #[arg(long, value_name = "GUID", help_heading = "Tenant setup")]
    pub source_tenant_id: Option<String>,
    /// The target tenant's ID (a GUID).
    #[arg(long, value_name = "GUID", help_heading = "Tenant setup")]
    pub target_tenant_id: Option<String>,
    /// Exchange Online's host for the migration endpoint's RemoteServer [default:
    /// outlook.office.com; another cloud's, e.g. outlook.office365.us].
    #[arg(long, value_name = "HOST", help_heading = "Tenant setup")]
    pub remote_server: Option<String>,
    /// TargetDeliveryDomain of the migration batches [default: the accepted *.onmicrosoft.com
    /// domain that is not *.mail.onmicrosoft.com].
    #[arg(long, value_name = "DOMAIN")]
    pub delivery_domain: Option<String>,
    /// Domain for new target addresses [default: the default accepted domain that is not
    /// *.onmicrosoft.com].
    #[arg(long, value_name = "DOMAIN")]
    pub primary_domain: Option<String>,
    /// Address of new target MailUsers, e.g. `{first}.{last}@northwindtraders.com`; placeholders
    /// {local} (source primary local part), {alias}, {first}, {last} [default: {local}@<primary domain>].
    #[arg(long, value_name = "TEMPLATE")]
    pub address_template: Option<String>,
    /// Number of main waves [default: 1; or [waves] count in the config].
    #[arg(long, value_name = "N")]
    pub waves: Option<usize>,
    /// Users per main wave (instead of a number of waves).
    #[arg(long, value_name = "N")]
    pub users_per_wave: Option<usize>,
    /// Cut-over date of the first main wave (YYYY-MM-DD); later waves follow the cadence.
    #[arg(long, value_name = "DATE")]
    pub first_cutover: Option<String>,
    /// Mailboxes per migration batch, at most 2,000 [default: 2000].
    #[arg(long, value_name = "N")]
    pub batch_size: Option<usize>,
    /// A previous plan (its folder or plan.json): mailboxes keep their wave and batch.
    #[arg(long, value_name = "PATH")]
    pub previous_plan: Option<PathBuf>,
    /// Never match by alias or address local part (level 5), even onto placeholder MailUsers.
    #[arg(long)]
    pub no_name_match: bool,
    /// Mailboxes above this size get XT406 (submit early) [default: 50].
    #[arg(long, value_name = "GB")]
    pub large_mailbox_gb: Option<f64>,
    /// Exit with 1 when a finding of this severity or worse exists [default: never].
    #[arg(long, value_name = "SEVERITY", value_parser = ["blocker", "fix", "warning", "never"])]
    pub fail_on: Option<String>,
    /// Write into an --out folder that holds the plan of other exports, or files xtenant did not
    /// write (inputs are still never overwritten).
    #[arg(long)]
    pub force: bool,
    /// Print no summary or progress on stderr.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the run summary as JSON on stdout (for automation).
    #[arg(long)]
    pub json: bool,
    /// Print the wall time of each stage (read, join, rules, stamp, plan, write: csv | xlsx).
    #[arg(long)]
    pub timings: bool,
}

#[derive(Debug, Args, Default)]
pub struct TrackArgs {
    /// TOML file whose `[track]` table has the same settings as the flags (paths relative to it).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The plan folder `xtenant plan` wrote (its plan.json).
    #[arg(long, value_name = "DIR")]
    pub plan: Option<PathBuf>,
    /// Get-MigrationUser | Get-MigrationUserStatistics export of the target tenant (required).
    #[arg(long, value_name = "FILE")]
    pub migration_users: Option<PathBuf>,
    /// Get-MigrationBatch export of the target tenant.
    #[arg(long, value_name = "FILE")]
    pub migration_batches: Option<PathBuf>,
    /// The previous track folder: stalled users and the throughput between the two snapshots.
    #[arg(long, value_name = "DIR")]
    pub previous: Option<PathBuf>,
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// When the export was taken (ISO 8601, UTC unless an offset is given) [default: the
    /// export's ExportedAt, else its newest LastSuccessfulSyncTime].
    #[arg(long, value_name = "TIME")]
    pub as_of: Option<String>,
    /// Write into an --out folder that holds other files.
    #[arg(long)]
    pub force: bool,
    /// Print no summary or progress on stderr.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the run summary as JSON on stdout (for automation).
    #[arg(long)]
    pub json: bool,
    /// Print the wall time of each stage (read, track, write).
    #[arg(long)]
    pub timings: bool,
}

#[derive(Debug, Args)]
pub struct SampleArgs {
    /// Number of source mailboxes.
    #[arg(long, default_value_t = 2000)]
    pub users: usize,
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Random seed: the same seed gives the same files.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// Extra FullAccess rows between random users (dense permission graphs for benchmarks).
    #[arg(long, default_value_t = 0)]
    pub extra_permissions: usize,
    /// The permission graph: `clustered` (teams on their shared mailboxes, assistants, a few
    /// hubs, as real tenants) or `scattered` (grants across the whole tenant, the stress shape).
    #[arg(long, value_enum, default_value_t = GrantsArg::Clustered)]
    pub grants: GrantsArg,
    /// Write every file as PowerShell 7 does (UTF-8, `,`-delimited), instead of the mix of
    /// encodings and delimiters real exports have (the benchmark's shape).
    #[arg(long)]
    pub utf8: bool,
    /// Groups, public folders and dynamic groups in the target besides the contacts and guests
    /// planted for people [default: one per 25 users].
    #[arg(long, value_name = "N")]
    pub other_recipients: Option<usize>,
    /// Replace the files of a folder `xtenant sample` did not write (real exports, say).
    #[arg(long)]
    pub force: bool,
    /// No progress on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `xtenant sample --grants`: the shape of the generated permission graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GrantsArg {
    Clustered,
    Scattered,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// A rule code (XT205) or name (legacydn-x500-missing) to explain.
    pub rule: Option<String>,
    /// Print the whole catalogue as Markdown (this is docs/rules.md).
    #[arg(long)]
    pub markdown: bool,
}
