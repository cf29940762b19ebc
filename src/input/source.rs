//! The source mailbox export (Get-EXOMailbox): columns, and the mapping of a row to a
//! `SourceMailbox` with every value normalised.

use std::path::Path;

use super::values::Proxy;
use super::{ColSpec, Loaded, Notice, ValueKind, loaded};
use crate::error::Result;
use crate::input::InputKind;
use crate::model::{Problem, SourceMailbox, Texts, ValueIssue, join_items};

columns! {
    PrimarySmtpAddress = ColSpec::req("PrimarySmtpAddress").aka(&["PrimarySmtp", "WindowsEmailAddress"]),
    EmailAddresses = ColSpec::req("EmailAddresses").aka(&["ProxyAddresses"]).list(ValueKind::ProxyList),
    ExchangeGuid = ColSpec::req("ExchangeGuid").aka(&["msExchMailboxGuid"]),
    LegacyExchangeDN = ColSpec::req("LegacyExchangeDN").aka(&["LegacyExchangeDn", "LegacyDN"]),
    DisplayName = ColSpec::opt("DisplayName"),
    Name = ColSpec::opt("Name"),
    Alias = ColSpec::opt("Alias").aka(&["MailNickname"]),
    UserPrincipalName = ColSpec::opt("UserPrincipalName").aka(&["UPN"]),
    ExternalDirectoryObjectId = ColSpec::opt("ExternalDirectoryObjectId"),
    ArchiveGuid = ColSpec::opt("ArchiveGuid").aka(&["msExchArchiveGUID"]),
    ArchiveStatus = ColSpec::opt("ArchiveStatus"),
    AutoExpandingArchiveEnabled = ColSpec::opt("AutoExpandingArchiveEnabled"),
    RecipientTypeDetails = ColSpec::opt("RecipientTypeDetails"),
    LitigationHoldEnabled = ColSpec::opt("LitigationHoldEnabled"),
    InPlaceHolds = ColSpec::opt("InPlaceHolds").list(ValueKind::TokenList),
    ComplianceTagHoldApplied = ColSpec::opt("ComplianceTagHoldApplied"),
    DelayHoldApplied = ColSpec::opt("DelayHoldApplied"),
    DelayReleaseHoldApplied = ColSpec::opt("DelayReleaseHoldApplied"),
    RetentionHoldEnabled = ColSpec::opt("RetentionHoldEnabled"),
    GrantSendOnBehalfTo = ColSpec::opt("GrantSendOnBehalfTo").list(ValueKind::IdentityList),
    MailboxLocations = ColSpec::opt("MailboxLocations").list(ValueKind::TokenList),
    PersistedCapabilities = ColSpec::opt("PersistedCapabilities").list(ValueKind::TokenList),
    MailboxMoveRemoteHostName = ColSpec::opt("MailboxMoveRemoteHostName"),
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

/// Optional source columns whose absence disables checks, named in the run summary.
const CHECKED_COLUMNS: [(C, &str); 9] = [
    (C::ArchiveGuid, "archive checks (XT203, XT204, XT215)"),
    (
        C::RecipientTypeDetails,
        "recipient type checks (XT303, XT404)",
    ),
    (C::LitigationHoldEnabled, "litigation hold check (XT401)"),
    (C::InPlaceHolds, "in-place hold check (XT401)"),
    (C::DelayHoldApplied, "delay hold check (XT401)"),
    (
        C::DelayReleaseHoldApplied,
        "delay release hold check (XT401)",
    ),
    (
        C::ComplianceTagHoldApplied,
        "retention label hold check (XT401)",
    ),
    (
        C::MailboxLocations,
        "auxiliary archive checks (XT402, XT403)",
    ),
    (C::MailboxMoveRemoteHostName, "move leftover check (XT408)"),
];

pub fn load(path: &Path) -> Result<Loaded<Vec<SourceMailbox>>> {
    let (table, rows) = super::Table::read(path, InputKind::SourceMailboxes, map)?;
    let missing: Vec<Notice> = CHECKED_COLUMNS
        .iter()
        .filter(|(c, _)| !table.has(*c))
        .map(|(c, what)| {
            Notice(format!(
                "{}: no {} column, so the {what} did not run",
                path.display(),
                COLUMNS[usize::from(*c)].name
            ))
        })
        .collect();
    let (rows, files, mut notices) = loaded(&table, rows);
    notices.extend(missing);
    Ok((rows, files, notices))
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
