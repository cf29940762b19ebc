//! The typed, normalised rows every later stage works on (their text kept compact, in `Texts`),
//! the problems found in single values while reading them (which become findings, not errors),
//! and how bad a finding is (`Severity`, which the settings name too).

use uuid::Uuid;

use crate::input::{FileInfo, Notice};
use crate::values::{Prefix, Proxy, ProxyKind};

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
    InvalidPercent,
    InvalidTime,
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
            Problem::InvalidPercent => "is not a percentage from 0 to 100",
            Problem::InvalidTime => {
                "is not an ISO 8601 time (the recipe writes .ToString('o'), as culture formats are ambiguous)"
            }
            Problem::Missing => "is empty",
        }
    }
}

/// How bad a finding is. The order is from worst to mildest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The move would fail or is unsupported, and xtenant's stamping cannot fix it.
    Blocker,
    /// Applying xtenant's stamping output fixes it.
    Fix,
    /// Worth a look; the move can go ahead.
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Blocker => "blocker",
            Severity::Fix => "fix",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        [
            Severity::Blocker,
            Severity::Fix,
            Severity::Warning,
            Severity::Info,
        ]
        .into_iter()
        .find(|v| v.as_str().eq_ignore_ascii_case(s))
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text values of one row in one allocation: value `i` of `N`, then the proxy addresses.
/// A million-mailbox run held tens of millions of small strings, and allocating them and the
/// kernel zeroing their pages were a large share of its time and memory.
#[derive(Clone)]
pub struct Texts<const N: usize> {
    text: Box<str>,
    /// Where each value ends in `text`; each starts where the one before ends.
    ends: [u32; N],
    proxies: Box<[ProxyAt]>,
}

/// Where one proxy address is in a `Texts`, and what kind it is. An `Other` kind's prefix is
/// stored before its value.
#[derive(Debug, Clone, Copy)]
struct ProxyAt {
    end: u32,
    kind: u8,
    prefix: u8,
    primary: bool,
}

const KINDS: [ProxyKind; 6] = [
    ProxyKind::Smtp,
    ProxyKind::X500,
    ProxyKind::X400,
    ProxyKind::Sip,
    ProxyKind::Spo,
    ProxyKind::Eum,
];

impl<const N: usize> Default for Texts<N> {
    fn default() -> Self {
        Texts {
            text: Box::default(),
            ends: [0; N],
            proxies: Box::default(),
        }
    }
}

impl<const N: usize> std::fmt::Debug for Texts<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Texts")
            .field("values", &(0..N).map(|i| self.get(i)).collect::<Vec<_>>())
            .field("proxies", &self.proxies().collect::<Vec<_>>())
            .finish()
    }
}

impl<const N: usize> Texts<N> {
    /// `values` in order, then `proxies`. A row over 4 GiB (which no reader accepts) would be
    /// cut, never indexed out of bounds.
    pub fn new<'a>(values: [&str; N], proxies: impl IntoIterator<Item = Proxy<'a>>) -> Self {
        let proxies: Vec<Proxy<'a>> = proxies.into_iter().collect();
        let len = values.iter().map(|v| v.len()).sum::<usize>()
            + proxies
                .iter()
                .map(|p| p.value.len() + other_prefix(p).len())
                .sum::<usize>();
        let mut text = String::with_capacity(len);
        let end = |text: &mut String, parts: &[&str]| -> u32 {
            for part in parts {
                if text.len() + part.len() <= u32::MAX as usize {
                    text.push_str(part);
                }
            }
            text.len() as u32
        };
        let mut ends = [0; N];
        for (e, v) in ends.iter_mut().zip(values) {
            *e = end(&mut text, &[v]);
        }
        let proxies = proxies
            .iter()
            .map(|p| {
                let prefix = other_prefix(p);
                ProxyAt {
                    end: end(&mut text, &[prefix, p.value]),
                    kind: KINDS
                        .iter()
                        .position(|k| *k == p.kind)
                        .unwrap_or(KINDS.len()) as u8,
                    prefix: prefix.len() as u8,
                    primary: p.primary,
                }
            })
            .collect();
        Texts {
            text: text.into_boxed_str(),
            ends,
            proxies,
        }
    }

    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.text
            .get(start as usize..self.ends[i] as usize)
            .unwrap_or("")
    }

    pub fn proxies(&self) -> impl Iterator<Item = Proxy<'_>> + Clone {
        let first = self.ends.last().copied().unwrap_or(0);
        let starts = std::iter::once(first).chain(self.proxies.iter().map(|p| p.end));
        starts.zip(self.proxies.iter()).map(|(start, at)| {
            let all = self.text.get(start as usize..at.end as usize).unwrap_or("");
            let (prefix, value) = all.split_at(usize::from(at.prefix).min(all.len()));
            let kind = KINDS
                .get(usize::from(at.kind))
                .copied()
                .unwrap_or_else(|| Prefix::new(prefix).map_or(ProxyKind::Smtp, ProxyKind::Other));
            Proxy {
                kind,
                primary: at.primary,
                value,
            }
        })
    }
}

/// The prefix an `Other` proxy stores before its value.
fn other_prefix<'p>(p: &'p Proxy<'_>) -> &'p str {
    match &p.kind {
        ProxyKind::Other(prefix) => prefix.as_str(),
        _ => "",
    }
}

/// Declares the text values of a row type: an enum naming their positions in its `Texts`, and
/// an accessor for each.
macro_rules! text_values {
    ($ty:ident, $names:ident, $n:ident { $($variant:ident => $getter:ident),* $(,)? }) => {
        #[derive(Debug, Clone, Copy)]
        pub enum $names { $($variant),* }
        pub const $n: usize = [$($names::$variant),*].len();
        impl $ty {
            $(
                pub fn $getter(&self) -> &str {
                    self.texts.get($names::$variant as usize)
                }
            )*

            /// A row with these text values, the others empty and no proxies (for tests).
            pub fn with_texts(values: &[($names, &str)]) -> Self {
                Self::with_texts_and_proxies(values, &[])
            }

            /// A row with these text values and EmailAddresses (`PREFIX:value` each), for tests.
            pub fn with_texts_and_proxies(values: &[($names, &str)], proxies: &[&str]) -> Self {
                let mut all = [""; $n];
                for (name, value) in values {
                    all[*name as usize] = value;
                }
                $ty {
                    texts: Texts::new(
                        all,
                        proxies.iter().map(|p| crate::values::Proxy::parse(p)),
                    ),
                    ..Default::default()
                }
            }
        }
    };
}

text_values!(SourceMailbox, SourceText, SOURCE_TEXTS {
    DisplayName => display_name,
    Name => name,
    Alias => alias,
    Upn => upn,
    ExternalDirectoryObjectId => external_directory_object_id,
    PrimarySmtp => primary_smtp,
    ArchiveStatus => archive_status,
    LegacyDn => legacy_dn,
    RecipientTypeDetails => recipient_type_details,
    MoveRemoteHost => move_remote_host,
    Office => office,
    FirstName => first_name,
    LastName => last_name,
    InPlaceHoldList => in_place_hold_list,
    GrantSendOnBehalfToList => grant_send_on_behalf_to_list,
    PersistedCapabilityList => persisted_capability_list,
    CustomAttribute1 => custom_attribute_1,
    CustomAttribute2 => custom_attribute_2,
    CustomAttribute3 => custom_attribute_3,
    CustomAttribute4 => custom_attribute_4,
    CustomAttribute5 => custom_attribute_5,
    CustomAttribute6 => custom_attribute_6,
    CustomAttribute7 => custom_attribute_7,
    CustomAttribute8 => custom_attribute_8,
    CustomAttribute9 => custom_attribute_9,
    CustomAttribute10 => custom_attribute_10,
    CustomAttribute11 => custom_attribute_11,
    CustomAttribute12 => custom_attribute_12,
    CustomAttribute13 => custom_attribute_13,
    CustomAttribute14 => custom_attribute_14,
    CustomAttribute15 => custom_attribute_15,
});

/// A multi-valued cell kept as one text value: its items joined by line breaks, which no item
/// holds (the splitters cut at line breaks).
pub fn join_items(items: &[&str]) -> String {
    items.join("\n")
}

/// The items of a value made by `join_items`.
pub fn items(list: &str) -> impl Iterator<Item = &str> + Clone {
    list.split('\n').filter(|s| !s.is_empty())
}

/// One source mailbox (Get-EXOMailbox), with its statistics attached when given.
#[derive(Debug, Clone, Default)]
pub struct SourceMailbox {
    pub line: u64,
    /// The text values (`SourceText`) and EmailAddresses.
    pub texts: Texts<SOURCE_TEXTS>,
    pub exchange_guid: Option<Uuid>,
    pub archive_guid: Option<Uuid>,
    pub auto_expanding_archive: bool,
    pub litigation_hold: bool,
    pub compliance_tag_hold: bool,
    pub delay_hold: bool,
    pub delay_release_hold: bool,
    pub retention_hold: bool,
    /// Number of `AuxArchive` entries in MailboxLocations.
    pub aux_archives: u32,
    pub stats: Option<MailboxStats>,
    pub issues: Vec<ValueIssue>,
}

impl SourceMailbox {
    pub fn has_archive(&self) -> bool {
        self.archive_guid.is_some()
    }

    pub fn in_place_holds(&self) -> impl Iterator<Item = &str> + Clone {
        items(self.in_place_hold_list())
    }

    pub fn grant_send_on_behalf_to(&self) -> impl Iterator<Item = &str> + Clone {
        items(self.grant_send_on_behalf_to_list())
    }

    pub fn persisted_capabilities(&self) -> impl Iterator<Item = &str> + Clone {
        items(self.persisted_capability_list())
    }

    /// CustomAttribute`n` (1 to 15); empty when not exported or blank.
    pub fn custom_attribute(&self, n: u8) -> &str {
        match n {
            1..=15 => self
                .texts
                .get(SourceText::CustomAttribute1 as usize + usize::from(n) - 1),
            _ => "",
        }
    }

    /// EmailAddresses, in the order exported.
    pub fn email_addresses(&self) -> impl Iterator<Item = Proxy<'_>> + Clone {
        self.texts.proxies()
    }

    pub fn proxies(&self, kind: ProxyKind) -> impl Iterator<Item = Proxy<'_>> + Clone {
        self.email_addresses().filter(move |p| p.kind == kind)
    }

    /// The identities a tenant keeps unique, as exports write them: addresses (primary and
    /// every SMTP proxy), UPN, alias, Name and ExternalDirectoryObjectId. Empty ones are skipped.
    pub fn unique_identities(&self) -> impl Iterator<Item = &str> {
        [
            self.upn(),
            self.alias(),
            self.name(),
            self.external_directory_object_id(),
        ]
        .into_iter()
        .filter(|v| !v.is_empty())
        .chain(self.smtp_addresses())
    }

    /// Every SMTP address of the mailbox: the primary and each smtp proxy.
    pub fn smtp_addresses(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.primary_smtp())
            .filter(|s| !s.is_empty())
            .chain(self.proxies(ProxyKind::Smtp).map(|p| p.value))
    }

    /// Where mail for this mailbox is routed inside the source tenant, which is what the target
    /// MailUser's ExternalEmailAddress should point at: the `*.onmicrosoft.com` address (not the
    /// `*.mail.onmicrosoft.com` hybrid one), else the primary.
    pub fn routing_address(&self) -> &str {
        self.proxies(ProxyKind::Smtp)
            .map(|p| p.value)
            .find(|a| crate::values::is_tenant_domain(a))
            .unwrap_or(self.primary_smtp())
    }

    /// The name findings use for this mailbox.
    pub fn label(&self) -> &str {
        use SourceText::*;
        first_named(
            &self.texts,
            [PrimarySmtp, Upn, Alias, DisplayName].map(|t| t as usize),
        )
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

/// The first non-empty of these values, in order of preference (looked up one by one: most
/// rows stop at the first).
fn first_named<const N: usize>(texts: &Texts<N>, values: [usize; 4]) -> &str {
    values
        .into_iter()
        .map(|v| texts.get(v))
        .find(|s| !s.is_empty())
        .unwrap_or("(unnamed)")
}

text_values!(TargetRecipient, TargetText, TARGET_TEXTS {
    Name => name,
    Alias => alias,
    DisplayName => display_name,
    Upn => upn,
    PrimarySmtp => primary_smtp,
    ExternalEmailAddress => external_email_address,
    RecipientTypeDetails => recipient_type_details,
    PreviousRecipientTypeDetails => previous_recipient_type_details,
    PersistedCapabilityList => persisted_capability_list,
});

/// One target recipient (Get-MailUser or Get-Mailbox, with Get-User facts).
#[derive(Debug, Clone, Default)]
pub struct TargetRecipient {
    pub line: u64,
    /// The text values (`TargetText`; ExternalEmailAddress without its `SMTP:` prefix) and
    /// EmailAddresses.
    pub texts: Texts<TARGET_TEXTS>,
    pub exchange_guid: Option<Uuid>,
    pub archive_guid: Option<Uuid>,
    pub is_dir_synced: Option<bool>,
    /// `None` when not exported or `Unlimited`.
    pub recoverable_items_quota: Option<u64>,
    pub sku_assigned: Option<bool>,
    pub issues: Vec<ValueIssue>,
}

impl TargetRecipient {
    pub fn is_mail_user(&self) -> bool {
        let t = self.recipient_type_details();
        t.is_empty() || t.eq_ignore_ascii_case("MailUser")
    }

    /// A GuestMailUser: an invited outsider, never a match (the reader moves it to the other
    /// recipients).
    pub fn is_guest(&self) -> bool {
        self.recipient_type_details()
            .eq_ignore_ascii_case("GuestMailUser")
    }

    /// EmailAddresses, in the order exported.
    pub fn email_addresses(&self) -> impl Iterator<Item = Proxy<'_>> + Clone {
        self.texts.proxies()
    }

    pub fn persisted_capabilities(&self) -> impl Iterator<Item = &str> + Clone {
        items(self.persisted_capability_list())
    }

    /// The identity scripts and findings use for this object.
    pub fn label(&self) -> &str {
        use TargetText::*;
        first_named(
            &self.texts,
            [PrimarySmtp, Upn, Alias, DisplayName].map(|t| t as usize),
        )
    }

    pub fn has_proxy(&self, kind: ProxyKind, value: &str) -> bool {
        self.email_addresses()
            .any(|p| p.kind == kind && p.value.eq_ignore_ascii_case(value))
    }
}

text_values!(OtherRecipient, OtherText, OTHER_TEXTS {
    Name => name,
    Alias => alias,
    DisplayName => display_name,
    PrimarySmtp => primary_smtp,
    ExternalEmailAddress => external_email_address,
    LegacyDn => legacy_dn,
    RecipientTypeDetails => recipient_type_details,
});

/// A target recipient that is not a migrating user (a mail contact, a group, a mail-enabled
/// public folder, a guest): never a match, but its addresses, proxies, Name and alias are taken.
#[derive(Debug, Clone, Default)]
pub struct OtherRecipient {
    pub line: u64,
    /// Which of the `--target-other-recipients` files the row is from (their order as given).
    pub file: u16,
    /// The text values (`OtherText`; ExternalEmailAddress without its `SMTP:` prefix) and
    /// EmailAddresses.
    pub texts: Texts<OTHER_TEXTS>,
    pub is_dir_synced: Option<bool>,
}

impl OtherRecipient {
    /// A guest that came in the target export (Get-MailUser lists guests): an other
    /// recipient, never a match (`file` is `GUEST_FROM_TARGETS`).
    pub fn from_guest(t: &TargetRecipient) -> OtherRecipient {
        OtherRecipient {
            line: t.line,
            file: Self::GUEST_FROM_TARGETS,
            // In `OtherText` order; a target export has no LegacyExchangeDN.
            texts: Texts::new(
                [
                    t.name(),
                    t.alias(),
                    t.display_name(),
                    t.primary_smtp(),
                    t.external_email_address(),
                    "",
                    t.recipient_type_details(),
                ],
                t.email_addresses(),
            ),
            is_dir_synced: t.is_dir_synced,
        }
    }

    /// `file` of a guest taken from target-recipients.csv.
    pub const GUEST_FROM_TARGETS: u16 = u16::MAX;

    /// EmailAddresses, in the order exported.
    pub fn email_addresses(&self) -> impl Iterator<Item = Proxy<'_>> + Clone {
        self.texts.proxies()
    }

    /// The identity findings name it by.
    pub fn label(&self) -> &str {
        use OtherText::*;
        first_named(
            &self.texts,
            [PrimarySmtp, Alias, Name, DisplayName].map(|t| t as usize),
        )
    }

    /// Its kind as findings name it: the RecipientTypeDetails exported.
    pub fn kind(&self) -> &str {
        match self.recipient_type_details() {
            "" => "recipient",
            kind => kind,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct StatisticsRow {
    pub line: u64,
    pub mailbox_guid: Option<Uuid>,
    pub stats: MailboxStats,
}

/// A permission row from Get-EXOMailboxPermission or Get-EXORecipientPermission.
#[derive(Debug, Clone, Default)]
pub struct PermissionRow {
    pub line: u64,
    /// Identity, then `User` (mailbox permissions) or `Trustee` (recipient permissions).
    pub texts: Texts<2>,
    /// The AccessRights planning reads: FullAccess and SendAs.
    pub full_access: bool,
    pub send_as: bool,
    pub inherited: bool,
    pub deny: bool,
}

impl PermissionRow {
    pub fn new(line: u64, identity: &str, trustee: &str, rights: &[&str]) -> PermissionRow {
        let has = |right: &str| rights.iter().any(|r| r.eq_ignore_ascii_case(right));
        PermissionRow {
            line,
            texts: Texts::new([identity, trustee], []),
            full_access: has("FullAccess"),
            send_as: has("SendAs"),
            inherited: false,
            deny: false,
        }
    }

    pub fn identity(&self) -> &str {
        self.texts.get(0)
    }

    pub fn trustee(&self) -> &str {
        self.texts.get(1)
    }
}

/// Columns of the scope member export that name the member.
pub const SCOPE_TEXTS: usize = 6;

/// A member of the migration scope group.
#[derive(Debug, Clone, Default)]
pub struct ScopeMember {
    pub line: u64,
    /// Every identity the export gave (name, alias, address, object id), for matching.
    pub texts: Texts<SCOPE_TEXTS>,
    /// A group among the members is nested (XT006).
    pub recipient_type_details: String,
}

impl ScopeMember {
    /// The identities the row gives (empty cells skipped).
    pub fn identities(&self) -> impl Iterator<Item = &str> {
        (0..SCOPE_TEXTS)
            .map(|i| self.texts.get(i))
            .filter(|v| !v.is_empty())
    }
}

#[derive(Debug, Clone, Default)]
pub struct AcceptedDomain {
    pub line: u64,
    pub name: String,
    pub default: bool,
}

/// One membership of a target group (`--target-group-members`).
#[derive(Debug, Clone, Default)]
pub struct GroupMemberRow {
    pub line: u64,
    /// The group's primary address (or any identity Add-DistributionGroupMember takes).
    pub group: String,
    /// The member's primary address.
    pub member: String,
}

/// A property through which one target recipient names another (`--target-references`): what a
/// removed contact is dropped from, so the MailUser that replaces it is put back. Only those a
/// mail contact can be in (a contact cannot be a GrantSendOnBehalfTo delegate or a ManagedBy
/// owner).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RefProperty {
    ForwardingAddress,
    /// Individual senders (a contact is one); the SendersOrMembers property holds them too.
    AcceptMessagesOnlyFrom,
    RejectMessagesFrom,
    ModeratedBy,
    BypassModerationFromSendersOrMembers,
}

impl RefProperty {
    pub const ALL: [RefProperty; 5] = [
        RefProperty::ForwardingAddress,
        RefProperty::AcceptMessagesOnlyFrom,
        RefProperty::RejectMessagesFrom,
        RefProperty::ModeratedBy,
        RefProperty::BypassModerationFromSendersOrMembers,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RefProperty::ForwardingAddress => "ForwardingAddress",
            RefProperty::AcceptMessagesOnlyFrom => "AcceptMessagesOnlyFrom",
            RefProperty::RejectMessagesFrom => "RejectMessagesFrom",
            RefProperty::ModeratedBy => "ModeratedBy",
            RefProperty::BypassModerationFromSendersOrMembers => {
                "BypassModerationFromSendersOrMembers"
            }
        }
    }

    /// The property named `name` (any case). The SendersOrMembers lists hold a contact in their
    /// individual-sender part, AcceptMessagesOnlyFrom or RejectMessagesFrom.
    pub fn parse(name: &str) -> Option<RefProperty> {
        let found = RefProperty::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(name));
        found.or_else(|| match name.to_ascii_lowercase().as_str() {
            "acceptmessagesonlyfromsendersormembers" => Some(RefProperty::AcceptMessagesOnlyFrom),
            "rejectmessagesfromsendersormembers" => Some(RefProperty::RejectMessagesFrom),
            _ => None,
        })
    }
}

/// How a Set- cmdlet puts a recipient back in a property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// The parameter takes one recipient: it is set (ForwardingAddress).
    Replace,
    /// The parameter takes `@{Add=...}`, which leaves the other entries alone.
    Add,
    /// The parameter only overwrites: the list is read and written back with the recipient.
    Rewrite,
    /// No Set- parameter changes it in Exchange Online.
    ByHand,
    /// The holder is synchronised from on-premises AD: Exchange Online refuses the change.
    OnPremises,
}

impl Edit {
    pub fn as_str(self) -> &'static str {
        match self {
            Edit::Replace => "Replace",
            Edit::Add => "Add",
            Edit::Rewrite => "Rewrite",
            Edit::ByHand => "ByHand",
            Edit::OnPremises => "OnPremises",
        }
    }
}

/// The kind of recipient that holds a reference, which decides the cmdlets that read and change
/// it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HolderKind {
    Mailbox,
    MailUser,
    MailContact,
    DistributionGroup,
    DynamicDistributionGroup,
    UnifiedGroup,
    MailPublicFolder,
}

impl HolderKind {
    /// The kind of a RecipientTypeDetails value, `None` for one no cmdlet here changes.
    pub fn of(recipient_type_details: &str) -> Option<HolderKind> {
        let t = recipient_type_details.to_ascii_lowercase();
        Some(match t.as_str() {
            "groupmailbox" => HolderKind::UnifiedGroup,
            "dynamicdistributiongroup" => HolderKind::DynamicDistributionGroup,
            "publicfolder" => HolderKind::MailPublicFolder,
            "mailuniversaldistributiongroup"
            | "mailuniversalsecuritygroup"
            | "mailnonuniversalgroup"
            | "roomlist" => HolderKind::DistributionGroup,
            _ if t.ends_with("mailuser") => HolderKind::MailUser,
            _ if t.ends_with("contact") => HolderKind::MailContact,
            _ if t.ends_with("mailbox") && !t.starts_with("remote") => HolderKind::Mailbox,
            _ => return None,
        })
    }

    /// The noun of its Get- and Set- cmdlets.
    pub fn noun(self) -> &'static str {
        match self {
            HolderKind::Mailbox => "Mailbox",
            HolderKind::MailUser => "MailUser",
            HolderKind::MailContact => "MailContact",
            HolderKind::DistributionGroup => "DistributionGroup",
            HolderKind::DynamicDistributionGroup => "DynamicDistributionGroup",
            HolderKind::UnifiedGroup => "UnifiedGroup",
            HolderKind::MailPublicFolder => "MailPublicFolder",
        }
    }

    /// The Set- parameter that puts a recipient back in `property`, and how. From Microsoft's
    /// reference for Exchange Online: only Set-Mailbox and Set-MailPublicFolder take
    /// ForwardingAddress; the SendersOrMembers parameters overwrite (their pages send an
    /// addition to AcceptMessagesOnlyFrom and RejectMessagesFrom, which Set-UnifiedGroup lacks);
    /// Set-UnifiedGroup documents no `@{Add=}` for ModeratedBy and has no
    /// BypassModerationFromSendersOrMembers.
    pub fn edit(self, property: RefProperty) -> (&'static str, Edit) {
        use RefProperty as P;
        let unified = self == HolderKind::UnifiedGroup;
        match property {
            P::ForwardingAddress => {
                let edit = match self {
                    HolderKind::Mailbox | HolderKind::MailPublicFolder => Edit::Replace,
                    _ => Edit::ByHand,
                };
                (property.as_str(), edit)
            }
            P::AcceptMessagesOnlyFrom if unified => {
                ("AcceptMessagesOnlyFromSendersOrMembers", Edit::Rewrite)
            }
            P::RejectMessagesFrom if unified => {
                ("RejectMessagesFromSendersOrMembers", Edit::Rewrite)
            }
            P::ModeratedBy if unified => (property.as_str(), Edit::Rewrite),
            P::BypassModerationFromSendersOrMembers if unified => (property.as_str(), Edit::ByHand),
            _ => (property.as_str(), Edit::Add),
        }
    }
}

/// One reference a target recipient holds to another (`--target-references`).
#[derive(Debug, Clone)]
pub struct Reference {
    pub line: u64,
    /// The holder's identity, as its Get-/Set- cmdlets take it (the recipe writes its GUID).
    pub holder: String,
    /// Its Name, for people reading the plan.
    pub holder_name: String,
    /// Synchronised from on-premises AD: changed there, not in Exchange Online.
    pub holder_dir_synced: bool,
    /// Its RecipientTypeDetails, as exported.
    pub holder_type: String,
    pub kind: HolderKind,
    pub property: RefProperty,
    /// The recipient named: its address, Name or LegacyExchangeDN.
    pub value: String,
}

#[derive(Debug, Clone, Default)]
pub struct MappingRow {
    pub line: u64,
    pub source: String,
    pub target: String,
}

/// One organization relationship (Get-OrganizationRelationship), of either tenant.
#[derive(Debug, Clone, Default)]
pub struct OrgRelationship {
    pub line: u64,
    /// Its Identity (Name when there is none): what Set-OrganizationRelationship takes.
    pub identity: String,
    /// The partner's tenant ID and domains.
    pub domain_names: Vec<String>,
    pub enabled: Option<bool>,
    pub mailbox_move_enabled: Option<bool>,
    /// As exported: `Inbound`, `RemoteOutbound`, `Inbound, RemoteOutbound`, `None`.
    pub capability: String,
    pub oauth_application_id: Option<Uuid>,
    pub published_scopes: Vec<String>,
}

impl OrgRelationship {
    /// Whether MailboxMoveCapability holds `flag` (a flags value is exported as a list).
    pub fn allows(&self, flag: &str) -> bool {
        self.capabilities().any(|c| c.eq_ignore_ascii_case(flag))
    }

    pub fn capabilities(&self) -> impl Iterator<Item = &str> {
        self.capability
            .split([',', ';', ' '])
            .filter(|c| !c.is_empty() && !c.eq_ignore_ascii_case("None"))
    }

    /// Whether it is the relationship with the tenant `id`.
    pub fn names_tenant(&self, id: Uuid) -> bool {
        self.domain_names
            .iter()
            .any(|d| Uuid::parse_str(d.trim()).is_ok_and(|g| g == id))
    }
}

/// One migration endpoint (Get-MigrationEndpoint) of the target.
#[derive(Debug, Clone, Default)]
pub struct MigrationEndpoint {
    pub line: u64,
    pub identity: String,
    pub endpoint_type: String,
    pub remote_server: String,
    pub remote_tenant: String,
    pub application_id: Option<Uuid>,
    pub max_concurrent_migrations: Option<u64>,
}

/// The scope group itself (Get-Recipient in the source).
#[derive(Debug, Clone, Default)]
pub struct ScopeGroup {
    pub line: u64,
    pub name: String,
    pub recipient_type_details: String,
    /// Every identity exported (Name, Alias, address, DN, GUIDs): what
    /// MailboxMovePublishedScopes may show it as.
    pub ids: Vec<String>,
}

impl ScopeGroup {
    /// Whether `id` (an entry of MailboxMovePublishedScopes) names this group. The output may
    /// show an entry as a canonical path (`.../contoso.onmicrosoft.com/T2T-Migration-Scope`):
    /// its last part is the group's Name.
    pub fn is_named_by(&self, id: &str) -> bool {
        let id = id.trim();
        let last = id.rsplit('/').next().unwrap_or(id);
        !id.is_empty()
            && (self.ids.iter().any(|v| v.eq_ignore_ascii_case(id))
                || (last != id && self.name.eq_ignore_ascii_case(last)))
    }

    /// A mail-enabled security group: the only kind a scope works with.
    pub fn is_security_group(&self) -> bool {
        self.recipient_type_details
            .eq_ignore_ascii_case("MailUniversalSecurityGroup")
    }
}

/// The target's migration settings (Get-MigrationConfig).
#[derive(Debug, Clone, Default)]
pub struct MigrationConfig {
    pub line: u64,
    pub max_number_of_batches: Option<u64>,
    pub max_concurrent_migrations: Option<u64>,
}

/// The migration app as registered in the target (Get-MgApplication).
#[derive(Debug, Clone, Default)]
pub struct MigrationApp {
    pub line: u64,
    pub app_id: Option<Uuid>,
    pub display_name: String,
    pub sign_in_audience: String,
    pub redirect_uris: Vec<String>,
    /// Application permissions, as `<resource app id or name>:<permission>`.
    pub permissions: Vec<String>,
    /// When each client secret ends.
    pub secret_ends: Vec<crate::date::Date>,
}

/// A service principal of the source (Get-MgServicePrincipal): the migration app's shows the
/// source admin's consent.
#[derive(Debug, Clone, Default)]
pub struct ServicePrincipal {
    pub line: u64,
    pub app_id: Option<Uuid>,
    pub owner_tenant: Option<Uuid>,
    pub display_name: String,
    /// The application permissions granted to it, by name (`Mailbox.Migration`).
    pub granted: Vec<String>,
}

/// A soft-deleted mailbox or mail user (Get-Mailbox -SoftDeletedMailbox, Get-MailUser
/// -SoftDeletedMailUser).
#[derive(Debug, Clone, Default)]
pub struct SoftDeleted {
    pub line: u64,
    pub name: String,
    pub recipient_type_details: String,
    pub exchange_guid: Option<Uuid>,
    pub primary_smtp: String,
    pub upn: String,
    /// SMTP addresses (bare), the primary among them.
    pub smtp: Vec<String>,
}

/// The exports of the two tenants' setup (issue: organisation readiness), each optional.
#[derive(Debug, Default)]
pub struct SetupInputs {
    pub source_relationships: Option<Vec<OrgRelationship>>,
    pub target_relationships: Option<Vec<OrgRelationship>>,
    pub endpoints: Option<Vec<MigrationEndpoint>>,
    pub scope_group: Option<Vec<ScopeGroup>>,
    pub migration_config: Option<Vec<MigrationConfig>>,
    pub source_domains: Option<Vec<AcceptedDomain>>,
    pub migration_app: Option<Vec<MigrationApp>>,
    pub source_principals: Option<Vec<ServicePrincipal>>,
    pub source_soft_deleted: Option<Vec<SoftDeleted>>,
    pub target_soft_deleted: Option<Vec<SoftDeleted>>,
}

/// Where a migration user stands, as Get-MigrationUser's StatusSummary buckets its Status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StatusSummary {
    Active,
    Synced,
    Completed,
    Failed,
    Stopped,
}

impl StatusSummary {
    pub fn as_str(self) -> &'static str {
        match self {
            StatusSummary::Active => "Active",
            StatusSummary::Synced => "Synced",
            StatusSummary::Completed => "Completed",
            StatusSummary::Failed => "Failed",
            StatusSummary::Stopped => "Stopped",
        }
    }

    /// A StatusSummary value as exported (any case).
    pub fn parse(text: &str) -> Option<StatusSummary> {
        [
            StatusSummary::Active,
            StatusSummary::Synced,
            StatusSummary::Completed,
            StatusSummary::Failed,
            StatusSummary::Stopped,
        ]
        .into_iter()
        .find(|s| s.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// The bucket of a Get-MigrationUser Status when the export has no StatusSummary: the
    /// documented table (docs/track.md), `None` for a Status it does not list.
    pub fn of_status(status: &str) -> Option<StatusSummary> {
        use StatusSummary::*;
        Some(match status.trim().to_ascii_lowercase().as_str() {
            "queued" | "provisioning" | "provisioned" | "provisionupdating" | "starting"
            | "syncing" | "incrementalsyncing" | "validating" | "completing"
            | "completionsyncing" => Active,
            "synced" | "incrementalsynced" | "completionsynced" => Synced,
            "completed" | "completedwithwarnings" => Completed,
            "failed" | "incrementalfailed" | "completionfailed" | "corrupted" => Failed,
            "stopped" | "stopping" | "incrementalstopped" | "removing" => Stopped,
            _ => return None,
        })
    }
}

/// One user of the target's migration batches (Get-MigrationUser | Get-MigrationUserStatistics),
/// for `xtenant track`.
#[derive(Debug, Clone, Default)]
pub struct MigrationUser {
    pub line: u64,
    /// The address the batch CSV named (the target's), as Identity or MailboxEmailAddress.
    pub identity: String,
    pub batch: String,
    /// As exported.
    pub status: String,
    /// From StatusSummary, else from Status (`StatusSummary::of_status`).
    pub summary: Option<StatusSummary>,
    /// ErrorSummary, else Error.
    pub error: String,
    pub bytes_transferred: Option<u64>,
    pub estimated_total: Option<u64>,
    pub percent_complete: Option<u64>,
    pub synced_items: Option<u64>,
    pub skipped_items: Option<u64>,
    pub unapproved_skipped: Option<bool>,
    pub data_consistency: String,
    pub last_successful_sync: Option<crate::date::Timestamp>,
    /// When the export was taken (the recipe's ExportedAt column).
    pub exported_at: Option<crate::date::Timestamp>,
}

/// One of the target's migration batches (Get-MigrationBatch), for `xtenant track`.
#[derive(Debug, Clone, Default)]
pub struct MigrationBatch {
    pub line: u64,
    /// The batch's name, as plan.json names it.
    pub identity: String,
    /// As exported (Syncing, Synced, Completing, Completed, CompletedWithErrors, Failed, ...).
    pub status: String,
    pub total: Option<u64>,
    pub synced: Option<u64>,
    pub finalized: Option<u64>,
    pub failed: Option<u64>,
    pub start_after: Option<crate::date::Timestamp>,
    pub complete_after: Option<crate::date::Timestamp>,
    pub created: Option<crate::date::Timestamp>,
    pub started: Option<crate::date::Timestamp>,
    pub last_synced: Option<crate::date::Timestamp>,
}

/// Everything read from the inputs.
#[derive(Debug, Default)]
pub struct Inputs {
    pub sources: Vec<SourceMailbox>,
    pub targets: Vec<TargetRecipient>,
    /// The target's other recipients (`--target-other-recipients`), every file's rows.
    pub target_others: Vec<OtherRecipient>,
    /// Attached to `sources` by `plan` and then dropped: ask `given` whether the file was.
    pub statistics: Option<Vec<StatisticsRow>>,
    /// Taken out by `plan` (`waves::Grants`), which frees them once the permission graph is
    /// built.
    pub mailbox_permissions: Option<Vec<PermissionRow>>,
    pub recipient_permissions: Option<Vec<PermissionRow>>,
    pub scope_members: Option<Vec<ScopeMember>>,
    pub accepted_domains: Option<Vec<AcceptedDomain>>,
    pub mapping: Option<Vec<MappingRow>>,
    /// The target's group memberships (`--target-group-members`).
    pub group_members: Option<Vec<GroupMemberRow>>,
    /// What target recipients name in their forwarding, delivery restrictions and moderation
    /// (`--target-references`).
    pub references: Option<Vec<Reference>>,
    /// The two tenants' setup.
    pub setup: SetupInputs,
    pub files: Vec<FileInfo>,
    pub notices: Vec<Notice>,
}

impl Inputs {
    /// Whether the file of `kind` was given (and read).
    pub fn given(&self, kind: crate::input::InputKind) -> bool {
        self.files.iter().any(|f| f.kind == kind)
    }

    /// Whether the file of `kind` was given and had the column `name` (canonical name).
    pub fn has_column(&self, kind: crate::input::InputKind, name: &str) -> bool {
        self.files
            .iter()
            .any(|f| f.kind == kind && f.columns.contains(&name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values and proxies of every kind come back as they went in, from one allocation.
    #[test]
    fn texts_keep_values_and_proxies() {
        let entries = [
            "SMTP:Ann@contoso.com",
            "smtp:ann@contoso.onmicrosoft.com",
            "x500:/o=ExchangeLabs/cn=Recipients/cn=ann",
            "X400:c=US;a= ;p=Org;o=Exchange;s=Ann;",
            "sip:ann@contoso.com",
            "msxyz:thing:with:colons",
            "bare@contoso.com",
        ];
        let texts: Texts<3> = Texts::new(["a", "", "Müller"], entries.map(Proxy::parse));
        assert_eq!(
            (texts.get(0), texts.get(1), texts.get(2)),
            ("a", "", "Müller")
        );
        let back: Vec<Proxy<'_>> = texts.proxies().collect();
        let expected: Vec<Proxy<'_>> = entries.iter().map(|e| Proxy::parse(e)).collect();
        assert_eq!(back, expected);
        assert_eq!(back[5].render(), "MSXYZ:thing:with:colons");
        assert_eq!(texts.proxies().count(), entries.len());
        let empty: Texts<2> = Texts::default();
        assert_eq!(
            (empty.get(0), empty.get(1), empty.proxies().count()),
            ("", "", 0)
        );
    }

    #[test]
    fn a_reference_is_put_back_with_the_parameter_exchange_online_takes() {
        use HolderKind as K;
        use RefProperty as P;
        assert_eq!(
            P::parse("acceptMessagesOnlyFromSendersOrMembers"),
            Some(P::AcceptMessagesOnlyFrom)
        );
        assert_eq!(
            P::parse("RejectMessagesFromSendersOrMembers"),
            Some(P::RejectMessagesFrom)
        );
        assert_eq!(P::parse("ModeratedBy"), Some(P::ModeratedBy));
        assert_eq!(P::parse("GrantSendOnBehalfTo"), None);
        let kinds = [
            ("SharedMailbox", K::Mailbox),
            ("GuestMailUser", K::MailUser),
            ("MailContact", K::MailContact),
            ("RoomList", K::DistributionGroup),
            ("MailUniversalSecurityGroup", K::DistributionGroup),
            ("GroupMailbox", K::UnifiedGroup),
            ("PublicFolder", K::MailPublicFolder),
        ];
        for (rtd, kind) in kinds {
            assert_eq!(HolderKind::of(rtd), Some(kind), "{rtd}");
        }
        assert_eq!(HolderKind::of("RemoteUserMailbox"), None);
        assert_eq!(
            K::Mailbox.edit(P::ForwardingAddress),
            ("ForwardingAddress", Edit::Replace)
        );
        assert_eq!(K::MailUser.edit(P::ForwardingAddress).1, Edit::ByHand);
        assert_eq!(
            K::DistributionGroup.edit(P::AcceptMessagesOnlyFrom),
            ("AcceptMessagesOnlyFrom", Edit::Add)
        );
        assert_eq!(
            K::UnifiedGroup.edit(P::AcceptMessagesOnlyFrom),
            ("AcceptMessagesOnlyFromSendersOrMembers", Edit::Rewrite)
        );
        assert_eq!(
            K::UnifiedGroup.edit(P::ModeratedBy),
            ("ModeratedBy", Edit::Rewrite)
        );
        assert_eq!(
            K::UnifiedGroup
                .edit(P::BypassModerationFromSendersOrMembers)
                .1,
            Edit::ByHand
        );
    }
}
