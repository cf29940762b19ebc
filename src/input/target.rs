//! The target recipient export (Get-MailUser and Get-Mailbox joined with Get-User): columns, and
//! the mapping of a row to a `TargetRecipient`.

use std::path::Path;

use super::values::{Proxy, is_valid_address, strip_smtp_prefix};
use super::{ColSpec, Loaded, ValueKind, read_rows};
use crate::error::Result;
use crate::input::InputKind;
use crate::model::{Problem, TargetRecipient, Texts, ValueIssue, join_items};

columns! {
    PrimarySmtpAddress = ColSpec::req("PrimarySmtpAddress").aka(&["PrimarySmtp", "WindowsEmailAddress"]),
    EmailAddresses = ColSpec::req("EmailAddresses").aka(&["ProxyAddresses"]).list(ValueKind::ProxyList),
    ExchangeGuid = ColSpec::req("ExchangeGuid").aka(&["msExchMailboxGuid"]),
    ExternalEmailAddress = ColSpec::opt("ExternalEmailAddress").aka(&["TargetAddress"])
        .without("targets are not matched by it, XT209 and XT210 do not run, and stamping sets it on every target it changes"),
    Alias = ColSpec::opt("Alias").aka(&["MailNickname"])
        .without("the delivery-domain proxy stamping adds takes the source's alias"),
    DisplayName = ColSpec::opt("DisplayName"),
    Name = ColSpec::opt("Name")
        .without("the Name of a new MailUser is not checked against the target's MailUsers and mailboxes"),
    UserPrincipalName = ColSpec::opt("UserPrincipalName").aka(&["UPN", "MicrosoftOnlineServicesID"])
        .without("XT213 does not run, and stamping names targets by primary address"),
    ArchiveGuid = ColSpec::opt("ArchiveGuid").aka(&["msExchArchiveGUID"])
        .without("target archives are taken as absent: XT203, XT204, XT215"),
    RecipientTypeDetails = ColSpec::opt("RecipientTypeDetails")
        .without("every target is taken for a MailUser: XT104, already a mailbox, does not run"),
    PreviousRecipientTypeDetails = ColSpec::opt("PreviousRecipientTypeDetails")
        .without("targets that were mailboxes before are not seen: XT301"),
    IsDirSynced = ColSpec::opt("IsDirSynced")
        .without("every target is taken for a cloud object: no on-premises stamping is written"),
    PersistedCapabilities = ColSpec::opt("PersistedCapabilities").list(ValueKind::TokenList)
        .without("licences on targets are not checked: XT302, XT303"),
    RecoverableItemsQuota = ColSpec::opt("RecoverableItemsQuota")
        .without("XT407 does not run"),
    SKUAssigned = ColSpec::opt("SKUAssigned"),
}

pub fn load(path: &Path) -> Result<Loaded<Vec<TargetRecipient>>> {
    read_rows(path, InputKind::TargetRecipients, map)
}

fn map(row: &super::Row<'_>) -> TargetRecipient {
    let mut issues = Vec::new();
    let primary_smtp = row.address(C::PrimarySmtpAddress, &mut issues);
    let external_email_address = {
        // ExternalEmailAddress carries a prefix (`SMTP:ann@contoso.onmicrosoft.com`).
        let raw = strip_smtp_prefix(row.text(C::ExternalEmailAddress).unwrap_or_default());
        if !raw.is_empty() && !is_valid_address(raw) {
            issues.push(ValueIssue {
                column: "ExternalEmailAddress",
                value: raw.to_string(),
                problem: Problem::InvalidAddress,
            });
        }
        raw
    };
    let exchange_guid = row.guid(C::ExchangeGuid, &mut issues);
    let archive_guid = row.guid(C::ArchiveGuid, &mut issues);
    let is_dir_synced = row.flag(C::IsDirSynced, &mut issues);
    let sku_assigned = row.flag(C::SKUAssigned, &mut issues);
    let recoverable_items_quota = row.size(C::RecoverableItemsQuota, &mut issues);
    let text = |c: C| row.text(c).unwrap_or_default();
    let capabilities = join_items(&row.list(C::PersistedCapabilities));
    let texts = Texts::new(
        // In `TargetText` order.
        [
            text(C::Name),
            text(C::Alias),
            text(C::DisplayName),
            text(C::UserPrincipalName),
            primary_smtp,
            external_email_address,
            text(C::RecipientTypeDetails),
            text(C::PreviousRecipientTypeDetails),
            &capabilities,
        ],
        row.list(C::EmailAddresses).into_iter().map(Proxy::parse),
    );
    TargetRecipient {
        line: row.line(),
        texts,
        exchange_guid,
        archive_guid,
        is_dir_synced,
        recoverable_items_quota,
        sku_assigned,
        issues,
    }
}
