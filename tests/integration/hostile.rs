//! Hostile input: huge fields, NUL bytes, broken encodings, unbalanced quotes, 100,000
//! columns, entity bombs and external entities. Each run either succeeds with every row
//! accounted for or stops with an error naming the file and line; none panics, none hangs,
//! and a failed run leaves the output folder as it was.

use std::path::Path;

use crate::util::{Dir, args, assert_no_temporary_files, plan, plan_err, rows};

const TGT: &str = "PrimarySmtpAddress,EmailAddresses,ExchangeGuid,ExternalEmailAddress\r\nann@northwindtraders.com,SMTP:ann@northwindtraders.com,9b9387fe-e1b1-4695-97bd-b0a0bebe7ce2,SMTP:ann@contoso.onmicrosoft.com\r\n";
const HEAD: &str =
    "PrimarySmtpAddress,EmailAddresses,ExchangeGuid,LegacyExchangeDN,DisplayName\r\n";
const ANN: &str = "ann@contoso.com,SMTP:ann@contoso.com;smtp:ann@contoso.onmicrosoft.com,9b9387fe-e1b1-4695-97bd-b0a0bebe7ce2,/o=ExchangeLabs/ou=X/cn=Recipients/cn=ann,Ann\r\n";

fn run(dir: &Dir, source: impl AsRef<[u8]>) -> Result<std::path::PathBuf, String> {
    let s = dir.write("source.csv", source);
    let t = dir.write("target.csv", TGT);
    let out = dir.join("out");
    let a = args(&s, &t, &out);
    match xtenant::plan(&xtenant::config::Config::from_args(&a).unwrap()) {
        Ok(_) => Ok(out),
        Err(e) => Err(e.to_string()),
    }
}

fn readiness(out: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    rows(&out.join("readiness.csv"))
}

#[test]
fn a_one_megabyte_field_is_read_and_kept_whole_in_the_csv() {
    let dir = Dir::new("huge-field");
    let big = "x".repeat(1 << 20);
    let bob = format!(
        "bob@contoso.com,SMTP:bob@contoso.com,1b9387fe-e1b1-4695-97bd-b0a0bebe7ce2,/o=x,\"{big}\"\r\n"
    );
    let out = run(&dir, format!("{HEAD}{ANN}{bob}")).unwrap();
    let r = readiness(&out);
    assert_eq!(r.len(), 2);
    assert_eq!(r[1]["SourceDisplayName"].len(), 1 << 20);
}

#[test]
fn a_huge_proxy_list_is_split_without_blowing_up() {
    let dir = Dir::new("huge-proxies");
    let proxies: Vec<String> = (0..50_000)
        .map(|i| format!("smtp:alias{i}@contoso.com"))
        .collect();
    let bob = format!(
        "bob@contoso.com,\"SMTP:bob@contoso.com;{}\",1b9387fe-e1b1-4695-97bd-b0a0bebe7ce2,/o=x,Bob\r\n",
        proxies.join(";")
    );
    let out = run(&dir, format!("{HEAD}{ANN}{bob}")).unwrap();
    assert_eq!(readiness(&out).len(), 2);
}

#[test]
fn nul_bytes_and_broken_encodings_are_errors_naming_the_line() {
    let dir = Dir::new("encodings");
    // NUL in UTF-8 without a BOM: probably UTF-16 written without one.
    let e = run(&dir, format!("{HEAD}{ANN}bob@contoso.com,x,\0,/o=x,B\r\n")).unwrap_err();
    assert!(
        e.contains("source.csv") && e.contains("NUL byte at line 3"),
        "{e}"
    );

    // The same with a UTF-8 byte-order mark: still no NUL in the data.
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(format!("{HEAD}{ANN}bob@contoso.com,x,\0,/o=x,B\r\n").into_bytes());
    let e = run(&dir, &bom).unwrap_err();
    assert!(e.contains("NUL byte at line 3"), "{e}");

    // UTF-16LE with a lone surrogate in a value.
    let mut utf16 = vec![0xFF, 0xFE];
    let text = format!("{HEAD}{ANN}");
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    utf16.extend(0xD800u16.to_le_bytes());
    utf16.extend("\r\n".encode_utf16().flat_map(u16::to_le_bytes));
    let e = run(&dir, &utf16).unwrap_err();
    assert!(e.contains("source.csv") && e.contains("line 3"), "{e}");

    // UTF-16 cut in the middle of a code unit.
    let mut odd = vec![0xFF, 0xFE];
    odd.extend(HEAD.encode_utf16().flat_map(u16::to_le_bytes));
    odd.push(b'a');
    let e = run(&dir, &odd).unwrap_err();
    assert!(e.contains("source.csv"), "{e}");

    // Invalid UTF-8 without a BOM reads as Windows-1252, and the run says so.
    let mut latin = format!("{HEAD}{ANN}").into_bytes();
    latin.extend(b"bob@contoso.com,SMTP:bob@contoso.com,1b9387fe-e1b1-4695-97bd-b0a0bebe7ce2,/o=x,M\xFCller\r\n");
    let out = run(&dir, &latin).unwrap();
    assert_eq!(readiness(&out)[1]["SourceDisplayName"], "Müller");
}

#[test]
fn an_unbalanced_quote_is_an_error_not_a_swallowed_file() {
    let dir = Dir::new("unbalanced");
    let src = format!(
        "{HEAD}{ANN}\"bob@contoso.com,SMTP:bob@contoso.com,1b9387fe-e1b1-4695-97bd-b0a0bebe7ce2,/o=x,Bob\r\n{ANN}{ANN}"
    );
    let e = run(&dir, src).unwrap_err();
    assert!(e.contains("source.csv:3"), "{e}");
    assert!(e.contains("quote"), "{e}");
}

#[test]
fn one_hundred_thousand_columns_are_read_or_refused_quickly() {
    let dir = Dir::new("wide");
    let mut head = HEAD.trim_end().to_string();
    let mut row = ANN.trim_end().to_string();
    for i in 0..100_000 {
        head.push_str(&format!(",Extra{i}"));
        row.push_str(",v");
    }
    let start = std::time::Instant::now();
    let out = run(&dir, format!("{head}\r\n{row}\r\n")).unwrap();
    assert_eq!(readiness(&out).len(), 1);
    // Not a timing assertion on the machine's speed: a quadratic header match would take
    // minutes here, a linear one milliseconds.
    assert!(start.elapsed().as_secs() < 60);
}

#[test]
fn entity_bombs_and_external_entities_are_refused_unexpanded() {
    let dir = Dir::new("laughs");
    let mut bomb =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        bomb.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    bomb.push_str("]>\n<Objs Version=\"1.1.0.1\"><Obj RefId=\"0\"><MS><S N=\"PrimarySmtpAddress\">&lol9;</S></MS></Obj></Objs>");
    let e = run(&dir, &bomb).unwrap_err();
    assert!(e.contains("DTD"), "{e}");

    let xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n<Objs Version=\"1.1.0.1\"><Obj RefId=\"0\"><MS><S N=\"PrimarySmtpAddress\">&e;</S></MS></Obj></Objs>";
    let e = run(&dir, xxe).unwrap_err();
    assert!(e.contains("DTD") && !e.contains("root:"), "{e}");

    // An undeclared entity without a DTD is not resolved either.
    let bare = "<Objs Version=\"1.1.0.1\"><Obj RefId=\"0\"><MS><S N=\"PrimarySmtpAddress\">&e;</S></MS></Obj></Objs>";
    let e = run(&dir, bare).unwrap_err();
    assert!(e.contains("source.csv"), "{e}");
}

#[test]
fn deeply_nested_clixml_is_refused_not_a_stack_overflow() {
    let dir = Dir::new("deep");
    let depth = 100_000;
    let xml = format!(
        "<Objs Version=\"1.1.0.1\"><Obj RefId=\"0\"><MS>{}{}</MS></Obj></Objs>",
        "<Obj><MS>".repeat(depth),
        "</MS></Obj>".repeat(depth)
    );
    let e = run(&dir, xml).unwrap_err();
    assert!(e.contains("source.csv") && e.contains("nest"), "{e}");
}

#[test]
fn a_failed_run_leaves_the_previous_plan_untouched() {
    let dir = Dir::new("failed-run");
    let s = dir.write("source.csv", format!("{HEAD}{ANN}"));
    let t = dir.write("target.csv", TGT);
    let out = dir.join("out");
    plan(&args(&s, &t, &out));
    let before = std::fs::read(out.join("readiness.csv")).unwrap();
    // The same source, now broken: the run stops before anything is renamed into place.
    dir.write("source.csv", format!("{HEAD}{ANN}\"bob,x\r\n"));
    let e = plan_err(&args(&s, &t, &out));
    assert!(e.contains("source.csv"), "{e}");
    assert_eq!(std::fs::read(out.join("readiness.csv")).unwrap(), before);
    assert_no_temporary_files(&out);
}

#[test]
fn x500_lists_of_sixty_thousand_on_both_sides_stay_linear() {
    let dir = Dir::new("x500-lists");
    let n = 60_000;
    let list = |side: &str| -> String {
        (0..n)
            .map(|i| format!("X500:/o=Contoso/ou={side}/cn=Recipients/cn=u{i}"))
            .collect::<Vec<_>>()
            .join(";")
    };
    // The target already holds the even half of the source's X500s, in other case.
    let target_x500: Vec<String> = (0..n)
        .step_by(2)
        .map(|i| format!("x500:/O=CONTOSO/OU=SRC/CN=RECIPIENTS/CN=U{i}"))
        .chain((0..n / 2).map(|i| format!("x500:/o=Other/cn=t{i}")))
        .collect();
    let source = format!(
        "{HEAD}ann@contoso.com,\"SMTP:ann@contoso.com;{}\",9b9387fe-e1b1-4695-97bd-b0a0bebe7ce2,/o=ExchangeLabs/ou=X/cn=Recipients/cn=ann,Ann\r\n",
        list("Src")
    );
    let target = format!(
        "PrimarySmtpAddress,EmailAddresses,ExchangeGuid,ExternalEmailAddress\r\nann@northwindtraders.com,\"SMTP:ann@northwindtraders.com;x500:/o=ExchangeLabs/ou=X/cn=Recipients/cn=ann;{}\",9b9387fe-e1b1-4695-97bd-b0a0bebe7ce2,SMTP:ann@contoso.onmicrosoft.com\r\n",
        target_x500.join(";")
    );
    let s = dir.write("source.csv", source);
    let t = dir.write("target.csv", target);
    let out = dir.join("out");
    plan(&args(&s, &t, &out));
    let x500 = rows(&out.join("stamping/x500.csv"));
    // The odd half is missing from the target: exactly those are stamped.
    assert_eq!(x500.len(), n / 2);
    assert!(x500.iter().all(|r| {
        let i: usize = r["Proxy"].rsplit("cn=u").next().unwrap().parse().unwrap();
        i % 2 == 1
    }));
}

#[test]
fn thousands_of_rows_sharing_one_key_stay_linear_and_messages_stay_short() {
    let dir = Dir::new("shared-key");
    let mut source = String::from(HEAD);
    for i in 0..20_000 {
        source.push_str(&format!(
            "dup@contoso.com,SMTP:dup@contoso.com,9b9387fe-e1b1-4695-97bd-b0a0bebe7ce2,/o=x/cn=u{i},Same Name\r\n"
        ));
    }
    let mut target =
        String::from("PrimarySmtpAddress,EmailAddresses,ExchangeGuid,ExternalEmailAddress\r\n");
    for i in 0..5_000 {
        target.push_str(&format!(
            "t{i}@northwindtraders.com,SMTP:t{i}@northwindtraders.com,,SMTP:dup@contoso.com\r\n"
        ));
    }
    let s = dir.write("source.csv", source);
    let t = dir.write("target.csv", target);
    let out = dir.join("out");
    plan(&args(&s, &t, &out));
    let findings = rows(&out.join("findings.csv"));
    let count = |code: &str| findings.iter().filter(|f| f["Code"] == code).count();
    // Every row repeats both keys, and every row's match is ambiguous.
    assert_eq!(count("XT602"), 2 * 20_000);
    assert_eq!(count("XT102"), 20_000);
    let longest = findings.iter().map(|f| f["Message"].len()).max().unwrap();
    assert!(longest < 2_000, "a message of {longest} bytes");
    let xt602 = findings.iter().find(|f| f["Code"] == "XT602").unwrap();
    assert!(
        xt602["Message"].ends_with("and 19,979 more"),
        "{}",
        xt602["Message"]
    );
    let xt102 = findings.iter().find(|f| f["Code"] == "XT102").unwrap();
    assert!(
        xt102["Message"].starts_with("more than 20 target objects"),
        "{}",
        xt102["Message"]
    );
}

/// An Export-Clixml file whose objects each refer (`<Ref>`) to one large value `refs` times.
fn ref_bomb(value_len: usize, refs: usize) -> String {
    let props = |alias: &str| {
        format!(
            "<S N=\"PrimarySmtpAddress\">{alias}@contoso.com</S><S N=\"EmailAddresses\">SMTP:{alias}@contoso.com</S><Nil N=\"ExchangeGuid\" /><S N=\"LegacyExchangeDN\">/o=X/cn={alias}</S>"
        )
    };
    let mut xml = format!(
        "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">\r\n<Obj RefId=\"0\"><MS>{}<Obj N=\"DisplayName\" RefId=\"1\"><ToString>{}</ToString></Obj></MS></Obj>\r\n",
        props("ann"),
        "x".repeat(value_len)
    );
    for i in 0..refs {
        xml.push_str(&format!(
            "<Obj RefId=\"{}\"><MS>{}<Ref N=\"DisplayName\" RefId=\"1\" /></MS></Obj>\r\n",
            i + 2,
            props(&format!("u{i}"))
        ));
    }
    xml.push_str("</Objs>\r\n");
    xml
}

#[test]
fn clixml_refs_that_would_repeat_a_large_value_thousands_of_times_are_refused() {
    let dir = Dir::new("ref-bomb");
    // 1 MB referred to 2,000 times: 2 GB if each <Ref> copied it.
    let e = run(&dir, ref_bomb(1 << 20, 2_000)).unwrap_err();
    assert!(
        e.contains("source.csv:24:175:"),
        "file, line and column: {e}"
    );
    assert!(
        e.contains("<Ref> elements repeat") && e.contains("Select-Object"),
        "{e}"
    );
    // Refs as real exports use them (small values, a few times) read as before.
    let out = run(&dir, ref_bomb(40, 300)).unwrap();
    let r = readiness(&out);
    assert_eq!(r.len(), 301);
    assert!(r.iter().all(|r| r["SourceDisplayName"] == "x".repeat(40)));
}

#[test]
fn a_utf8_file_with_one_bad_byte_is_refused_not_read_as_windows_1252() {
    let dir = Dir::new("one-bad-byte");
    let mut source = HEAD.as_bytes().to_vec();
    for i in 0..700 {
        source.extend(
            format!("u{i}@contoso.com,SMTP:u{i}@contoso.com,,/o=x/cn=u{i},Jos\u{e9} {i}\r\n")
                .bytes(),
        );
    }
    source.extend(b"bad@contoso.com,SMTP:bad@contoso.com,,/o=x/cn=bad,Jos\xC3\x28\r\n");
    let e = run(&dir, &source).unwrap_err();
    assert!(
        e.contains("source.csv") && e.contains("invalid UTF-8 at line 702, column 54"),
        "{e}"
    );
    // Without any UTF-8 in it, the same bytes are Windows-1252, and the summary says so.
    let latin: Vec<u8> = HEAD
        .bytes()
        .chain(
            b"ann@contoso.com,SMTP:ann@contoso.com,,/o=x/cn=ann,Jos\xE9\r\n"
                .iter()
                .copied(),
        )
        .collect();
    let s = dir.write("latin.csv", latin);
    let t = dir.write("target.csv", TGT);
    let summary = plan(&args(&s, &t, &dir.join("out2")));
    assert!(
        summary.text.contains("READ AS WINDOWS-1252"),
        "{}",
        summary.text
    );
    assert_eq!(
        readiness(&dir.join("out2"))[0]["SourceDisplayName"],
        "Jos\u{e9}"
    );
}

#[test]
fn a_row_with_an_unquoted_comma_and_an_empty_last_value_is_refused_naming_the_line() {
    // `Brown, Ingrid` unquoted: every value after it moves one column right, and the empty
    // last value becomes an extra field.
    let dir = Dir::new("extra-empty");
    let head =
        "PrimarySmtpAddress,EmailAddresses,ExchangeGuid,LegacyExchangeDN,DisplayName,Office\r\n";
    let ann = "ann@contoso.com,SMTP:ann@contoso.com,9b9387fe-e1b1-4695-97bd-b0a0bebe7ce2,/o=x/cn=ann,Ann,Paris\r\n";
    let ingrid = "ingrid@contoso.com,SMTP:ingrid@contoso.com,,/o=x/cn=ingrid,Brown, Ingrid,\r\n";
    let e = run(&dir, format!("{head}{ann}{ingrid}")).unwrap_err();
    assert!(
        e.contains("source.csv:3") && e.contains("expected 6 fields as in the header, found 7"),
        "{e}"
    );
}

#[test]
fn a_stray_bom_before_a_header_name_is_dropped_and_missing_columns_are_named() {
    let dir = Dir::new("header-bom");
    let head = "PrimarySmtpAddress,EmailAddresses,ExchangeGuid,LegacyExchangeDN,\u{feff}Alias\r\n";
    let ann = "ann@contoso.com,SMTP:ann@contoso.com,9b9387fe-e1b1-4695-97bd-b0a0bebe7ce2,/o=x/cn=ann,annA\r\n";
    let out = run(&dir, format!("{head}{ann}")).unwrap();
    assert_eq!(readiness(&out)[0]["SourceAlias"], "annA");
    // Without the column, the summary says what that changes.
    let s = dir.write("noalias.csv", format!("{HEAD}{ANN}"));
    let t = dir.write("target.csv", TGT);
    let summary = plan(&args(&s, &t, &dir.join("out2")));
    assert!(
        summary.text.contains("optional column(s) not exported")
            && summary.text.contains(
                "Alias (new MailUsers take the local part of the primary address as alias)"
            )
            && summary
                .text
                .contains("IsDirSynced (every target is taken for a cloud object"),
        "{}",
        summary.text
    );
}

#[cfg(unix)]
#[test]
fn a_device_is_refused_and_a_pipe_with_data_is_read() {
    let dir = Dir::new("devices");
    let t = dir.write("target.csv", TGT);
    let e = plan_err(&args(Path::new("/dev/zero"), &t, &dir.join("out")));
    assert!(
        e.contains("/dev/zero") && e.contains("a device, not an export file"),
        "{e}"
    );
    // A FIFO (process substitution, `mkfifo`) with an export in it.
    let fifo = dir.join("source.fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, format!("{HEAD}{ANN}")).unwrap())
    };
    let out = dir.join("out");
    plan(&args(&fifo, &t, &out));
    writer.join().unwrap();
    assert_eq!(readiness(&out).len(), 1);
}

#[test]
fn a_target_export_with_a_header_and_no_rows_is_a_loud_warning() {
    let dir = Dir::new("empty-target");
    let s = dir.write("source.csv", format!("{HEAD}{ANN}"));
    let t = dir.write(
        "target.csv",
        "PrimarySmtpAddress,EmailAddresses,ExchangeGuid\r\n",
    );
    let summary = plan(&args(&s, &t, &dir.join("out")));
    assert!(
        summary.text.contains("XT002")
            && summary.text.contains("the target export holds no recipients: all 1 source mailboxes would get a new MailUser"),
        "{}",
        summary.text
    );
}

#[test]
fn a_mailbox_with_twenty_thousand_x500s_and_as_many_contacts_holding_them_stays_linear() {
    let dir = Dir::new("x500-contacts");
    let n = 20_000;
    let dn = |i: usize| format!("/o=Contoso/ou=Src/cn=Recipients/cn=u{i}");
    let list: Vec<String> = (0..n).map(|i| format!("X500:{}", dn(i))).collect();
    let source = format!(
        "{HEAD}ann@contoso.com,\"SMTP:ann@contoso.com;{}\",9b9387fe-e1b1-4695-97bd-b0a0bebe7ce2,/o=ExchangeLabs/ou=X/cn=Recipients/cn=ann,Ann\r\n",
        list.join(";")
    );
    // The MailUser has only the LegacyExchangeDN's x500.
    let target = "PrimarySmtpAddress,EmailAddresses,ExchangeGuid,ExternalEmailAddress\r\nann@northwindtraders.com,\"SMTP:ann@northwindtraders.com;x500:/o=ExchangeLabs/ou=X/cn=Recipients/cn=ann\",9b9387fe-e1b1-4695-97bd-b0a0bebe7ce2,SMTP:ann@contoso.onmicrosoft.com\r\n";
    // One GAL-sync contact copied every x500; twenty thousand more hold one each.
    let mut others = String::from(
        "PrimarySmtpAddress,ExternalEmailAddress,EmailAddresses,RecipientTypeDetails,IsDirSynced\r\n",
    );
    others.push_str(&format!(
        "ann@contoso.com,SMTP:ann@contoso.com,\"SMTP:ann@contoso.com;{}\",MailContact,False\r\n",
        list.join(";")
    ));
    for i in 0..n {
        others.push_str(&format!(
            "c{i}@fabrikam.com,,\"SMTP:c{i}@fabrikam.com;X500:{}\",MailContact,False\r\n",
            dn(i)
        ));
    }
    let s = dir.write("source.csv", source);
    let t = dir.write("target.csv", target);
    let out = dir.join("out");
    let mut a = args(&s, &t, &out);
    a.target_other_recipients = vec![dir.write("others.csv", others)];
    plan(&a);
    // Every contact stands for ann and is converted: removed first, and the x500s it held
    // are ann's, stamped once each.
    assert_eq!(rows(&out.join("stamping/contacts.csv")).len(), n + 1);
    assert_eq!(rows(&out.join("stamping/x500.csv")).len(), n);
}
