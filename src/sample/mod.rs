//! `xtenant sample`: a deterministic pair of tenants (contoso -> northwindtraders) written in
//! the shapes real exports come in, with planted problems and an answer key that tests use.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::input::values::{ascii_fold as ascii, local_part, split_proxies};
use crate::write::Staging;

pub mod status;

const SRC: &str = "contoso.com";
const SRC_INITIAL: &str = "contoso.onmicrosoft.com";
const SRC_MAIL: &str = "contoso.mail.onmicrosoft.com";
const TGT: &str = "northwindtraders.com";
const TGT_INITIAL: &str = "northwindtraders.onmicrosoft.com";
const TGT_MAIL: &str = "northwindtraders.mail.onmicrosoft.com";
const QUOTA: &str = "30 GB (32,212,254,720 bytes)";

/// Columns of each generated file, in the order the export recipes (docs/exports.md) write them.
pub const SOURCE_HEADER: [&str; 26] = [
    "Name",
    "DisplayName",
    "Alias",
    "UserPrincipalName",
    "PrimarySmtpAddress",
    "ExternalDirectoryObjectId",
    "EmailAddresses",
    "ExchangeGuid",
    "ArchiveGuid",
    "ArchiveStatus",
    "AutoExpandingArchiveEnabled",
    "LegacyExchangeDN",
    "RecipientTypeDetails",
    "LitigationHoldEnabled",
    "InPlaceHolds",
    "ComplianceTagHoldApplied",
    "DelayHoldApplied",
    "RetentionHoldEnabled",
    "DelayReleaseHoldApplied",
    "GrantSendOnBehalfTo",
    "MailboxLocations",
    "PersistedCapabilities",
    "MailboxMoveRemoteHostName",
    "Office",
    "CustomAttribute1",
    "CustomAttribute7",
];
pub const TARGET_HEADER: [&str; 15] = [
    "Alias",
    "DisplayName",
    "UserPrincipalName",
    "PrimarySmtpAddress",
    "ExternalEmailAddress",
    "EmailAddresses",
    "ExchangeGuid",
    "ArchiveGuid",
    "RecipientTypeDetails",
    "PreviousRecipientTypeDetails",
    "IsDirSynced",
    "PersistedCapabilities",
    "RecoverableItemsQuota",
    "SKUAssigned",
    "Name",
];
pub const OTHER_HEADER: [&str; 9] = [
    "Name",
    "Alias",
    "DisplayName",
    "PrimarySmtpAddress",
    "ExternalEmailAddress",
    "EmailAddresses",
    "LegacyExchangeDN",
    "RecipientTypeDetails",
    "IsDirSynced",
];
const MEMBERS_HEADER: [&str; 4] = ["Group", "Member", "Name", "RecipientTypeDetails"];
pub const REFERENCES_HEADER: [&str; 6] = [
    "Identity",
    "Name",
    "RecipientTypeDetails",
    "IsDirSynced",
    "Property",
    "Value",
];
const STATS_HEADER: [&str; 5] = [
    "MailboxGuid",
    "DisplayName",
    "TotalItemSize",
    "TotalDeletedItemSize",
    "ItemCount",
];
const MBX_PERM_HEADER: [&str; 5] = ["Identity", "User", "AccessRights", "IsInherited", "Deny"];
const RCPT_PERM_HEADER: [&str; 5] = [
    "Identity",
    "Trustee",
    "AccessControlType",
    "AccessRights",
    "IsInherited",
];
const SCOPE_HEADER: [&str; 5] = [
    "Name",
    "Alias",
    "PrimarySmtpAddress",
    "ExternalDirectoryObjectId",
    "RecipientTypeDetails",
];
const DOMAIN_HEADER: [&str; 3] = ["DomainName", "DomainType", "Default"];
/// The sample tenants' IDs and migration app (fixed: any GUIDs do).
pub const SOURCE_TENANT_ID: &str = "6a150000-c0de-4000-8000-00000000c051";
pub const TARGET_TENANT_ID: &str = "6a150000-c0de-4000-8000-00000000a751";
const MIGRATION_APP_ID: &str = "6a150000-c0de-4000-8000-0000000a9901";

const RELATIONSHIP_HEADER: [&str; 7] = [
    "Identity",
    "DomainNames",
    "Enabled",
    "MailboxMoveEnabled",
    "MailboxMoveCapability",
    "OAuthApplicationId",
    "MailboxMovePublishedScopes",
];
const ENDPOINT_HEADER: [&str; 6] = [
    "Identity",
    "EndpointType",
    "RemoteServer",
    "RemoteTenant",
    "ApplicationId",
    "MaxConcurrentMigrations",
];
const MIGRATION_CONFIG_HEADER: [&str; 2] = ["MaxNumberOfBatches", "MaxConcurrentMigrations"];
const SCOPE_GROUP_HEADER: [&str; 4] = [
    "Name",
    "Alias",
    "PrimarySmtpAddress",
    "RecipientTypeDetails",
];
const APP_HEADER: [&str; 6] = [
    "AppId",
    "DisplayName",
    "SignInAudience",
    "RedirectUris",
    "Permissions",
    "SecretEnds",
];
const PRINCIPAL_HEADER: [&str; 4] = ["AppId", "AppOwnerOrganizationId", "DisplayName", "Granted"];
const SOFT_DELETED_HEADER: [&str; 6] = [
    "Name",
    "RecipientTypeDetails",
    "ExchangeGuid",
    "PrimarySmtpAddress",
    "UserPrincipalName",
    "EmailAddresses",
];

const KEY_HEADER: [&str; 3] = ["SourcePrimarySmtpAddress", "ExpectedStatus", "PlantedCodes"];

#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub users: usize,
    pub seed: u64,
    /// FullAccess rows to add between random user mailboxes, for dense permission graphs.
    pub extra_permissions: usize,
    /// Groups, dynamic groups and public folders of the target (besides the planted contacts
    /// and guests).
    pub other_recipients: usize,
    /// Who holds permissions on whom.
    pub grants: Grants,
    /// Every file as PowerShell 7 writes it (UTF-8, `,`), instead of the mix of encodings,
    /// delimiters and type lines that real exports have: the benchmark's shape.
    pub utf8: bool,
}

/// The shape of the permission graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grants {
    /// Shared mailboxes and assistants granted to users anywhere in the tenant: one cluster
    /// spans the tenant (the stress shape, with `--extra-permissions`).
    Scattered,
    /// The default, as real tenants are: teams of 2 to 150 (by office and department) on
    /// their shared mailboxes, assistants within their team, a few company-wide mailboxes and
    /// service accounts as hubs of thousands; about half the mailboxes without any grant.
    Clustered,
}

impl Options {
    pub fn new(users: usize, seed: u64) -> Options {
        Options {
            users,
            seed,
            extra_permissions: 0,
            other_recipients: users / 25,
            grants: Grants::Clustered,
            utf8: false,
        }
    }

    pub fn with_utf8(mut self, utf8: bool) -> Options {
        self.utf8 = utf8;
        self
    }

    pub fn with_grants(mut self, grants: Grants) -> Options {
        self.grants = grants;
        self
    }

    pub fn with_other_recipients(mut self, n: usize) -> Options {
        self.other_recipients = n;
        self
    }

    pub fn with_extra_permissions(mut self, rows: usize) -> Options {
        self.extra_permissions = rows;
        self
    }
}

/// How a file is written: what Export-Csv does with each combination of switches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub delimiter: char,
    pub encoding: ShapeEncoding,
    /// Windows PowerShell 5.1 writes `#TYPE <type>` unless -NoTypeInformation.
    pub type_line: Option<&'static str>,
    pub crlf: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShapeEncoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
}

impl Shape {
    /// PowerShell 7 `Export-Csv -NoTypeInformation` on Windows: UTF-8 without BOM, CRLF.
    pub const PS7: Shape = Shape {
        delimiter: ',',
        encoding: ShapeEncoding::Utf8,
        type_line: None,
        crlf: true,
    };
    /// Windows PowerShell 5.1 `-Encoding Unicode` without -NoTypeInformation.
    pub const WINPS_UNICODE: Shape = Shape {
        delimiter: ',',
        encoding: ShapeEncoding::Utf16Le,
        type_line: Some("Selected.Microsoft.Exchange.Data.Directory.Management.Mailbox"),
        crlf: true,
    };
    /// Windows PowerShell 5.1 `-UseCulture -Encoding UTF8 -NoTypeInformation` in a `;` culture.
    pub const CULTURE_SEMICOLON: Shape = Shape {
        delimiter: ';',
        encoding: ShapeEncoding::Utf8Bom,
        type_line: None,
        crlf: true,
    };

    /// Renders rows exactly as Export-Csv would: every value quoted with `""` escapes, an
    /// empty value (PowerShell's null) as nothing at all.
    pub fn render(&self, header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
        let eol = if self.crlf { "\r\n" } else { "\n" };
        let mut text = String::new();
        if let Some(t) = self.type_line {
            let _ = write!(text, "#TYPE {t}{eol}");
        }
        let line = |text: &mut String, cells: &mut dyn Iterator<Item = &str>| {
            let mut first = true;
            for c in cells {
                if !first {
                    text.push(self.delimiter);
                }
                first = false;
                if !c.is_empty() {
                    text.push('"');
                    text.push_str(&c.replace('"', "\"\""));
                    text.push('"');
                }
            }
            text.push_str(eol);
        };
        line(&mut text, &mut header.iter().copied());
        for row in rows {
            line(&mut text, &mut row.iter().map(String::as_str));
        }
        match self.encoding {
            ShapeEncoding::Utf8 => text.into_bytes(),
            ShapeEncoding::Utf8Bom => [&b"\xEF\xBB\xBF"[..], text.as_bytes()].concat(),
            ShapeEncoding::Utf16Le => {
                let mut out = vec![0xFF, 0xFE];
                out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
                out
            }
        }
    }
}

/// Everything `xtenant sample` writes, as rows.
#[derive(Debug, Default, Clone)]
pub struct Tenants {
    pub source: Vec<Vec<String>>,
    pub statistics: Vec<Vec<String>>,
    pub mailbox_permissions: Vec<Vec<String>>,
    pub recipient_permissions: Vec<Vec<String>>,
    pub scope: Vec<Vec<String>>,
    pub target: Vec<Vec<String>>,
    /// The target's contacts, groups, public folders and guests.
    pub others: Vec<Vec<String>>,
    /// Memberships of the target's groups.
    pub members: Vec<Vec<String>>,
    /// Where the target's recipients name a contact (forwarding, delivery restrictions,
    /// moderation).
    pub references: Vec<Vec<String>>,
    pub domains: Vec<Vec<String>>,
    pub key: Vec<Vec<String>>,
    /// The tenants' setup exports (docs/setup.md).
    pub setup: Setup,
}

/// The two tenants' setup as `xtenant sample` writes it: as Microsoft's article says, but for
/// a migration app secret that ends before the last wave (XT008), a group nested in the scope
/// group (XT006, in `Tenants::scope`) and soft-deleted target mailboxes (XT409).
#[derive(Debug, Default, Clone)]
pub struct Setup {
    pub source_relationships: Vec<Vec<String>>,
    pub target_relationships: Vec<Vec<String>>,
    pub endpoints: Vec<Vec<String>>,
    pub migration_config: Vec<Vec<String>>,
    pub scope_group: Vec<Vec<String>>,
    pub source_domains: Vec<Vec<String>>,
    pub migration_app: Vec<Vec<String>>,
    pub source_principals: Vec<Vec<String>>,
    /// None: written as the empty file PowerShell writes.
    pub source_soft_deleted: Vec<Vec<String>>,
    pub target_soft_deleted: Vec<Vec<String>>,
}

/// (file name, how it is written, header, rows)
type FileSpec<'a> = (&'a str, Shape, &'a [&'a str], &'a [Vec<String>]);

/// Every file `write` writes, xtenant.toml last.
pub const FILES: [&str; 26] = [
    "source-mailboxes.csv",
    "source-statistics.csv",
    "mailbox-permissions.csv",
    "recipient-permissions.csv",
    "scope-members.csv",
    "target-recipients.csv",
    "target-other-recipients.csv",
    "target-group-members.csv",
    "target-references.csv",
    "target-accepted-domains.csv",
    "source-org-relationships.csv",
    "target-org-relationships.csv",
    "migration-endpoints.csv",
    "migration-config.csv",
    "scope-group.csv",
    "source-accepted-domains.csv",
    "migration-app.csv",
    "source-service-principals.csv",
    "source-soft-deleted.csv",
    "target-soft-deleted.csv",
    "answer-key.csv",
    "xtenant.toml",
    "migration-users.csv",
    "migration-users-previous.csv",
    "migration-batches.csv",
    "track-answer-key.csv",
];

/// Refuses a folder that holds a file `write` would replace, unless `xtenant sample` wrote the
/// folder (its xtenant.toml is the generated one): real exports are never overwritten by a
/// sample, as a plan never overwrites a folder it did not write.
pub fn refuse_foreign(dir: &Path) -> Result<()> {
    let generated = std::fs::read_to_string(dir.join("xtenant.toml")).is_ok_and(|t| {
        t.replace("\r\n", "\n")
            .starts_with(CONFIG.lines().next().unwrap_or_default())
    });
    if generated {
        return Ok(());
    }
    let taken: Vec<&str> = FILES
        .iter()
        .copied()
        .filter(|f| dir.join(f).exists())
        .collect();
    if taken.is_empty() {
        return Ok(());
    }
    Err(crate::error::Error::Output(format!(
        "{}: holds {} that xtenant sample would replace ({}), and it is not a folder xtenant sample wrote (no generated xtenant.toml): choose another --out folder, or pass --force to replace them",
        dir.display(),
        if taken.len() == 1 { "a file" } else { "files" },
        taken.join(", ")
    )))
}

/// Writes the sample tenants and their xtenant.toml into `dir`.
pub fn write(opts: &Options, dir: &Path) -> Result<Vec<PathBuf>> {
    let t = generate(opts);
    let u = &t.setup;
    let files: [FileSpec<'_>; 21] = [
        (
            "source-mailboxes.csv",
            Shape::WINPS_UNICODE,
            &SOURCE_HEADER,
            &t.source,
        ),
        (
            "source-statistics.csv",
            Shape::PS7,
            &STATS_HEADER,
            &t.statistics,
        ),
        (
            "mailbox-permissions.csv",
            Shape::PS7,
            &MBX_PERM_HEADER,
            &t.mailbox_permissions,
        ),
        (
            "recipient-permissions.csv",
            Shape::PS7,
            &RCPT_PERM_HEADER,
            &t.recipient_permissions,
        ),
        ("scope-members.csv", Shape::PS7, &SCOPE_HEADER, &t.scope),
        (
            "target-recipients.csv",
            Shape::CULTURE_SEMICOLON,
            &TARGET_HEADER,
            &t.target,
        ),
        (
            "target-other-recipients.csv",
            Shape::PS7,
            &OTHER_HEADER,
            &t.others,
        ),
        (
            "target-group-members.csv",
            Shape::PS7,
            &MEMBERS_HEADER,
            &t.members,
        ),
        (
            "target-references.csv",
            Shape::PS7,
            &REFERENCES_HEADER,
            &t.references,
        ),
        (
            "target-accepted-domains.csv",
            Shape::PS7,
            &DOMAIN_HEADER,
            &t.domains,
        ),
        (
            "source-org-relationships.csv",
            Shape::PS7,
            &RELATIONSHIP_HEADER,
            &u.source_relationships,
        ),
        (
            "target-org-relationships.csv",
            Shape::PS7,
            &RELATIONSHIP_HEADER,
            &u.target_relationships,
        ),
        (
            "migration-endpoints.csv",
            Shape::PS7,
            &ENDPOINT_HEADER,
            &u.endpoints,
        ),
        (
            "migration-config.csv",
            Shape::PS7,
            &MIGRATION_CONFIG_HEADER,
            &u.migration_config,
        ),
        (
            "scope-group.csv",
            Shape::PS7,
            &SCOPE_GROUP_HEADER,
            &u.scope_group,
        ),
        (
            "source-accepted-domains.csv",
            Shape::PS7,
            &DOMAIN_HEADER,
            &u.source_domains,
        ),
        (
            "migration-app.csv",
            Shape::PS7,
            &APP_HEADER,
            &u.migration_app,
        ),
        (
            "source-service-principals.csv",
            Shape::PS7,
            &PRINCIPAL_HEADER,
            &u.source_principals,
        ),
        (
            "source-soft-deleted.csv",
            Shape::PS7,
            &SOFT_DELETED_HEADER,
            &u.source_soft_deleted,
        ),
        (
            "target-soft-deleted.csv",
            Shape::PS7,
            &SOFT_DELETED_HEADER,
            &u.target_soft_deleted,
        ),
        ("answer-key.csv", Shape::PS7, &KEY_HEADER, &t.key),
    ];
    let mut staging = Staging::files(dir, std::iter::empty())?;
    for (name, shape, header, rows) in files {
        let shape = if opts.utf8 { Shape::PS7 } else { shape };
        // Export-Csv given nothing writes an empty file, as for the source's soft-deleted
        // mailboxes here.
        let bytes = if rows.is_empty() && name == "source-soft-deleted.csv" {
            Vec::new()
        } else {
            shape.render(header, rows)
        };
        staging.write(name, |w| w.write_all(&bytes))?;
    }
    // About 20 waves whatever the size, as a planner would choose: 400 users a week for the
    // 2,000-user samples, not 345 weekly waves for 200,000.
    let per_wave = opts.users.div_ceil(20).max(400);
    let config = CONFIG.replace(
        "users-per-wave = 400\n",
        &format!("users-per-wave = {per_wave}\n"),
    );
    staging.write("xtenant.toml", |w| w.write_all(config.as_bytes()))?;
    let mut written = staging.commit()?;
    written.extend(write_status(opts, dir)?);
    Ok(written)
}

/// The migration status of the sample's own plan (`status`): the tenants just written are
/// planned into a temporary folder, exactly as `xtenant plan --config xtenant.toml` plans them.
fn write_status(opts: &Options, dir: &Path) -> Result<Vec<PathBuf>> {
    // One folder per call: samples are written side by side (by tests, in one process).
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let scratch = std::env::temp_dir().join(format!(
        "xtenant-sample-plan-{}-{}",
        std::process::id(),
        CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    let args = crate::cli::PlanArgs {
        config: Some(dir.join("xtenant.toml")),
        out: Some(scratch.clone()),
        quiet: true,
        force: true,
        ..Default::default()
    };
    let planned = crate::config::Config::from_args(&args).and_then(|c| crate::plan(&c));
    let plan = planned.and_then(|_| crate::input::plan_file::load(&scratch));
    let _ = std::fs::remove_dir_all(&scratch);
    let plan = plan?;
    let s = status::generate(&plan, opts.seed, status::Moment::AfterFirstWave);
    let mut staging = Staging::files(dir, std::iter::empty())?;
    type File<'a> = (&'a str, &'a [&'a str], &'a [Vec<String>]);
    let files: [File<'_>; 4] = [
        ("migration-users.csv", &status::USERS_HEADER, &s.users),
        (
            "migration-users-previous.csv",
            &status::USERS_HEADER,
            &s.previous,
        ),
        ("migration-batches.csv", &status::BATCHES_HEADER, &s.batches),
        ("track-answer-key.csv", &status::KEY_HEADER, &s.key),
    ];
    for (name, header, rows) in files {
        let bytes = status::SHAPE.render(header, rows);
        staging.write(name, |w| w.write_all(&bytes))?;
    }
    staging.commit()
}

const CONFIG: &str =
    "# xtenant settings for the generated sample tenants (paths are relative to this file).
source-mailboxes = \"source-mailboxes.csv\"
source-statistics = \"source-statistics.csv\"
mailbox-permissions = \"mailbox-permissions.csv\"
recipient-permissions = \"recipient-permissions.csv\"
scope-members = \"scope-members.csv\"
target-recipients = \"target-recipients.csv\"
target-other-recipients = \"target-other-recipients.csv\"
target-group-members = \"target-group-members.csv\"
target-references = \"target-references.csv\"

# The tenants' setup (docs/setup.md).
source-tenant-id = \"6a150000-c0de-4000-8000-00000000c051\"
target-tenant-id = \"6a150000-c0de-4000-8000-00000000a751\"
source-org-relationships = \"source-org-relationships.csv\"
target-org-relationships = \"target-org-relationships.csv\"
migration-endpoints = \"migration-endpoints.csv\"
migration-config = \"migration-config.csv\"
scope-group = \"scope-group.csv\"
source-accepted-domains = \"source-accepted-domains.csv\"
migration-app = \"migration-app.csv\"
source-service-principals = \"source-service-principals.csv\"
source-soft-deleted = \"source-soft-deleted.csv\"
target-soft-deleted = \"target-soft-deleted.csv\"
accepted-domains = \"target-accepted-domains.csv\"

[waves]
# A pilot wave, then weekly waves by office, cut-overs on Saturdays.
first-cutover = \"2027-01-16\"
pilot = 50
users-per-wave = 400
group-by = \"office\"

[track]
# xtenant track --config xtenant.toml --plan <the plan folder> --out <a folder> (docs/track.md);
# migration-users-previous.csv is the same export a day earlier, for --previous.
migration-users = \"migration-users.csv\"
migration-batches = \"migration-batches.csv\"
";

/// The tenants' setup, right but for the plants `Setup` names; the org-level plants go in the
/// answer key with an empty address.
fn setup(t: &mut Tenants) {
    let row = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<String>>();
    let u = &mut t.setup;
    u.source_relationships = vec![row(&[
        "To Northwind Traders",
        TARGET_TENANT_ID,
        "True",
        "True",
        "RemoteOutbound",
        MIGRATION_APP_ID,
        "T2T-Migration-Scope",
    ])];
    u.target_relationships = vec![row(&[
        "From Contoso",
        &format!("{SOURCE_TENANT_ID};{SRC_INITIAL}"),
        "True",
        "True",
        "Inbound",
        "",
        "",
    ])];
    u.endpoints = vec![row(&[
        "Contoso cross-tenant",
        "ExchangeRemoteMove",
        "outlook.office.com",
        SRC_INITIAL,
        MIGRATION_APP_ID,
        "20",
    ])];
    u.migration_config = vec![row(&["100", "300"])];
    u.scope_group = vec![row(&[
        "T2T-Migration-Scope",
        "T2T-Migration-Scope",
        &format!("t2t-migration-scope@{SRC}"),
        "MailUniversalSecurityGroup",
    ])];
    u.source_domains = [(SRC, "True"), (SRC_INITIAL, "False"), (SRC_MAIL, "False")]
        .iter()
        .map(|(d, default)| row(&[d, "Authoritative", default]))
        .collect();
    // Its one client secret ends before the last wave's cut-over (XT008).
    u.migration_app = vec![row(&[
        MIGRATION_APP_ID,
        "Northwind cross-tenant migration",
        "AzureADMultipleOrgs",
        "https://office.com",
        "00000002-0000-0ff1-ce00-000000000000:Mailbox.Migration",
        "2027-02-01",
    ])];
    u.source_principals = vec![row(&[
        MIGRATION_APP_ID,
        TARGET_TENANT_ID,
        "Northwind cross-tenant migration",
        "Mailbox.Migration",
    ])];
    // Someone added a distribution group to the scope (XT006).
    t.scope.push(row(&[
        "Contoso Sales",
        "sales",
        &format!("sales@{SRC}"),
        "6a150000-c0de-4000-8000-00000000ea1e",
        "MailUniversalDistributionGroup",
    ]));
    t.key.push(row(&["", "", "XT008"]));
    t.key.push(row(&["", "", "XT006"]));
}

/// splitmix64: small, fast, and the same sequence on every platform (tests use it too).
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    fn guid(&mut self) -> String {
        let mut b = [0u8; 16];
        b[..8].copy_from_slice(&self.next_u64().to_le_bytes());
        b[8..].copy_from_slice(&self.next_u64().to_le_bytes());
        uuid::Builder::from_random_bytes(b).into_uuid().to_string()
    }
    fn hex32(&mut self) -> String {
        format!("{:016x}{:016x}", self.next_u64(), self.next_u64())
    }
}

const FIRST: &[&str] = &[
    "Lara",
    "John",
    "Ann",
    "Mohammed",
    "Wei",
    "Sofia",
    "José",
    "Zoë",
    "Søren",
    "Chloé",
    "Siobhán",
    "François",
    "Aisha",
    "Liam",
    "Emma",
    "Noah",
    "Olivia",
    "Mateo",
    "Yuki",
    "Priya",
    "Lukas",
    "Elif",
    "Hannah",
    "Ólafur",
    "Grace",
    "Ravi",
    "Ingrid",
    "Tomás",
    "Fatima",
    "Kenji",
    "Amara",
    "Pieter",
];
const LAST: &[&str] = &[
    "Newton",
    "Smith",
    "Müller",
    "O'Brien",
    "García",
    "Nguyen",
    "Kowalski",
    "Johansson",
    "Rossi",
    "van der Berg",
    "Østergaard",
    "Dubois",
    "Khan",
    "Tanaka",
    "Okafor",
    "Schmidt",
    "Brown",
    "Patel",
    "Smith-Jones",
    "Fernández",
    "Novák",
    "Wilson",
    "Łukasiewicz",
    "Yilmaz",
    "Moreau",
    "Andersen",
];
const DEPARTMENTS: &[&str] = &[
    "Sales",
    "Finance",
    "Engineering",
    "Legal",
    "HR",
    "Marketing",
    "Support",
    "Operations",
];
const OFFICES: &[&str] = &[
    "Seattle",
    "London",
    "München",
    "São Paulo",
    "Singapore",
    "Paris",
    "Kraków",
];
const SHARED: &[&str] = &[
    "Accounts Payable",
    "Help Desk",
    "Reception",
    "Press Office",
    "Payroll",
    "Recruiting",
];
const ROOMS: &[&str] = &[
    "Room Everest",
    "Room Kilimanjaro",
    "Room Fuji",
    "Room Matterhorn",
];

/// What goes wrong with one source mailbox (the answer key's PlantedCodes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plant {
    Clean,
    TargetMissing,
    GuidMissing,
    GuidMismatch,
    ArchiveMissing,
    ArchiveMismatch,
    LegacyDnMissing,
    X500Missing,
    NameOnly,
    TargetValueInvalid,
    OnHold,
    UnsupportedType,
    OutOfScope,
    TargetIsMailbox,
    Ambiguous,
    ClaimedTwice,
    DuplicateSource,
    SourceValueInvalid,
    X400Missing,
    PrimaryNotAccepted,
    PrimaryEqualsExternal,
    ExternalNotSource,
    ForeignProxy,
    DeliveryProxyMissing,
    UpnNotAccepted,
    AddressCollision,
    TargetArchiveWithoutSource,
    PreviousMailbox,
    LicensedBeforeStamping,
    LicenseMissing,
    AuxOverLimit,
    DumpsterOverQuota,
    MoveLeftover,
}

impl Plant {
    /// Weight per thousand mailboxes.
    const WEIGHTS: [(Plant, usize); 33] = [
        (Plant::Clean, 560),
        (Plant::TargetMissing, 40),
        (Plant::GuidMissing, 30),
        (Plant::GuidMismatch, 20),
        (Plant::ArchiveMissing, 20),
        (Plant::ArchiveMismatch, 15),
        (Plant::LegacyDnMissing, 30),
        (Plant::X500Missing, 20),
        (Plant::NameOnly, 20),
        (Plant::TargetValueInvalid, 10),
        (Plant::OnHold, 30),
        (Plant::UnsupportedType, 6),
        (Plant::OutOfScope, 15),
        (Plant::TargetIsMailbox, 12),
        (Plant::Ambiguous, 10),
        (Plant::ClaimedTwice, 8),
        (Plant::DuplicateSource, 6),
        (Plant::SourceValueInvalid, 8),
        (Plant::X400Missing, 8),
        (Plant::PrimaryNotAccepted, 10),
        (Plant::PrimaryEqualsExternal, 8),
        (Plant::ExternalNotSource, 10),
        (Plant::ForeignProxy, 12),
        (Plant::DeliveryProxyMissing, 15),
        (Plant::UpnNotAccepted, 8),
        (Plant::AddressCollision, 10),
        (Plant::TargetArchiveWithoutSource, 6),
        (Plant::PreviousMailbox, 8),
        (Plant::LicensedBeforeStamping, 8),
        (Plant::LicenseMissing, 10),
        (Plant::AuxOverLimit, 4),
        (Plant::DumpsterOverQuota, 6),
        (Plant::MoveLeftover, 6),
    ];

    fn draw(rng: &mut Rng) -> Plant {
        let total: usize = Plant::WEIGHTS.iter().map(|(_, w)| w).sum();
        let mut x = rng.below(total);
        for (p, w) in Plant::WEIGHTS {
            if x < w {
                return p;
            }
            x -= w;
        }
        Plant::Clean
    }

    fn code_and_status(self) -> (&'static str, &'static str) {
        match self {
            Plant::Clean => ("", "Ready"),
            Plant::TargetMissing => ("XT101", "NeedsStamping"),
            Plant::GuidMissing => ("XT201", "NeedsStamping"),
            Plant::GuidMismatch => ("XT202", "NeedsStamping"),
            Plant::ArchiveMissing => ("XT203", "NeedsStamping"),
            Plant::ArchiveMismatch => ("XT204", "NeedsStamping"),
            Plant::LegacyDnMissing => ("XT205", "NeedsStamping"),
            Plant::X500Missing => ("XT206", "NeedsStamping"),
            Plant::NameOnly => ("XT106", "NeedsStamping"),
            Plant::TargetValueInvalid => ("XT603", "NeedsStamping"),
            Plant::OnHold => ("XT401", "Blocked"),
            Plant::UnsupportedType => ("XT404", "Blocked"),
            Plant::OutOfScope => ("XT405", "Blocked"),
            Plant::TargetIsMailbox => ("XT104", "Blocked"),
            Plant::Ambiguous => ("XT102", "Blocked"),
            Plant::ClaimedTwice => ("XT103", "Blocked"),
            Plant::DuplicateSource => ("XT602", "Blocked"),
            Plant::SourceValueInvalid => ("XT601", "Blocked"),
            Plant::X400Missing => ("XT207", "Ready"),
            Plant::PrimaryNotAccepted => ("XT208", "NeedsStamping"),
            Plant::PrimaryEqualsExternal => ("XT209", "NeedsStamping"),
            Plant::ExternalNotSource => ("XT210", "NeedsStamping"),
            Plant::ForeignProxy => ("XT211", "NeedsStamping"),
            Plant::DeliveryProxyMissing => ("XT212", "NeedsStamping"),
            Plant::UpnNotAccepted => ("XT213", "Ready"),
            Plant::AddressCollision => ("XT214", "Blocked"),
            Plant::TargetArchiveWithoutSource => ("XT215", "Ready"),
            Plant::PreviousMailbox => ("XT301", "Blocked"),
            Plant::LicensedBeforeStamping => ("XT302", "Blocked"),
            Plant::LicenseMissing => ("XT303", "Blocked"),
            Plant::AuxOverLimit => ("XT402", "Blocked"),
            Plant::DumpsterOverQuota => ("XT407", "Ready"),
            Plant::MoveLeftover => ("XT408", "Blocked"),
        }
    }
}

/// One generated source mailbox, before it is turned into rows.
#[derive(Debug, Clone, Default)]
struct Person {
    name: String,
    display: String,
    alias: String,
    first_last: String,
    upn: String,
    primary: String,
    object_id: String,
    guid: String,
    archive: Option<String>,
    aux_archives: usize,
    legacy_dn: String,
    x500: Vec<String>,
    x400: Option<String>,
    rtd: &'static str,
    department: &'static str,
    office: &'static str,
}

impl Person {
    fn routing(&self) -> String {
        format!("{}@{SRC_INITIAL}", self.alias)
    }

    fn email_addresses(&self) -> String {
        let mut p = vec![
            format!("SMTP:{}", self.primary),
            format!("smtp:{}", self.routing()),
            format!("smtp:{}@{SRC_MAIL}", self.alias),
        ];
        if self.rtd == "UserMailbox" {
            p.push(format!("SIP:{}", self.primary));
            p.push(format!("SPO:SPO_{}@SPO_{}", self.object_id, self.object_id));
        }
        p.extend(self.x500.iter().map(|x| format!("X500:{x}")));
        p.extend(self.x400.iter().map(|x| format!("X400:{x}")));
        p.join(";")
    }

    /// The target MailUser a careful admin would have stamped for this person.
    fn stamped_target(&self) -> Vec<String> {
        let mut proxies = vec![
            format!("SMTP:{}@{TGT}", self.first_last),
            format!("smtp:{}@{TGT_INITIAL}", self.alias),
            format!("smtp:{}@{TGT_MAIL}", self.alias),
            format!("x500:{}", self.legacy_dn),
        ];
        proxies.extend(self.x500.iter().map(|x| format!("X500:{x}")));
        proxies.extend(self.x400.iter().map(|x| format!("X400:{x}")));
        vec![
            self.alias.clone(),
            self.display.clone(),
            format!("{}@{TGT}", self.first_last),
            format!("{}@{TGT}", self.first_last),
            format!("SMTP:{}", self.routing()),
            proxies.join(";"),
            self.guid.clone(),
            self.archive.clone().unwrap_or_else(zero),
            "MailUser".into(),
            String::new(),
            "False".into(),
            "ExchangeT2TMbxMove".into(),
            QUOTA.into(),
            "False".into(),
            self.name.clone(),
        ]
    }
}

fn zero() -> String {
    "00000000-0000-0000-0000-000000000000".into()
}

pub fn generate(opts: &Options) -> Tenants {
    let mut rng = Rng(opts.seed);
    let mut t = Tenants::default();
    let mut people: Vec<Person> = Vec::with_capacity(opts.users);
    let mut used = std::collections::HashMap::new();
    let mut plants = Vec::with_capacity(opts.users);
    let mut others_rng = Rng(opts.seed ^ 0x6a15_c0de_0000_0016);
    // References have a stream of their own too: adding them changed nothing else.
    let mut refs_rng = Rng(opts.seed ^ 0x7e5f_c0de_0000_0016);
    // And the soft-deleted mailboxes: the setup exports changed nothing else either.
    let mut soft_rng = Rng(opts.seed ^ 0x50f7_de1e_0000_0017);

    while people.len() < opts.users {
        let plant = Plant::draw(&mut rng);
        // Two-mailbox plants need room for both.
        let pair = matches!(plant, Plant::ClaimedTwice | Plant::DuplicateSource);
        let plant = if pair && people.len() + 2 > opts.users {
            Plant::Clean
        } else {
            plant
        };
        let p = person(&mut rng, people.len(), &mut used, plant);
        people.push(p);
        plants.push((plant, false));
        if matches!(plant, Plant::ClaimedTwice | Plant::DuplicateSource) {
            let mut q = person(&mut rng, people.len(), &mut used, Plant::Clean);
            if plant == Plant::DuplicateSource {
                // Two rows with one primary address: an export appended to, or edited by hand.
                q.primary = people[people.len() - 1].primary.clone();
            }
            people.push(q);
            plants.push((plant, true));
        }
    }

    for (i, p) in people.iter().enumerate() {
        let (plant, second) = plants[i];
        let mut source = source_row(p, &mut rng);
        if plant == Plant::OnHold {
            match rng.below(4) {
                0 => source[13] = "True".into(),
                1 => source[14] = format!("UniH{};-mbx{}", rng.guid(), rng.hex32()),
                2 => source[14] = format!("mbx{}:1", rng.hex32()),
                _ => source[16] = "True".into(),
            }
        }
        match plant {
            Plant::SourceValueInvalid => source[7] = p.guid[..23].to_string(),
            Plant::LicenseMissing => source[CAPABILITIES] = "BPOS_S_Enterprise".into(),
            Plant::MoveLeftover => source[MOVE_REMOTE_HOST] = "hybrid.contoso.com".into(),
            _ => {}
        }
        t.source.push(source);
        // Drawn from a stream of their own, so the other plants come out as they always did.
        let stand_in = if second {
            StandIn::None
        } else {
            StandIn::draw(plant, &mut others_rng)
        };
        let (mut code, mut status) = stand_in
            .code_and_status()
            .unwrap_or_else(|| plant.code_and_status());
        // A trial move of a pilot, undone: its mailbox lies soft-deleted in the target.
        if plant == Plant::Clean && stand_in == StandIn::None && soft_rng.below(1000) < 4 {
            t.setup.target_soft_deleted.push(vec![
                p.name.clone(),
                "UserMailbox".into(),
                p.guid.clone(),
                format!("{}.trial@{TGT_INITIAL}", p.alias),
                format!("{}.trial@{TGT_INITIAL}", p.alias),
                format!("SMTP:{}.trial@{TGT_INITIAL}", p.alias),
            ]);
            (code, status) = ("XT409", "Blocked");
        }
        t.key
            .push(vec![p.primary.clone(), status.into(), code.into()]);
        if plant != Plant::OutOfScope {
            t.scope.push(vec![
                p.name.clone(),
                p.alias.clone(),
                p.primary.clone(),
                p.object_id.clone(),
                p.rtd.into(),
            ]);
        }
        stats_rows(p, &mut rng, &mut t.statistics);
        let partner = if second {
            None
        } else {
            people
                .get(i + 1)
                .filter(|_| plants.get(i + 1).is_some_and(|x| x.1))
        };
        targets_for(p, plant, second, partner, &mut rng, &mut t.target);
        stand_in_for(p, stand_in, opts.other_recipients, &mut others_rng, &mut t);
        references_to(p, stand_in, opts.other_recipients, &mut refs_rng, &mut t);
    }
    background_others(opts.other_recipients, &mut others_rng, &mut t.others);
    setup(&mut t);
    match opts.grants {
        Grants::Scattered => permissions(&people, &mut rng, &mut t),
        Grants::Clustered => clustered_permissions(&people, opts.seed, &mut t),
    }
    extra_permissions(&people, opts, &mut t);
    native_targets(opts.users / 10, &mut rng, &mut t.target);
    t.domains = [
        (TGT, "Authoritative", "True"),
        (TGT_INITIAL, "Authoritative", "False"),
        (TGT_MAIL, "Authoritative", "False"),
    ]
    .iter()
    .map(|(d, ty, def)| vec![d.to_string(), ty.to_string(), def.to_string()])
    .collect();
    t
}

fn person(
    rng: &mut Rng,
    index: usize,
    used: &mut std::collections::HashMap<String, usize>,
    plant: Plant,
) -> Person {
    let (rtd, first, last) = match (plant, rng.below(100)) {
        (Plant::UnsupportedType, _) => ("DiscoveryMailbox", "Discovery", "Search"),
        // These plants concern user mailboxes only (licences, X400 addresses).
        (Plant::LicenseMissing | Plant::X400Missing, _) => {
            ("UserMailbox", rng.pick(FIRST), rng.pick(LAST))
        }
        (_, 0..=6) => ("SharedMailbox", rng.pick(SHARED), ""),
        (_, 7..=9) => ("RoomMailbox", rng.pick(ROOMS), ""),
        (_, 10) => ("EquipmentMailbox", "Projector", "Cart"),
        _ => ("UserMailbox", rng.pick(FIRST), rng.pick(LAST)),
    };
    let base = if last.is_empty() {
        ascii(first)
    } else {
        format!("{}.{}", ascii(first), ascii(last))
    };
    // Bases hold no digits, so `base` + a count never meets another base.
    let k = {
        let seen = used.entry(base.clone()).or_insert(0);
        *seen += 1;
        *seen
    };
    let first_last = if k == 1 { base } else { format!("{base}{k}") };
    let alias = first_last.replace('.', "");
    let display = match (last.is_empty(), rng.below(5)) {
        (true, _) => first.to_string(),
        (false, 0) => format!("{last}, {first}"),
        _ => format!("{first} {last}"),
    };
    let display = if k > 1 && last.is_empty() {
        format!("{display} {k}")
    } else {
        display
    };
    let has_archive =
        matches!(
            plant,
            Plant::ArchiveMissing | Plant::ArchiveMismatch | Plant::AuxOverLimit
        ) || (rtd == "UserMailbox" && plant != Plant::TargetArchiveWithoutSource && rng.chance(35));
    let archive = has_archive.then(|| rng.guid());
    let aux_archives = if plant == Plant::AuxOverLimit {
        13 + rng.below(3)
    } else if has_archive && rng.chance(5) {
        1 + rng.below(12)
    } else {
        0
    };
    let mut x500 = Vec::new();
    if plant == Plant::X500Missing || rng.chance(30) {
        x500.push(format!(
            "/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn={alias}"
        ));
        if rng.chance(30) {
            x500.push(format!("/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn={}-{alias}", rng.hex32()));
        }
    }
    // Namesakes share an X.400 address in real tenants (it is built from names); here the
    // k-th gets its own, so that only planted cases hit XT219.
    let x400 =
        (rtd == "UserMailbox" && (plant == Plant::X400Missing || rng.chance(3))).then(|| {
            let k = if k > 1 { k.to_string() } else { String::new() };
            format!(
                "c=US;a= ;p=Contoso;o=Exchange;s={}{k};g={};",
                ascii(last),
                ascii(first)
            )
        });
    let alias8: String = alias.chars().take(8).collect();
    Person {
        // Name is unique in a tenant (it is the object's CN); display names are not.
        name: match (index % 7, k) {
            (0, _) => alias.clone(),
            (_, 1) => display.clone(),
            _ => format!("{display}{k}"),
        },
        display,
        upn: format!("{alias}@{SRC}"),
        primary: format!("{first_last}@{SRC}"),
        object_id: rng.guid(),
        guid: rng.guid(),
        archive,
        aux_archives,
        legacy_dn: format!(
            "/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn={}-{alias8}",
            rng.hex32()
        ),
        x500,
        x400,
        rtd,
        department: rng.pick(DEPARTMENTS),
        office: rng.pick(OFFICES),
        alias,
        first_last,
    }
}

fn source_row(p: &Person, rng: &mut Rng) -> Vec<String> {
    let b = |v: bool| if v { "True" } else { "False" }.to_string();
    let mut locations = vec![format!(
        "1;{};Primary;eurprd04.prod.outlook.com;{}",
        p.guid,
        rng.guid()
    )];
    if let Some(a) = &p.archive {
        locations.push(format!(
            "1;{a};MainArchive;eurprd04.prod.outlook.com;{}",
            rng.guid()
        ));
        for _ in 0..p.aux_archives {
            locations.push(format!(
                "1;{};AuxArchive;eurprd04.prod.outlook.com;{}",
                rng.guid(),
                rng.guid()
            ));
        }
    }
    let in_place = if rng.chance(10) {
        format!("-mbx{}", rng.hex32())
    } else {
        String::new()
    };
    vec![
        p.name.clone(),
        p.display.clone(),
        p.alias.clone(),
        p.upn.clone(),
        p.primary.clone(),
        p.object_id.clone(),
        p.email_addresses(),
        p.guid.clone(),
        p.archive.clone().unwrap_or_else(zero),
        if p.archive.is_some() {
            "Active"
        } else {
            "None"
        }
        .into(),
        b(p.aux_archives > 0),
        p.legacy_dn.clone(),
        p.rtd.into(),
        b(false),
        in_place,
        b(false),
        b(false),
        b(rng.chance(2)),
        b(false),
        String::new(),
        locations.join(";"),
        // The migration licence may sit on either side; here on the source.
        if p.rtd == "UserMailbox" {
            "BPOS_S_Enterprise;ExchangeT2TMbxMove"
        } else {
            ""
        }
        .into(),
        String::new(),
        p.office.into(),
        p.department.into(),
        String::new(),
    ]
}

pub(crate) fn size_text(bytes: u64) -> String {
    let gb = bytes as f64 / (1u64 << 30) as f64;
    let digits = bytes.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if gb >= 1.0 {
        format!("{gb:.3} GB ({grouped} bytes)")
    } else {
        format!(
            "{:.3} MB ({grouped} bytes)",
            bytes as f64 / (1u64 << 20) as f64
        )
    }
}

fn stats_rows(p: &Person, rng: &mut Rng, out: &mut Vec<Vec<String>>) {
    // Most mailboxes are a few GB, a long tail reaches 100 GB.
    let gb = [0.2, 0.8, 2.0, 5.0, 12.0, 30.0, 60.0, 95.0][rng.below(8).min(rng.below(8))];
    let bytes = (gb * (1u64 << 30) as f64 * (0.5 + rng.below(100) as f64 / 100.0)) as u64;
    let deleted = bytes / 20;
    out.push(vec![
        p.guid.clone(),
        p.display.clone(),
        size_text(bytes),
        size_text(deleted),
        (bytes / 75_000).to_string(),
    ]);
    if let Some(a) = &p.archive {
        let ab = bytes / 3;
        out.push(vec![
            a.clone(),
            p.display.clone(),
            size_text(ab),
            size_text(ab / 50),
            (ab / 90_000).to_string(),
        ]);
    }
}

/// The target object(s) for one source mailbox, damaged as its plant says. `second` marks
/// the second mailbox of a pair plant; `partner` is the second when this is the first.
fn targets_for(
    p: &Person,
    plant: Plant,
    second: bool,
    partner: Option<&Person>,
    rng: &mut Rng,
    out: &mut Vec<Vec<String>>,
) {
    // Column positions in TARGET_HEADER.
    const EXTERNAL: usize = 4;
    const PROXIES: usize = 5;
    const GUID: usize = 6;
    const ARCHIVE: usize = 7;
    const RTD: usize = 8;
    const UPN: usize = 2;
    const PRIMARY: usize = 3;
    const PREVIOUS: usize = 9;
    const SYNCED: usize = 10;
    const CAPS: usize = 11;
    const QUOTA_COL: usize = 12;
    const SKU: usize = 13;
    const NAME: usize = 14;
    let mut row = p.stamped_target();
    if rng.chance(15) {
        row[SYNCED] = "True".into();
    }
    // Proxy lists hold X400 addresses with `;` inside: split them the way the reader does.
    let drop_proxy = |row: &mut Vec<String>, starts: &str| {
        let kept: Vec<&str> = split_proxies(&row[PROXIES])
            .into_iter()
            .filter(|x| !x.starts_with(starts))
            .collect();
        row[PROXIES] = kept.join(";");
    };
    match plant {
        Plant::Clean
        | Plant::OnHold
        | Plant::UnsupportedType
        | Plant::OutOfScope
        | Plant::SourceValueInvalid => {}
        Plant::TargetMissing => return,
        Plant::GuidMissing => row[GUID] = zero(),
        Plant::GuidMismatch => row[GUID] = rng.guid(),
        Plant::ArchiveMissing => row[ARCHIVE] = zero(),
        Plant::ArchiveMismatch => row[ARCHIVE] = rng.guid(),
        Plant::LegacyDnMissing => drop_proxy(&mut row, "x500:"),
        Plant::X500Missing => drop_proxy(&mut row, "X500:"),
        Plant::TargetValueInvalid => row[GUID] = p.guid[..23].to_string(),
        Plant::NameOnly => {
            // A placeholder created by name only: nothing stamped yet.
            row[EXTERNAL] = String::new();
            row[GUID] = zero();
            row[ARCHIVE] = zero();
            row[PROXIES] = format!(
                "SMTP:{}@{TGT};smtp:{}@{TGT_INITIAL};smtp:{}@{TGT_MAIL}",
                p.first_last, p.alias, p.alias
            );
        }
        Plant::TargetIsMailbox => {
            // Licensed before the GUID was stamped: a mailbox of its own, found by x500.
            row[EXTERNAL] = String::new();
            row[GUID] = rng.guid();
            row[RTD] = "UserMailbox".into();
            row[SKU] = "True".into();
        }
        Plant::Ambiguous => {
            row[GUID] = zero();
            let mut twin = row.clone();
            // Named so that no generated person can share the twin's names.
            twin[0] = format!("{}old", p.alias);
            twin[NAME] = twin[0].clone();
            twin[2] = format!("{}.old@{TGT}", p.first_last);
            twin[3] = twin[2].clone();
            twin[PROXIES] = format!("SMTP:{}", twin[3]);
            out.push(twin);
        }
        // The first of the pair gets a target stamped with its GUID but pointing at the
        // second, so both claim it; the second has none of its own.
        Plant::ClaimedTwice if second => return,
        Plant::ClaimedTwice => {
            if let Some(q) = partner {
                row[EXTERNAL] = format!("SMTP:{}", q.routing());
            }
        }
        Plant::DuplicateSource if second => return,
        Plant::DuplicateSource => {}
        Plant::X400Missing => drop_proxy(&mut row, "X400:"),
        Plant::PrimaryNotAccepted | Plant::PrimaryEqualsExternal => {
            // A primary outside the target's domains; the SMTP: proxy always mirrors it.
            let primary = if plant == Plant::PrimaryNotAccepted {
                format!("{}@northwindtraders.net", p.first_last)
            } else {
                p.routing()
            };
            drop_proxy(&mut row, "SMTP:");
            row[PROXIES] = format!("SMTP:{primary};{}", row[PROXIES]);
            row[PRIMARY] = primary;
        }
        Plant::ExternalNotSource => row[EXTERNAL] = format!("SMTP:{}@fabrikam.com", p.first_last),
        Plant::ForeignProxy => row[PROXIES].push_str(&format!(";smtp:{}", p.primary)),
        Plant::DeliveryProxyMissing => {
            let suffix = format!("@{TGT_INITIAL}");
            let kept: Vec<&str> = split_proxies(&row[PROXIES])
                .into_iter()
                .filter(|x| !x.ends_with(&suffix))
                .collect();
            row[PROXIES] = kept.join(";");
        }
        Plant::UpnNotAccepted => row[UPN] = format!("{}@{SRC_INITIAL}", p.alias),
        Plant::AddressCollision => {
            // No target yet, and the address xtenant would give the new one is someone else's.
            let taken = format!("{}@{TGT}", p.first_last);
            out.push(vec![
                format!("{}nw", p.alias),
                p.display.clone(),
                taken.clone(),
                taken.clone(),
                String::new(),
                format!("SMTP:{taken}"),
                rng.guid(),
                zero(),
                "UserMailbox".into(),
                String::new(),
                "False".into(),
                "BPOS_S_Enterprise".into(),
                QUOTA.into(),
                "True".into(),
                format!("{}nw", p.alias),
            ]);
            return;
        }
        Plant::TargetArchiveWithoutSource => row[ARCHIVE] = rng.guid(),
        Plant::PreviousMailbox => row[PREVIOUS] = "UserMailbox".into(),
        Plant::LicensedBeforeStamping => {
            row[GUID] = zero();
            row[SKU] = "True".into();
            row[CAPS] = "BPOS_S_Enterprise;ExchangeT2TMbxMove".into();
        }
        Plant::LicenseMissing => row[CAPS] = String::new(),
        Plant::DumpsterOverQuota => row[QUOTA_COL] = "1 MB (1,048,576 bytes)".into(),
        Plant::AuxOverLimit | Plant::MoveLeftover => {}
    }
    out.push(row);
}

/// Positions in SOURCE_HEADER.
const GRANT_SEND_ON_BEHALF_TO: usize = 19;
const CAPABILITIES: usize = 21;
const MOVE_REMOTE_HOST: usize = 22;

/// FullAccess and SendAs on shared mailboxes, and assistants with FullAccess to (and
/// send-on-behalf for) a manager. Runs after the source rows exist, to fill in delegates.
fn permissions(people: &[Person], rng: &mut Rng, t: &mut Tenants) {
    let users: Vec<&Person> = people.iter().filter(|p| p.rtd == "UserMailbox").collect();
    if users.is_empty() {
        return;
    }
    for (i, p) in people.iter().enumerate() {
        let grants = match p.rtd {
            "SharedMailbox" => 2 + rng.below(8),
            "UserMailbox" if rng.chance(8) => 1,
            _ => 0,
        };
        let mut delegates = Vec::new();
        for _ in 0..grants {
            let d = users[rng.below(users.len())];
            if d.alias == p.alias || delegates.contains(&d.upn) {
                continue;
            }
            delegates.push(d.upn.clone());
            t.mailbox_permissions.push(vec![
                p.name.clone(),
                d.upn.clone(),
                "FullAccess".into(),
                "False".into(),
                "False".into(),
            ]);
            if p.rtd == "SharedMailbox" {
                t.recipient_permissions.push(vec![
                    p.name.clone(),
                    d.upn.clone(),
                    "Allow".into(),
                    "SendAs".into(),
                    "False".into(),
                ]);
            }
        }
        if p.rtd == "UserMailbox" && !delegates.is_empty() {
            // An assistant also sends on the manager's behalf: that lives on the mailbox row,
            // as the delegates' names (GrantSendOnBehalfTo is a list of recipient identities).
            let names: Vec<&str> = delegates
                .iter()
                .filter_map(|upn| users.iter().find(|u| &u.upn == upn))
                .map(|u| u.name.as_str())
                .collect();
            t.source[i][GRANT_SEND_ON_BEHALF_TO] = names.join(";");
        }
    }
}

/// FullAccess (and SendAs on shared mailboxes) as a real tenant has them: users in teams of 2
/// to 150 by office and department; each shared mailbox granted to a few of one team; one user
/// in 25 with an assistant from their team (FullAccess and send-on-behalf); and hubs: a
/// company-wide shared mailbox per 100,000 users (at least two) granted to thousands, and a
/// service account holding FullAccess on one mailbox in 500. From a generator of its own.
fn clustered_permissions(people: &[Person], seed: u64, t: &mut Tenants) {
    let mut rng = Rng(seed ^ 0xC1A5_7E2E_D0A1);
    let mut users: Vec<usize> = (0..people.len())
        .filter(|&i| people[i].rtd == "UserMailbox")
        .collect();
    if users.len() < 2 {
        return;
    }
    users.sort_by_key(|&i| (people[i].office, people[i].department, i));
    // Teams: mostly small, a few large (sizes 2-10, 10-40 and 40-150 in 6:3:1).
    let mut teams: Vec<&[usize]> = Vec::new();
    let mut rest = &users[..];
    while rest.len() >= 2 {
        let size = match rng.below(10) {
            0..=5 => 2 + rng.below(9),
            6..=8 => 10 + rng.below(31),
            _ => 40 + rng.below(111),
        }
        .min(rest.len());
        let (team, tail) = rest.split_at(size);
        teams.push(team);
        rest = tail;
    }
    let grant = |t: &mut Tenants, holder: &Person, trustee: &Person, send_as: bool| {
        t.mailbox_permissions.push(vec![
            holder.name.clone(),
            trustee.upn.clone(),
            "FullAccess".into(),
            "False".into(),
            "False".into(),
        ]);
        if send_as {
            t.recipient_permissions.push(vec![
                holder.name.clone(),
                trustee.upn.clone(),
                "Allow".into(),
                "SendAs".into(),
                "False".into(),
            ]);
        }
    };
    let shared: Vec<usize> = (0..people.len())
        .filter(|&i| people[i].rtd == "SharedMailbox")
        .collect();
    // Company-wide mailboxes first: the hubs.
    let hubs = (users.len() / 100_000).max(2).min(shared.len());
    for (n, &s) in shared.iter().enumerate() {
        let holder = &people[s];
        if n < hubs {
            let members = (users.len() / 200).clamp(2, 5_000);
            for _ in 0..members {
                let d = &people[users[rng.below(users.len())]];
                grant(t, holder, d, false);
            }
            continue;
        }
        let team = teams[rng.below(teams.len())];
        let members = (1 + rng.below(6)).min(team.len());
        let start = rng.below(team.len() - members + 1);
        for (k, &d) in team[start..start + members].iter().enumerate() {
            grant(t, holder, &people[d], k % 2 == 0);
        }
    }
    // Assistants, within their team, also send on the manager's behalf.
    for team in &teams {
        for &m in team.iter() {
            if !rng.chance(4) {
                continue;
            }
            let a = team[rng.below(team.len())];
            if a == m {
                continue;
            }
            grant(t, &people[m], &people[a], false);
            t.source[m][GRANT_SEND_ON_BEHALF_TO] = people[a].name.clone();
        }
    }
    // A service account (an archiving or CRM connector) holds FullAccess on one mailbox in 500.
    let service = &people[users[rng.below(users.len())]];
    for _ in 0..(users.len() / 500).max(1) {
        let holder = &people[users[rng.below(users.len())]];
        if holder.alias != service.alias {
            grant(t, holder, service, false);
        }
    }
}

/// Random FullAccess grants between user mailboxes, from a generator of their own so that the
/// default tenants (no extra rows) stay byte-identical.
fn extra_permissions(people: &[Person], opts: &Options, t: &mut Tenants) {
    let users: Vec<&Person> = people.iter().filter(|p| p.rtd == "UserMailbox").collect();
    if users.len() < 2 {
        return;
    }
    let mut rng = Rng(opts.seed ^ 0x5EED_0F9E_2A11);
    for _ in 0..opts.extra_permissions {
        let (m, d) = (users[rng.below(users.len())], users[rng.below(users.len())]);
        if m.alias != d.alias {
            t.mailbox_permissions.push(vec![
                m.name.clone(),
                d.upn.clone(),
                "FullAccess".into(),
                "False".into(),
                "False".into(),
            ]);
        }
    }
}

/// The target's own staff: mailboxes unrelated to the migration. Their names have two dots,
/// so no source name (at most one) can equal them.
fn native_targets(n: usize, rng: &mut Rng, out: &mut Vec<Vec<String>>) {
    for k in 0..n {
        let (first, last) = (rng.pick(FIRST), rng.pick(LAST));
        let name = format!("{}.{}.nw{k}", ascii(first), ascii(last));
        let alias = name.replace('.', "");
        out.push(vec![
            alias.clone(),
            format!("{first} {last}"),
            format!("{name}@{TGT}"),
            format!("{name}@{TGT}"),
            String::new(),
            format!("SMTP:{name}@{TGT};smtp:{alias}@{TGT_INITIAL}"),
            rng.guid(),
            zero(),
            "UserMailbox".into(),
            String::new(),
            "False".into(),
            "BPOS_S_Enterprise".into(),
            QUOTA.into(),
            "True".into(),
            alias,
        ]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_positions_match_the_headers() {
        assert_eq!(
            SOURCE_HEADER[GRANT_SEND_ON_BEHALF_TO],
            "GrantSendOnBehalfTo"
        );
        let t = generate(&Options::new(300, 1));
        assert!(t.source.iter().all(|r| r.len() == SOURCE_HEADER.len()));
        assert!(t.target.iter().all(|r| r.len() == TARGET_HEADER.len()));
        assert!(
            t.source
                .iter()
                .any(|r| !r[GRANT_SEND_ON_BEHALF_TO].is_empty()),
            "some delegates"
        );
    }

    #[test]
    fn extra_permissions_add_rows_and_change_nothing_else() {
        let plain = generate(&Options::new(300, 3));
        let dense = generate(&Options::new(300, 3).with_extra_permissions(900));
        assert!(dense.mailbox_permissions.len() > plain.mailbox_permissions.len() + 850);
        assert_eq!((plain.source, plain.target), (dense.source, dense.target));
    }

    #[test]
    fn clustered_grants_form_teams_hubs_and_leave_half_the_mailboxes_alone() {
        let n = 20_000;
        let t = generate(&Options::new(n, 5).with_grants(Grants::Clustered));
        let rows = t.mailbox_permissions.len() + t.recipient_permissions.len();
        let per_mailbox = rows as f64 / n as f64;
        assert!(
            (0.25..0.6).contains(&per_mailbox),
            "{per_mailbox} rows per mailbox"
        );
        // Mailboxes named on either side of a grant (holders by name, trustees by UPN).
        let mut touched = std::collections::HashSet::new();
        for r in t.mailbox_permissions.iter().chain(&t.recipient_permissions) {
            touched.insert(r[0].clone());
            touched.insert(r[1].clone());
        }
        let named = |row: &Vec<String>| touched.contains(&row[0]) || touched.contains(&row[3]);
        let alone = t.source.iter().filter(|r| !named(r)).count();
        assert!(
            alone * 100 >= n * 40,
            "{alone} of {n} mailboxes without a grant"
        );
        // Hubs: a mailbox granted to dozens (thousands at a million users).
        let mut per_holder: std::collections::HashMap<&str, usize> = Default::default();
        for r in &t.mailbox_permissions {
            *per_holder.entry(r[0].as_str()).or_default() += 1;
        }
        let biggest = per_holder.values().max().copied().unwrap_or(0);
        assert!(
            biggest >= n / 250,
            "the biggest holder has {biggest} grants"
        );
        // Not one cluster: most shared mailboxes are granted to a handful.
        let small = per_holder.values().filter(|&&k| k <= 6).count();
        assert!(small * 10 >= per_holder.len() * 8);
        // Clustered is the default. (The scattered shape draws from the tenant's own generator,
        // so it changes the target-only recipients drawn after the grants too.)
        let plain = generate(&Options::new(300, 3));
        let clustered = generate(&Options::new(300, 3).with_grants(Grants::Clustered));
        assert_eq!(plain.mailbox_permissions, clustered.mailbox_permissions);
        let scattered = generate(&Options::new(300, 3).with_grants(Grants::Scattered));
        assert_ne!(plain.mailbox_permissions, scattered.mailbox_permissions);
    }

    #[test]
    fn same_seed_same_tenants() {
        let a = generate(&Options::new(500, 7));
        let b = generate(&Options::new(500, 7));
        assert_eq!((a.source, a.target, a.key), (b.source, b.target, b.key));
    }

    #[test]
    fn sizes_are_written_like_byte_quantified_size() {
        assert_eq!(size_text(1_324_567_890), "1.234 GB (1,324,567,890 bytes)");
        assert_eq!(size_text(6_226), "0.006 MB (6,226 bytes)");
    }
}

/// A recipient of the target that stands for a source person, planted beside the person's own
/// plant (drawn for Clean and TargetMissing people only, so the two never mix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StandIn {
    None,
    /// A GAL-sync contact beside a correct MailUser: XT221, still Ready.
    Duplicate,
    /// A GAL-sync contact holding x500:<LegacyExchangeDN>, which the MailUser lacks: XT220.
    Converted,
    /// The same, dir-synced: it cannot be removed in Exchange Online (XT222, XT216 blocks).
    DirSynced,
    /// A guest account for the person: XT223, still Ready.
    Guest,
    /// No MailUser yet, and a group holds the address the new one would get: XT214.
    GroupHoldsAddress,
}

impl StandIn {
    fn draw(plant: Plant, rng: &mut Rng) -> StandIn {
        let roll = rng.below(1000);
        match plant {
            Plant::Clean => match roll {
                0..100 => StandIn::Duplicate,
                100..140 => StandIn::Converted,
                140..150 => StandIn::DirSynced,
                150..165 => StandIn::Guest,
                _ => StandIn::None,
            },
            Plant::TargetMissing if roll < 150 => StandIn::GroupHoldsAddress,
            _ => StandIn::None,
        }
    }

    fn code_and_status(self) -> Option<(&'static str, &'static str)> {
        match self {
            StandIn::None => None,
            StandIn::Duplicate => Some(("XT221", "Ready")),
            StandIn::Converted => Some(("XT220", "NeedsStamping")),
            StandIn::DirSynced => Some(("XT222", "Blocked")),
            StandIn::Guest => Some(("XT223", "Ready")),
            StandIn::GroupHoldsAddress => Some(("XT214", "Blocked")),
        }
    }
}

/// A LegacyExchangeDN of the target tenant.
fn target_dn(rng: &mut Rng, name: &str) -> String {
    format!(
        "/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn={}-{name}",
        rng.hex32()
    )
}

/// Plants `stand_in` for `p`: a row of the target's other recipients, and for a contact that
/// holds the person's x500, the person's MailUser (the last target row) without it.
fn stand_in_for(p: &Person, stand_in: StandIn, groups: usize, rng: &mut Rng, t: &mut Tenants) {
    let contact = |rng: &mut Rng, proxies: String, synced: bool| {
        vec![
            format!("{} (Contoso)", p.display),
            format!("{}-contoso", p.alias),
            format!("{} (Contoso)", p.display),
            p.primary.clone(),
            format!("SMTP:{}", p.primary),
            proxies,
            target_dn(rng, &p.alias),
            "MailContact".into(),
            if synced { "True" } else { "False" }.into(),
        ]
    };
    let row = match stand_in {
        StandIn::None => return,
        StandIn::Duplicate => contact(rng, format!("SMTP:{}", p.primary), false),
        StandIn::Converted | StandIn::DirSynced => {
            // GAL-sync tools give the contact the person's x500, so replies to old mail work
            // in both tenants; the MailUser was made without it.
            if let Some(target) = t.target.last_mut() {
                let kept: Vec<&str> = split_proxies(&target[5])
                    .into_iter()
                    .filter(|x| !x.starts_with("x500:"))
                    .collect();
                target[5] = kept.join(";");
            }
            let proxies = format!("SMTP:{};X500:{}", p.primary, p.legacy_dn);
            contact(rng, proxies, stand_in == StandIn::DirSynced)
        }
        StandIn::Guest => {
            let guest = format!("{}_{SRC}#EXT#", local_part(&p.primary));
            let address = format!("{guest}@{TGT_INITIAL}");
            vec![
                guest.clone(),
                guest.replace('#', "_"),
                p.display.clone(),
                address.clone(),
                format!("SMTP:{}", p.primary),
                format!("SMTP:{address}"),
                target_dn(rng, &p.alias),
                "GuestMailUser".into(),
                "False".into(),
            ]
        }
        StandIn::GroupHoldsAddress => {
            // A list named after the person, made in the target before the merger.
            let address = format!("{}@{TGT}", p.first_last);
            vec![
                format!("{} list", p.display),
                format!("{}-list", p.alias),
                format!("{} list", p.display),
                address.clone(),
                String::new(),
                format!("SMTP:{address}"),
                target_dn(rng, &p.alias),
                "MailUniversalDistributionGroup".into(),
                "False".into(),
            ]
        }
    };
    // A contact is in a group or two of the target's (`background_others`).
    if matches!(
        stand_in,
        StandIn::Duplicate | StandIn::Converted | StandIn::DirSynced
    ) && groups > 0
    {
        for _ in 0..1 + rng.below(2) {
            t.members.push(vec![
                format!("grp{:05}@{TGT}", distribution_group(rng.below(groups))),
                row[3].clone(),
                row[0].clone(),
                "MailContact".into(),
            ]);
        }
    }
    t.others.push(row);
}

/// The distribution or security group nearest to `background_others`' `i` (groups are of
/// `GROUP_KINDS` in turn): only those have members to add.
fn distribution_group(i: usize) -> usize {
    if i % GROUP_KINDS.len() < 2 {
        i
    } else {
        i - i % GROUP_KINDS.len()
    }
}

const GROUP_KINDS: [&str; 5] = [
    "MailUniversalDistributionGroup",
    "MailUniversalSecurityGroup",
    "GroupMailbox",
    "DynamicDistributionGroup",
    "PublicFolder",
];

/// A contact that stands for `p` is named by one of `background_others`' recipients now and
/// then: in a group's accepted senders, a Microsoft 365 group's moderators or bypass list, a
/// dynamic group's rejected senders, or as a public folder's forwarding address.
fn references_to(p: &Person, stand_in: StandIn, groups: usize, rng: &mut Rng, t: &mut Tenants) {
    let contact = matches!(
        stand_in,
        StandIn::Duplicate | StandIn::Converted | StandIn::DirSynced
    );
    if !contact || groups < GROUP_KINDS.len() || !rng.chance(40) {
        return;
    }
    let (kind, property) = match rng.below(5) {
        0 => (0, "AcceptMessagesOnlyFrom"),
        1 => (2, "ModeratedBy"),
        2 => (2, "BypassModerationFromSendersOrMembers"),
        3 => (3, "RejectMessagesFrom"),
        _ => (4, "ForwardingAddress"),
    };
    let i = rng.below(groups / GROUP_KINDS.len()) * GROUP_KINDS.len() + kind;
    let holder = group_guid(i);
    // A forwarding address is one recipient: a folder that forwards already keeps it.
    let forwards = |r: &Vec<String>| r[0] == holder && r[3] == "ForwardingAddress";
    if i >= groups || (property == "ForwardingAddress" && t.references.iter().any(forwards)) {
        return;
    }
    t.references.push(vec![
        holder,
        format!("Group {i:05}"),
        GROUP_KINDS[kind].into(),
        dir_synced(i).into(),
        property.into(),
        p.primary.clone(),
    ]);
}

/// Whether `background_others`' `i` is synchronised from on-premises AD.
fn dir_synced(i: usize) -> &'static str {
    if i.is_multiple_of(7) { "True" } else { "False" }
}

/// The GUID the sample gives `background_others`' `i`: made from the number, so the same
/// group always has the same one.
fn group_guid(i: usize) -> String {
    format!("6a150000-0000-4000-8000-{i:012x}")
}

/// Groups, public folders and dynamic groups that stand for nobody and hold nothing stamping
/// adds: the address space a real target has.
fn background_others(n: usize, rng: &mut Rng, out: &mut Vec<Vec<String>>) {
    for i in 0..n {
        let alias = format!("grp{i:05}");
        let address = format!("{alias}@{TGT}");
        out.push(vec![
            format!("Group {i:05}"),
            alias.clone(),
            format!("Group {i:05}"),
            address.clone(),
            String::new(),
            format!("SMTP:{address};smtp:{alias}@{TGT_INITIAL}"),
            target_dn(rng, &alias),
            GROUP_KINDS[i % GROUP_KINDS.len()].into(),
            dir_synced(i).into(),
        ]);
    }
}
