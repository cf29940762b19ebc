//! readiness.xlsx read back with calamine: its sheets, the Summary's totals against
//! readiness.csv, one row per mailbox and per finding, continuation sheets, and user data that
//! stays text however hostile.

use std::collections::BTreeMap;
use std::path::Path;

use calamine::{Data, DataType, Range, Reader, Xlsx, open_workbook};
use xtenant::config::Config;

use crate::util::{Dir, plan, rows, samples, tenant_args};

fn open(path: &Path) -> Xlsx<std::io::BufReader<std::fs::File>> {
    open_workbook(path).unwrap()
}

fn sheet(wb: &mut Xlsx<std::io::BufReader<std::fs::File>>, name: &str) -> Range<Data> {
    wb.worksheet_range(name).unwrap()
}

fn string(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// Data rows of a sheet, header row first.
fn table(range: &Range<Data>) -> Vec<Vec<String>> {
    range
        .rows()
        .map(|r| r.iter().map(string).collect())
        .collect()
}

/// The Summary row whose first cell is `label`: the number in column C.
fn summary_number(summary: &Range<Data>, label: &str) -> f64 {
    let row = summary
        .rows()
        .find(|r| string(&r[0]) == label)
        .unwrap_or_else(|| panic!("no Summary row {label:?}"));
    match row[2] {
        Data::Float(f) => f,
        Data::Int(i) => i as f64,
        ref other => panic!("{label}: {other:?} is not a number"),
    }
}

#[test]
fn the_samples_workbook_matches_the_csv_outputs() {
    let dir = Dir::new("workbook");
    let out = dir.join("out");
    plan(&tenant_args(&samples(), &out));
    let mut wb = open(&out.join("readiness.xlsx"));
    assert_eq!(
        wb.sheet_names(),
        [
            "Summary",
            "Mailboxes",
            "Findings",
            "Waves",
            "Batches",
            "Permissions",
            "Rules"
        ]
    );

    // The Summary's totals are readiness.csv's counts.
    let readiness = rows(&out.join("readiness.csv"));
    let summary = sheet(&mut wb, "Summary");
    let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
    for r in &readiness {
        *by_status.entry(r["Status"].clone()).or_default() += 1;
    }
    for status in ["Ready", "NeedsStamping", "Blocked"] {
        assert_eq!(
            summary_number(&summary, status) as usize,
            by_status.get(status).copied().unwrap_or(0),
            "{status}"
        );
    }
    assert_eq!(summary_number(&summary, "Total") as usize, readiness.len());
    // Every reconciliation line says OK.
    let checks: Vec<String> = summary
        .rows()
        .filter(|r| matches!(string(&r[4]).as_str(), "OK" | "MISMATCH"))
        .map(|r| format!("{} {}", string(&r[0]), string(&r[4])))
        .collect();
    assert_eq!(checks.len(), 7, "{checks:?}");
    assert!(checks.iter().all(|c| c.ends_with(" OK")), "{checks:?}");

    // Mailboxes: one row per source mailbox, in readiness.csv's order and with its status.
    let mailboxes = table(&sheet(&mut wb, "Mailboxes"));
    assert_eq!(mailboxes[0][0], "Source address");
    assert_eq!(mailboxes.len() - 1, readiness.len());
    for (row, r) in mailboxes[1..].iter().zip(&readiness) {
        assert_eq!(row[0], r["SourcePrimarySmtpAddress"]);
        assert_eq!(row[1], r["Status"]);
        assert_eq!(row[10], r["ContactsToRemove"]);
    }
    // The Contact column names each contact stamping/contacts.csv removes, with its action.
    let contacts = rows(&out.join("stamping/contacts.csv"));
    assert!(contacts.len() > 50, "the samples have contacts to convert");
    assert_eq!(mailboxes[0][10], "Contact");
    for c in &contacts {
        let row = mailboxes
            .iter()
            .find(|m| m[0] == c["SourcePrimarySmtpAddress"])
            .unwrap();
        assert!(
            row[10].contains(&format!("{} ({})", c["Identity"], c["Action"])),
            "{:?} for {c:?}",
            row[10]
        );
    }
    let with_contact = mailboxes[1..].iter().filter(|m| !m[10].is_empty()).count();
    let sources: std::collections::BTreeSet<&String> = contacts
        .iter()
        .map(|c| &c["SourcePrimarySmtpAddress"])
        .collect();
    assert_eq!(with_contact, sources.len());

    // Findings: one row per findings.csv row, same order, same text.
    let findings_csv = rows(&out.join("findings.csv"));
    let findings = table(&sheet(&mut wb, "Findings"));
    assert_eq!(findings.len() - 1, findings_csv.len());
    for (row, f) in findings[1..].iter().zip(&findings_csv) {
        assert_eq!(
            (&row[0], &row[2], &row[4], &row[5]),
            (
                &f["Code"],
                &f["SourcePrimarySmtpAddress"],
                &f["Message"],
                &f["Fix"]
            )
        );
    }
    // Each code links to its explanation on the Rules sheet.
    let formulas = wb.worksheet_formula("Findings").unwrap();
    let rules = table(&sheet(&mut wb, "Rules"));
    let (top, _) = formulas.start().unwrap();
    let mut links = 0;
    for (r, c, f) in formulas.used_cells() {
        let row = top as usize + r;
        let code = &findings[row][0];
        let target = rules.iter().position(|r| &r[0] == code).unwrap() + 1;
        assert_eq!(c, 0);
        assert_eq!(f, &format!("HYPERLINK(\"#Rules!A{target}\",\"{code}\")"));
        links += 1;
    }
    assert_eq!(links, findings_csv.len());

    // Batches: one row per batches.csv row; Waves adds them up.
    let batches_csv = rows(&out.join("batches/batches.csv"));
    let batches = table(&sheet(&mut wb, "Batches"));
    assert_eq!(batches.len() - 1, batches_csv.len());
    for (row, b) in batches[1..].iter().zip(&batches_csv) {
        assert_eq!(
            (&row[0], &row[1], &row[3]),
            (&b["Wave"], &b["Batch"], &b["Users"])
        );
    }
    let waves = sheet(&mut wb, "Waves");
    let planned: f64 = waves.rows().skip(1).map(|r| r[4].as_f64().unwrap()).sum();
    assert_eq!(
        planned as usize,
        readiness
            .iter()
            .filter(|r| r["Status"] != "Blocked")
            .count()
    );

    // Permissions: the XT501 and XT503 findings, one row each.
    let permissions = table(&sheet(&mut wb, "Permissions"));
    let broken = findings_csv
        .iter()
        .filter(|f| f["Code"] == "XT501" || f["Code"] == "XT503")
        .count();
    assert_eq!(permissions.len() - 1, broken);
}

/// The source mailboxes of a generated tenant (UTF-16LE with a #TYPE line) as CSV records.
fn source_records(tenant: &Path) -> (csv::StringRecord, Vec<csv::StringRecord>) {
    let bytes = std::fs::read(tenant.join("source-mailboxes.csv")).unwrap();
    let units: Vec<u16> = bytes[2..]
        .chunks(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let text = String::from_utf16(&units).unwrap();
    let body = text.split_once('\n').unwrap().1;
    let mut r = csv::Reader::from_reader(body.as_bytes());
    let headers = r.headers().unwrap().clone();
    (headers, r.records().map(Result::unwrap).collect())
}

/// Gives the first mailboxes with an alias the DisplayNames `names`; returns their aliases.
/// The file is written back as UTF-8 CSV with a BOM, which the reader takes as well.
fn set_display_names(tenant: &Path, names: &[&str]) -> Vec<String> {
    let (headers, records) = source_records(tenant);
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (ai, di) = (col("Alias"), col("DisplayName"));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&headers).unwrap();
    let mut names = names.iter();
    let mut aliases = Vec::new();
    for rec in records {
        let mut fields: Vec<String> = rec.iter().map(str::to_string).collect();
        if !fields[ai].is_empty()
            && let Some(name) = names.next()
        {
            fields[di] = name.to_string();
            aliases.push(fields[ai].clone());
        }
        w.write_record(&fields).unwrap();
    }
    // With a BOM, as Windows PowerShell writes UTF-8.
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(w.into_inner().unwrap());
    std::fs::write(tenant.join("source-mailboxes.csv"), bytes).unwrap();
    aliases
}

#[test]
fn hostile_display_names_stay_text() {
    let dir = Dir::new("hostile-xlsx");
    xtenant::sample::write(&xtenant::sample::Options::new(60, 3), &dir.path).unwrap();
    let hostile = [
        "=HYPERLINK(\"http://evil.example/\",\"click\")",
        "+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        // Longer than a cell holds, with control characters inside.
        &format!("long\u{1}\u{2}{}", "x".repeat(40_000)),
    ];
    let aliases = set_display_names(&dir.path, &hostile);
    let out = dir.join("out");
    plan(&tenant_args(&dir.path, &out));
    let mut wb = open(&out.join("readiness.xlsx"));
    let mailboxes = sheet(&mut wb, "Mailboxes");
    let header: Vec<String> = mailboxes
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(string)
        .collect();
    let (alias_col, name_col) = (
        header.iter().position(|h| h == "Alias").unwrap(),
        header.iter().position(|h| h == "Display name").unwrap(),
    );
    for (alias, name) in aliases.iter().zip(hostile) {
        let row = mailboxes
            .rows()
            .find(|r| string(&r[alias_col]) == *alias)
            .unwrap();
        let Data::String(cell) = &row[name_col] else {
            panic!("{alias}: {:?} is not a string", row[name_col]);
        };
        if name.len() < 1000 {
            assert_eq!(cell, name);
        } else {
            assert!(cell.starts_with("long\u{1}\u{2}xxx"), "{:?}", &cell[..20]);
            assert!(cell.encode_utf16().count() <= 32_767);
            assert!(cell.ends_with("longer than an Excel cell holds]"));
        }
    }
    // No formula anywhere on the sheet: the hostile names were not turned into one.
    let formulas = wb.worksheet_formula("Mailboxes").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
}

#[test]
fn sheets_continue_past_the_row_limit_and_the_summary_says_so() {
    let dir = Dir::new("overflow");
    let out = dir.join("out");
    let mut config = Config::from_args(&tenant_args(&samples(), &out)).unwrap();
    config.sheet_rows = 700;
    xtenant::plan(&config).unwrap();
    let readiness = rows(&out.join("readiness.csv"));
    let findings_csv = rows(&out.join("findings.csv"));
    let mut wb = open(&out.join("readiness.xlsx"));
    let names = wb.sheet_names();
    let pages = |title: &str| -> Vec<String> {
        names
            .iter()
            .filter(|n| *n == title || n.starts_with(&format!("{title} (")))
            .cloned()
            .collect()
    };
    let mailbox_pages = pages("Mailboxes");
    assert_eq!(
        mailbox_pages,
        ["Mailboxes", "Mailboxes (2)", "Mailboxes (3)"]
    );
    let finding_pages = pages("Findings");
    assert_eq!(finding_pages.len(), findings_csv.len().div_ceil(700));
    // Every mailbox once, in order, across the pages; each page a full table with its header.
    // Its Excel table (made over two rows, then widened) spans exactly its rows.
    wb.load_tables().unwrap();
    let mut all = Vec::new();
    for p in &mailbox_pages {
        let t = table(&sheet(&mut wb, p));
        assert_eq!(t[0][0], "Source address");
        assert!(t.len() - 1 <= 700);
        all.extend(t[1..].iter().map(|r| r[0].clone()));
        let names = wb.table_names_in_sheet(p);
        assert_eq!(names.len(), 1, "{p}: {names:?}");
        let name = names[0].clone();
        let data = wb.table_by_name(&name).unwrap();
        assert_eq!(data.columns()[0], "Source address", "{p}");
        assert_eq!(data.data().height(), t.len() - 1, "{p}: table rows");
    }
    let expected: Vec<String> = readiness
        .iter()
        .map(|r| r["SourcePrimarySmtpAddress"].clone())
        .collect();
    assert_eq!(all, expected);
    let total: usize = finding_pages
        .iter()
        .map(|p| sheet(&mut wb, p).height() - 1)
        .sum();
    assert_eq!(total, findings_csv.len());
    let summary = table(&sheet(&mut wb, "Summary"));
    assert!(
        summary
            .iter()
            .flatten()
            .any(|c| c.contains("continues on 'Mailboxes (2)', 'Mailboxes (3)'")),
        "the Summary names the continuation sheets"
    );
}
