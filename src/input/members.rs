//! The optional export of the target's group memberships (Get-DistributionGroupMember per
//! group): which groups a contact the stamping removes belongs to, so its MailUser is added back.

use std::path::Path;

use super::{ColSpec, Loaded, read_rows};
use crate::error::Result;
use crate::input::InputKind;
use crate::model::GroupMemberRow;

columns! {
    Group = ColSpec::req("Group").aka(&["GroupPrimarySmtpAddress", "GroupIdentity", "DistributionGroup"]),
    Member = ColSpec::req("Member").aka(&["MemberPrimarySmtpAddress", "PrimarySmtpAddress", "MemberIdentity"]),
}

pub fn load(path: &Path) -> Result<Loaded<Vec<GroupMemberRow>>> {
    read_rows(path, InputKind::GroupMembers, |row| GroupMemberRow {
        line: row.line(),
        group: row.string(C::Group),
        member: row.string(C::Member),
    })
}
