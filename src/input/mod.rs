//! Reading and normalising the exports: one `InputKind` per file the admin hands us, each with
//! its columns (`ColSpec`), the PowerShell that produces it (`recipe`), and a mapper to typed rows.

#[macro_use]
mod macros {
    /// Declares an input's columns once: `COLUMNS` (for the reader) and an enum `C` whose
    /// variants index into it (for the mapper), so the two cannot drift apart.
    macro_rules! columns {
        ($($id:ident = $spec:expr),* $(,)?) => {
            // Some variants only position a column for the reader; mappers use the others.
            #[derive(Clone, Copy)]
            #[allow(dead_code)]
            enum C { $($id),* }
            impl From<C> for usize {
                fn from(c: C) -> usize { c as usize }
            }
            pub const COLUMNS: &[$crate::input::ColSpec] = &[$($spec),*];
        };
    }
}

pub mod clixml;
pub mod decode;
pub mod domains;
pub mod mapping;
pub mod members;
pub mod migration_batches;
pub mod migration_users;
pub mod others;
pub mod permissions;
pub mod plan_file;
pub mod references;
pub mod scope;
pub mod setup;
pub mod source;
pub mod statistics;
pub mod table;
pub mod target;

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::error::Result;
use crate::model::{Inputs, OtherRecipient};

pub use table::{Row, Table};
// The value parsers sit below the model, which uses them: `input::values` is that module.
pub use crate::values::{self, ValueKind};

/// Every input file xtenant reads. The recipe text is also what docs/exports.md (or docs/setup.md)
/// shows (a test keeps
/// the two in step), so the error hint and the documentation can never disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InputKind {
    SourceMailboxes,
    SourceStatistics,
    MailboxPermissions,
    RecipientPermissions,
    ScopeMembers,
    TargetRecipients,
    TargetOtherRecipients,
    GroupMembers,
    References,
    AcceptedDomains,
    Mapping,
    SourceOrgRelationships,
    TargetOrgRelationships,
    MigrationEndpoints,
    MigrationConfig,
    ScopeGroup,
    SourceAcceptedDomains,
    MigrationApp,
    SourceServicePrincipals,
    SourceSoftDeleted,
    TargetSoftDeleted,
    MigrationUsers,
    MigrationBatches,
}

impl InputKind {
    pub const ALL: [InputKind; 23] = [
        InputKind::SourceMailboxes,
        InputKind::SourceStatistics,
        InputKind::MailboxPermissions,
        InputKind::RecipientPermissions,
        InputKind::ScopeMembers,
        InputKind::TargetRecipients,
        InputKind::TargetOtherRecipients,
        InputKind::GroupMembers,
        InputKind::References,
        InputKind::AcceptedDomains,
        InputKind::Mapping,
        InputKind::SourceOrgRelationships,
        InputKind::TargetOrgRelationships,
        InputKind::MigrationEndpoints,
        InputKind::MigrationConfig,
        InputKind::ScopeGroup,
        InputKind::SourceAcceptedDomains,
        InputKind::MigrationApp,
        InputKind::SourceServicePrincipals,
        InputKind::SourceSoftDeleted,
        InputKind::TargetSoftDeleted,
        InputKind::MigrationUsers,
        InputKind::MigrationBatches,
    ];

    /// The flag / config key that names this file.
    pub fn key(self) -> &'static str {
        match self {
            InputKind::SourceMailboxes => "source-mailboxes",
            InputKind::SourceStatistics => "source-statistics",
            InputKind::MailboxPermissions => "mailbox-permissions",
            InputKind::RecipientPermissions => "recipient-permissions",
            InputKind::ScopeMembers => "scope-members",
            InputKind::TargetRecipients => "target-recipients",
            InputKind::TargetOtherRecipients => "target-other-recipients",
            InputKind::GroupMembers => "target-group-members",
            InputKind::References => "target-references",
            InputKind::AcceptedDomains => "accepted-domains",
            InputKind::Mapping => "mapping",
            InputKind::SourceOrgRelationships => "source-org-relationships",
            InputKind::TargetOrgRelationships => "target-org-relationships",
            InputKind::MigrationEndpoints => "migration-endpoints",
            InputKind::MigrationConfig => "migration-config",
            InputKind::ScopeGroup => "scope-group",
            InputKind::SourceAcceptedDomains => "source-accepted-domains",
            InputKind::MigrationApp => "migration-app",
            InputKind::SourceServicePrincipals => "source-service-principals",
            InputKind::SourceSoftDeleted => "source-soft-deleted",
            InputKind::TargetSoftDeleted => "target-soft-deleted",
            InputKind::MigrationUsers => "migration-users",
            InputKind::MigrationBatches => "migration-batches",
        }
    }

    /// What the file should be, for error messages ("this is not ...").
    pub fn what(self) -> &'static str {
        match self {
            InputKind::SourceMailboxes => "a source mailbox export (Get-EXOMailbox)",
            InputKind::SourceStatistics => "a source statistics export (Get-EXOMailboxStatistics)",
            InputKind::MailboxPermissions => {
                "a mailbox permission export (Get-EXOMailboxPermission)"
            }
            InputKind::RecipientPermissions => {
                "a recipient permission export (Get-EXORecipientPermission)"
            }
            InputKind::ScopeMembers => {
                "a migration scope group member export (Get-DistributionGroupMember)"
            }
            InputKind::TargetRecipients => {
                "a target recipient export (Get-MailUser joined with Get-User)"
            }
            InputKind::TargetOtherRecipients => {
                "an export of the target's other recipients (Get-MailContact, Get-DistributionGroup, ...)"
            }
            InputKind::GroupMembers => {
                "an export of the target's group memberships (Get-DistributionGroupMember)"
            }
            InputKind::References => {
                "an export of what the target's recipients name in forwarding, delivery restrictions and moderation (Identity, RecipientTypeDetails, Property, Value)"
            }
            InputKind::AcceptedDomains => "an accepted domain export (Get-AcceptedDomain)",
            InputKind::Mapping => "a mapping file (SourceIdentity,TargetIdentity)",
            InputKind::SourceOrgRelationships => {
                "the source's organization relationships (Get-OrganizationRelationship)"
            }
            InputKind::TargetOrgRelationships => {
                "the target's organization relationships (Get-OrganizationRelationship)"
            }
            InputKind::MigrationEndpoints => {
                "the target's migration endpoints (Get-MigrationEndpoint)"
            }
            InputKind::MigrationConfig => "the target's migration settings (Get-MigrationConfig)",
            InputKind::ScopeGroup => "the source's migration scope group (Get-Recipient)",
            InputKind::SourceAcceptedDomains => {
                "the source's accepted domains (Get-AcceptedDomain)"
            }
            InputKind::MigrationApp => "the migration app in the target (Get-MgApplication)",
            InputKind::SourceServicePrincipals => {
                "the migration app's service principal in the source (Get-MgServicePrincipal)"
            }
            InputKind::SourceSoftDeleted => {
                "the source's soft-deleted mailboxes (Get-Mailbox -SoftDeletedMailbox)"
            }
            InputKind::TargetSoftDeleted => {
                "the target's soft-deleted mailboxes and mail users (Get-Mailbox -SoftDeletedMailbox, Get-MailUser -SoftDeletedMailUser)"
            }
            InputKind::MigrationUsers => {
                "the target's migration users (Get-MigrationUser | Get-MigrationUserStatistics)"
            }
            InputKind::MigrationBatches => "the target's migration batches (Get-MigrationBatch)",
        }
    }

    pub fn columns(self) -> &'static [ColSpec] {
        match self {
            InputKind::SourceMailboxes => source::COLUMNS,
            InputKind::SourceStatistics => statistics::COLUMNS,
            InputKind::MailboxPermissions => permissions::MAILBOX_COLUMNS,
            InputKind::RecipientPermissions => permissions::RECIPIENT_COLUMNS,
            InputKind::ScopeMembers => scope::COLUMNS,
            InputKind::TargetRecipients => target::COLUMNS,
            InputKind::TargetOtherRecipients => others::COLUMNS,
            InputKind::GroupMembers => members::COLUMNS,
            InputKind::References => references::COLUMNS,
            InputKind::AcceptedDomains => domains::COLUMNS,
            InputKind::Mapping => mapping::COLUMNS,
            InputKind::SourceOrgRelationships | InputKind::TargetOrgRelationships => {
                setup::relationships::COLUMNS
            }
            InputKind::MigrationEndpoints => setup::endpoints::COLUMNS,
            InputKind::MigrationConfig => setup::config::COLUMNS,
            InputKind::ScopeGroup => setup::scope_group::COLUMNS,
            InputKind::SourceAcceptedDomains => domains::COLUMNS,
            InputKind::MigrationApp => setup::app::COLUMNS,
            InputKind::SourceServicePrincipals => setup::principals::COLUMNS,
            InputKind::SourceSoftDeleted | InputKind::TargetSoftDeleted => {
                setup::soft_deleted::COLUMNS
            }
            InputKind::MigrationUsers => migration_users::COLUMNS,
            InputKind::MigrationBatches => migration_batches::COLUMNS,
        }
    }

    /// The PowerShell that writes this file (the recipe in docs/exports.md or docs/setup.md).
    pub fn recipe(self) -> &'static str {
        match self {
            InputKind::SourceMailboxes => RECIPE_SOURCE_MAILBOXES,
            InputKind::SourceStatistics => RECIPE_SOURCE_STATISTICS,
            InputKind::MailboxPermissions => RECIPE_MAILBOX_PERMISSIONS,
            InputKind::RecipientPermissions => RECIPE_RECIPIENT_PERMISSIONS,
            InputKind::ScopeMembers => RECIPE_SCOPE_MEMBERS,
            InputKind::TargetRecipients => RECIPE_TARGET_RECIPIENTS,
            InputKind::TargetOtherRecipients => RECIPE_TARGET_OTHER_RECIPIENTS,
            InputKind::GroupMembers => RECIPE_GROUP_MEMBERS,
            InputKind::References => RECIPE_REFERENCES,
            InputKind::AcceptedDomains => RECIPE_ACCEPTED_DOMAINS,
            InputKind::Mapping => RECIPE_MAPPING,
            InputKind::SourceOrgRelationships => RECIPE_SOURCE_ORG_RELATIONSHIPS,
            InputKind::TargetOrgRelationships => RECIPE_TARGET_ORG_RELATIONSHIPS,
            InputKind::MigrationEndpoints => RECIPE_MIGRATION_ENDPOINTS,
            InputKind::MigrationConfig => RECIPE_MIGRATION_CONFIG,
            InputKind::ScopeGroup => RECIPE_SCOPE_GROUP,
            InputKind::SourceAcceptedDomains => RECIPE_SOURCE_ACCEPTED_DOMAINS,
            InputKind::MigrationApp => RECIPE_MIGRATION_APP,
            InputKind::SourceServicePrincipals => RECIPE_SOURCE_SERVICE_PRINCIPALS,
            InputKind::SourceSoftDeleted => RECIPE_SOURCE_SOFT_DELETED,
            InputKind::TargetSoftDeleted => RECIPE_TARGET_SOFT_DELETED,
            InputKind::MigrationUsers => RECIPE_MIGRATION_USERS,
            InputKind::MigrationBatches => RECIPE_MIGRATION_BATCHES,
        }
    }

    /// An export of the tenants' setup (docs/setup.md), not of their recipients.
    pub fn is_setup(self) -> bool {
        matches!(
            self,
            InputKind::SourceOrgRelationships
                | InputKind::TargetOrgRelationships
                | InputKind::MigrationEndpoints
                | InputKind::MigrationConfig
                | InputKind::ScopeGroup
                | InputKind::SourceAcceptedDomains
                | InputKind::MigrationApp
                | InputKind::SourceServicePrincipals
                | InputKind::SourceSoftDeleted
                | InputKind::TargetSoftDeleted
        )
    }

    /// Whether an empty file (what Export-Csv writes when the command returned nothing) is an
    /// answer: no rows. For the main exports it is a failed export.
    pub fn may_be_empty(self) -> bool {
        matches!(
            self,
            InputKind::References
                | InputKind::GroupMembers
                | InputKind::SourceOrgRelationships
                | InputKind::TargetOrgRelationships
                | InputKind::MigrationEndpoints
                | InputKind::SourceServicePrincipals
                | InputKind::SourceSoftDeleted
                | InputKind::TargetSoftDeleted
                | InputKind::MigrationUsers
                | InputKind::MigrationBatches
        )
    }
}

/// One column of an input: its canonical name, other names it is known by, and whether the
/// file is useless without it.
#[derive(Debug, Clone, Copy)]
pub struct ColSpec {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub required: bool,
    pub kind: ValueKind,
    /// For an optional column, what its absence changes: the summary names it.
    pub without: Option<&'static str>,
}

impl ColSpec {
    pub const fn req(name: &'static str) -> ColSpec {
        ColSpec {
            name,
            aliases: &[],
            required: true,
            kind: ValueKind::Scalar,
            without: None,
        }
    }
    pub const fn opt(name: &'static str) -> ColSpec {
        ColSpec {
            name,
            aliases: &[],
            required: false,
            kind: ValueKind::Scalar,
            without: None,
        }
    }
    pub const fn list(mut self, kind: ValueKind) -> ColSpec {
        self.kind = kind;
        self
    }
    pub const fn aka(mut self, aliases: &'static [&'static str]) -> ColSpec {
        self.aliases = aliases;
        self
    }
    /// What the plan does without this optional column.
    pub const fn without(mut self, effect: &'static str) -> ColSpec {
        self.without = Some(effect);
        self
    }
    /// The position of this column among `headers`: the canonical name wins over an alias
    /// (`Get-AcceptedDomain | Select Name,DomainName` has both).
    pub fn find_in(&self, headers: &[String]) -> Option<usize> {
        headers
            .iter()
            .position(|h| self.name.eq_ignore_ascii_case(header_name(h)))
            .or_else(|| headers.iter().position(|h| self.matches(h)))
    }

    pub fn matches(&self, header: &str) -> bool {
        let h = header_name(header);
        self.name.eq_ignore_ascii_case(h) || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(h))
    }
}

/// A header cell as its column name: blanks and stray byte-order marks (U+FEFF, which a file
/// concatenated from two exports, or a tool adding a BOM to a field, leaves before a name)
/// around it removed.
pub fn header_name(header: &str) -> &str {
    header.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
}

/// A note about the inputs that is not an error: an encoding fallback, an absent optional input
/// whose checks were skipped. Printed in the run summary.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Notice(pub String);

/// Facts about one input file as read, for the summary and the workbook.
#[derive(Debug, Clone)]
pub struct FileInfo {
    pub kind: InputKind,
    pub path: PathBuf,
    pub rows: usize,
    pub format: String,
    /// The canonical names of the columns the file had.
    pub columns: Vec<&'static str>,
    /// When the file was last written: the export date, as near as the files tell it.
    pub modified: Option<std::time::SystemTime>,
}

/// Reads every configured input, in parallel, into typed and normalised rows.
pub fn load(config: &Config) -> Result<Inputs> {
    let p = &config.inputs;
    // Every slot starts as "not read"; each task fills its own.
    let (mut sources, mut targets) = (Ok(None), Ok(None));
    let (mut stats, mut mbx_perms, mut rcpt_perms) = (Ok(None), Ok(None), Ok(None));
    let (mut scope, mut domains, mut mapping) = (Ok(None), Ok(None), Ok(None));
    let (mut members, mut references) = (Ok(None), Ok(None));
    let mut setup = SetupSlots::default();
    let mut others: Vec<Result<Loaded<Vec<OtherRecipient>>>> = (0..p.target_other_recipients.len())
        .map(|_| Ok(Default::default()))
        .collect();
    rayon::scope(|s| {
        s.spawn(|_| sources = source::load(&p.source_mailboxes).map(Some));
        s.spawn(|_| targets = target::load(&p.target_recipients).map(Some));
        s.spawn(|_| stats = opt(p.source_statistics.as_deref(), statistics::load));
        s.spawn(|_| mbx_perms = opt(p.mailbox_permissions.as_deref(), permissions::load_mailbox));
        s.spawn(|_| {
            rcpt_perms = opt(
                p.recipient_permissions.as_deref(),
                permissions::load_recipient,
            )
        });
        s.spawn(|_| scope = opt(p.scope_members.as_deref(), scope::load));
        s.spawn(|_| domains = opt(p.accepted_domains.as_deref(), domains::load));
        s.spawn(|_| mapping = opt(p.mapping.as_deref(), mapping::load));
        s.spawn(|_| members = opt(p.group_members.as_deref(), members::load));
        s.spawn(|_| references = opt(p.references.as_deref(), references::load));
        setup.spawn(s, &p.setup);
        for (k, (slot, path)) in others
            .iter_mut()
            .zip(&p.target_other_recipients)
            .enumerate()
        {
            let file = u16::try_from(k).unwrap_or(u16::MAX);
            s.spawn(move |_| *slot = others::load(path, file));
        }
    });
    // Errors are reported in a fixed order (required inputs first), not in finishing order.
    let mut files = Vec::new();
    let mut notices = Vec::new();
    let sources = absorb(sources, &mut files, &mut notices)?.unwrap_or_default();
    let mut targets = absorb(targets, &mut files, &mut notices)?.unwrap_or_default();
    // Get-MailUser lists guests too: they are other recipients, never the object a mailbox
    // moves to (XT223), and come first, before the other files' copies of them.
    let mut target_others: Vec<OtherRecipient> = targets
        .iter()
        .filter(|t| t.is_guest())
        .map(OtherRecipient::from_guest)
        .collect();
    if !target_others.is_empty() {
        targets.retain(|t| !t.is_guest());
    }
    for loaded in others {
        let rows = absorb(loaded.map(Some), &mut files, &mut notices)?;
        target_others.extend(rows.unwrap_or_default());
    }
    let target_others = others::distinct(
        target_others,
        &targets,
        &p.target_other_recipients,
        &mut notices,
    );
    Ok(Inputs {
        sources,
        targets,
        target_others,
        statistics: absorb(stats, &mut files, &mut notices)?,
        mailbox_permissions: absorb(mbx_perms, &mut files, &mut notices)?,
        recipient_permissions: absorb(rcpt_perms, &mut files, &mut notices)?,
        scope_members: absorb(scope, &mut files, &mut notices)?,
        accepted_domains: absorb(domains, &mut files, &mut notices)?,
        mapping: absorb(mapping, &mut files, &mut notices)?,
        group_members: absorb(members, &mut files, &mut notices)?,
        references: absorb(references, &mut files, &mut notices)?,
        setup: setup.absorb(&mut files, &mut notices)?,
        files,
        notices,
    })
}

/// The optional columns a file lacks whose absence changes the plan, with what it changes, as one
/// notice; the summary then says what was not checked or which default was used.
fn missing_columns(file: &FileInfo) -> Option<Notice> {
    // An empty answer has no columns at all; its own notice says so.
    if file.rows == 0 && file.columns.is_empty() {
        return None;
    }
    let missing: Vec<String> = file
        .kind
        .columns()
        .iter()
        .filter(|c| !c.required && !file.columns.contains(&c.name))
        .filter_map(|c| c.without.map(|effect| format!("{} ({effect})", c.name)))
        .collect();
    (!missing.is_empty()).then(|| {
        Notice(format!(
            "{}: optional column(s) not exported: {}. The export recipes (docs/exports.md) have them all",
            file.path.display(),
            missing.join("; ")
        ))
    })
}

/// Moves a loaded file's facts and notices into the run's lists.
fn absorb<T>(
    loaded: Result<Option<Loaded<T>>>,
    files: &mut Vec<FileInfo>,
    notices: &mut Vec<Notice>,
) -> Result<Option<T>> {
    Ok(loaded?.map(|(value, f, n)| {
        notices.extend(n);
        notices.extend(f.iter().filter_map(missing_columns));
        files.extend(f);
        value
    }))
}

type Loaded<T> = (T, Vec<FileInfo>, Vec<Notice>);

/// Reads one file as `kind` through the same decoding, parsing, checks and row mapping as
/// `load`, and returns its rows. For the fuzz targets (fuzz/) and for tests.
pub fn load_one(kind: InputKind, path: &Path) -> Result<usize> {
    Ok(match kind {
        InputKind::SourceMailboxes => source::load(path)?.0.len(),
        InputKind::SourceStatistics => statistics::load(path)?.0.len(),
        InputKind::MailboxPermissions => permissions::load_mailbox(path)?.0.len(),
        InputKind::RecipientPermissions => permissions::load_recipient(path)?.0.len(),
        InputKind::ScopeMembers => scope::load(path)?.0.len(),
        InputKind::TargetRecipients => target::load(path)?.0.len(),
        InputKind::TargetOtherRecipients => others::load(path, 0)?.0.len(),
        InputKind::AcceptedDomains => domains::load(path)?.0.len(),
        InputKind::Mapping => mapping::load(path)?.0.len(),
        InputKind::GroupMembers => members::load(path)?.0.len(),
        InputKind::References => references::load(path)?.0.len(),
        InputKind::SourceOrgRelationships => setup::relationships::load_source(path)?.0.len(),
        InputKind::TargetOrgRelationships => setup::relationships::load_target(path)?.0.len(),
        InputKind::MigrationEndpoints => setup::endpoints::load(path)?.0.len(),
        InputKind::MigrationConfig => setup::config::load(path)?.0.len(),
        InputKind::ScopeGroup => setup::scope_group::load(path)?.0.len(),
        InputKind::SourceAcceptedDomains => domains::load_source(path)?.0.len(),
        InputKind::MigrationApp => setup::app::load(path)?.0.len(),
        InputKind::SourceServicePrincipals => setup::principals::load(path)?.0.len(),
        InputKind::SourceSoftDeleted => setup::soft_deleted::load_source(path)?.0.len(),
        InputKind::TargetSoftDeleted => setup::soft_deleted::load_target(path)?.0.len(),
        InputKind::MigrationUsers => migration_users::load(path)?.0.len(),
        InputKind::MigrationBatches => migration_batches::load(path)?.0.len(),
    })
}

/// The setup exports, each read in a task of its own like the other inputs.
struct SetupSlots {
    source_relationships: Result<Option<Loaded<Vec<crate::model::OrgRelationship>>>>,
    target_relationships: Result<Option<Loaded<Vec<crate::model::OrgRelationship>>>>,
    endpoints: Result<Option<Loaded<Vec<crate::model::MigrationEndpoint>>>>,
    scope_group: Result<Option<Loaded<Vec<crate::model::ScopeGroup>>>>,
    migration_config: Result<Option<Loaded<Vec<crate::model::MigrationConfig>>>>,
    source_domains: Result<Option<Loaded<Vec<crate::model::AcceptedDomain>>>>,
    migration_app: Result<Option<Loaded<Vec<crate::model::MigrationApp>>>>,
    source_principals: Result<Option<Loaded<Vec<crate::model::ServicePrincipal>>>>,
    source_soft_deleted: Result<Option<Loaded<Vec<crate::model::SoftDeleted>>>>,
    target_soft_deleted: Result<Option<Loaded<Vec<crate::model::SoftDeleted>>>>,
}

impl Default for SetupSlots {
    fn default() -> SetupSlots {
        SetupSlots {
            source_relationships: Ok(None),
            target_relationships: Ok(None),
            endpoints: Ok(None),
            scope_group: Ok(None),
            migration_config: Ok(None),
            source_domains: Ok(None),
            migration_app: Ok(None),
            source_principals: Ok(None),
            source_soft_deleted: Ok(None),
            target_soft_deleted: Ok(None),
        }
    }
}

impl SetupSlots {
    fn spawn<'s>(&'s mut self, s: &rayon::Scope<'s>, p: &'s crate::config::SetupPaths) {
        use setup::*;
        let SetupSlots {
            source_relationships,
            target_relationships,
            endpoints: eps,
            scope_group: sg,
            migration_config: mc,
            source_domains,
            migration_app,
            source_principals,
            source_soft_deleted,
            target_soft_deleted,
        } = self;
        s.spawn(|_| {
            *source_relationships = opt(
                p.source_relationships.as_deref(),
                relationships::load_source,
            )
        });
        s.spawn(|_| {
            *target_relationships = opt(
                p.target_relationships.as_deref(),
                relationships::load_target,
            )
        });
        s.spawn(|_| *eps = opt(p.endpoints.as_deref(), endpoints::load));
        s.spawn(|_| *sg = opt(p.scope_group.as_deref(), scope_group::load));
        s.spawn(|_| *mc = opt(p.migration_config.as_deref(), config::load));
        s.spawn(|_| *source_domains = opt(p.source_domains.as_deref(), domains::load_source));
        s.spawn(|_| *migration_app = opt(p.migration_app.as_deref(), app::load));
        s.spawn(|_| *source_principals = opt(p.source_principals.as_deref(), principals::load));
        s.spawn(|_| {
            *source_soft_deleted = opt(p.source_soft_deleted.as_deref(), soft_deleted::load_source)
        });
        s.spawn(|_| {
            *target_soft_deleted = opt(p.target_soft_deleted.as_deref(), soft_deleted::load_target)
        });
    }

    /// Errors in a fixed order, as for the other inputs.
    fn absorb(
        self,
        files: &mut Vec<FileInfo>,
        notices: &mut Vec<Notice>,
    ) -> Result<crate::model::SetupInputs> {
        Ok(crate::model::SetupInputs {
            source_relationships: absorb(self.source_relationships, files, notices)?,
            target_relationships: absorb(self.target_relationships, files, notices)?,
            endpoints: absorb(self.endpoints, files, notices)?,
            scope_group: absorb(self.scope_group, files, notices)?,
            migration_config: absorb(self.migration_config, files, notices)?,
            source_domains: absorb(self.source_domains, files, notices)?,
            migration_app: absorb(self.migration_app, files, notices)?,
            source_principals: absorb(self.source_principals, files, notices)?,
            source_soft_deleted: absorb(self.source_soft_deleted, files, notices)?,
            target_soft_deleted: absorb(self.target_soft_deleted, files, notices)?,
        })
    }
}

fn opt<T>(path: Option<&Path>, f: fn(&Path) -> Result<Loaded<T>>) -> Result<Option<Loaded<T>>> {
    path.map(f).transpose()
}

/// Keeps every row of a reader that leaves a bad value as it is (or empty) rather than stop,
/// and names the first such value and how many rows hold one in a notice; `outcome` says what
/// became of them ("; it is left empty").
pub(crate) fn note_bad_values<T>(
    path: &Path,
    rows: Vec<(T, Option<crate::model::ValueIssue>)>,
    line: impl Fn(&T) -> u64,
    outcome: &str,
    notices: &mut Vec<Notice>,
) -> Vec<T> {
    let bad = rows.iter().filter(|(_, i)| i.is_some()).count();
    if let Some((row, issue)) = rows.iter().find_map(|(r, i)| Some((r, i.as_ref()?))) {
        notices.push(Notice(format!(
            "{}: {} row(s) hold a value that is not valid, first at line {}: {} {:?} {}{outcome}",
            path.display(),
            crate::progress::thousands(bad as u64),
            line(row),
            issue.column,
            issue.value,
            issue.problem.describe()
        )));
    }
    rows.into_iter().map(|(r, _)| r).collect()
}

/// Reads one file as a table of `kind` and maps every row in parallel.
pub(crate) fn read_rows<T: Send>(
    path: &Path,
    kind: InputKind,
    map: impl Fn(&Row<'_>) -> T + Sync,
) -> Result<Loaded<Vec<T>>> {
    let (table, rows) = Table::read(path, kind, map)?;
    Ok(loaded(&table, rows))
}

/// The rows of a table read, with the facts about its file.
pub(crate) fn loaded<T>(table: &Table, rows: Vec<T>) -> Loaded<Vec<T>> {
    let info = FileInfo {
        kind: table.kind,
        path: table.path.clone(),
        rows: rows.len(),
        format: table.format.clone(),
        columns: table
            .kind
            .columns()
            .iter()
            .zip(&table.present)
            .filter(|(_, p)| **p)
            .map(|(c, _)| c.name)
            .collect(),
        modified: std::fs::metadata(&table.path)
            .and_then(|m| m.modified())
            .ok(),
    };
    (rows, vec![info], table.notices.clone())
}

pub const RECIPE_SOURCE_MAILBOXES: &str = r#"# Source tenant (Connect-ExchangeOnline). EXO V3 module; Windows PowerShell 5.1 or 7.
# Get-EXOMailbox does not return DelayReleaseHoldApplied: one Get-Mailbox pass collects it first.
$drh = @{}
Get-Mailbox -ResultSize Unlimited | Where-Object DelayReleaseHoldApplied | ForEach-Object { $drh[$_.ExchangeGuid.ToString()] = $true }
Get-EXOMailbox -ResultSize Unlimited -Properties Name,DisplayName,Alias,ExternalDirectoryObjectId,UserPrincipalName,PrimarySmtpAddress,EmailAddresses,ExchangeGuid,ArchiveGuid,ArchiveStatus,AutoExpandingArchiveEnabled,LegacyExchangeDN,RecipientTypeDetails,LitigationHoldEnabled,InPlaceHolds,ComplianceTagHoldApplied,DelayHoldApplied,RetentionHoldEnabled,GrantSendOnBehalfTo,MailboxLocations,PersistedCapabilities,MailboxMoveRemoteHostName,Office,CustomAttribute1,CustomAttribute2,CustomAttribute3,CustomAttribute4,CustomAttribute5,CustomAttribute6,CustomAttribute7,CustomAttribute8,CustomAttribute9,CustomAttribute10,CustomAttribute11,CustomAttribute12,CustomAttribute13,CustomAttribute14,CustomAttribute15 |
  Select-Object Name,DisplayName,Alias,UserPrincipalName,PrimarySmtpAddress,ExternalDirectoryObjectId,
    @{n='EmailAddresses';e={$_.EmailAddresses -join ';'}},
    ExchangeGuid,ArchiveGuid,ArchiveStatus,AutoExpandingArchiveEnabled,LegacyExchangeDN,RecipientTypeDetails,
    LitigationHoldEnabled,@{n='InPlaceHolds';e={$_.InPlaceHolds -join ';'}},
    ComplianceTagHoldApplied,DelayHoldApplied,RetentionHoldEnabled,
    @{n='DelayReleaseHoldApplied';e={[bool]$drh[$_.ExchangeGuid.ToString()]}},
    @{n='GrantSendOnBehalfTo';e={$_.GrantSendOnBehalfTo -join ';'}},
    @{n='MailboxLocations';e={$_.MailboxLocations -join ';'}},
    @{n='PersistedCapabilities';e={$_.PersistedCapabilities -join ';'}},
    MailboxMoveRemoteHostName,Office,CustomAttribute1,CustomAttribute2,CustomAttribute3,CustomAttribute4,CustomAttribute5,CustomAttribute6,CustomAttribute7,CustomAttribute8,CustomAttribute9,CustomAttribute10,CustomAttribute11,CustomAttribute12,CustomAttribute13,CustomAttribute14,CustomAttribute15 |
  Export-Csv -Path source-mailboxes.csv -NoTypeInformation -Encoding UTF8"#;

pub const RECIPE_SOURCE_STATISTICS: &str = r#"# Source tenant. Primary mailboxes, then archives (-Archive); both go in one file.
$m = Get-EXOMailbox -ResultSize Unlimited -Properties ArchiveGuid
$m | Get-EXOMailboxStatistics |
  Select-Object MailboxGuid,DisplayName,TotalItemSize,TotalDeletedItemSize,ItemCount |
  Export-Csv -Path source-statistics.csv -NoTypeInformation -Encoding UTF8
$m | Where-Object { $_.ArchiveGuid -ne [guid]::Empty } | Get-EXOMailboxStatistics -Archive |
  Select-Object MailboxGuid,DisplayName,TotalItemSize,TotalDeletedItemSize,ItemCount |
  Export-Csv -Path source-statistics.csv -NoTypeInformation -Encoding UTF8 -Append"#;

pub const RECIPE_MAILBOX_PERMISSIONS: &str = r#"# Source tenant. FullAccess and other mailbox permissions (slow on large tenants: run it early).
Get-EXOMailbox -ResultSize Unlimited | Get-EXOMailboxPermission |
  Where-Object { $_.User -ne 'NT AUTHORITY\SELF' -and -not $_.IsInherited } |
  Select-Object Identity,User,@{n='AccessRights';e={$_.AccessRights -join ';'}},IsInherited,Deny |
  Export-Csv -Path mailbox-permissions.csv -NoTypeInformation -Encoding UTF8"#;

pub const RECIPE_RECIPIENT_PERMISSIONS: &str = r#"# Source tenant. SendAs.
Get-EXORecipientPermission -ResultSize Unlimited |
  Where-Object { $_.Trustee -ne 'NT AUTHORITY\SELF' -and -not $_.IsInherited } |
  Select-Object Identity,Trustee,AccessControlType,@{n='AccessRights';e={$_.AccessRights -join ';'}},IsInherited |
  Export-Csv -Path recipient-permissions.csv -NoTypeInformation -Encoding UTF8"#;

pub const RECIPE_SCOPE_MEMBERS: &str = r#"# Source tenant. The mail-enabled security group named in the organization relationship's
# MailboxMovePublishedScopes. -ResultSize Unlimited matters: without it only 1,000 members come back.
Get-DistributionGroupMember -Identity 'T2T-Migration-Scope' -ResultSize Unlimited |
  Select-Object Name,Alias,PrimarySmtpAddress,ExternalDirectoryObjectId,RecipientTypeDetails |
  Export-Csv -Path scope-members.csv -NoTypeInformation -Encoding UTF8"#;

pub const RECIPE_TARGET_RECIPIENTS: &str = r#"# Target tenant. MailUsers joined with their Get-User facts, plus mailboxes (to catch targets that
# already have one). Get-User is read once into a hashtable so this stays linear.
$users = @{}
Get-User -ResultSize Unlimited | ForEach-Object { $users[$_.Guid.ToString()] = $_ }
$props = 'Name','Alias','DisplayName','UserPrincipalName','PrimarySmtpAddress','ExternalEmailAddress','EmailAddresses','ExchangeGuid','ArchiveGuid','RecipientTypeDetails','IsDirSynced','PersistedCapabilities','RecoverableItemsQuota','Guid'
@(Get-MailUser -ResultSize Unlimited | Select-Object $props) + @(Get-Mailbox -ResultSize Unlimited | Select-Object $props) |
  ForEach-Object {
    $u = $users[$_.Guid.ToString()]
    [pscustomobject]@{
      Name = $_.Name; Alias = $_.Alias; DisplayName = $_.DisplayName; UserPrincipalName = $_.UserPrincipalName
      PrimarySmtpAddress = $_.PrimarySmtpAddress; ExternalEmailAddress = $_.ExternalEmailAddress
      EmailAddresses = $_.EmailAddresses -join ';'; ExchangeGuid = $_.ExchangeGuid; ArchiveGuid = $_.ArchiveGuid
      RecipientTypeDetails = $_.RecipientTypeDetails; PreviousRecipientTypeDetails = $u.PreviousRecipientTypeDetails
      IsDirSynced = $_.IsDirSynced; PersistedCapabilities = $_.PersistedCapabilities -join ';'
      RecoverableItemsQuota = $_.RecoverableItemsQuota; SKUAssigned = $u.SKUAssigned
    }
  } | Export-Csv -Path target-recipients.csv -NoTypeInformation -Encoding UTF8"#;

pub const RECIPE_TARGET_OTHER_RECIPIENTS: &str = r#"# Target tenant. Every recipient that is not a migrating user: mail contacts (GAL sync), groups,
# mail-enabled public folders, guests. LegacyExchangeDN is on these cmdlets' output, not on
# Get-Recipient's, so each kind is read with its own cmdlet; one file holds them all.
$cols = 'Name','Alias','DisplayName','PrimarySmtpAddress','ExternalEmailAddress',
  @{n='EmailAddresses';e={$_.EmailAddresses -join ';'}},'LegacyExchangeDN','RecipientTypeDetails','IsDirSynced'
@(
  Get-MailContact -ResultSize Unlimited
  Get-DistributionGroup -ResultSize Unlimited
  Get-DynamicDistributionGroup -ResultSize Unlimited
  Get-UnifiedGroup -ResultSize Unlimited
  Get-MailPublicFolder -ResultSize Unlimited
  Get-MailUser -ResultSize Unlimited | Where-Object { "$($_.RecipientTypeDetails)" -eq 'GuestMailUser' }
) | Select-Object $cols | Export-Csv -Path target-other-recipients.csv -NoTypeInformation -Encoding UTF8
# Soft-deleted recipients hold their addresses too: a second file, given with a second
# --target-other-recipients (rows that are target-recipients.csv's own objects are skipped).
Get-EXORecipient -IncludeSoftDeletedRecipients -ResultSize Unlimited -PropertySets All |
  Select-Object $cols | Export-Csv -Path target-all-recipients.csv -NoTypeInformation -Encoding UTF8"#;

pub const RECIPE_GROUP_MEMBERS: &str = r#"# Target tenant. Every member of every distribution and mail-enabled security group, so that
# the MailUser that replaces a converted GAL-sync contact is added to the contact's groups.
Get-DistributionGroup -ResultSize Unlimited | ForEach-Object {
  $g = $_
  Get-DistributionGroupMember -Identity $g.ExchangeObjectId.ToString() -ResultSize Unlimited |
    Select-Object @{n='Group';e={$g.PrimarySmtpAddress}},@{n='Member';e={$_.PrimarySmtpAddress}},Name,RecipientTypeDetails
} | Export-Csv -Path target-group-members.csv -NoTypeInformation -Encoding UTF8"#;

pub const RECIPE_REFERENCES: &str = r#"# Target tenant. Where a mail contact is named in another recipient's ForwardingAddress, delivery
# restrictions or moderation: a converted GAL-sync contact is dropped from these when it is
# removed, and its MailUser is put back. Values come as GUIDs or names: each is looked up among
# the contacts and written as the contact's address; references to anything else are left out.
$contacts = @{}
Get-MailContact -ResultSize Unlimited | ForEach-Object {
  foreach ($k in $_.Guid, $_.ExchangeObjectId, $_.ExternalDirectoryObjectId, $_.Name, $_.Identity, $_.DistinguishedName, $_.PrimarySmtpAddress) {
    if ("$k") { $contacts["$k"] = "$($_.PrimarySmtpAddress)" }
  }
}
# Exchange filters the holders: only those with a forwarding, a restriction or moderation come
# back, and they are written as they come (streamed, not held in memory).
$named = 'AcceptMessagesOnlyFrom -ne $null -or RejectMessagesFrom -ne $null -or ModerationEnabled -eq $true'
$forwards = "ForwardingAddress -ne `$null -or $named"
$props = 'ForwardingAddress','AcceptMessagesOnlyFrom','AcceptMessagesOnlyFromSendersOrMembers','RejectMessagesFrom',
  'RejectMessagesFromSendersOrMembers','ModeratedBy','BypassModerationFromSendersOrMembers'
$empty = [guid]::Empty.ToString()
& {
  Get-Mailbox -ResultSize Unlimited -Filter $forwards
  Get-MailUser -ResultSize Unlimited -Filter $forwards
  Get-MailContact -ResultSize Unlimited -Filter $named
  Get-DistributionGroup -ResultSize Unlimited -Filter $named
  Get-DynamicDistributionGroup -ResultSize Unlimited -Filter $named
  Get-UnifiedGroup -ResultSize Unlimited -Filter $named
  Get-MailPublicFolder -ResultSize Unlimited -Filter $forwards
} | ForEach-Object {
  $r = $_
  $id = @($r.ExchangeObjectId, $r.Guid) | Where-Object { "$_" -and "$_" -ne $empty } | Select-Object -First 1
  foreach ($p in $props) {
    if (-not $r.PSObject.Properties[$p]) { continue }
    foreach ($v in @($r.$p)) {
      if ($null -ne $v -and $contacts.ContainsKey("$v")) {
        [pscustomobject]@{ Identity = "$id"; Name = $r.Name; RecipientTypeDetails = $r.RecipientTypeDetails
          IsDirSynced = $r.IsDirSynced; Property = $p; Value = $contacts["$v"] }
      }
    }
  }
} | Export-Csv -Path target-references.csv -NoTypeInformation -Encoding UTF8"#;

pub const RECIPE_SOURCE_ORG_RELATIONSHIPS: &str = r#"# Source tenant (Connect-ExchangeOnline). Its organization relationships, and its tenant ID for
# --source-tenant-id (Get-MgOrganization's Id is the same).
Get-OrganizationRelationship |
  Select-Object Identity,@{n='DomainNames';e={$_.DomainNames -join ';'}},Enabled,MailboxMoveEnabled,
    @{n='MailboxMoveCapability';e={"$($_.MailboxMoveCapability)"}},OAuthApplicationId,
    @{n='MailboxMovePublishedScopes';e={$_.MailboxMovePublishedScopes -join ';'}} |
  Export-Csv -Path source-org-relationships.csv -NoTypeInformation -Encoding UTF8
(Get-ConnectionInformation).TenantID"#;

pub const RECIPE_TARGET_ORG_RELATIONSHIPS: &str = r#"# Target tenant (Connect-ExchangeOnline). Its organization relationships, and its tenant ID for
# --target-tenant-id.
Get-OrganizationRelationship |
  Select-Object Identity,@{n='DomainNames';e={$_.DomainNames -join ';'}},Enabled,MailboxMoveEnabled,
    @{n='MailboxMoveCapability';e={"$($_.MailboxMoveCapability)"}},OAuthApplicationId,
    @{n='MailboxMovePublishedScopes';e={$_.MailboxMovePublishedScopes -join ';'}} |
  Export-Csv -Path target-org-relationships.csv -NoTypeInformation -Encoding UTF8
(Get-ConnectionInformation).TenantID"#;

pub const RECIPE_MIGRATION_ENDPOINTS: &str = r#"# Target tenant.
Get-MigrationEndpoint |
  Select-Object Identity,EndpointType,RemoteServer,RemoteTenant,ApplicationId,MaxConcurrentMigrations |
  Export-Csv -Path migration-endpoints.csv -NoTypeInformation -Encoding UTF8"#;

pub const RECIPE_MIGRATION_CONFIG: &str = r#"# Target tenant.
Get-MigrationConfig | Select-Object MaxNumberOfBatches,MaxConcurrentMigrations |
  Export-Csv -Path migration-config.csv -NoTypeInformation -Encoding UTF8"#;

pub const RECIPE_SCOPE_GROUP: &str = r#"# Source tenant. The group the source relationship's MailboxMovePublishedScopes names (its kind
# matters: only a mail-enabled security group works).
Get-Recipient -Identity 'T2T-Migration-Scope' |
  Select-Object Name,Alias,PrimarySmtpAddress,RecipientTypeDetails,Identity,DistinguishedName,ExternalDirectoryObjectId,Guid |
  Export-Csv -Path scope-group.csv -NoTypeInformation -Encoding UTF8"#;

pub const RECIPE_SOURCE_ACCEPTED_DOMAINS: &str = r#"# Source tenant.
Get-AcceptedDomain | Select-Object DomainName,DomainType,Default |
  Export-Csv -Path source-accepted-domains.csv -NoTypeInformation -Encoding UTF8"#;

pub const RECIPE_MIGRATION_APP: &str = r#"# Target tenant, Microsoft Graph (Connect-MgGraph -Scopes Application.Read.All). The migration app:
# who may sign in, its redirect URI, its application permissions by name, when its secrets end.
$appId = '<the migration app''s Application (client) ID>'
$app = Get-MgApplication -Filter "appId eq '$appId'"
$permissions = foreach ($r in $app.RequiredResourceAccess) {
  $resource = Get-MgServicePrincipal -Filter "appId eq '$($r.ResourceAppId)'"
  foreach ($a in @($r.ResourceAccess | Where-Object { $_.Type -eq 'Role' })) {
    "$($r.ResourceAppId):$(($resource.AppRoles | Where-Object { $_.Id -eq $a.Id }).Value)"
  }
}
[pscustomobject]@{
  AppId = $app.AppId; DisplayName = $app.DisplayName; SignInAudience = $app.SignInAudience
  RedirectUris = $app.Web.RedirectUris -join ';'; Permissions = $permissions -join ';'
  SecretEnds = ($app.PasswordCredentials | ForEach-Object { $_.EndDateTime.ToString('yyyy-MM-dd') }) -join ';'
} | Export-Csv -Path migration-app.csv -NoTypeInformation -Encoding UTF8"#;

pub const RECIPE_SOURCE_SERVICE_PRINCIPALS: &str = r#"# Source tenant, Microsoft Graph (Connect-MgGraph -Scopes Application.Read.All). The migration app's
# service principal exists once the source admin consented; its role assignments say to what.
# No service principal: an empty file, which xtenant reads as "not consented".
$appId = '<the migration app''s Application (client) ID>'
Get-MgServicePrincipal -Filter "appId eq '$appId'" | ForEach-Object {
  $sp = $_
  $granted = foreach ($g in Get-MgServicePrincipalAppRoleAssignment -ServicePrincipalId $sp.Id -All) {
    $resource = Get-MgServicePrincipal -ServicePrincipalId $g.ResourceId
    ($resource.AppRoles | Where-Object { $_.Id -eq $g.AppRoleId }).Value
  }
  [pscustomobject]@{ AppId = $sp.AppId; AppOwnerOrganizationId = $sp.AppOwnerOrganizationId
    DisplayName = $sp.DisplayName; Granted = $granted -join ';' }
} | Export-Csv -Path source-service-principals.csv -NoTypeInformation -Encoding UTF8"#;

pub const RECIPE_SOURCE_SOFT_DELETED: &str = r#"# Source tenant. Soft-deleted mailboxes (an empty file when there are none).
Get-Mailbox -SoftDeletedMailbox -ResultSize Unlimited |
  Select-Object Name,RecipientTypeDetails,ExchangeGuid,PrimarySmtpAddress,UserPrincipalName,
    @{n='EmailAddresses';e={$_.EmailAddresses -join ';'}} |
  Export-Csv -Path source-soft-deleted.csv -NoTypeInformation -Encoding UTF8"#;

pub const RECIPE_TARGET_SOFT_DELETED: &str = r#"# Target tenant. Soft-deleted mailboxes and mail users, in one file (empty when there are none).
$cols = 'Name','RecipientTypeDetails','ExchangeGuid','PrimarySmtpAddress','UserPrincipalName',
  @{n='EmailAddresses';e={$_.EmailAddresses -join ';'}}
@(
  Get-Mailbox -SoftDeletedMailbox -ResultSize Unlimited
  Get-MailUser -SoftDeletedMailUser -ResultSize Unlimited
) | Select-Object $cols | Export-Csv -Path target-soft-deleted.csv -NoTypeInformation -Encoding UTF8"#;

pub const RECIPE_MIGRATION_USERS: &str = r#"# Target tenant, while the batches run (for xtenant track). Sizes keep Exchange's
# "1.234 GB (1,324,567,890 bytes)" shape; times are ISO 8601 (culture formats are ambiguous).
$at = (Get-Date).ToUniversalTime().ToString('o')
$iso = { param($t) if ($t) { ([datetime]$t).ToUniversalTime().ToString('o') } }
Get-MigrationUser -ResultSize Unlimited | Get-MigrationUserStatistics |
  Select-Object Identity,@{n='BatchId';e={"$($_.BatchId)"}},Status,StatusSummary,ErrorSummary,
    @{n='Error';e={"$($_.Error)"}},BytesTransferred,EstimatedTotalTransferSize,PercentageComplete,
    SyncedItemCount,SkippedItemCount,HasUnapprovedSkippedItems,DataConsistencyScore,
    @{n='LastSuccessfulSyncTime';e={& $iso $_.LastSuccessfulSyncTime}},
    @{n='ExportedAt';e={$at}} |
  Export-Csv -Path migration-users.csv -NoTypeInformation -Encoding UTF8"#;

pub const RECIPE_MIGRATION_BATCHES: &str = r#"# Target tenant, with the migration users (for xtenant track); times are ISO 8601.
$iso = { param($t) if ($t) { ([datetime]$t).ToUniversalTime().ToString('o') } }
Get-MigrationBatch | Select-Object @{n='Identity';e={"$($_.Identity)"}},Status,TotalCount,
    SyncedCount,FinalizedCount,FailedCount,
    @{n='StartAfter';e={& $iso $_.StartAfter}},@{n='CompleteAfter';e={& $iso $_.CompleteAfter}},
    @{n='CreationDateTime';e={& $iso $_.CreationDateTime}},@{n='StartDateTime';e={& $iso $_.StartDateTime}},
    @{n='LastSyncedDateTime';e={& $iso $_.LastSyncedDateTime}} |
  Export-Csv -Path migration-batches.csv -NoTypeInformation -Encoding UTF8"#;

pub const RECIPE_ACCEPTED_DOMAINS: &str = r#"# Target tenant.
Get-AcceptedDomain | Select-Object DomainName,DomainType,Default |
  Export-Csv -Path target-accepted-domains.csv -NoTypeInformation -Encoding UTF8"#;

pub const RECIPE_MAPPING: &str = r#"# Written by hand or by your identity project: one row per source mailbox whose target object
# cannot be found by ExchangeGuid, ExternalEmailAddress or x500. Either side may be a primary SMTP
# address, UPN, alias, any proxy address or an ExchangeGuid.
SourceIdentity,TargetIdentity
lara.newton@contoso.com,lara.n@northwindtraders.com"#;
