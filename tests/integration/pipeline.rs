//! `xtenant plan` end to end: the answer key of generated tenants, the bundled samples, the
//! same bytes whatever the thread count, and output that never clobbers inputs.

use std::collections::BTreeMap;
use std::path::Path;

use xtenant::config::Config;

use crate::util::{Dir, assert_no_temporary_files, rows, samples, tenant_args};

/// Every planted problem is reported with its code, every status matches the key, and no clean
/// mailbox is anything but Ready.
fn check_answer_key(dir: &Path, out: &Path) {
    let mut key: BTreeMap<String, (String, String)> = BTreeMap::new();
    // Rows without an address are org-level plants: each must be an org finding.
    let mut org: Vec<String> = Vec::new();
    for rec in csv::Reader::from_path(dir.join("answer-key.csv"))
        .unwrap()
        .records()
    {
        let rec = rec.unwrap();
        if rec[0].is_empty() {
            org.push(rec[2].to_string());
        } else {
            key.insert(rec[0].to_string(), (rec[1].to_string(), rec[2].to_string()));
        }
    }
    let org_found: Vec<String> = rows(&out.join("findings.csv"))
        .into_iter()
        .filter(|f| f["SourcePrimarySmtpAddress"].is_empty())
        .map(|f| f["Code"].clone())
        .collect();
    for code in &org {
        assert!(
            org_found.contains(code),
            "the org-level plant {code} is not found: {org_found:?}"
        );
    }
    let readiness = rows(&out.join("readiness.csv"));
    assert!(!readiness.is_empty());
    let mut wrong = Vec::new();
    for r in &readiness {
        let (status, planted) = &key[&r["SourcePrimarySmtpAddress"]];
        let codes: Vec<&str> = r["Codes"].split(';').filter(|c| !c.is_empty()).collect();
        let planted_found = planted.is_empty()
            || codes.contains(&planted.as_str())
            || xtenant::rules::find(planted).is_none();
        if &r["Status"] != status || !planted_found {
            wrong.push(format!(
                "{} expected {status} {planted}, got {} {:?}",
                r["SourcePrimarySmtpAddress"], r["Status"], codes
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} wrong, e.g. {:?}",
        wrong.len(),
        readiness.len(),
        &wrong[..wrong.len().min(5)]
    );
}

#[test]
fn generated_tenants_match_their_answer_key_at_20000_users() {
    let dir = Dir::new("answer-key");
    xtenant::sample::write(&xtenant::sample::Options::new(20_000, 42), &dir.path).unwrap();
    let out = dir.join("plan");
    let summary =
        xtenant::plan(&Config::from_args(&tenant_args(&dir.path, &out)).unwrap()).unwrap();
    assert!(
        summary.ready > 10_000 && summary.blocked > 2_000 && summary.needs_stamping > 4_000,
        "{summary:?}"
    );
    check_answer_key(&dir.path, &out);
}

#[test]
fn bundled_samples_match_their_answer_key() {
    let samples = samples();
    let dir = Dir::new("samples");
    let out = dir.join("plan");
    xtenant::plan(&Config::from_args(&tenant_args(&samples, &out)).unwrap()).unwrap();
    check_answer_key(&samples, &out);
}

#[test]
fn the_committed_samples_are_what_the_generator_writes() {
    let samples = samples();
    let dir = Dir::new("regen");
    xtenant::sample::write(&xtenant::sample::Options::new(2000, 2026), &dir.path).unwrap();
    for entry in std::fs::read_dir(&dir.path).unwrap() {
        let name = entry.unwrap().file_name();
        assert!(
            std::fs::read(dir.path.join(&name)).unwrap()
                == std::fs::read(samples.join(&name)).unwrap(),
            "samples/contoso-to-northwind/{} differs from `xtenant sample --users 2000 --seed 2026`",
            name.to_string_lossy()
        );
    }
}

/// Every file under `dir` (relative path -> bytes), the workbook included.
fn every_file(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                files.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    files
}

#[test]
fn output_bytes_do_not_depend_on_the_thread_count() {
    let dir = Dir::new("threads");
    xtenant::sample::write(&xtenant::sample::Options::new(5_000, 9), &dir.path).unwrap();
    let run = |threads: usize| {
        let out = dir.join(&format!("plan-{threads}"));
        let config = Config::from_args(&tenant_args(&dir.path, &out)).unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| xtenant::plan(&config)).unwrap();
        every_file(&out)
    };
    let one = run(1);
    assert!(one.contains_key("readiness.xlsx"));
    for threads in [4, 3] {
        let other = run(threads);
        assert_eq!(
            one.keys().collect::<Vec<_>>(),
            other.keys().collect::<Vec<_>>()
        );
        let differ: Vec<&String> = one.keys().filter(|k| one[*k] != other[*k]).collect();
        assert!(differ.is_empty(), "{threads} threads: {differ:?} differ");
    }
}

#[test]
fn output_never_overwrites_an_input_and_leaves_no_temporary_files() {
    let dir = Dir::new("clobber");
    xtenant::sample::write(&xtenant::sample::Options::new(50, 1), &dir.path).unwrap();
    // An input named like an output, in the output folder itself.
    std::fs::rename(dir.join("source-mailboxes.csv"), dir.join("readiness.csv")).unwrap();
    let before = std::fs::read(dir.join("readiness.csv")).unwrap();
    let mut args = tenant_args(&dir.path, &dir.path);
    args.source_mailboxes = Some(dir.join("readiness.csv"));
    // The inputs' folder is not empty and holds no plan: refused unless --force...
    let e = xtenant::plan(&Config::from_args(&args).unwrap())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("holds no xtenant plan") && e.contains("--force"),
        "{e}"
    );
    // ...and even with it, an input is never overwritten.
    args.force = true;
    let e = xtenant::plan(&Config::from_args(&args).unwrap())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("refusing to write") && e.contains("is one of the input files"),
        "{e}"
    );
    assert_eq!(std::fs::read(dir.join("readiness.csv")).unwrap(), before);
    assert_no_temporary_files(&dir.path);
}

#[test]
fn outputs_are_sorted_and_reconcile_with_the_inputs() {
    let dir = Dir::new("reconcile");
    xtenant::sample::write(&xtenant::sample::Options::new(1_000, 3), &dir.path).unwrap();
    let out = dir.join("plan");
    let summary =
        xtenant::plan(&Config::from_args(&tenant_args(&dir.path, &out)).unwrap()).unwrap();
    let readiness = rows(&out.join("readiness.csv"));
    assert_eq!(readiness.len(), 1_000, "every source row appears once");
    // Statistics are keyed by MailboxGuid: every mailbox with a readable ExchangeGuid has them.
    assert!(
        readiness.iter().all(|r| r["SourceExchangeGuid"].is_empty()
            || r["TotalItemSizeBytes"].parse::<u64>().is_ok()),
        "statistics attached"
    );
    assert!(
        readiness.iter().any(|r| !r["ArchiveSizeBytes"].is_empty()),
        "archive statistics attached"
    );
    assert_eq!(
        summary.ready + summary.needs_stamping + summary.blocked,
        1_000
    );
    let keys: Vec<String> = readiness
        .iter()
        .map(|r| r["SourcePrimarySmtpAddress"].to_lowercase())
        .collect();
    assert!(
        keys.windows(2).all(|w| w[0] <= w[1]),
        "readiness.csv is sorted by address"
    );
    let findings = rows(&out.join("findings.csv"));
    let per_mailbox: usize = readiness
        .iter()
        .map(|r| r["Codes"].split(';').filter(|c| !c.is_empty()).count())
        .sum();
    // Keyed by line: two rows may share an address (XT602).
    let distinct: std::collections::BTreeSet<(String, String)> = findings
        .iter()
        .filter(|f| !f["SourceLine"].is_empty())
        .map(|f| (f["SourceLine"].clone(), f["Code"].clone()))
        .collect();
    assert_eq!(
        per_mailbox,
        distinct.len(),
        "Codes in readiness.csv are the codes in findings.csv"
    );
}

/// Every file under `dir`, relative and `/`-separated, sorted.
fn names(dir: &std::path::Path) -> Vec<String> {
    every_file(dir)
        .into_keys()
        .map(|k| k.replace('\\', "/"))
        .collect()
}

#[test]
fn an_output_folder_belongs_to_one_plan_and_holds_only_its_files() {
    let dir = Dir::new("claim");
    let (a, b) = (dir.join("tenant-a"), dir.join("tenant-b"));
    xtenant::sample::write(&xtenant::sample::Options::new(300, 1), &a).unwrap();
    xtenant::sample::write(&xtenant::sample::Options::new(300, 2), &b).unwrap();
    let out = dir.join("plan");
    let run = |tenant: &std::path::Path, tweak: &dyn Fn(&mut xtenant::cli::PlanArgs)| {
        let mut args = tenant_args(tenant, &out);
        tweak(&mut args);
        xtenant::plan(&Config::from_args(&args).unwrap()).map_err(|e| e.to_string())
    };

    // Waves of 50 users, then of 1,000: the files of waves 2 and up go; the manifest lists
    // what is there.
    run(&a, &|args| args.users_per_wave = Some(50)).unwrap();
    assert!(names(&out).iter().any(|n| n.starts_with("batches/W03/")));
    run(&a, &|args| args.users_per_wave = Some(1000)).unwrap();
    let files = names(&out);
    assert!(
        !files
            .iter()
            .any(|n| n.starts_with("batches/W02/") || n.starts_with("batches/W03/"))
    );
    assert!(!out.join("batches/W03").exists(), "emptied folders go too");
    assert_eq!(crate::util::manifest_files(&out), files);

    // Another tenant's exports into the same folder: refused, and the folder is untouched.
    let before = every_file(&out);
    let e = run(&b, &|_| {}).unwrap_err();
    assert!(
        e.contains("holds the plan made from other exports") && e.contains("--force"),
        "{e}"
    );
    assert!(e.contains("tenant-a"), "{e}");
    assert_eq!(every_file(&out), before);

    // With --force it is replaced; a file the user put there is left alone.
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    run(&b, &|args| args.force = true).unwrap();
    assert_eq!(std::fs::read(out.join("notes.txt")).unwrap(), b"mine");
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("tenant-b") && !manifest.contains("tenant-a"));
}

#[test]
fn the_console_summary_groups_findings_by_severity_and_ends_with_next_steps() {
    let samples = samples();
    let dir = Dir::new("console");
    let out = dir.join("plan");
    let text = xtenant::plan(&Config::from_args(&tenant_args(&samples, &out)).unwrap())
        .unwrap()
        .text;
    let lines: Vec<&str> = text.lines().collect();
    let at = |prefix: &str| {
        lines
            .iter()
            .position(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no line starting {prefix:?} in\n{text}"))
    };
    // One way of writing numbers: thousands separated.
    assert!(
        lines.contains(&"2,000 mailboxes: 1,139 Ready, 526 NeedsStamping, 335 Blocked"),
        "{text}"
    );
    // Worst first, each code named, the commonest first.
    assert!(
        at("blocker ") < at("fix ") && at("fix ") < at("warning ") && at("warning ") < at("info ")
    );
    assert!(
        lines[at("blocker ")].starts_with(
            "blocker      345 findings: XT401 on-hold 51, XT103 target-claimed-twice 36,"
        ),
        "{}",
        lines[at("blocker ")]
    );
    assert!(lines[at("blocker ")].ends_with(", 11 more codes"));
    // The setup panel comes before the counts; the files by folder, in one line.
    assert!(at("organisation setup") < at("2,000 mailboxes"));
    let wrote = lines[at("wrote ")];
    assert!(
        wrote.contains(
            "stamping/ 8 file(s), scripts/ 11 file(s), batches/ 9 file(s), readiness.xlsx"
        ),
        "{wrote}"
    );
    assert_eq!(lines.iter().filter(|l| l.starts_with("wrote")).count(), 1);
    // Next steps, in order: the org blocker, the stamping, the blockers, the pilot.
    let steps = &lines[at("next steps:")..];
    assert!(steps[1].starts_with("  1. fix the organisation-level blocker(s) first (XT008)"));
    assert!(steps[2].starts_with("  2. scripts/Apply-OnPremStamping.ps1"));
    assert!(steps[3].starts_with(
        "  3. scripts/Apply-Stamping.ps1 in the target (538 MailUsers, 154 contacts)"
    ));
    assert!(
        steps
            .iter()
            .any(|l| l.contains("scripts/Test-MigrationAvailability.ps1 -Wave W00-pilot"))
    );
}
