//! Files other people wrote with PowerShell and Excel, read in place from
//! ../shared/fixtures/real-world (never copied here); each test skips itself when it is absent.

use xtenant::input::table::read_raw;
use xtenant::input::values::parse_size;
use xtenant::input::{InputKind, load_one, scope, source};

use crate::util::real_world;

#[test]
fn exo_permission_export_with_unflattened_access_rights_is_refused() {
    let Some(p) = real_world("exo_get-mailboxpermission_unflattened-arraylist.csv") else {
        return;
    };
    let e = load_one(InputKind::MailboxPermissions, &p)
        .expect_err("must be refused")
        .to_string();
    let first_line = e.lines().next().unwrap();
    assert_eq!(
        first_line,
        format!(
            "{}:2, column 2 (AccessRights): the multi-valued column AccessRights holds \"System.Collections.ArrayList\", the name of a .NET collection type: it was exported without flattening (and the file lacks column(s) \"Identity\")",
            p.display()
        )
    );
    assert!(
        e.contains("  expected: the values joined, e.g. FullAccess;ReadPermission"),
        "{e}"
    );
    assert!(
        e.contains("@{n='AccessRights';e={$_.AccessRights -join ';'}}"),
        "{e}"
    );
    assert!(e.contains("Get-EXOMailboxPermission"), "{e}");
}

#[test]
fn winps51_statistics_export_with_type_line_and_nulls() {
    let Some(p) = real_world("onprem-winps51_get-mailboxstatistics_typeheader.csv") else {
        return;
    };
    let t = read_raw(&p).unwrap();
    assert_eq!(t.headers, ["DisplayName", "LastLogonTime"]);
    assert!(
        t.format
            .contains("#TYPE Selected.Microsoft.Exchange.Data.Mapi.MailboxStatistics"),
        "{}",
        t.format
    );
    assert_eq!(t.rows.len(), 63);
    assert_eq!(
        t.rows[0],
        (
            3,
            vec![
                "Ainsley, Ames".to_string(),
                "4/29/2021 2:37:52 PM".to_string()
            ]
        )
    );
    assert_eq!(t.rows[1].1[0], "Arden,Barlow");
    assert!(
        t.rows.iter().any(|(_, r)| r[1].is_empty()),
        "a null LastLogonTime is read as empty"
    );
    assert!(t.rows.iter().all(|(_, r)| r.len() == 2));
    // As a statistics input it lacks the key: the error names what is missing.
    let e = load_one(InputKind::SourceStatistics, &p)
        .err()
        .unwrap()
        .to_string();
    assert!(
        e.contains("missing column(s) \"MailboxGuid\", \"TotalItemSize\""),
        "{e}"
    );
}

#[test]
fn remote_session_export_with_extra_columns_and_sizes() {
    let Some(p) = real_world("onprem-remote_get-publicfolderstatistics_pscomputername.csv") else {
        return;
    };
    let t = read_raw(&p).unwrap();
    assert_eq!(t.headers.len(), 28);
    assert_eq!(&t.headers[..2], ["PSComputerName", "RunspaceId"]);
    let size = t.headers.iter().position(|h| h == "TotalItemSize").unwrap();
    let sizes: Vec<u64> = t
        .rows
        .iter()
        .map(|(_, r)| parse_size(&r[size]).unwrap().unwrap())
        .collect();
    assert_eq!(sizes.len(), 12);
    assert!(
        sizes.contains(&5_468_391) || sizes.iter().any(|&s| s > 0),
        "{sizes:?}"
    );
    assert!(t.rows.iter().any(|(_, r)| r.contains(&"False".to_string())));
}

#[test]
fn local_ems_clixml_is_read_by_property_name() {
    let Some(p) = real_world("onprem-ems_export-clixml_dynamicdistributiongroup.xml") else {
        return;
    };
    let (members, files, _) = scope::load(&p).unwrap();
    assert_eq!(members.len(), 1);
    assert!(
        files[0].format.contains("Export-Clixml"),
        "{}",
        files[0].format
    );
    assert!(
        members[0]
            .identities()
            .any(|i| i == "PublicFolderMailboxes.419323dd2b7d4d04a724dcc15e467521@vnext.local"),
        "{:?}",
        members[0].identities().collect::<Vec<_>>()
    );
    // Not a mailbox export: the error says which mailbox columns are missing.
    let e = load_one(InputKind::SourceMailboxes, &p)
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("missing column(s) \"ExchangeGuid\""), "{e}");
}

#[test]
fn remoting_serialized_get_mailbox_object_is_a_source_mailbox() {
    let Some(p) = real_world("onprem-psrp_get-mailbox_serialized-obj.xml") else {
        return;
    };
    let (mailboxes, _, _) = source::load(&p).unwrap();
    assert_eq!(mailboxes.len(), 1);
    let m = &mailboxes[0];
    assert_eq!(
        m.exchange_guid.unwrap().to_string(),
        "9b9387fe-e1b1-4695-97bd-b0a0bebe7ce2"
    );
    assert_eq!(m.archive_guid, None, "the zero GUID means no archive");
    assert_eq!(m.archive_status(), "None");
    assert_eq!(
        m.legacy_dn(),
        "/o=First Organization/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=d1ce5d43a9184ce3ba01e101a19d0a28-Admin"
    );
    assert_eq!(
        m.email_addresses().map(|p| p.render()).collect::<Vec<_>>(),
        ["SMTP:Administrator@test.com"]
    );
    assert_eq!(m.upn(), "Administrator@test.com");
    assert_eq!(m.recipient_type_details(), "UserMailbox");
    assert!(m.in_place_holds().next().is_none());
    assert!(!m.litigation_hold);
    assert_eq!(m.aux_archives, 0);
    assert!(m.issues.is_empty(), "{:?}", m.issues);
}

#[test]
fn excel_saved_sheet_with_lists_inside_cells() {
    let Some(p) = real_world("excel-saved_shared-mailbox-plan_semicolon-lists.csv") else {
        return;
    };
    let t = read_raw(&p).unwrap();
    assert_eq!(
        t.headers[..3],
        ["alias", "displayname", "recipienttypedetails"]
    );
    assert!(
        t.format.starts_with("UTF-8 with BOM, `,`-delimited"),
        "{}",
        t.format
    );
    assert!(t.rows.iter().all(|(_, r)| r.len() == t.headers.len()));
    assert!(
        t.rows[0].1[5].contains(';'),
        "a `;` list stays inside its cell: {:?}",
        t.rows[0].1
    );
    // Lower-case headers still match: read as scope members it gives aliases and names.
    let (members, _, _) = scope::load(&p).unwrap();
    assert_eq!(members.len(), t.rows.len());
    assert!(members[0].identities().any(|i| i == "CCA"));
}

#[test]
fn hand_made_file_with_a_misspelled_header_is_named_not_guessed() {
    let Some(p) = real_world("target-mailuser-provisioning_misspelled-header.csv") else {
        return;
    };
    let e = load_one(InputKind::TargetRecipients, &p)
        .err()
        .unwrap()
        .to_string();
    assert!(
        e.contains(
            "missing column(s) \"PrimarySmtpAddress\", \"EmailAddresses\", \"ExchangeGuid\""
        ),
        "{e}"
    );
    assert!(
        e.contains("columns found: \"DiaplayName\", \"EmailAddress\", \"Password\""),
        "{e}"
    );
    assert!(e.contains("Get-MailUser -ResultSize Unlimited"), "{e}");
}

#[test]
fn headerless_address_list_is_a_scope_list() {
    let Some(p) = real_world("headerless_identity-list.csv") else {
        return;
    };
    let (members, _, _) = scope::load(&p).unwrap();
    let got: Vec<(u64, &str)> = members
        .iter()
        .map(|m| (m.line, m.identities().next().unwrap_or_default()))
        .collect();
    assert_eq!(
        got,
        [
            (1, "gritdev@gritdev.linkpc.net"),
            (2, "benedict@gritdev.linkpc.net"),
            (3, "belt@gritdev.linkpc.net")
        ]
    );
}
