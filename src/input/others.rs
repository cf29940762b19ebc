//! The target's other recipients (mail contacts, groups, mail-enabled public folders, guests):
//! columns, and the mapping of a row to an `OtherRecipient`. Several files may be given.

use std::path::{Path, PathBuf};

use super::values::{Proxy, strip_smtp_prefix};
use super::{ColSpec, Loaded, Notice, ValueKind, read_rows};
use crate::error::Result;
use crate::index::KeyIndex;
use crate::input::InputKind;
use crate::model::{OtherRecipient, TargetRecipient, Texts, ValueIssue};
use crate::progress::thousands;

columns! {
    PrimarySmtpAddress = ColSpec::req("PrimarySmtpAddress").aka(&["PrimarySmtp", "WindowsEmailAddress"]),
    EmailAddresses = ColSpec::req("EmailAddresses").aka(&["ProxyAddresses"]).list(ValueKind::ProxyList),
    Name = ColSpec::opt("Name")
        .without("their Names are not checked against the Names of new MailUsers"),
    Alias = ColSpec::opt("Alias").aka(&["MailNickname"])
        .without("their aliases are not checked against those of new MailUsers"),
    DisplayName = ColSpec::opt("DisplayName"),
    ExternalEmailAddress = ColSpec::opt("ExternalEmailAddress").aka(&["TargetAddress"])
        .without("mail contacts are not recognised by the source address they point to"),
    LegacyExchangeDN = ColSpec::opt("LegacyExchangeDN").aka(&["LegacyExchangeDn", "LegacyDN"])
        .without("their LegacyExchangeDN is not checked against the x500 addresses stamping adds"),
    RecipientTypeDetails = ColSpec::opt("RecipientTypeDetails")
        .without("findings cannot say which kind of recipient holds a value"),
    IsDirSynced = ColSpec::opt("IsDirSynced"),
}

/// Reads one `--target-other-recipients` file; `file` is its place among them. These rows are
/// never matched or stamped, so a value that is not valid is not a finding: the summary names
/// the first one and how many rows have one, and the value is indexed as written.
pub fn load(path: &Path, file: u16) -> Result<Loaded<Vec<OtherRecipient>>> {
    let (rows, files, mut notices) =
        read_rows(path, InputKind::TargetOtherRecipients, |row| map(row, file))?;
    let rows = super::note_bad_values(path, rows, |o| o.line, "", &mut notices);
    Ok((rows, files, notices))
}

fn map(row: &super::Row<'_>, file: u16) -> (OtherRecipient, Option<ValueIssue>) {
    let mut issues = Vec::new();
    let primary_smtp = row.address(C::PrimarySmtpAddress, &mut issues);
    let text = |c: C| row.text(c).unwrap_or_default();
    let texts = Texts::new(
        // In `OtherText` order.
        [
            text(C::Name),
            text(C::Alias),
            text(C::DisplayName),
            primary_smtp,
            strip_smtp_prefix(text(C::ExternalEmailAddress)),
            text(C::LegacyExchangeDN),
            text(C::RecipientTypeDetails),
        ],
        row.list(C::EmailAddresses).into_iter().map(Proxy::parse),
    );
    let is_dir_synced = row.flag(C::IsDirSynced, &mut issues);
    let other = OtherRecipient {
        line: row.line(),
        file,
        texts,
        is_dir_synced,
    };
    (other, issues.into_iter().next())
}

/// Drops the rows that repeat an object already read: a target-recipients.csv object
/// (Get-EXORecipient lists MailUsers and mailboxes too) or an earlier row (the same contact in
/// two files), told by PrimarySmtpAddress, which no two recipients share. The summary says how
/// many of each file's rows were skipped.
pub fn distinct(
    others: Vec<OtherRecipient>,
    targets: &[TargetRecipient],
    paths: &[PathBuf],
    notices: &mut Vec<Notice>,
) -> Vec<OtherRecipient> {
    let keep: Vec<bool> = {
        let mut seen = KeyIndex::with_capacity(targets.len() + others.len());
        for t in targets {
            seen.add(t.primary_smtp(), 0);
        }
        others
            .iter()
            .map(|o| {
                let primary = o.primary_smtp();
                let new = primary.trim().is_empty() || seen.get(primary).is_empty();
                if new {
                    seen.add(primary, 0);
                }
                new
            })
            .collect()
    };
    let mut skipped = vec![0usize; paths.len()];
    for (o, _) in others.iter().zip(&keep).filter(|(_, k)| !**k) {
        if let Some(n) = skipped.get_mut(usize::from(o.file)) {
            *n += 1;
        }
    }
    for (path, n) in paths.iter().zip(skipped).filter(|(_, n)| *n > 0) {
        notices.push(Notice(format!(
            "{}: {} row(s) skipped: their PrimarySmtpAddress is that of a target-recipients \
             object or of an earlier row (each object is read once)",
            path.display(),
            thousands(n as u64)
        )));
    }
    others
        .into_iter()
        .zip(keep)
        .filter_map(|(o, k)| k.then_some(o))
        .collect()
}
