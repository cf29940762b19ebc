//! The validated settings of a run, built once from the flags and the optional TOML file
//! (a flag overrides the file; paths in the file are relative to the file).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::cli::PlanArgs;
use crate::date::Date;
use crate::error::{Error, Result};
use crate::identity::AddressTemplate;
use crate::model::Severity;
use crate::values::domain_name as domain;

/// Data rows one sheet holds under its header: Excel's 1,048,576 rows less the header.
pub const SHEET_ROWS: usize = 1_048_575;

/// Input file paths, as resolved.
#[derive(Debug, Clone, Default)]
pub struct InputPaths {
    pub source_mailboxes: PathBuf,
    pub target_recipients: PathBuf,
    pub source_statistics: Option<PathBuf>,
    pub mailbox_permissions: Option<PathBuf>,
    pub recipient_permissions: Option<PathBuf>,
    pub scope_members: Option<PathBuf>,
    pub mapping: Option<PathBuf>,
    pub accepted_domains: Option<PathBuf>,
    pub group_members: Option<PathBuf>,
    pub references: Option<PathBuf>,
    /// Every `--target-other-recipients` file, in the order given.
    pub target_other_recipients: Vec<PathBuf>,
    pub setup: SetupPaths,
}

/// The exports of the two tenants' setup, each optional.
#[derive(Debug, Clone, Default)]
pub struct SetupPaths {
    pub source_relationships: Option<PathBuf>,
    pub target_relationships: Option<PathBuf>,
    pub endpoints: Option<PathBuf>,
    pub migration_config: Option<PathBuf>,
    pub scope_group: Option<PathBuf>,
    pub source_domains: Option<PathBuf>,
    pub migration_app: Option<PathBuf>,
    pub source_principals: Option<PathBuf>,
    pub source_soft_deleted: Option<PathBuf>,
    pub target_soft_deleted: Option<PathBuf>,
}

impl SetupPaths {
    fn all(&self) -> [&Option<PathBuf>; 10] {
        [
            &self.source_relationships,
            &self.target_relationships,
            &self.endpoints,
            &self.migration_config,
            &self.scope_group,
            &self.source_domains,
            &self.migration_app,
            &self.source_principals,
            &self.source_soft_deleted,
            &self.target_soft_deleted,
        ]
    }
}

/// What the setup checks compare the exports with.
#[derive(Debug, Clone)]
pub struct SetupSettings {
    pub source_tenant_id: Option<uuid::Uuid>,
    pub target_tenant_id: Option<uuid::Uuid>,
    /// The Exchange Online host a cross-tenant endpoint's RemoteServer names in this cloud.
    pub remote_server: String,
}

/// Exchange Online's host in the commercial cloud (the article's endpoint).
pub const DEFAULT_REMOTE_SERVER: &str = "outlook.office.com";

impl InputPaths {
    pub fn all(&self) -> impl Iterator<Item = &Path> {
        [&self.source_mailboxes, &self.target_recipients]
            .into_iter()
            .map(PathBuf::as_path)
            .chain(
                [
                    &self.source_statistics,
                    &self.mailbox_permissions,
                    &self.recipient_permissions,
                    &self.scope_members,
                    &self.mapping,
                    &self.accepted_domains,
                    &self.group_members,
                    &self.references,
                ]
                .into_iter()
                .filter_map(|p| p.as_deref()),
            )
            .chain(self.target_other_recipients.iter().map(PathBuf::as_path))
            .chain(self.setup.all().into_iter().filter_map(|p| p.as_deref()))
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub inputs: InputPaths,
    pub out: PathBuf,
    /// Domains given directly (flags or config), lower-cased; merged with the accepted-domains file.
    pub accepted_domains: Vec<String>,
    pub delivery_domain: Option<String>,
    pub primary_domain: Option<String>,
    pub large_mailbox_bytes: u64,
    /// Match level 5: alias / local part onto placeholder MailUsers.
    pub name_match: bool,
    /// The address of new MailUsers; `None`: the source local part at the primary domain.
    pub address_template: Option<AddressTemplate>,
    pub waves: WaveSettings,
    pub setup: SetupSettings,
    /// A previous plan (its folder or plan.json) whose placements are kept.
    pub previous_plan: Option<PathBuf>,
    pub fail_on: Option<Severity>,
    /// Write into a folder holding another plan or foreign files.
    pub force: bool,
    pub quiet: bool,
    pub json: bool,
    pub timings: bool,
    /// The process exits when `plan` returns (the binary): its memory is left to the OS instead
    /// of being freed piece by piece.
    pub exit_after: bool,
    /// Data rows per workbook sheet before it continues on `Mailboxes (2)`...: Excel's limit;
    /// tests lower it to see the continuation without a million rows.
    pub sheet_rows: usize,
}

/// How mailboxes are grouped into waves and batches.
#[derive(Debug, Clone)]
pub struct WaveSettings {
    /// Number of main waves (default 1), or
    pub waves: Option<usize>,
    /// users per main wave (wins over `waves`).
    pub users_per_wave: Option<usize>,
    pub first_cutover: Option<Date>,
    pub cadence_days: i64,
    pub group_by: Option<GroupBy>,
    /// Users in a pilot wave before the main waves (0: none).
    pub pilot: usize,
    pub max_gb_per_wave: Option<f64>,
    /// At most 2,000: Microsoft's limit per migration batch.
    pub batch_size: usize,
    /// Batches start syncing this many days before their wave's cut-over.
    pub start_days_before: i64,
    /// Throughput model: GB per hour one mailbox move achieves, and moves running at once.
    pub gb_per_hour: f64,
    pub concurrency: usize,
    /// A mailbox tied to more than this many others is planned on its own (a hub).
    pub hub_degree: usize,
}

impl Default for WaveSettings {
    fn default() -> Self {
        WaveSettings {
            waves: None,
            users_per_wave: None,
            first_cutover: None,
            cadence_days: 7,
            group_by: None,
            pilot: 0,
            max_gb_per_wave: None,
            batch_size: MAX_BATCH,
            start_days_before: 14,
            gb_per_hour: 1.0,
            concurrency: 100,
            hub_degree: 200,
        }
    }
}

/// Microsoft: "Don't exceed 2,000 mailboxes per batch".
pub const MAX_BATCH: usize = 2000;

impl WaveSettings {
    /// Sync time of a batch: the larger of the biggest mailbox alone at `gb_per_hour`, and all
    /// its data through `concurrency` moves at once.
    pub fn estimate_hours(&self, bytes: u64, largest: u64, members: usize) -> f64 {
        let gb = |b: u64| b as f64 / (1u64 << 30) as f64;
        let lanes = self.concurrency.min(members).max(1) as f64;
        (gb(largest) / self.gb_per_hour).max(gb(bytes) / (self.gb_per_hour * lanes))
    }
}

/// The attribute that keeps a department together in one wave where capacity allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    CustomAttribute(u8),
    Office,
}

impl GroupBy {
    pub fn parse(s: &str) -> Option<GroupBy> {
        let lower = s.trim().to_ascii_lowercase();
        if lower == "office" {
            return Some(GroupBy::Office);
        }
        let n: u8 = lower.strip_prefix("customattribute")?.parse().ok()?;
        (1..=15).contains(&n).then_some(GroupBy::CustomAttribute(n))
    }

    pub fn value(self, s: &crate::model::SourceMailbox) -> String {
        match self {
            GroupBy::Office => s.office().to_string(),
            GroupBy::CustomAttribute(n) => s.custom_attribute(n).to_string(),
        }
    }
}

/// `[waves]` in the TOML file.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct FileWaves {
    count: Option<usize>,
    users_per_wave: Option<usize>,
    first_cutover: Option<String>,
    cadence_days: Option<i64>,
    group_by: Option<String>,
    pilot: Option<usize>,
    max_gb: Option<f64>,
    batch_size: Option<usize>,
    start_days_before: Option<i64>,
    gb_per_hour: Option<f64>,
    concurrency: Option<usize>,
    hub_degree: Option<usize>,
}

/// A key that takes one path or a list of them.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(PathBuf),
    Many(Vec<PathBuf>),
}

impl OneOrMany {
    fn paths(&self) -> &[PathBuf] {
        match self {
            OneOrMany::One(p) => std::slice::from_ref(p),
            OneOrMany::Many(v) => v,
        }
    }
}

/// The TOML file: the same names as the flags.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct FileConfig {
    out: Option<PathBuf>,
    source_mailboxes: Option<PathBuf>,
    target_recipients: Option<PathBuf>,
    source_statistics: Option<PathBuf>,
    mailbox_permissions: Option<PathBuf>,
    recipient_permissions: Option<PathBuf>,
    scope_members: Option<PathBuf>,
    mapping: Option<PathBuf>,
    #[serde(default)]
    accepted_domain: Vec<String>,
    accepted_domains: Option<PathBuf>,
    target_other_recipients: Option<OneOrMany>,
    target_group_members: Option<PathBuf>,
    target_references: Option<PathBuf>,
    source_org_relationships: Option<PathBuf>,
    target_org_relationships: Option<PathBuf>,
    migration_endpoints: Option<PathBuf>,
    migration_config: Option<PathBuf>,
    scope_group: Option<PathBuf>,
    source_accepted_domains: Option<PathBuf>,
    migration_app: Option<PathBuf>,
    source_service_principals: Option<PathBuf>,
    source_soft_deleted: Option<PathBuf>,
    target_soft_deleted: Option<PathBuf>,
    source_tenant_id: Option<String>,
    target_tenant_id: Option<String>,
    remote_server: Option<String>,
    delivery_domain: Option<String>,
    primary_domain: Option<String>,
    large_mailbox_gb: Option<f64>,
    name_match: Option<bool>,
    address_template: Option<String>,
    fail_on: Option<String>,
    previous_plan: Option<PathBuf>,
    #[serde(default)]
    waves: FileWaves,
    /// Read by `xtenant track` only.
    #[serde(default)]
    track: FileTrack,
}

/// `[track]` in the TOML file: `xtenant track`'s settings.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct FileTrack {
    plan: Option<PathBuf>,
    migration_users: Option<PathBuf>,
    migration_batches: Option<PathBuf>,
    previous: Option<PathBuf>,
    out: Option<PathBuf>,
    as_of: Option<String>,
}

/// The validated settings of `xtenant track`.
#[derive(Debug, Clone)]
pub struct TrackConfig {
    /// The plan folder (holding plan.json) or plan.json itself.
    pub plan: PathBuf,
    pub migration_users: PathBuf,
    pub migration_batches: Option<PathBuf>,
    pub previous: Option<PathBuf>,
    pub out: PathBuf,
    pub as_of: Option<crate::date::Timestamp>,
    pub force: bool,
    pub quiet: bool,
    pub json: bool,
    pub timings: bool,
    /// Data rows per workbook sheet (`SHEET_ROWS` but in tests).
    pub sheet_rows: usize,
}

impl TrackConfig {
    pub fn from_args(args: &crate::cli::TrackArgs) -> Result<TrackConfig> {
        let (file, base) = match &args.config {
            Some(path) => (
                read_file(path)?.track,
                path.parent().map(Path::to_path_buf).unwrap_or_default(),
            ),
            None => (FileTrack::default(), PathBuf::new()),
        };
        let pick = |flag: &Option<PathBuf>, from_file: &Option<PathBuf>| -> Option<PathBuf> {
            flag.clone()
                .or_else(|| from_file.as_ref().map(|p| base.join(p)))
        };
        let required = |flag: &Option<PathBuf>,
                        from_file: &Option<PathBuf>,
                        key: &str,
                        what: &str| {
            pick(flag, from_file).ok_or_else(|| Error::Config {
                path: args.config.clone(),
                detail: format!(
                    "no {key} given: pass --{key} {what} or set {key} = \"{what}\" in the config file's [track] table"
                ),
            })
        };
        let as_of = match (&args.as_of, &file.as_of) {
            (Some(flag), _) => Some(parse_time(flag).map_err(|detail| Error::Config {
                path: None,
                detail: format!("--as-of {detail}"),
            })?),
            (None, Some(key)) => Some(parse_time(key).map_err(|detail| Error::Config {
                path: args.config.clone(),
                detail: format!("[track] as-of = {detail}"),
            })?),
            (None, None) => None,
        };
        Ok(TrackConfig {
            plan: required(&args.plan, &file.plan, "plan", "DIR")?,
            migration_users: required(
                &args.migration_users,
                &file.migration_users,
                "migration-users",
                "FILE",
            )?,
            migration_batches: pick(&args.migration_batches, &file.migration_batches),
            previous: pick(&args.previous, &file.previous),
            out: required(&args.out, &file.out, "out", "DIR")?,
            as_of,
            force: args.force,
            quiet: args.quiet,
            json: args.json,
            timings: args.timings,
            sheet_rows: SHEET_ROWS,
        })
    }

    /// plan.json, whether `plan` names it or its folder.
    pub fn plan_file(&self) -> PathBuf {
        if self.plan.is_dir() {
            self.plan.join("plan.json")
        } else {
            self.plan.clone()
        }
    }

    pub fn inputs(&self) -> impl Iterator<Item = &Path> {
        [Some(&self.migration_users), self.migration_batches.as_ref()]
            .into_iter()
            .flatten()
            .map(PathBuf::as_path)
    }
}

fn parse_time(text: &str) -> std::result::Result<crate::date::Timestamp, String> {
    crate::date::Timestamp::parse(text).ok_or_else(|| {
        format!("{text:?}: not a time as YYYY-MM-DDTHH:MM:SSZ (ISO 8601; an offset like +01:00 instead of Z is read too)")
    })
}

impl Config {
    pub fn from_args(args: &PlanArgs) -> Result<Config> {
        let (file, base) = match &args.config {
            Some(path) => (
                read_file(path)?,
                path.parent().map(Path::to_path_buf).unwrap_or_default(),
            ),
            None => (FileConfig::default(), PathBuf::new()),
        };
        let cfg_err = |detail: String| Error::Config {
            path: args.config.clone(),
            detail,
        };
        // A bad value is reported where it came from: the flag, or the config file's key.
        let bad = |key: &str, from_flag: bool, detail: String| {
            if from_flag {
                Error::Config {
                    path: None,
                    detail: format!("--{key} {detail}"),
                }
            } else {
                cfg_err(format!("{key} = {detail}"))
            }
        };
        // A flag wins; a file path is taken relative to the config file.
        let pick = |flag: &Option<PathBuf>, from_file: &Option<PathBuf>| -> Option<PathBuf> {
            flag.clone()
                .or_else(|| from_file.as_ref().map(|p| base.join(p)))
        };
        let required = |flag: &Option<PathBuf>, from_file: &Option<PathBuf>, key: &str| {
            pick(flag, from_file).ok_or_else(|| {
                cfg_err(format!(
                    "no {key} given: pass --{key} {what} or set {key} = \"{what}\" in the config file",
                    what = if key == "out" { "DIR" } else { "FILE" }
                ))
            })
        };
        let inputs = InputPaths {
            source_mailboxes: required(
                &args.source_mailboxes,
                &file.source_mailboxes,
                "source-mailboxes",
            )?,
            target_recipients: required(
                &args.target_recipients,
                &file.target_recipients,
                "target-recipients",
            )?,
            source_statistics: pick(&args.source_statistics, &file.source_statistics),
            mailbox_permissions: pick(&args.mailbox_permissions, &file.mailbox_permissions),
            recipient_permissions: pick(&args.recipient_permissions, &file.recipient_permissions),
            scope_members: pick(&args.scope_members, &file.scope_members),
            mapping: pick(&args.mapping, &file.mapping),
            accepted_domains: pick(&args.accepted_domains, &file.accepted_domains),
            group_members: pick(&args.target_group_members, &file.target_group_members),
            references: pick(&args.target_references, &file.target_references),
            // Repeated flags replace the file's list whole, like --accepted-domain.
            target_other_recipients: if args.target_other_recipients.is_empty() {
                file.target_other_recipients
                    .as_ref()
                    .map(|f| f.paths().iter().map(|p| base.join(p)).collect())
                    .unwrap_or_default()
            } else {
                args.target_other_recipients.clone()
            },
            setup: SetupPaths {
                source_relationships: pick(
                    &args.source_org_relationships,
                    &file.source_org_relationships,
                ),
                target_relationships: pick(
                    &args.target_org_relationships,
                    &file.target_org_relationships,
                ),
                endpoints: pick(&args.migration_endpoints, &file.migration_endpoints),
                migration_config: pick(&args.migration_config, &file.migration_config),
                scope_group: pick(&args.scope_group, &file.scope_group),
                source_domains: pick(&args.source_accepted_domains, &file.source_accepted_domains),
                migration_app: pick(&args.migration_app, &file.migration_app),
                source_principals: pick(
                    &args.source_service_principals,
                    &file.source_service_principals,
                ),
                source_soft_deleted: pick(&args.source_soft_deleted, &file.source_soft_deleted),
                target_soft_deleted: pick(&args.target_soft_deleted, &file.target_soft_deleted),
            },
        };
        let tenant_id = |flag: &Option<String>, from_file: &Option<String>, key: &str| {
            flag.as_ref()
                .or(from_file.as_ref())
                .map(|t| {
                    uuid::Uuid::parse_str(t.trim())
                        .ok()
                        .filter(|g| !g.is_nil())
                        .ok_or_else(|| {
                            bad(
                                key,
                                flag.is_some(),
                                format!("{t:?}: not a tenant ID (a GUID: (Get-ConnectionInformation).TenantID after Connect-ExchangeOnline)"),
                            )
                        })
                })
                .transpose()
        };
        let setup = SetupSettings {
            source_tenant_id: tenant_id(
                &args.source_tenant_id,
                &file.source_tenant_id,
                "source-tenant-id",
            )?,
            target_tenant_id: tenant_id(
                &args.target_tenant_id,
                &file.target_tenant_id,
                "target-tenant-id",
            )?,
            remote_server: opt_host(&args.remote_server, &file.remote_server, &bad)?
                .unwrap_or_else(|| DEFAULT_REMOTE_SERVER.to_string()),
        };
        let out = required(&args.out, &file.out, "out")?;
        let accepted_domain = if args.accepted_domain.is_empty() {
            &file.accepted_domain
        } else {
            &args.accepted_domain
        };
        let accepted_domains = accepted_domain
            .iter()
            .map(|d| {
                domain(d).ok_or_else(|| {
                    let flag = !args.accepted_domain.is_empty();
                    bad("accepted-domain", flag, format!("{d:?}: not a domain name"))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let opt_domain = |flag: &Option<String>, from_file: &Option<String>, key: &str| {
            flag.as_ref()
                .or(from_file.as_ref())
                .map(|d| {
                    domain(d).ok_or_else(|| {
                        bad(key, flag.is_some(), format!("{d:?}: not a domain name"))
                    })
                })
                .transpose()
        };
        let large_gb = args
            .large_mailbox_gb
            .or(file.large_mailbox_gb)
            .unwrap_or(50.0);
        if !(large_gb.is_finite() && large_gb > 0.0) {
            return Err(bad(
                "large-mailbox-gb",
                args.large_mailbox_gb.is_some(),
                format!("{large_gb}: must be a positive number"),
            ));
        }
        let fail_on = match args
            .fail_on
            .as_deref()
            .or(file.fail_on.as_deref())
            .unwrap_or("never")
        {
            "never" => None,
            s => Some(Severity::parse(s).ok_or_else(|| {
                bad(
                    "fail-on",
                    args.fail_on.is_some(),
                    format!("{s:?}: must be one of blocker, fix, warning, never"),
                )
            })?),
        };
        let waves = wave_settings(args, &file.waves, &bad)?;
        Ok(Config {
            waves,
            setup,
            previous_plan: pick(&args.previous_plan, &file.previous_plan),
            inputs,
            out,
            accepted_domains,
            delivery_domain: opt_domain(
                &args.delivery_domain,
                &file.delivery_domain,
                "delivery-domain",
            )?,
            primary_domain: opt_domain(
                &args.primary_domain,
                &file.primary_domain,
                "primary-domain",
            )?,
            large_mailbox_bytes: (large_gb * (1u64 << 30) as f64) as u64,
            name_match: !args.no_name_match && file.name_match.unwrap_or(true),
            address_template: args
                .address_template
                .as_ref()
                .or(file.address_template.as_ref())
                .map(|t| {
                    AddressTemplate::parse(t).map_err(|e| {
                        bad(
                            "address-template",
                            args.address_template.is_some(),
                            format!("{t:?}: {e}"),
                        )
                    })
                })
                .transpose()?,
            fail_on,
            force: args.force,
            quiet: args.quiet,
            json: args.json,
            timings: args.timings,
            exit_after: false,
            sheet_rows: SHEET_ROWS,
        })
    }
}

/// The `[waves]` settings: a flag overrides its key. `bad(key, from_flag, detail)` words an error
/// where the value came from.
fn wave_settings(
    args: &PlanArgs,
    file: &FileWaves,
    bad: &dyn Fn(&str, bool, String) -> Error,
) -> Result<WaveSettings> {
    let d = WaveSettings::default();
    // `name` is the flag's and the key's name, `[waves] count` aside (the flag is --waves).
    let positive = |name: &str, flag: Option<usize>, key: Option<usize>| match flag.or(key) {
        Some(0) => {
            let name = if name == "waves" && flag.is_none() {
                "count"
            } else {
                name
            };
            Err(bad(name, flag.is_some(), "0: must be at least 1".into()))
        }
        v => Ok(v),
    };
    let batch_size = positive("batch-size", args.batch_size, file.batch_size)?.unwrap_or(MAX_BATCH);
    if batch_size > MAX_BATCH {
        return Err(bad(
            "batch-size",
            args.batch_size.is_some(),
            format!("{batch_size}: over Microsoft's limit of {MAX_BATCH} mailboxes per batch"),
        ));
    }
    let first_cutover = match args
        .first_cutover
        .as_deref()
        .or(file.first_cutover.as_deref())
    {
        Some(text) => Some(Date::parse(text).ok_or_else(|| {
            bad(
                "first-cutover",
                args.first_cutover.is_some(),
                format!("{text:?}: not a date (YYYY-MM-DD)"),
            )
        })?),
        None => None,
    };
    let group_by = match &file.group_by {
        Some(g) => Some(GroupBy::parse(g).ok_or_else(|| {
            bad(
                "group-by",
                false,
                format!("{g:?}: use Office or CustomAttribute1..15"),
            )
        })?),
        None => None,
    };
    let gb_per_hour = file.gb_per_hour.unwrap_or(d.gb_per_hour);
    if !(gb_per_hour.is_finite() && gb_per_hour > 0.0) {
        return Err(bad(
            "gb-per-hour",
            false,
            format!("{gb_per_hour}: must be a positive number"),
        ));
    }
    // The number of waves and their size are one choice: a flag beats both keys of the file,
    // and two that disagree are refused wherever they come from.
    if args.waves.is_some() && args.users_per_wave.is_some() {
        return Err(Error::Config {
            path: None,
            detail: "--waves and --users-per-wave both given: they are one choice (how many waves, or how large); give one".into(),
        });
    }
    let (count_key, size_key) = if args.waves.is_some() || args.users_per_wave.is_some() {
        (None, None)
    } else {
        (file.count, file.users_per_wave)
    };
    if let (Some(count), Some(size)) = (count_key, size_key) {
        return Err(bad(
            "[waves] count",
            false,
            format!(
                "{count} and users-per-wave = {size} are both set: they are one choice (how many waves, or how large); keep one"
            ),
        ));
    }
    Ok(WaveSettings {
        waves: positive("waves", args.waves, count_key)?,
        users_per_wave: positive("users-per-wave", args.users_per_wave, size_key)?,
        first_cutover,
        cadence_days: file.cadence_days.unwrap_or(d.cadence_days),
        group_by,
        pilot: file.pilot.unwrap_or(0),
        max_gb_per_wave: file.max_gb,
        batch_size,
        start_days_before: file.start_days_before.unwrap_or(d.start_days_before),
        gb_per_hour,
        concurrency: positive("concurrency", None, file.concurrency)?.unwrap_or(d.concurrency),
        hub_degree: file.hub_degree.unwrap_or(d.hub_degree),
    })
}

/// `--remote-server`: a host name (outlook.office.com, outlook.office365.us, ...).
fn opt_host(
    flag: &Option<String>,
    from_file: &Option<String>,
    bad: &dyn Fn(&str, bool, String) -> Error,
) -> Result<Option<String>> {
    flag.as_ref()
        .or(from_file.as_ref())
        .map(|h| {
            domain(h).ok_or_else(|| {
                bad(
                    "remote-server",
                    flag.is_some(),
                    format!("{h:?}: not a host name, e.g. outlook.office.com"),
                )
            })
        })
        .transpose()
}

fn read_file(path: &Path) -> Result<FileConfig> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| Error::Config {
        path: Some(path.to_path_buf()),
        detail: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_the_file_and_file_paths_are_relative_to_it() {
        let dir = std::env::temp_dir().join(format!("xtenant-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let cfg = dir.join("xtenant.toml");
        std::fs::write(
            &cfg,
            "source-mailboxes = \"src.csv\"\ntarget-recipients = \"tgt.csv\"\nout = \"plan\"\naccepted-domain = [\"Northwind.com\"]\nlarge-mailbox-gb = 20\n",
        )
        .unwrap();
        let args = PlanArgs {
            config: Some(cfg.clone()),
            target_recipients: Some(PathBuf::from("other.csv")),
            ..PlanArgs::default()
        };
        let c = Config::from_args(&args).unwrap();
        assert_eq!(c.inputs.source_mailboxes, dir.join("src.csv"));
        assert_eq!(c.inputs.target_recipients, PathBuf::from("other.csv"));
        assert_eq!(c.out, dir.join("plan"));
        assert_eq!(c.accepted_domains, ["northwind.com"]);
        assert_eq!(c.large_mailbox_bytes, 20 << 30);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn unknown_keys_and_missing_inputs_are_named() {
        let dir = std::env::temp_dir().join(format!("xtenant-config2-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let cfg = dir.join("x.toml");
        std::fs::write(&cfg, "source-mailbox = \"a.csv\"\n").unwrap();
        let e = Config::from_args(&PlanArgs {
            config: Some(cfg.clone()),
            ..PlanArgs::default()
        })
        .unwrap_err()
        .to_string();
        assert!(e.contains("unknown field `source-mailbox`"), "{e}");
        std::fs::write(&cfg, "").unwrap();
        let e = Config::from_args(&PlanArgs {
            config: Some(cfg),
            ..PlanArgs::default()
        })
        .unwrap_err()
        .to_string();
        assert!(e.contains("no source-mailboxes given"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
