//! Soft-deleted mailboxes and mail users (Get-Mailbox -SoftDeletedMailbox, Get-MailUser
//! -SoftDeletedMailUser), of the source or the target tenant (same columns).

use std::path::Path;

use super::super::values::{Proxy, ProxyKind, strip_smtp_prefix};
use super::super::{ColSpec, Loaded, ValueKind, read_rows};
use super::{collect, guid};
use crate::error::Result;
use crate::input::InputKind;
use crate::model::SoftDeleted;

columns! {
    Name = ColSpec::opt("Name"),
    RecipientTypeDetails = ColSpec::opt("RecipientTypeDetails"),
    ExchangeGuid = ColSpec::req("ExchangeGuid"),
    PrimarySmtpAddress = ColSpec::req("PrimarySmtpAddress"),
    UserPrincipalName = ColSpec::opt("UserPrincipalName").aka(&["MicrosoftOnlineServicesID"]),
    EmailAddresses = ColSpec::opt("EmailAddresses").list(ValueKind::ProxyList)
        .without("only their primary address is compared"),
}

/// Reads the soft-deleted objects of the tenant `kind` says.
pub fn load(path: &Path, kind: InputKind) -> Result<Loaded<Vec<SoftDeleted>>> {
    let (rows, files, notices) = read_rows(path, kind, |row| {
        let primary = strip_smtp_prefix(row.text(C::PrimarySmtpAddress).unwrap_or_default());
        let mut smtp: Vec<String> = row
            .list(C::EmailAddresses)
            .into_iter()
            .map(Proxy::parse)
            .filter(|p| p.kind == ProxyKind::Smtp)
            .map(|p| p.value.to_string())
            .collect();
        if !primary.is_empty() {
            smtp.push(primary.to_string());
        }
        Ok(SoftDeleted {
            line: row.line(),
            name: row.string(C::Name),
            recipient_type_details: row.string(C::RecipientTypeDetails),
            exchange_guid: guid(row, kind, C::ExchangeGuid.into())?,
            primary_smtp: primary.to_string(),
            upn: row.string(C::UserPrincipalName),
            smtp,
        })
    })?;
    Ok((collect(rows)?, files, notices))
}

pub fn load_source(path: &Path) -> Result<Loaded<Vec<SoftDeleted>>> {
    load(path, InputKind::SourceSoftDeleted)
}

pub fn load_target(path: &Path) -> Result<Loaded<Vec<SoftDeleted>>> {
    load(path, InputKind::TargetSoftDeleted)
}
