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
    ExternalEmailAddress = ColSpec::opt("ExternalEmailAddress").aka(&["TargetAddress"]),
    Alias = ColSpec::opt("Alias").aka(&["MailNickname"]),
    DisplayName = ColSpec::opt("DisplayName"),
    UserPrincipalName = ColSpec::opt("UserPrincipalName").aka(&["UPN", "MicrosoftOnlineServicesID"]),
    ArchiveGuid = ColSpec::opt("ArchiveGuid").aka(&["msExchArchiveGUID"]),
    RecipientTypeDetails = ColSpec::opt("RecipientTypeDetails"),
    PreviousRecipientTypeDetails = ColSpec::opt("PreviousRecipientTypeDetails"),
    IsDirSynced = ColSpec::opt("IsDirSynced"),
    PersistedCapabilities = ColSpec::opt("PersistedCapabilities").list(ValueKind::TokenList),
    RecoverableItemsQuota = ColSpec::opt("RecoverableItemsQuota"),
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
