//! The binary's contract: flag names, exit codes (0 ran, 1 --fail-on met, 2 could not run).

use std::process::Command;

use crate::util::Dir;

fn xtenant(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtenant"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn plan_runs_on_flags_and_exit_codes_follow_fail_on() {
    let dir = Dir::new("cli");
    xtenant::sample::write(&xtenant::sample::Options::new(200, 5), &dir.path).unwrap();
    let p = |f: &str| dir.join(f).to_string_lossy().into_owned();
    let out = p("plan");
    let base = [
        "plan",
        "--out",
        &out,
        "--source-mailboxes",
        &p("source-mailboxes.csv"),
        "--target-recipients",
        &p("target-recipients.csv"),
        "--source-statistics",
        &p("source-statistics.csv"),
        "--mailbox-permissions",
        &p("mailbox-permissions.csv"),
        "--recipient-permissions",
        &p("recipient-permissions.csv"),
        "--scope-members",
        &p("scope-members.csv"),
        "--accepted-domains",
        &p("target-accepted-domains.csv"),
        "--accepted-domain",
        "northwindtraders.com",
        "--delivery-domain",
        "northwindtraders.onmicrosoft.com",
        "--primary-domain",
        "northwindtraders.com",
    ];
    let ran = xtenant(&base);
    assert_eq!(
        ran.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    let stderr = String::from_utf8_lossy(&ran.stderr);
    assert!(
        stderr.contains("200 mailboxes:") && stderr.contains("wrote "),
        "{stderr}"
    );
    assert!(dir.join("plan/readiness.csv").exists());

    // stderr is a pipe here, not a terminal: no progress spinner, no escape codes.
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains('\r'),
        "progress drawn on a pipe: {stderr:?}"
    );

    let failing = xtenant(&[&base[..], &["--fail-on", "blocker", "--quiet"]].concat());
    assert_eq!(failing.status.code(), Some(1));
    assert!(failing.stderr.is_empty(), "--quiet prints nothing");

    // --json: the run summary on stdout, agreeing with the files.
    let json = xtenant(&[&base[..], &["--json", "--quiet", "--fail-on", "blocker"]].concat());
    assert_eq!(json.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let readiness = crate::util::rows(&dir.join("plan/readiness.csv"));
    let count = |s: &str| readiness.iter().filter(|r| r["Status"] == s).count();
    assert_eq!(v["mailboxes"]["total"], 200);
    assert_eq!(v["mailboxes"]["ready"], count("Ready"));
    assert_eq!(v["mailboxes"]["needs-stamping"], count("NeedsStamping"));
    assert_eq!(v["mailboxes"]["blocked"], count("Blocked"));
    let findings = crate::util::rows(&dir.join("plan/findings.csv"));
    assert_eq!(v["findings"]["total"], findings.len());
    assert_eq!(v["fail-on-met"], true);
    assert_eq!(v["inputs"][0]["kind"], "source-mailboxes");
    assert!(v["timings"]["write"].as_f64().unwrap() > 0.0);
    assert!(
        v["written"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p.as_str().unwrap().ends_with("readiness.xlsx"))
    );
}

#[test]
fn could_not_run_is_exit_2_with_the_reason() {
    let missing = xtenant(&[
        "plan",
        "--out",
        "x",
        "--source-mailboxes",
        "nope.csv",
        "--target-recipients",
        "nope2.csv",
    ]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read nope.csv"));
    let no_source = xtenant(&["plan", "--out", "x"]);
    assert_eq!(no_source.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_source.stderr).contains("no source-mailboxes given"));
}

#[test]
fn rules_lists_and_explains_the_catalogue() {
    let list = xtenant(&["rules"]);
    assert_eq!(list.status.code(), Some(0));
    let text = String::from_utf8_lossy(&list.stdout);
    // The readiness checks, then the move-failure causes under their heading.
    let codes = |prefix: &str| text.lines().filter(|l| l.starts_with(prefix)).count();
    assert_eq!(codes("XT"), xtenant::rules::ALL.len());
    assert_eq!(codes("MF"), xtenant::causes::ALL.len() + 1);
    assert!(text.contains("\nMove-failure causes"));
    let one = xtenant(&["rules", "legacydn-x500-missing"]);
    assert!(String::from_utf8_lossy(&one.stdout).starts_with("XT205 legacydn-x500-missing (fix)"));
    let cause = xtenant(&["rules", "MF101"]);
    let cause = String::from_utf8_lossy(&cause.stdout);
    assert!(
        cause.starts_with("MF101 missing-exchange-guid (move failure)") && cause.contains("XT201"),
        "{cause}"
    );
    assert_eq!(xtenant(&["rules", "XT999"]).status.code(), Some(2));
}

#[test]
fn a_bad_value_is_reported_where_it_came_from_and_json_answers_a_failed_run() {
    let dir = Dir::new("cli-origin");
    xtenant::sample::write(&xtenant::sample::Options::new(20, 5), &dir.path).unwrap();
    let config = dir.join("xtenant.toml").to_string_lossy().into_owned();
    let out = dir.join("plan").to_string_lossy().into_owned();
    // --out naming a file.
    let r = xtenant(&["plan", "--config", &config, "--out", &config]);
    let e = String::from_utf8_lossy(&r.stderr);
    assert!(e.contains("is a file; give a folder for the plan"), "{e}");
    // From a flag: the flag is named, not the file.
    let r = xtenant(&[
        "plan",
        "--config",
        &config,
        "--out",
        &out,
        "--batch-size",
        "5000",
    ]);
    let e = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2));
    assert!(
        e.contains("--batch-size 5000: over Microsoft's limit"),
        "{e}"
    );
    assert!(!e.contains("xtenant.toml"), "{e}");
    let r = xtenant(&[
        "plan",
        "--config",
        &config,
        "--out",
        &out,
        "--delivery-domain",
        "not a domain",
    ]);
    let e = String::from_utf8_lossy(&r.stderr);
    assert!(
        e.contains("--delivery-domain \"not a domain\": not a domain name"),
        "{e}"
    );
    // From the file: the file and its key.
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("[waves]", "[waves]\nbatch-size = 5000");
    std::fs::write(&config, text).unwrap();
    let r = xtenant(&["plan", "--config", &config, "--out", &out, "--json"]);
    let e = String::from_utf8_lossy(&r.stderr);
    assert!(
        e.contains("xtenant.toml: batch-size = 5000: over Microsoft's limit"),
        "{e}"
    );
    // --json: an error object on stdout.
    let json: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(json["ok"], false);
    assert!(
        json["error"]
            .as_str()
            .unwrap()
            .contains("batch-size = 5000"),
        "{json}"
    );
}

#[test]
fn sample_refuses_a_folder_of_real_exports_unless_forced_and_regenerates_its_own() {
    let dir = Dir::new("sample-refuse");
    let out = dir.join("exports");
    std::fs::create_dir_all(&out).unwrap();
    let mine = "PrimarySmtpAddress\r\nreal@contoso.com\r\n";
    std::fs::write(out.join("source-mailboxes.csv"), mine).unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "sample",
            "--users",
            "50",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        xtenant(&args)
    };
    let refused = run(&[]);
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains("holds a file that xtenant sample would replace (source-mailboxes.csv)")
            && err.contains("--force"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("source-mailboxes.csv")).unwrap(),
        mine
    );
    assert!(!out.join("xtenant.toml").exists(), "nothing written");
    // Forced: replaced. Then the folder is a sample's: generating again needs no --force.
    assert!(run(&["--force"]).status.success());
    assert_ne!(
        std::fs::read(out.join("source-mailboxes.csv")).unwrap(),
        mine.as_bytes()
    );
    assert!(run(&[]).status.success());
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut files: Vec<String> = xtenant::sample::FILES
        .iter()
        .map(|f| f.to_string())
        .collect();
    files.sort();
    assert_eq!(names, files, "sample::FILES names every file it writes");
}

#[test]
fn a_flag_beats_every_related_key_and_two_that_disagree_are_refused_saying_where() {
    use xtenant::cli::PlanArgs;
    use xtenant::config::Config;
    let dir = Dir::new("flag-precedence");
    let toml = dir.write(
        "xtenant.toml",
        "source-mailboxes = \"s.csv\"\ntarget-recipients = \"t.csv\"\nout = \"plan\"\n[waves]\nusers-per-wave = 400\n",
    );
    let with = |f: &dyn Fn(&mut PlanArgs)| {
        let mut a = PlanArgs {
            config: Some(toml.clone()),
            ..PlanArgs::default()
        };
        f(&mut a);
        Config::from_args(&a)
    };
    // The file's size alone; --waves replaces it, not joins it.
    let c = with(&|_| {}).unwrap();
    assert_eq!((c.waves.waves, c.waves.users_per_wave), (None, Some(400)));
    let c = with(&|a| a.waves = Some(2)).unwrap();
    assert_eq!((c.waves.waves, c.waves.users_per_wave), (Some(2), None));
    // Two flags that disagree: refused, named as flags.
    let e = with(&|a| {
        a.waves = Some(3);
        a.users_per_wave = Some(1000);
    })
    .unwrap_err()
    .to_string();
    assert!(
        e.starts_with("command line: --waves and --users-per-wave both given"),
        "{e}"
    );
    // A bad flag is the command line's, not the file's.
    let e = with(&|a| a.batch_size = Some(5000))
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("command line: --batch-size 5000: over Microsoft's limit"),
        "{e}"
    );
    // Two keys of the file that disagree: the file is named.
    let both = dir.write(
        "both.toml",
        "source-mailboxes = \"s.csv\"\ntarget-recipients = \"t.csv\"\nout = \"plan\"\n[waves]\ncount = 2\nusers-per-wave = 400\n",
    );
    let e = Config::from_args(&PlanArgs {
        config: Some(both.clone()),
        ..PlanArgs::default()
    })
    .unwrap_err()
    .to_string();
    assert!(
        e.starts_with(&format!(
            "{}: [waves] count = 2 and users-per-wave = 400 are both set",
            both.display()
        )),
        "{e}"
    );
    // A folder is asked for as one.
    let e = Config::from_args(&PlanArgs {
        source_mailboxes: Some("s.csv".into()),
        target_recipients: Some("t.csv".into()),
        ..PlanArgs::default()
    })
    .unwrap_err()
    .to_string();
    assert_eq!(
        e,
        "command line: no out given: pass --out DIR or set out = \"DIR\" in the config file"
    );
}
