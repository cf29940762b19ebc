//! The optional export of what target recipients name in their forwarding, delivery
//! restrictions and moderation (`--target-references`): where a contact the stamping removes
//! is named, so the MailUser that replaces it is put back there.

use std::path::Path;

use super::{ColSpec, Loaded, read_rows};
use crate::error::{Error, Result};
use crate::input::InputKind;
use crate::model::{HolderKind, RefProperty, Reference};

columns! {
    Identity = ColSpec::req("Identity").aka(&["Holder", "HolderIdentity", "Guid", "ExchangeObjectId"]),
    RecipientTypeDetails = ColSpec::req("RecipientTypeDetails").aka(&["HolderType"]),
    Property = ColSpec::req("Property"),
    Value = ColSpec::req("Value").aka(&["Recipient", "ReferencedRecipient"]),
    Name = ColSpec::opt("Name").aka(&["DisplayName", "HolderName"]),
    IsDirSynced = ColSpec::opt("IsDirSynced")
        .without("a holder synchronised from on-premises is not told apart: its change fails in Exchange Online instead of being planned on-premises"),
}

/// Reads the references. A property or holder type xtenant does not know stops the run: the
/// rows drive Set- cmdlets, and a row skipped would be a reference silently lost.
pub fn load(path: &Path) -> Result<Loaded<Vec<Reference>>> {
    let (rows, files, notices) = read_rows(path, InputKind::References, |row| {
        let holder_type = row.string(C::RecipientTypeDetails);
        let property = row.text(C::Property).unwrap_or_default();
        let kind = HolderKind::of(&holder_type);
        let parsed = RefProperty::parse(property);
        let invalid =
            |col: C, value: &str, problem: &'static str, expected: String| Error::InvalidValue {
                location: Box::new(row.location(col)),
                recipe: InputKind::References.recipe(),
                value: value.to_string(),
                problem,
                expected,
            };
        let (Some(kind), Some(property)) = (kind, parsed) else {
            return Err(match parsed {
                None => invalid(
                    C::Property,
                    property,
                    "is not a property xtenant puts a MailUser back in",
                    one_of(RefProperty::ALL.iter().map(|p| p.as_str())),
                ),
                Some(_) => invalid(
                    C::RecipientTypeDetails,
                    &holder_type,
                    "is not a kind of recipient that holds these properties",
                    "the RecipientTypeDetails of a mailbox, mail user, mail contact, distribution or security group, dynamic distribution group, Microsoft 365 group (GroupMailbox) or mail-enabled public folder (PublicFolder)".into(),
                ),
            });
        };
        // A value that is not True/False reads as not synchronised: the script then tries the
        // change and reports Exchange Online's refusal.
        let holder_dir_synced = row.flag(C::IsDirSynced, &mut Vec::new()) == Some(true);
        Ok(Reference {
            line: row.line(),
            holder: row.string(C::Identity),
            holder_name: row.string(C::Name),
            holder_dir_synced,
            holder_type,
            kind,
            property,
            value: row.string(C::Value),
        })
    })?;
    // The first bad row in file order, whatever thread read it.
    let rows = rows.into_iter().collect::<Result<Vec<_>>>()?;
    Ok((rows, files, notices))
}

fn one_of<'a>(names: impl Iterator<Item = &'a str>) -> String {
    format!("one of {}", names.collect::<Vec<_>>().join(", "))
}
