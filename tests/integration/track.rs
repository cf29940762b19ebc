//! `xtenant track`: the sample's migration status against its answer key, and the export's
//! defects (users the plan does not know, planned users not exported, rows exported twice, a
//! size that cannot be read), each reported and never dropped.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use xtenant::cli::{SampleArgs, TrackArgs};
use xtenant::config::TrackConfig;

use crate::util::{Dir, export_rows, plan, rows, samples, tenant_args};

pub fn track_args(tenant: &Path, plan: &Path, out: &Path) -> TrackArgs {
    TrackArgs {
        config: Some(tenant.join("xtenant.toml")),
        plan: Some(plan.to_path_buf()),
        out: Some(out.to_path_buf()),
        quiet: true,
        ..TrackArgs::default()
    }
}

pub fn track(args: &TrackArgs) -> xtenant::commands::track::TrackSummary {
    xtenant::commands::track::run(&TrackConfig::from_args(args).unwrap()).unwrap()
}

fn track_err(args: &TrackArgs) -> String {
    match TrackConfig::from_args(args).and_then(|c| xtenant::commands::track::run(&c)) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

/// Plans `tenant`, tracks its previous-day export, then today's with `--previous`: the track
/// folder of today.
fn plan_and_track(dir: &Dir, tenant: &Path) -> (PathBuf, PathBuf) {
    let planned = dir.join("plan");
    plan(&tenant_args(tenant, &planned));
    let before = dir.join("track-before");
    track(&TrackArgs {
        migration_users: Some(tenant.join("migration-users-previous.csv")),
        ..track_args(tenant, &planned, &before)
    });
    let now = dir.join("track");
    track(&TrackArgs {
        previous: Some(before),
        ..track_args(tenant, &planned, &now)
    });
    (planned, now)
}

/// Every planned user exactly once in progress.csv, and every plant of the answer key found.
fn check_track_key(tenant: &Path, planned: &Path, out: &Path) {
    let plan: serde_json::Value =
        serde_json::from_slice(&std::fs::read(planned.join("plan.json")).unwrap()).unwrap();
    let mut expected: Vec<String> = plan["mailboxes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["target"].as_str().unwrap().to_lowercase())
        .collect();
    let progress = rows(&out.join("progress.csv"));
    let mut seen: Vec<String> = progress
        .iter()
        .map(|r| r["EmailAddress"].to_lowercase())
        .collect();
    expected.sort();
    seen.sort();
    assert_eq!(seen, expected, "every planned user exactly once");
    let by: HashMap<String, &BTreeMap<String, String>> = progress
        .iter()
        .map(|r| (r["EmailAddress"].to_lowercase(), r))
        .collect();
    let strays: Vec<String> = rows(&out.join("not-in-plan.csv"))
        .iter()
        .map(|r| r["EmailAddress"].to_lowercase())
        .collect();
    let key = export_rows(&tenant.join("track-answer-key.csv"));
    assert!(key.len() > 30, "the key plants every cause");
    let mut causes = std::collections::BTreeSet::new();
    for k in &key {
        let address = k["EmailAddress"].to_lowercase();
        let want = k["Expected"].as_str();
        if want == "NotInPlan" {
            assert!(
                strays.contains(&address),
                "{address} not in not-in-plan.csv"
            );
            continue;
        }
        let row = by
            .get(&address)
            .unwrap_or_else(|| panic!("{address} not tracked"));
        if want.starts_with("MF") {
            assert_eq!(row["Cause"], want, "{address}: {}", row["Error"]);
            causes.insert(want.to_string());
        } else {
            assert_eq!(row["Action"], want, "{address} ({})", k["Plant"]);
        }
    }
    let catalogue: std::collections::BTreeSet<String> = xtenant::causes::ALL
        .iter()
        .map(|c| c.code.to_string())
        .chain(["MF100".to_string()])
        .collect();
    assert_eq!(
        causes, catalogue,
        "every cause of the catalogue is planted and found"
    );
}

#[test]
fn the_bundled_samples_track_to_their_answer_key() {
    let dir = Dir::new("track-samples");
    let (planned, out) = plan_and_track(&dir, &samples());
    check_track_key(&samples(), &planned, &out);
    // Each failed user's cause names the check that predicts it, and its fix.
    let progress = rows(&out.join("progress.csv"));
    let guid = progress.iter().find(|r| r["Cause"] == "MF101").unwrap();
    assert_eq!(guid["Rule"], "XT201");
    assert!(guid["Fix"].contains("ExchangeGuid"), "{}", guid["Fix"]);
    // The action lists the scripts read.
    let retry = rows(&out.join("actions/retry.csv"));
    assert_eq!(
        retry.iter().filter(|r| r["Retry"] == "Yes").count(),
        progress.iter().filter(|r| r["Action"] == "Retry").count()
    );
    assert_eq!(rows(&out.join("actions/skipped-items.csv")).len(), 3);
    let resubmit = progress
        .iter()
        .filter(|r| {
            ["Remove from its old batch", "Remove and resubmit"].contains(&r["Action"].as_str())
        })
        .count();
    assert_eq!(rows(&out.join("actions/remove-users.csv")).len(), resubmit);
    assert_eq!(
        resubmit, 3,
        "2 moved by the plan, 1 on Microsoft's maintenance (MF116)"
    );
    let licence = rows(&out.join("actions/licence.csv"));
    assert_eq!(
        licence.len(),
        progress
            .iter()
            .filter(|r| r["StatusSummary"] == "Completed")
            .count()
    );
    assert!(licence.iter().all(|r| r["LicenceBy"] > r["CompletedBy"]));
    // The batch stuck past its CompleteAfter, and the throughput between the snapshots.
    let batches = rows(&out.join("batches.csv"));
    assert!(batches.iter().any(|b| b["Stuck"] == "True"));
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("track.json")).unwrap()).unwrap();
    assert_eq!(summary["as-of"], "2027-01-20T06:00:00Z");
    assert_eq!(summary["throughput"]["between-snapshots"], true);
    assert!(summary["throughput"]["gb-per-hour"].as_f64().unwrap() > 0.0);
    for script in [
        "Start-FailedUsers.ps1",
        "Approve-SkippedItems.ps1",
        "Remove-MigrationUsers.ps1",
    ] {
        assert!(out.join("scripts").join(script).is_file(), "{script}");
    }
}

#[test]
fn a_generated_tenant_tracks_to_its_answer_key_at_5000_users() {
    let dir = Dir::new("track-5000");
    let tenant = dir.join("tenant");
    xtenant::run(xtenant::cli::Command::Sample(SampleArgs {
        users: 5000,
        out: tenant.clone(),
        seed: 7,
        extra_permissions: 0,
        grants: xtenant::cli::GrantsArg::Clustered,
        utf8: false,
        other_recipients: None,
        force: false,
        quiet: true,
    }))
    .unwrap();
    let (planned, out) = plan_and_track(&dir, &tenant);
    check_track_key(&tenant, &planned, &out);
}

/// A migration users export of the sample plan written by hand: `lines` after the header.
fn export(dir: &Dir, lines: &[&str]) -> PathBuf {
    let mut text = String::from(
        "\"Identity\",\"BatchId\",\"Status\",\"BytesTransferred\",\"EstimatedTotalTransferSize\",\"ErrorSummary\"\r\n",
    );
    for l in lines {
        text.push_str(l);
        text.push_str("\r\n");
    }
    dir.write("migration-users.csv", text)
}

#[test]
fn unknown_missing_and_duplicate_users_and_a_bad_size_are_reported_never_dropped() {
    let dir = Dir::new("track-defects");
    let planned = dir.join("plan");
    plan(&tenant_args(&samples(), &planned));
    let plan: serde_json::Value =
        serde_json::from_slice(&std::fs::read(planned.join("plan.json")).unwrap()).unwrap();
    let first = &plan["mailboxes"][0];
    let (a, batch) = (
        first["target"].as_str().unwrap(),
        first["batch"].as_str().unwrap(),
    );
    let second = plan["mailboxes"][1]["target"].as_str().unwrap();
    let users = export(
        &dir,
        &[
            // Exported in another case than the plan's: the same user.
            &format!(
                "\"{}\",\"{batch}\",\"Syncing\",\"1.5 GB (1,610,612,736 bytes)\",\"3 GB (3,221,225,472 bytes)\",",
                a.to_uppercase()
            ),
            &format!("\"{a}\",\"{batch}\",\"Failed\",,,\"MissingExchangeGuidException\""),
            &format!("\"{second}\",\"{batch}\",\"Synced\",\"a lot\",,"),
            "\"stranger@northwindtraders.com\",\"Manual\",\"Synced\",,,",
        ],
    );
    let out = dir.join("track");
    let summary = xtenant::commands::track::run(
        &TrackConfig::from_args(&TrackArgs {
            migration_users: Some(users.clone()),
            as_of: Some("2027-01-20T06:00:00Z".into()),
            ..track_args(&samples(), &planned, &out)
        })
        .unwrap(),
    )
    .unwrap();
    let progress = rows(&out.join("progress.csv"));
    // Every planned user is there: the missing ones as NotSubmitted.
    assert_eq!(progress.len(), plan["mailboxes"].as_array().unwrap().len());
    let row = |address: &str| {
        progress
            .iter()
            .find(|r| r["EmailAddress"] == address)
            .unwrap()
    };
    // The first of the two rows of one user is used, and the repeat is said with its line.
    assert_eq!(row(a)["Status"], "Syncing");
    assert_eq!(row(a)["BytesTransferred"], "1610612736");
    assert!(
        summary.text.contains(
            "1 migration user row(s) repeat a user of an earlier row, first at line 3 (as line 2)"
        ),
        "{}",
        summary.text
    );
    // A size that cannot be read is left empty and named, with its line.
    assert_eq!(row(second)["Status"], "Synced");
    assert_eq!(row(second)["BytesTransferred"], "");
    assert!(
        summary
            .text
            .contains("first at line 4: BytesTransferred \"a lot\" is not a size"),
        "{}",
        summary.text
    );
    let third = plan["mailboxes"][2]["target"].as_str().unwrap();
    assert_eq!(row(third)["Status"], "NotSubmitted");
    // A user the plan does not know is listed, not dropped.
    let strays = rows(&out.join("not-in-plan.csv"));
    assert_eq!(strays.len(), 1);
    assert_eq!(strays[0]["EmailAddress"], "stranger@northwindtraders.com");
    assert_eq!(strays[0]["SourceLine"], "5");
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("track.json")).unwrap()).unwrap();
    assert_eq!(summary["duplicate-rows"], 1);
    assert_eq!(summary["not-in-plan"], 1);
}

#[test]
fn a_plan_without_what_track_needs_and_an_export_without_status_are_refused_clearly() {
    let dir = Dir::new("track-refused");
    let old = dir.write(
        "plan.json",
        r#"{"version": 1, "mailboxes": [{"key": "k", "source": "a@contoso.com", "target": "a@northwindtraders.com", "wave": "W01", "batch": "W01-B001", "cluster": ""}]}"#,
    );
    let users = export(
        &dir,
        &["\"a@northwindtraders.com\",\"W01-B001\",\"Synced\",,,"],
    );
    let err = track_err(&TrackArgs {
        config: None,
        plan: Some(old),
        migration_users: Some(users),
        out: Some(dir.join("out")),
        quiet: true,
        ..TrackArgs::default()
    });
    assert!(err.contains("plan again with this xtenant"), "{err}");
    let no_status = dir.write(
        "no-status.csv",
        "\"Identity\",\"BatchId\"\r\n\"a@northwindtraders.com\",\"W01-B001\"\r\n",
    );
    let planned = dir.join("plan");
    plan(&tenant_args(&samples(), &planned));
    let err = track_err(&TrackArgs {
        migration_users: Some(no_status),
        ..track_args(&samples(), &planned, &dir.join("out2"))
    });
    assert!(err.contains("Status"), "{err}");
    assert!(err.contains("no-status.csv"), "{err}");
    let err = track_err(&TrackArgs {
        as_of: Some("1/20/2027 6:00 AM".into()),
        ..track_args(&samples(), &planned, &dir.join("out3"))
    });
    assert!(err.contains("--as-of") && err.contains("ISO 8601"), "{err}");
}

#[test]
fn tracking_writes_the_same_bytes_on_one_thread_and_on_four() {
    let dir = Dir::new("track-threads");
    let planned = dir.join("plan");
    plan(&tenant_args(&samples(), &planned));
    let mut outputs = Vec::new();
    for threads in [1, 4] {
        let out = dir.join(&format!("track-{threads}"));
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| track(&track_args(&samples(), &planned, &out)));
        let files: Vec<(String, Vec<u8>)> = [
            "progress.csv",
            "batches.csv",
            "not-in-plan.csv",
            "actions/retry.csv",
            "track.json",
            "progress.xlsx",
        ]
        .iter()
        .filter(|f| out.join(f).exists())
        .map(|f| (f.to_string(), std::fs::read(out.join(f)).unwrap()))
        .collect();
        outputs.push(files);
    }
    assert_eq!(outputs[0], outputs[1]);
}

#[test]
fn progress_xlsx_matches_progress_csv_and_continues_past_the_sheet_limit() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let dir = Dir::new("track-xlsx");
    let (_, out) = plan_and_track(&dir, &samples());
    let mut wb: Xlsx<_> = open_workbook(out.join("progress.xlsx")).unwrap();
    assert_eq!(
        wb.sheet_names(),
        ["Summary", "Batches", "Users", "Failures"]
    );
    let text = |d: &Data| match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    };
    let progress = rows(&out.join("progress.csv"));
    let users = wb.worksheet_range("Users").unwrap();
    let body: Vec<Vec<String>> = users
        .rows()
        .skip(1)
        .map(|r| r.iter().map(text).collect())
        .collect();
    assert_eq!(body.len(), progress.len());
    for (sheet, csv) in body.iter().zip(&progress) {
        assert_eq!(sheet[0], csv["EmailAddress"]);
        assert_eq!(sheet[3], csv["Action"]);
        assert_eq!(sheet[4], csv["Cause"]);
    }
    let failures = wb.worksheet_range("Failures").unwrap();
    let failed = progress.iter().filter(|r| !r["Cause"].is_empty()).count();
    assert_eq!(failures.rows().count() - 1, failed);
    // The Summary: each wave with its schedule, and the totals of progress.csv.
    let summary = wb.worksheet_range("Summary").unwrap();
    let rows_of: Vec<Vec<String>> = summary
        .rows()
        .map(|r| r.iter().map(text).collect())
        .collect();
    let total = rows_of.iter().find(|r| r[0] == "All waves").unwrap();
    assert_eq!(total[2], progress.len().to_string());
    let completed = progress
        .iter()
        .filter(|r| r["StatusSummary"] == "Completed")
        .count();
    assert_eq!(total[6], completed.to_string());
    let w01 = rows_of.iter().find(|r| r[0] == "W01").unwrap();
    assert_eq!(w01[11], "Late");
    assert!(rows_of.iter().any(|r| r[0] == "MF101"));
    // A small sheet limit: Users continues on Users (2).
    let small = dir.join("track-small");
    let planned = dir.join("plan");
    let mut config = TrackConfig::from_args(&track_args(&samples(), &planned, &small)).unwrap();
    config.sheet_rows = 1000;
    xtenant::commands::track::run(&config).unwrap();
    let wb: Xlsx<_> = open_workbook(small.join("progress.xlsx")).unwrap();
    assert_eq!(
        wb.sheet_names(),
        ["Summary", "Batches", "Users", "Users (2)", "Failures"]
    );
}

/// The sample's plan, its previous-day track, and an export of `lines` (Identity, BatchId,
/// Status, BytesTransferred, EstimatedTotalTransferSize, ErrorSummary) tracked against them.
fn track_lines(dir: &Dir, planned: &Path, previous: Option<PathBuf>, lines: &[String]) -> PathBuf {
    let users = export(dir, &lines.iter().map(String::as_str).collect::<Vec<_>>());
    let out = dir.join(&format!("track-{}", lines.len()));
    track(&TrackArgs {
        migration_users: Some(users),
        migration_batches: None,
        previous,
        as_of: Some("2027-01-20T06:00:00Z".into()),
        ..track_args(&samples(), planned, &out)
    });
    out
}

#[test]
fn a_cleared_failure_is_retried_only_when_the_plan_was_made_after_its_batch_started() {
    let dir = Dir::new("track-retry");
    let planned = dir.join("plan");
    plan(&tenant_args(&samples(), &planned));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(planned.join("plan.json")).unwrap()).unwrap();
    // A W01 mailbox the plan does not find XT201 on, failed on MissingExchangeGuid (MF101).
    let m = json["mailboxes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["wave"] == "W01" && !m["codes"].as_str().unwrap().contains("XT201"))
        .unwrap();
    let (target, batch) = (m["target"].as_str().unwrap(), m["batch"].as_str().unwrap());
    let line = format!("\"{target}\",\"{batch}\",\"Failed\",,,\"MissingExchangeGuidException\"");
    let action = |out: &Path| {
        rows(&out.join("progress.csv"))
            .into_iter()
            .find(|r| r["EmailAddress"] == target)
            .unwrap()["Action"]
            .clone()
    };
    // The plan's exports were written today, before W01 starts (2027-01-02): its XT201 tells
    // nothing of the failure.
    let out = track_lines(&dir, &planned, None, std::slice::from_ref(&line));
    assert_eq!(action(&out), "Fix, then retry");
    // Planned again on exports taken after the batch started, and XT201 is gone: retry.
    let mut newer = json.clone();
    newer["exports_at"] = "2027-01-19T08:00:00Z".into();
    std::fs::write(
        planned.join("plan.json"),
        serde_json::to_vec(&newer).unwrap(),
    )
    .unwrap();
    let dir2 = Dir::new("track-retry-newer");
    let out = track_lines(&dir2, &planned, None, &[line]);
    assert_eq!(action(&out), "Retry");
    let retry = rows(&out.join("actions/retry.csv"));
    assert_eq!(retry[0]["Retry"], "Yes");
}

#[test]
fn completed_users_of_a_removed_batch_stay_completed_and_a_queued_user_never_stalls() {
    let dir = Dir::new("track-removed");
    let planned = dir.join("plan");
    plan(&tenant_args(&samples(), &planned));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(planned.join("plan.json")).unwrap()).unwrap();
    let of_wave = |w: &str| -> Vec<(String, String)> {
        json["mailboxes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["wave"] == w)
            .map(|m| {
                (
                    m["target"].as_str().unwrap().to_string(),
                    m["batch"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let pilot = of_wave("W00-pilot");
    let w03 = of_wave("W03");
    let mut day1: Vec<String> = pilot
        .iter()
        .map(|(t, b)| format!("\"{t}\",\"{b}\",\"Completed\",\"1 GB (1,073,741,824 bytes)\",,"))
        .collect();
    day1.push(format!(
        "\"{}\",\"{}\",\"Queued\",\"0 B (0 bytes)\",,",
        w03[0].0, w03[0].1
    ));
    day1.push(format!(
        "\"{}\",\"{}\",\"Syncing\",\"5 GB (5,368,709,120 bytes)\",,",
        w03[1].0, w03[1].1
    ));
    let before = dir.join("before");
    track(&TrackArgs {
        migration_users: Some(export(
            &dir,
            &day1.iter().map(String::as_str).collect::<Vec<_>>(),
        )),
        as_of: Some("2027-01-19T06:00:00Z".into()),
        ..track_args(&samples(), &planned, &before)
    });
    // The next day the pilot's batch was removed; the queued and the copying user did not move.
    let day2 = Dir::new("track-removed-2");
    let out = track_lines(&day2, &planned, Some(before), &day1[pilot.len()..]);
    let progress = rows(&out.join("progress.csv"));
    let row = |t: &str| progress.iter().find(|r| r["EmailAddress"] == t).unwrap();
    let first = row(&pilot[0].0);
    assert_eq!(first["StatusSummary"], "Completed");
    assert_eq!(first["Status"], "Completed (batch removed)");
    assert_eq!(first["Action"], "Post-move steps");
    assert_eq!(
        row(&w03[0].0)["Stalled"],
        "False",
        "a queued user waits for a slot"
    );
    assert_eq!(row(&w03[1].0)["Stalled"], "True");
    assert_eq!(row(&w03[1].0)["Action"], "Investigate: no progress");
}
