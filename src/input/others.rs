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
use rayon::prelude::*;

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
    // The other recipients are indexed (a few per hundred mailboxes in most tenants) and every
    // target probes that index on every core, rather than every target indexed on one core:
    // a row is kept when no target holds its address and no earlier row has it.
    let keep: Vec<bool> = {
        let mut index = KeyIndex::with_capacity(others.len());
        for (i, o) in others.iter().enumerate() {
            index.add(o.primary_smtp(), i);
        }
        let mut held = vec![false; others.len()];
        let probed: Vec<u32> = targets
            .par_iter()
            .flat_map_iter(|t| index.get(t.primary_smtp()).iter().copied())
            .collect();
        for i in probed {
            held[i as usize] = true;
        }
        others
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let primary = o.primary_smtp();
                if primary.trim().is_empty() {
                    return true;
                }
                let first = index.get(primary).first().map(|&r| r as usize);
                !held[i] && first == Some(i)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{OtherText, TargetText};

    #[test]
    fn distinct_drops_what_a_target_or_an_earlier_row_holds() {
        let other = |primary: &str, name: &str| {
            OtherRecipient::with_texts(&[
                (OtherText::PrimarySmtp, primary),
                (OtherText::Name, name),
            ])
        };
        let targets = [
            TargetRecipient::with_texts(&[(TargetText::PrimarySmtp, "Ann@Northwind.com")]),
            TargetRecipient::with_texts(&[(TargetText::PrimarySmtp, "bob@northwind.com")]),
        ];
        let others = vec![
            other("ann@northwind.com", "held by a target"),
            other("sales@northwind.com", "first"),
            other("SALES@northwind.com", "repeats an earlier row"),
            other("", "no address"),
            other("", "no address either"),
            other("bob@northwind.com", "held by a target"),
            other("BOB@northwind.com", "held by a target, twice"),
            other("hr@northwind.com", "first"),
        ];
        let mut notices = Vec::new();
        let kept = distinct(
            others,
            &targets,
            &[PathBuf::from("others.csv")],
            &mut notices,
        );
        let names: Vec<&str> = kept.iter().map(|o| o.name()).collect();
        assert_eq!(names, ["first", "no address", "no address either", "first"]);
        assert_eq!(notices.len(), 1);
        assert!(
            notices[0].0.contains("4 row(s) skipped"),
            "{}",
            notices[0].0
        );
    }
}
