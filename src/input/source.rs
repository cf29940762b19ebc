//! The source mailbox export (Get-EXOMailbox): columns, and the mapping of a row to a
//! `SourceMailbox` with every value normalised.

use std::path::Path;

use super::values::Proxy;
use super::{ColSpec, Loaded, ValueKind};
use crate::error::Result;
use crate::input::InputKind;
use crate::model::{Problem, SourceMailbox, Texts, ValueIssue, join_items};

columns! {
    PrimarySmtpAddress = ColSpec::req("PrimarySmtpAddress").aka(&["PrimarySmtp", "WindowsEmailAddress"]),
    EmailAddresses = ColSpec::req("EmailAddresses").aka(&["ProxyAddresses"]).list(ValueKind::ProxyList),
    ExchangeGuid = ColSpec::req("ExchangeGuid").aka(&["msExchMailboxGuid"]),
    LegacyExchangeDN = ColSpec::req("LegacyExchangeDN").aka(&["LegacyExchangeDn", "LegacyDN"]),
    DisplayName = ColSpec::opt("DisplayName")
        .without("new MailUsers are given their Name as display name"),
    Name = ColSpec::opt("Name")
        .without("new MailUsers are named after the display name, else the alias"),
    Alias = ColSpec::opt("Alias").aka(&["MailNickname"])
        .without("new MailUsers take the local part of the primary address as alias"),
    UserPrincipalName = ColSpec::opt("UserPrincipalName").aka(&["UPN"])
        .without("delegates, permission holders and scope members written as UPNs do not resolve to their mailbox"),
    ExternalDirectoryObjectId = ColSpec::opt("ExternalDirectoryObjectId"),
    ArchiveGuid = ColSpec::opt("ArchiveGuid").aka(&["msExchArchiveGUID"])
        .without("archives are neither checked nor stamped: XT203, XT204 and XT215 do not run"),
    ArchiveStatus = ColSpec::opt("ArchiveStatus"),
    AutoExpandingArchiveEnabled = ColSpec::opt("AutoExpandingArchiveEnabled")
        .without("XT403 does not see auto-expanding archives"),
    RecipientTypeDetails = ColSpec::opt("RecipientTypeDetails")
        .without("every mailbox is taken for a user mailbox: XT303 and XT404 cannot tell shared and group mailboxes"),
    LitigationHoldEnabled = ColSpec::opt("LitigationHoldEnabled")
        .without("litigation holds are not seen: XT401"),
    InPlaceHolds = ColSpec::opt("InPlaceHolds").list(ValueKind::TokenList)
        .without("in-place and retention-policy holds are not seen: XT401"),
    ComplianceTagHoldApplied = ColSpec::opt("ComplianceTagHoldApplied")
        .without("retention-label holds are not seen: XT401"),
    DelayHoldApplied = ColSpec::opt("DelayHoldApplied")
        .without("delay holds are not seen: XT401"),
    DelayReleaseHoldApplied = ColSpec::opt("DelayReleaseHoldApplied")
        .without("delay-release holds are not seen: XT401"),
    RetentionHoldEnabled = ColSpec::opt("RetentionHoldEnabled"),
    GrantSendOnBehalfTo = ColSpec::opt("GrantSendOnBehalfTo").list(ValueKind::IdentityList)
        .without("send-on-behalf delegates are neither kept together nor granted again: XT502"),
    MailboxLocations = ColSpec::opt("MailboxLocations").list(ValueKind::TokenList)
        .without("auxiliary archives are not counted: XT402 and XT403 do not run"),
    PersistedCapabilities = ColSpec::opt("PersistedCapabilities").list(ValueKind::TokenList)
        .without("the cross-tenant migration licence is not checked: XT303"),
    MailboxMoveRemoteHostName = ColSpec::opt("MailboxMoveRemoteHostName")
        .without("leftovers of earlier moves are not seen: XT408"),
    Office = ColSpec::opt("Office"),
    FirstName = ColSpec::opt("FirstName"),
    LastName = ColSpec::opt("LastName"),
    CustomAttribute1 = ColSpec::opt("CustomAttribute1"),
    CustomAttribute2 = ColSpec::opt("CustomAttribute2"),
    CustomAttribute3 = ColSpec::opt("CustomAttribute3"),
    CustomAttribute4 = ColSpec::opt("CustomAttribute4"),
    CustomAttribute5 = ColSpec::opt("CustomAttribute5"),
    CustomAttribute6 = ColSpec::opt("CustomAttribute6"),
    CustomAttribute7 = ColSpec::opt("CustomAttribute7"),
    CustomAttribute8 = ColSpec::opt("CustomAttribute8"),
    CustomAttribute9 = ColSpec::opt("CustomAttribute9"),
    CustomAttribute10 = ColSpec::opt("CustomAttribute10"),
    CustomAttribute11 = ColSpec::opt("CustomAttribute11"),
    CustomAttribute12 = ColSpec::opt("CustomAttribute12"),
    CustomAttribute13 = ColSpec::opt("CustomAttribute13"),
    CustomAttribute14 = ColSpec::opt("CustomAttribute14"),
    CustomAttribute15 = ColSpec::opt("CustomAttribute15"),
}

pub fn load(path: &Path) -> Result<Loaded<Vec<SourceMailbox>>> {
    // Optional columns that are missing are named with what that changes (`ColSpec::without`).
    super::read_rows(path, InputKind::SourceMailboxes, map)
}

fn map(row: &super::Row<'_>) -> SourceMailbox {
    let mut issues = Vec::new();
    let primary_smtp = row.address(C::PrimarySmtpAddress, &mut issues);
    if primary_smtp.is_empty() {
        issues.push(missing("PrimarySmtpAddress"));
    }
    let exchange_guid = row.guid(C::ExchangeGuid, &mut issues);
    // Empty or all-zero: every mailbox has one, so the export is wrong for this row.
    if exchange_guid.is_none() && !issues.iter().any(|i| i.column == "ExchangeGuid") {
        issues.push(missing("ExchangeGuid"));
    }
    let legacy_dn = row.text(C::LegacyExchangeDN).unwrap_or_default();
    if legacy_dn.is_empty() {
        issues.push(missing("LegacyExchangeDN"));
    }
    let aux_archives = row
        .list(C::MailboxLocations)
        .iter()
        .filter(|t| t.eq_ignore_ascii_case("AuxArchive"))
        .count() as u32;
    let mut flag = |c: C| row.flag(c, &mut issues).unwrap_or(false);
    let litigation_hold = flag(C::LitigationHoldEnabled);
    let compliance_tag_hold = flag(C::ComplianceTagHoldApplied);
    let delay_hold = flag(C::DelayHoldApplied);
    let delay_release_hold = flag(C::DelayReleaseHoldApplied);
    let retention_hold = flag(C::RetentionHoldEnabled);
    let auto_expanding_archive = flag(C::AutoExpandingArchiveEnabled);
    let archive_guid = row.guid(C::ArchiveGuid, &mut issues);
    let text = |c: C| row.text(c).unwrap_or_default();
    let lists = [
        C::InPlaceHolds,
        C::GrantSendOnBehalfTo,
        C::PersistedCapabilities,
    ]
    .map(|c| join_items(&row.list(c)));
    let custom: [&str; 15] = std::array::from_fn(|i| {
        row.text(usize::from(C::CustomAttribute1) + i)
            .unwrap_or_default()
    });
    let texts = Texts::new(
        // In `SourceText` order.
        [
            text(C::DisplayName),
            text(C::Name),
            text(C::Alias),
            text(C::UserPrincipalName),
            text(C::ExternalDirectoryObjectId),
            primary_smtp,
            text(C::ArchiveStatus),
            legacy_dn,
            text(C::RecipientTypeDetails),
            text(C::MailboxMoveRemoteHostName),
            text(C::Office),
            text(C::FirstName),
            text(C::LastName),
            &lists[0],
            &lists[1],
            &lists[2],
            custom[0],
            custom[1],
            custom[2],
            custom[3],
            custom[4],
            custom[5],
            custom[6],
            custom[7],
            custom[8],
            custom[9],
            custom[10],
            custom[11],
            custom[12],
            custom[13],
            custom[14],
        ],
        row.list(C::EmailAddresses).into_iter().map(Proxy::parse),
    );
    SourceMailbox {
        line: row.line(),
        texts,
        exchange_guid,
        archive_guid,
        auto_expanding_archive,
        litigation_hold,
        compliance_tag_hold,
        delay_hold,
        delay_release_hold,
        retention_hold,
        aux_archives,
        stats: None,
        issues,
    }
}

pub(crate) fn missing(column: &'static str) -> ValueIssue {
    ValueIssue {
        column,
        value: String::new(),
        problem: Problem::Missing,
    }
}
