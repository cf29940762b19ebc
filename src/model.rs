//! The typed, normalised rows every later stage works on, and the problems found in single
//! values while reading them (which become findings, not errors).

use uuid::Uuid;

use crate::input::values::{Proxy, ProxyKind};
use crate::input::{FileInfo, Notice};

/// A value on one row that could not be used as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueIssue {
    pub column: &'static str,
    pub value: String,
    pub problem: Problem,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    InvalidGuid,
    InvalidAddress,
    InvalidBool,
    InvalidSize,
    /// A value the row cannot do without is empty.
    Missing,
}

impl Problem {
    pub fn describe(self) -> &'static str {
        match self {
            Problem::InvalidGuid => "is not a GUID",
            Problem::InvalidAddress => "is not an e-mail address",
            Problem::InvalidBool => "is not True or False",
            Problem::InvalidSize => "is not a size",
            Problem::Missing => "is empty",
        }
    }
}

/// One source mailbox (Get-EXOMailbox), with its statistics attached when given.
#[derive(Debug, Clone, Default)]
pub struct SourceMailbox {
    pub line: u64,
    pub display_name: String,
    pub name: String,
    pub alias: String,
    pub upn: String,
    pub external_directory_object_id: String,
    pub primary_smtp: String,
    pub email_addresses: Vec<Proxy>,
    pub exchange_guid: Option<Uuid>,
    pub archive_guid: Option<Uuid>,
    pub archive_status: String,
    pub auto_expanding_archive: bool,
    pub legacy_dn: String,
    pub recipient_type_details: String,
    pub litigation_hold: bool,
    pub in_place_holds: Vec<String>,
    pub compliance_tag_hold: bool,
    pub delay_hold: bool,
    pub delay_release_hold: bool,
    pub retention_hold: bool,
    pub grant_send_on_behalf_to: Vec<String>,
    /// Number of `AuxArchive` entries in MailboxLocations.
    pub aux_archives: u32,
    pub persisted_capabilities: Vec<String>,
    pub move_remote_host: String,
    pub office: String,
    /// From Get-User, when the export joined it in (address templates use them).
    pub first_name: String,
    pub last_name: String,
    /// CustomAttribute1-15 that have a value, as (number, value).
    pub custom_attributes: Vec<(u8, String)>,
    pub stats: Option<MailboxStats>,
    pub issues: Vec<ValueIssue>,
}

impl SourceMailbox {
    pub fn has_archive(&self) -> bool {
        self.archive_guid.is_some()
    }

    pub fn proxies(&self, kind: ProxyKind) -> impl Iterator<Item = &Proxy> {
        self.email_addresses.iter().filter(move |p| p.kind == kind)
    }

    /// The identities a tenant keeps unique, as exports write them: addresses (primary and
    /// every SMTP proxy), UPN, alias, Name and ExternalDirectoryObjectId. Empty ones are skipped.
    pub fn unique_identities(&self) -> impl Iterator<Item = &str> {
        [
            &self.upn,
            &self.alias,
            &self.name,
            &self.external_directory_object_id,
        ]
        .into_iter()
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .chain(self.smtp_addresses())
    }

    /// Every SMTP address of the mailbox: the primary and each smtp proxy.
    pub fn smtp_addresses(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.primary_smtp.as_str())
            .filter(|s| !s.is_empty())
            .chain(self.proxies(ProxyKind::Smtp).map(|p| &*p.value))
    }

    /// Where mail for this mailbox is routed inside the source tenant, which is what the target
    /// MailUser's ExternalEmailAddress should point at: the `*.onmicrosoft.com` address (not the
    /// `*.mail.onmicrosoft.com` hybrid one), else the primary.
    pub fn routing_address(&self) -> &str {
        self.proxies(ProxyKind::Smtp)
            .map(|p| &*p.value)
            .find(|a| {
                let a = a.to_ascii_lowercase();
                a.ends_with(".onmicrosoft.com") && !a.ends_with(".mail.onmicrosoft.com")
            })
            .unwrap_or(&self.primary_smtp)
    }

    /// The name findings use for this mailbox.
    pub fn label(&self) -> &str {
        first_named([
            &self.primary_smtp,
            &self.upn,
            &self.alias,
            &self.display_name,
        ])
    }
}

/// Sizes from Get-EXOMailboxStatistics: the primary, plus the archive when it was exported too.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailboxStats {
    pub total_item_size: Option<u64>,
    pub total_deleted_item_size: Option<u64>,
    pub item_count: Option<u64>,
    pub archive_size: Option<u64>,
}

/// The first non-empty identity, in order of preference.
fn first_named(candidates: [&String; 4]) -> &str {
    candidates
        .into_iter()
        .find(|s| !s.is_empty())
        .map_or("(unnamed)", |s| s.as_str())
}

/// One target recipient (Get-MailUser or Get-Mailbox, with Get-User facts).
#[derive(Debug, Clone, Default)]
pub struct TargetRecipient {
    pub line: u64,
    pub alias: String,
    pub display_name: String,
    pub upn: String,
    pub primary_smtp: String,
    /// Without its `SMTP:` prefix.
    pub external_email_address: String,
    pub email_addresses: Vec<Proxy>,
    pub exchange_guid: Option<Uuid>,
    pub archive_guid: Option<Uuid>,
    pub recipient_type_details: String,
    pub previous_recipient_type_details: String,
    pub is_dir_synced: Option<bool>,
    pub persisted_capabilities: Vec<String>,
    /// `None` when not exported or `Unlimited`.
    pub recoverable_items_quota: Option<u64>,
    pub sku_assigned: Option<bool>,
    pub issues: Vec<ValueIssue>,
}

impl TargetRecipient {
    pub fn is_mail_user(&self) -> bool {
        self.recipient_type_details.is_empty()
            || self.recipient_type_details.eq_ignore_ascii_case("MailUser")
    }

    /// The identity scripts and findings use for this object.
    pub fn label(&self) -> &str {
        first_named([
            &self.primary_smtp,
            &self.upn,
            &self.alias,
            &self.display_name,
        ])
    }

    pub fn has_proxy(&self, kind: ProxyKind, value: &str) -> bool {
        self.email_addresses
            .iter()
            .any(|p| p.kind == kind && p.value.eq_ignore_ascii_case(value))
    }
}

#[derive(Debug, Clone, Default)]
pub struct StatisticsRow {
    pub line: u64,
    pub mailbox_guid: Option<Uuid>,
    pub stats: MailboxStats,
}

/// A permission row from Get-EXOMailboxPermission or Get-EXORecipientPermission.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PermissionRow {
    pub line: u64,
    pub identity: String,
    /// `User` (mailbox permissions) or `Trustee` (recipient permissions).
    pub trustee: String,
    pub access_rights: Vec<String>,
    pub inherited: bool,
    pub deny: bool,
}

/// A member of the migration scope group.
#[derive(Debug, Clone, Default)]
pub struct ScopeMember {
    pub line: u64,
    /// Every identity the export gave (name, alias, address, object id), for matching.
    pub identities: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct AcceptedDomain {
    pub line: u64,
    pub name: String,
    pub default: bool,
}

#[derive(Debug, Clone, Default)]
pub struct MappingRow {
    pub line: u64,
    pub source: String,
    pub target: String,
}

/// Everything read from the inputs.
#[derive(Debug, Default)]
pub struct Inputs {
    pub sources: Vec<SourceMailbox>,
    pub targets: Vec<TargetRecipient>,
    pub statistics: Option<Vec<StatisticsRow>>,
    pub mailbox_permissions: Option<Vec<PermissionRow>>,
    pub recipient_permissions: Option<Vec<PermissionRow>>,
    pub scope_members: Option<Vec<ScopeMember>>,
    pub accepted_domains: Option<Vec<AcceptedDomain>>,
    pub mapping: Option<Vec<MappingRow>>,
    pub files: Vec<FileInfo>,
    pub notices: Vec<Notice>,
}

impl Inputs {
    /// Whether the file of `kind` was given and had the column `name` (canonical name).
    pub fn has_column(&self, kind: crate::input::InputKind, name: &str) -> bool {
        self.files
            .iter()
            .any(|f| f.kind == kind && f.columns.contains(&name))
    }
}
