//! The readers accept every shape PowerShell and Excel write, give the same answer for each,
//! and stop with a clear error (file, line, column, how to re-export) on input they cannot use.

use xtenant::sample::{self, SOURCE_HEADER, Shape, ShapeEncoding, TARGET_HEADER};

use crate::util::{Dir, args, plan, plan_err, rows};

fn tenants() -> sample::Tenants {
    sample::generate(&sample::Options::new(300, 7))
}

/// Plans one rendering of the tenants and returns readiness.csv's bytes.
fn readiness_for(dir: &Dir, tag: &str, source: Vec<u8>, target: Vec<u8>) -> Vec<u8> {
    let s = dir.write(&format!("{tag}-source.csv"), source);
    let t = dir.write(&format!("{tag}-target.csv"), target);
    let out = dir.join(&format!("{tag}-out"));
    plan(&args(&s, &t, &out));
    std::fs::read(out.join("readiness.csv")).unwrap()
}

#[test]
fn every_export_shape_gives_byte_identical_readiness() {
    let dir = Dir::new("shapes");
    let t = tenants();
    let render = |shape: Shape| {
        (
            shape.render(&SOURCE_HEADER, &t.source),
            shape.render(&TARGET_HEADER, &t.target),
        )
    };
    let (s, g) = render(Shape::PS7);
    let baseline = readiness_for(&dir, "utf8", s, g);
    assert!(baseline.len() > 10_000);

    let shapes = [
        ("utf16-type-crlf", Shape::WINPS_UNICODE),
        ("semicolon-bom", Shape::CULTURE_SEMICOLON),
        (
            "tab-lf",
            Shape {
                delimiter: '\t',
                encoding: ShapeEncoding::Utf8,
                type_line: None,
                crlf: false,
            },
        ),
    ];
    for (tag, shape) in shapes {
        let (s, g) = render(shape);
        assert_eq!(readiness_for(&dir, tag, s, g), baseline, "{tag}");
    }

    // UTF-16BE, which nothing in Windows writes by default but `-Encoding BigEndianUnicode` does.
    let be = |bytes: Vec<u8>| {
        let text = String::from_utf8(bytes).unwrap();
        let mut out = vec![0xFE, 0xFF];
        out.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        out
    };
    let (s, g) = render(Shape::PS7);
    assert_eq!(
        readiness_for(&dir, "utf16be", be(s), be(g)),
        baseline,
        "utf16be"
    );

    // Unquoted (PS7 -UseQuotes AsNeeded, Excel), headers in another case and order, extra columns.
    let (s, g) = (
        reshaped(&SOURCE_HEADER, &t.source),
        reshaped(&TARGET_HEADER, &t.target),
    );
    assert_eq!(readiness_for(&dir, "reshaped", s, g), baseline, "reshaped");

    // Export-Clixml of the same objects.
    let (s, g) = (
        clixml(&SOURCE_HEADER, &t.source),
        clixml(&TARGET_HEADER, &t.target),
    );
    assert_eq!(readiness_for(&dir, "clixml", s, g), baseline, "clixml");
}

/// Columns reversed, names lower-cased, remote-session columns added, quotes only where needed.
fn reshaped(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut h: Vec<String> = header.iter().rev().map(|c| c.to_lowercase()).collect();
    h.insert(0, "PSComputerName".into());
    h.push("RunspaceId".into());
    w.write_record(&h).unwrap();
    for r in rows {
        let mut cells: Vec<&str> = r.iter().rev().map(String::as_str).collect();
        cells.insert(0, "outlook.office365.com");
        cells.push("a08f8c70-f09c-4e45-865e-56a0083e0e89");
        w.write_record(&cells).unwrap();
    }
    w.into_inner().unwrap()
}

/// The rows as Export-Clixml writes Select-Object output (remote dialect, UTF-16LE with BOM):
/// note properties in `<MS>`, multi-valued ones as `<LST>`.
fn clixml(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let lists = [
        "EmailAddresses",
        "InPlaceHolds",
        "PersistedCapabilities",
        "MailboxLocations",
        "DomainNames",
        "MailboxMovePublishedScopes",
    ];
    let mut x = String::from(
        "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">\r\n",
    );
    for (i, r) in rows.iter().enumerate() {
        x.push_str(&format!("  <Obj RefId=\"{i}\">\r\n    <TN RefId=\"{i}\"><T>Selected.Microsoft.Exchange.Data.Directory.Management.Mailbox</T><T>System.Management.Automation.PSCustomObject</T><T>System.Object</T></TN>\r\n    <MS>\r\n"));
        for (h, v) in header.iter().zip(r) {
            if lists.contains(h) {
                let items = if *h == "EmailAddresses" {
                    xtenant::input::values::split_proxies(v)
                } else {
                    v.split(';').filter(|s| !s.is_empty()).collect()
                };
                x.push_str(&format!(
                    "      <Obj N=\"{h}\"><TN><T>System.Collections.ArrayList</T></TN><LST>"
                ));
                for item in items {
                    x.push_str(&format!("<S>{}</S>", esc(item)));
                }
                x.push_str("</LST></Obj>\r\n");
            } else if v.is_empty() {
                x.push_str(&format!("      <Nil N=\"{h}\" />\r\n"));
            } else {
                x.push_str(&format!("      <S N=\"{h}\">{}</S>\r\n", esc(v)));
            }
        }
        x.push_str("    </MS>\r\n  </Obj>\r\n");
    }
    x.push_str("</Objs>");
    let mut out = vec![0xFF, 0xFE];
    out.extend(x.encode_utf16().flat_map(u16::to_le_bytes));
    out
}

const SRC_HEAD: &str =
    "PrimarySmtpAddress,EmailAddresses,ExchangeGuid,LegacyExchangeDN,DisplayName\r\n";
const TGT: &str = "PrimarySmtpAddress,EmailAddresses,ExchangeGuid,ExternalEmailAddress\r\nann@northwindtraders.com,SMTP:ann@northwindtraders.com;smtp:ann@northwindtraders.onmicrosoft.com;x500:/o=ExchangeLabs/ou=X/cn=Recipients/cn=ann,9b9387fe-e1b1-4695-97bd-b0a0bebe7ce2,SMTP:ann@contoso.onmicrosoft.com\r\n";
const ANN: &str = "ann@contoso.com,SMTP:ann@contoso.com;smtp:ann@contoso.onmicrosoft.com,9b9387fe-e1b1-4695-97bd-b0a0bebe7ce2,/o=ExchangeLabs/ou=X/cn=Recipients/cn=ann,Ann\r\n";

fn run_err(dir: &Dir, source: &str) -> String {
    let s = dir.write("source.csv", source);
    let t = dir.write("target.csv", TGT);
    plan_err(&args(&s, &t, &dir.join("out")))
}

#[test]
fn quoted_values_may_span_lines_and_hold_delimiters() {
    let dir = Dir::new("multiline");
    let src = format!(
        "{SRC_HEAD}\"bob@contoso.com\",\"SMTP:bob@contoso.com\",\"1b9387fe-e1b1-4695-97bd-b0a0bebe7ce2\",\"/o=ExchangeLabs/ou=X/cn=Recipients/cn=bob\",\"Bob\r\n(Sales, \"\"EMEA\"\")\"\r\n{ANN}"
    );
    let s = dir.write("source.csv", src);
    let t = dir.write("target.csv", TGT);
    plan(&args(&s, &t, &dir.join("out")));
    let r = rows(&dir.join("out/readiness.csv"));
    assert_eq!(r.len(), 2);
    assert_eq!(r[1]["SourceDisplayName"], "Bob\r\n(Sales, \"EMEA\")");
    let f = rows(&dir.join("out/findings.csv"));
    // Ann's row starts on line 4 of the file: the quoted value took two lines.
    assert!(
        f.iter()
            .filter(|f| f["SourcePrimarySmtpAddress"] == "ann@contoso.com")
            .all(|f| f["SourceLine"] == "4")
    );
}

#[test]
fn missing_column_names_it_lists_what_was_found_and_how_to_export() {
    let dir = Dir::new("missing-col");
    let e = run_err(
        &dir,
        "PrimarySmtpAddress,EmailAddresses,LegacyExchangeDN\r\na@contoso.com,SMTP:a@contoso.com,/o=x\r\n",
    );
    assert!(e.contains("source.csv: this is not a source mailbox export (Get-EXOMailbox): missing column(s) \"ExchangeGuid\""), "{e}");
    assert!(
        e.contains(
            "columns found: \"PrimarySmtpAddress\", \"EmailAddresses\", \"LegacyExchangeDN\""
        ),
        "{e}"
    );
    assert!(
        e.contains("Get-EXOMailbox -ResultSize Unlimited -Properties"),
        "{e}"
    );
}

#[test]
fn unflattened_collection_is_an_error_with_the_join_fix() {
    let dir = Dir::new("unflattened");
    let e = run_err(
        &dir,
        &format!(
            "{SRC_HEAD}{ANN}bob@contoso.com,System.Collections.ArrayList,1b9387fe-e1b1-4695-97bd-b0a0bebe7ce2,/o=x,Bob\r\n"
        ),
    );
    assert!(e.contains("source.csv:3, column 2 (EmailAddresses)"), "{e}");
    assert!(e.contains("\"System.Collections.ArrayList\""), "{e}");
    assert!(
        e.contains("@{n='EmailAddresses';e={$_.EmailAddresses -join ';'}}"),
        "{e}"
    );
}

#[test]
fn broken_rows_and_encodings_stop_the_run_naming_the_line() {
    let dir = Dir::new("broken");
    let e = run_err(
        &dir,
        &format!("{SRC_HEAD}{ANN}\"bob@contoso.com\",\"SMTP:bob@contoso.com,x,/o=x,Bob\r\n{ANN}"),
    );
    assert!(
        e.contains("source.csv:3: malformed row: expected 5 fields as in the header, found 2"),
        "{e}"
    );
    assert!(e.contains("closing quote is probably missing"), "{e}");

    let e = run_err(
        &dir,
        &format!(
            "{SRC_HEAD}{ANN}b@contoso.com,SMTP:b@contoso.com,1b9387fe-e1b1-4695-97bd-b0a0bebe7ce2,/o=x,Smith, Bob\r\n"
        ),
    );
    assert!(
        e.contains("source.csv:3: malformed row: expected 5 fields as in the header, found 6"),
        "{e}"
    );

    let e = run_err(&dir, &format!("{SRC_HEAD}{}", ANN.replace("Ann", "A\0nn")));
    assert!(
        e.contains("unreadable text encoding: NUL byte at line 2"),
        "{e}"
    );

    let e = run_err(&dir, "");
    assert!(e.contains("the file is empty"), "{e}");

    let e = run_err(&dir, "PrimarySmtpAddress,primarysmtpaddress\r\n");
    assert!(
        e.contains("source.csv:1: duplicate column \"primarysmtpaddress\""),
        "{e}"
    );
}

#[test]
fn header_only_file_is_read_as_no_mailboxes() {
    let dir = Dir::new("header-only");
    let s = dir.write("source.csv", SRC_HEAD);
    let t = dir.write("target.csv", TGT);
    let summary = plan(&args(&s, &t, &dir.join("out")));
    assert_eq!(summary.ready + summary.needs_stamping + summary.blocked, 0);
}

#[test]
fn bad_values_become_findings_on_their_row_and_the_run_goes_on() {
    let dir = Dir::new("row-problems");
    let src = format!(
        "{SRC_HEAD}{ANN}bob@contoso.com,SMTP:bob@contoso.com,not-a-guid,/o=x,Bob\r\ncarl.contoso.com,SMTP:carl@contoso.com,2b9387fe-e1b1-4695-97bd-b0a0bebe7ce2,/o=y,Carl\r\n"
    );
    let s = dir.write("source.csv", src);
    let t = dir.write("target.csv", TGT);
    plan(&args(&s, &t, &dir.join("out")));
    let f = rows(&dir.join("out/findings.csv"));
    let xt601: Vec<(&str, &str)> = f
        .iter()
        .filter(|f| f["Code"] == "XT601")
        .map(|f| {
            (
                f["SourcePrimarySmtpAddress"].as_str(),
                f["Message"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        xt601,
        [
            (
                "bob@contoso.com",
                "ExchangeGuid \"not-a-guid\" is not a GUID (source line 3)"
            ),
            (
                "carl.contoso.com",
                "PrimarySmtpAddress \"carl.contoso.com\" is not an e-mail address (source line 4)"
            ),
        ]
    );
    let r = rows(&dir.join("out/readiness.csv"));
    assert_eq!(
        r.iter().map(|r| r["Status"].as_str()).collect::<Vec<_>>(),
        ["Ready", "Blocked", "Blocked"]
    );
}

#[test]
fn x400_with_semicolons_and_in_place_hold_exclusions_survive_reading() {
    let dir = Dir::new("x400");
    let src = "PrimarySmtpAddress,EmailAddresses,ExchangeGuid,LegacyExchangeDN,InPlaceHolds\r\n\
        ann@contoso.com,SMTP:ann@contoso.com;X400:c=US;a= ;p=First Organizati;o=Exchange;s=Newton;g=Lara;;x500:/o=Old/cn=ann,9b9387fe-e1b1-4695-97bd-b0a0bebe7ce2,/o=ExchangeLabs/ou=X/cn=Recipients/cn=ann,-mbxe9b52bf7ab3b46a286308ecb29624696\r\n";
    let s = dir.write("source.csv", src);
    let config =
        xtenant::config::Config::from_args(&args(&s, &dir.write("t.csv", TGT), &dir.join("out")))
            .unwrap();
    let inputs = xtenant::input::load(&config).unwrap();
    let ann = &inputs.sources[0];
    let rendered: Vec<String> = ann.email_addresses().map(|p| p.render()).collect();
    assert_eq!(
        rendered,
        [
            "SMTP:ann@contoso.com",
            "X400:c=US;a= ;p=First Organizati;o=Exchange;s=Newton;g=Lara;",
            "X500:/o=Old/cn=ann"
        ]
    );
    assert_eq!(
        ann.in_place_holds().collect::<Vec<_>>(),
        ["-mbxe9b52bf7ab3b46a286308ecb29624696"]
    );
    plan(&args(&s, &dir.join("t.csv"), &dir.join("out")));
    let f = rows(&dir.join("out/findings.csv"));
    assert!(
        f.iter().all(|f| f["Code"] != "XT401"),
        "an exclusion is not a hold: {f:?}"
    );
}

#[test]
fn windows_1252_is_read_and_reported() {
    let dir = Dir::new("ansi");
    let mut src = SRC_HEAD.as_bytes().to_vec();
    src.extend_from_slice(ANN.replace(",Ann", ",M\u{fc}ller").as_bytes());
    // Re-encode the one non-ASCII character as Windows-1252 (0xFC), as -Encoding Default does.
    let src: Vec<u8> = String::from_utf8(src)
        .unwrap()
        .chars()
        .map(|c| c as u32 as u8)
        .collect();
    let s = dir.write("source.csv", src);
    let t = dir.write("target.csv", TGT);
    let summary = plan(&args(&s, &t, &dir.join("out")));
    assert!(
        summary
            .text
            .contains("READ AS WINDOWS-1252 (-Encoding Default)"),
        "{}",
        summary.text
    );
    assert_eq!(
        rows(&dir.join("out/readiness.csv"))[0]["SourceDisplayName"],
        "Müller"
    );
}

#[test]
fn clixml_with_a_dtd_is_refused_with_its_location() {
    let dir = Dir::new("xxe");
    let xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n<Objs Version=\"1.1.0.1\"><Obj RefId=\"0\"><MS><S N=\"PrimarySmtpAddress\">&e;</S></MS></Obj></Objs>";
    let e = run_err(&dir, xml);
    assert!(
        e.contains("source.csv:2:")
            && e.contains("invalid Export-Clixml file")
            && e.contains("DTD"),
        "{e}"
    );
}

#[test]
fn checks_that_need_an_absent_input_say_so() {
    let dir = Dir::new("skipped");
    let s = dir.write("source.csv", format!("{SRC_HEAD}{ANN}"));
    let t = dir.write("target.csv", TGT);
    let summary = plan(&args(&s, &t, &dir.join("out")));
    assert!(
        summary
            .text
            .contains("XT405 out-of-scope did not run: no scope-members file was given"),
        "{}",
        summary.text
    );
    assert!(
        summary
            .text
            .contains("LitigationHoldEnabled (litigation holds are not seen: XT401)"),
        "{}",
        summary.text
    );
}

#[test]
fn a_comment_line_with_multibyte_text_is_skipped_not_a_crash() {
    let dir = Dir::new("hash-line");
    let s = dir.write(
        "source.csv",
        format!("#TYPé Selected.Mailbox\r\n#日本語\r\n{SRC_HEAD}{ANN}"),
    );
    let t = dir.write("target.csv", TGT);
    plan(&args(&s, &t, &dir.join("out")));
    assert_eq!(rows(&dir.join("out/readiness.csv")).len(), 1);
}

#[test]
fn the_canonical_column_wins_over_an_alias() {
    let dir = Dir::new("alias");
    // Get-AcceptedDomain | Select Name,DomainName,Default: Name is a display name.
    let domains = dir.write(
        "domains.csv",
        "\"Name\",\"DomainName\",\"Default\"\r\n\"Northwind primary\",\"northwindtraders.com\",\"True\"\r\n\"Northwind initial\",\"northwindtraders.onmicrosoft.com\",\"False\"\r\n",
    );
    let (rows, _, notices) = xtenant::input::domains::load(&domains).unwrap();
    let names: Vec<&str> = rows.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(
        names,
        ["northwindtraders.com", "northwindtraders.onmicrosoft.com"]
    );
    assert!(notices.is_empty(), "{notices:?}");
    let bad = dir.write("bad.csv", "DomainName\r\nnorthwind primary\r\n");
    let (rows, _, notices) = xtenant::input::domains::load(&bad).unwrap();
    assert!(rows.is_empty());
    assert!(
        notices[0]
            .0
            .contains("bad.csv:2: \"northwind primary\" is not a domain name"),
        "{notices:?}"
    );
}

/// Plans the 300-user tenants with `others` as their one --target-other-recipients file (and
/// `references` as --target-references); `file` of the plan, or the error.
fn plan_with(
    dir: &Dir,
    tag: &str,
    others: Vec<u8>,
    references: Option<Vec<u8>>,
    file: &str,
) -> Result<Vec<u8>, String> {
    let t = tenants();
    let s = dir.write(
        &format!("{tag}-source.csv"),
        Shape::PS7.render(&SOURCE_HEADER, &t.source),
    );
    let tg = dir.write(
        &format!("{tag}-target.csv"),
        Shape::PS7.render(&TARGET_HEADER, &t.target),
    );
    let out = dir.join(&format!("{tag}-out"));
    let mut a = args(&s, &tg, &out);
    a.target_other_recipients = vec![dir.write(&format!("{tag}-others.csv"), others)];
    a.target_references = references.map(|r| dir.write(&format!("{tag}-references.csv"), r));
    let config = xtenant::config::Config::from_args(&a).unwrap();
    match xtenant::plan(&config) {
        Ok(_) => Ok(std::fs::read(out.join(file)).unwrap()),
        Err(e) => Err(e.to_string()),
    }
}

fn plan_with_others(dir: &Dir, tag: &str, others: Vec<u8>) -> Result<Vec<u8>, String> {
    plan_with(dir, tag, others, None, "findings.csv")
}

/// stamping/references.csv of the 300-user tenants, their other recipients and `references`.
fn plan_with_references(dir: &Dir, tag: &str, references: Vec<u8>) -> Result<Vec<u8>, String> {
    let others = Shape::PS7.render(&sample::OTHER_HEADER, &tenants().others);
    plan_with(
        dir,
        tag,
        others,
        Some(references),
        "stamping/references.csv",
    )
}

#[test]
fn the_other_recipients_file_is_read_in_every_shape_and_refused_like_the_others() {
    let dir = Dir::new("others-shapes");
    let t = tenants();
    let header = &sample::OTHER_HEADER;
    // Every shape PowerShell and Excel write gives the same findings.
    let shapes = [
        ("ps7", Shape::PS7.render(header, &t.others)),
        ("winps", Shape::WINPS_UNICODE.render(header, &t.others)),
        (
            "semicolon",
            Shape::CULTURE_SEMICOLON.render(header, &t.others),
        ),
        ("reshaped", reshaped(header, &t.others)),
        ("clixml", clixml(header, &t.others)),
    ];
    let mut first: Option<Vec<u8>> = None;
    for (tag, bytes) in shapes {
        let findings = plan_with_others(&dir, tag, bytes).unwrap();
        match &first {
            None => first = Some(findings),
            Some(f) => assert!(f == &findings, "{tag} gives other findings"),
        }
    }
    let first = String::from_utf8(first.unwrap()).unwrap();
    assert!(first.contains("XT221"), "the stand-ins are found");

    // A missing column, an unflattened list, a broken row: the same errors as any export.
    let e =
        plan_with_others(&dir, "missing", b"Name,Alias\r\nSales,sales\r\n".to_vec()).unwrap_err();
    assert!(
        e.contains("missing-others.csv: this is not an export of the target's other recipients"),
        "{e}"
    );
    assert!(
        e.contains("missing column(s) \"PrimarySmtpAddress\", \"EmailAddresses\""),
        "{e}"
    );
    assert!(e.contains("Get-MailContact -ResultSize Unlimited"), "{e}");
    let e = plan_with_others(
        &dir,
        "unflattened",
        b"PrimarySmtpAddress,EmailAddresses\r\nsales@northwindtraders.com,System.Collections.ArrayList\r\n".to_vec(),
    )
    .unwrap_err();
    assert!(
        e.contains("unflattened-others.csv:2, column 2 (EmailAddresses)"),
        "{e}"
    );
    let e = plan_with_others(
        &dir,
        "broken",
        b"PrimarySmtpAddress,EmailAddresses,Name\r\nsales@northwindtraders.com,SMTP:sales@northwindtraders.com,Sales, EMEA\r\n".to_vec(),
    )
    .unwrap_err();
    assert!(
        e.contains(
            "broken-others.csv:2: malformed row: expected 3 fields as in the header, found 4"
        ),
        "{e}"
    );
}

#[test]
fn the_references_file_is_read_in_every_shape_and_a_property_no_cmdlet_takes_is_refused() {
    let dir = Dir::new("references-shapes");
    let t = tenants();
    let header = &sample::REFERENCES_HEADER;
    let shapes = [
        ("ps7", Shape::PS7.render(header, &t.references)),
        ("winps", Shape::WINPS_UNICODE.render(header, &t.references)),
        (
            "semicolon",
            Shape::CULTURE_SEMICOLON.render(header, &t.references),
        ),
        ("reshaped", reshaped(header, &t.references)),
        ("clixml", clixml(header, &t.references)),
    ];
    let mut first: Option<Vec<u8>> = None;
    for (tag, bytes) in shapes {
        let written = plan_with_references(&dir, tag, bytes).unwrap();
        match &first {
            None => first = Some(written),
            Some(f) => assert!(f == &written, "{tag} gives other rows"),
        }
    }
    let first = String::from_utf8(first.unwrap()).unwrap();
    assert!(first.lines().count() > 3, "references are found: {first}");

    let e = plan_with_references(
        &dir,
        "missing",
        b"Identity,Property\r\nx,ModeratedBy\r\n".to_vec(),
    )
    .unwrap_err();
    assert!(
        e.contains(
            "missing-references.csv: this is not an export of what the target's recipients name"
        ),
        "{e}"
    );
    assert!(
        e.contains("missing column(s) \"RecipientTypeDetails\", \"Value\""),
        "{e}"
    );
    assert!(e.contains("Get-MailContact -ResultSize Unlimited"), "{e}");

    // GrantSendOnBehalfTo cannot name a contact; a typo is not silently a reference lost.
    let e = plan_with_references(
        &dir,
        "property",
        b"Identity,RecipientTypeDetails,Property,Value\r\ng1,GroupMailbox,ModeratedBy,a@contoso.com\r\ng2,MailUniversalDistributionGroup,GrantSendOnBehalfTo,b@contoso.com\r\n".to_vec(),
    )
    .unwrap_err();
    assert!(
        e.contains("property-references.csv:3, column 3 (Property): \"GrantSendOnBehalfTo\" is not a property xtenant puts a MailUser back in"),
        "{e}"
    );
    assert!(
        e.contains("expected: one of ForwardingAddress, AcceptMessagesOnlyFrom, RejectMessagesFrom, ModeratedBy, BypassModerationFromSendersOrMembers"),
        "{e}"
    );
    let e = plan_with_references(
        &dir,
        "kind",
        b"Identity,RecipientTypeDetails,Property,Value\r\ng1,RemoteUserMailbox,ForwardingAddress,a@contoso.com\r\n".to_vec(),
    )
    .unwrap_err();
    assert!(
        e.contains("kind-references.csv:2, column 2 (RecipientTypeDetails): \"RemoteUserMailbox\" is not a kind of recipient"),
        "{e}"
    );
    assert!(e.contains("re-export with:"), "{e}");
}

#[test]
fn setup_exports_refuse_values_their_checks_cannot_read_and_an_empty_answer_is_no_rows() {
    use xtenant::input::{InputKind, load_one};
    let dir = Dir::new("setup-readers");
    let e = load_one(
        InputKind::MigrationEndpoints,
        &dir.write(
            "endpoints.csv",
            "Identity,EndpointType,RemoteServer,RemoteTenant,ApplicationId\r\nContoso,ExchangeRemoteMove,outlook.office.com,contoso.onmicrosoft.com,not-a-guid\r\n",
        ),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("endpoints.csv:2, column 5 (ApplicationId): \"not-a-guid\" cannot be read")
            && e.contains("expected: a GUID")
            && e.contains("Get-MigrationEndpoint |"),
        "{e}"
    );
    let e = load_one(
        InputKind::SourceOrgRelationships,
        &dir.write(
            "rels.csv",
            "Identity,DomainNames,MailboxMoveEnabled,MailboxMoveCapability\r\nTo Northwind,x,Yes please,RemoteOutbound\r\n",
        ),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("rels.csv:2, column 4 (MailboxMoveEnabled): \"Yes please\" cannot be read")
            && e.contains("expected: True or False"),
        "{e}"
    );
    // An unflattened list, as for every export.
    let e = load_one(
        InputKind::TargetOrgRelationships,
        &dir.write(
            "unflat.csv",
            "Identity,DomainNames,MailboxMoveEnabled,MailboxMoveCapability\r\nFrom Contoso,System.Collections.Generic.List`1[System.String],True,Inbound\r\n",
        ),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("unflat.csv:2, column 2 (DomainNames)"), "{e}");
    // Nothing soft-deleted: Export-Csv wrote an empty file. An empty app export is a failed one.
    assert_eq!(
        load_one(InputKind::TargetSoftDeleted, &dir.write("soft.csv", "")).unwrap(),
        0
    );
    let e = load_one(InputKind::MigrationApp, &dir.write("app.csv", "\u{feff}"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("app.csv: the file is empty"), "{e}");
}

#[test]
fn organization_relationships_read_the_same_in_every_shape_clixml_included() {
    let dir = Dir::new("relationship-shapes");
    let header = [
        "Identity",
        "DomainNames",
        "Enabled",
        "MailboxMoveEnabled",
        "MailboxMoveCapability",
        "OAuthApplicationId",
        "MailboxMovePublishedScopes",
    ];
    let rows: Vec<Vec<String>> = [
        [
            "From Contoso",
            "6a150000-c0de-4000-8000-00000000c051;contoso.onmicrosoft.com",
            "True",
            "True",
            "Inbound, RemoteOutbound",
            "6a150000-c0de-4000-8000-0000000a9901",
            "CN=T2T-Migration-Scope,OU=contoso.onmicrosoft.com,DC=EURPR04A001,DC=prod,DC=outlook,DC=com;Sales",
        ],
        ["Fabrikam", "fabrikam.com", "False", "False", "None", "", ""],
    ]
    .iter()
    .map(|r| r.iter().map(|c| c.to_string()).collect())
    .collect();
    let shapes = [
        ("ps7", Shape::PS7.render(&header, &rows)),
        ("winps", Shape::WINPS_UNICODE.render(&header, &rows)),
        ("semicolon", Shape::CULTURE_SEMICOLON.render(&header, &rows)),
        ("reshaped", reshaped(&header, &rows)),
        ("clixml", clixml(&header, &rows)),
    ];
    let mut first: Option<String> = None;
    for (tag, bytes) in shapes {
        let path = dir.write(&format!("{tag}.csv"), bytes);
        let (read, _, _) = xtenant::input::setup::relationships::load_target(&path).unwrap();
        let r = &read[0];
        assert_eq!(r.domain_names.len(), 2, "{tag}");
        assert_eq!(
            r.published_scopes.len(),
            2,
            "{tag}: a DN's commas do not split it"
        );
        assert!(r.allows("Inbound") && r.allows("RemoteOutbound"), "{tag}");
        assert!(
            !read[1].allows("Inbound") && read[1].enabled == Some(false),
            "{tag}"
        );
        let got = format!(
            "{:?}",
            read.iter()
                .map(|r| (
                    &r.identity,
                    &r.domain_names,
                    r.enabled,
                    r.mailbox_move_enabled,
                    &r.capability,
                    r.oauth_application_id,
                    &r.published_scopes
                ))
                .collect::<Vec<_>>()
        );
        match &first {
            None => first = Some(got),
            Some(f) => assert_eq!(f, &got, "{tag}"),
        }
    }
}

#[test]
fn migration_users_are_read_with_their_sizes_and_a_bad_cell_is_left_empty_and_named() {
    use xtenant::model::StatusSummary;
    let dir = Dir::new("migration-users");
    let path = dir.write(
        "users.csv",
        "\u{feff}\"MailboxEmailAddress\",\"BatchId\",\"Status\",\"StatusSummary\",\"ErrorSummary\",\"BytesTransferred\",\"EstimatedTotalTransferSize\",\"PercentageComplete\",\"HasUnapprovedSkippedItems\"\r\n\
\"ann@northwindtraders.com\",\"W01-B001\",\"Synced\",\"Synced\",\"\",\"1.234 GB (1,324,567,890 bytes)\",\"1.3 GB (1,395,864,371 bytes)\",\"95\",\"False\"\r\n\
\"bob@northwindtraders.com\",\"W01-B001\",\"IncrementalFailed\",\"\",\"MissingExchangeGuidException\",\"lots\",\"\",\"10\",\"\"\r\n",
    );
    let (users, _, notices) = xtenant::input::migration_users::load(&path).unwrap();
    assert_eq!(users.len(), 2);
    assert_eq!(users[0].identity, "ann@northwindtraders.com");
    assert_eq!(users[0].bytes_transferred, Some(1_324_567_890));
    assert_eq!(users[0].summary, Some(StatusSummary::Synced));
    assert_eq!(users[0].percent_complete, Some(95));
    // No StatusSummary: the Status table buckets it; the bad size is empty, and said.
    assert_eq!(users[1].summary, Some(StatusSummary::Failed));
    assert_eq!(users[1].error, "MissingExchangeGuidException");
    assert_eq!(users[1].bytes_transferred, None);
    assert!(
        notices.iter().any(|n| n.0.contains(
            "1 row(s) hold a value that is not valid, first at line 3: BytesTransferred \"lots\""
        )),
        "{notices:?}"
    );
    // Nothing submitted yet: Export-Csv wrote an empty file.
    assert_eq!(
        xtenant::input::load_one(
            xtenant::input::InputKind::MigrationUsers,
            &dir.write("none.csv", "")
        )
        .unwrap(),
        0
    );
    for (status, bucket) in [
        ("CompletionSynced", Some(StatusSummary::Synced)),
        ("CompletedWithWarnings", Some(StatusSummary::Completed)),
        ("Queued", Some(StatusSummary::Active)),
        ("Somethingnew", None),
    ] {
        assert_eq!(StatusSummary::of_status(status), bucket, "{status}");
    }
}
