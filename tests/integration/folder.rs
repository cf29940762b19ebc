//! The plan folder is replaced whole or not at all: killed at any moment or failing anywhere, a
//! run leaves the previous plan or the new one, each matching its manifest.json; the next run
//! clears what an interrupted one left; the scripts' logs/ and the user's files stay.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use xtenant::cli::PlanArgs;
use xtenant::config::Config;

use crate::util::{Dir, manifest_files, tenant_args};

/// Every file under `dir` (relative, `/`-separated) with its bytes.
fn contents(dir: &Path) -> BTreeMap<String, u64> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, u64>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries {
            let path = e.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, hash(&std::fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// What xtenant put beside `out` (staging folders, the lock).
fn beside(out: &Path) -> Vec<String> {
    let name = out.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!(".{name}.xtenant-")))
        .collect()
}

fn plan_into(
    tenant: &Path,
    out: &Path,
    tweak: impl FnOnce(&mut PlanArgs),
) -> Result<String, String> {
    let mut args = tenant_args(tenant, out);
    tweak(&mut args);
    xtenant::plan(&Config::from_args(&args).unwrap())
        .map(|s| s.text)
        .map_err(|e| e.to_string())
}

#[test]
fn a_failing_run_replaces_nothing_and_leaves_nothing_beside_the_folder() {
    let dir = Dir::new("folder-fail");
    let tenant = dir.join("tenant");
    xtenant::sample::write(&xtenant::sample::Options::new(300, 1), &tenant).unwrap();
    let out = dir.join("plan");
    plan_into(&tenant, &out, |a| a.users_per_wave = Some(50)).unwrap();
    // A folder of the user's in place of one of the plan's files: the new plan would write it.
    std::fs::remove_file(out.join("stamping/x500.csv")).unwrap();
    std::fs::create_dir(out.join("stamping/x500.csv")).unwrap();
    std::fs::write(out.join("stamping/x500.csv/mine.txt"), "mine").unwrap();
    let before = contents(&out);
    let e = plan_into(&tenant, &out, |a| a.users_per_wave = Some(100)).unwrap_err();
    assert!(
        e.contains("x500.csv") && e.contains("nothing was replaced"),
        "{e}"
    );
    assert_eq!(contents(&out), before, "not one file replaced");
    assert_eq!(beside(&out), Vec::<String>::new());
}

#[test]
fn logs_and_the_users_files_stay_and_an_empty_logs_folder_is_not_foreign() {
    let dir = Dir::new("folder-keep");
    let tenant = dir.join("tenant");
    xtenant::sample::write(&xtenant::sample::Options::new(300, 1), &tenant).unwrap();
    let out = dir.join("plan");
    // A folder holding only the scripts' logs is not refused.
    std::fs::create_dir_all(out.join("logs")).unwrap();
    std::fs::write(out.join("logs/Apply-Stamping-1.log"), "transcript").unwrap();
    plan_into(&tenant, &out, |a| a.users_per_wave = Some(50)).unwrap();
    std::fs::write(out.join("batches/W01/notes.txt"), "mine").unwrap();
    plan_into(&tenant, &out, |a| {
        a.users_per_wave = Some(100);
        a.force = true;
    })
    .unwrap();
    let now = contents(&out);
    assert_eq!(now["logs/Apply-Stamping-1.log"], hash(b"transcript"));
    assert_eq!(now["batches/W01/notes.txt"], hash(b"mine"));
    let mut expected = manifest_files(&out);
    expected.extend([
        "batches/W01/notes.txt".into(),
        "logs/Apply-Stamping-1.log".into(),
    ]);
    expected.sort();
    assert_eq!(now.keys().cloned().collect::<Vec<_>>(), expected);
    assert_eq!(beside(&out), Vec::<String>::new());
}

#[test]
fn what_an_interrupted_run_left_is_finished_or_undone_by_the_next() {
    let dir = Dir::new("folder-recover");
    let tenant = dir.join("tenant");
    xtenant::sample::write(&xtenant::sample::Options::new(200, 1), &tenant).unwrap();
    let out = dir.join("plan");
    plan_into(&tenant, &out, |_| {}).unwrap();
    let old = contents(&out);
    let sibling = |what: &str| dir.path.join(format!(".plan.xtenant-{what}-424242"));

    // Killed while writing, with temporary files of an older version in the folder.
    std::fs::create_dir(sibling("new")).unwrap();
    let marker = |what: &str, json: &str| {
        let path = dir.path.join(format!(".plan.xtenant-{what}-424242.json"));
        std::fs::write(path, json).unwrap()
    };
    marker("new", r#"{"state":"writing","carried":[]}"#);
    std::fs::write(sibling("new").join("readiness.csv"), "half").unwrap();
    std::fs::write(out.join(".findings.csv.xtenant-tmp77"), "half").unwrap();
    // Killed while carrying: logs/ had been moved into the staging folder.
    std::fs::create_dir_all(sibling("new2").join("logs")).unwrap();
    std::fs::write(sibling("new2").join("logs/run.log"), "kept").unwrap();
    marker("new2", r#"{"state":"carrying","carried":["logs"]}"#);
    let text = plan_into(&tenant, &out, |_| {}).unwrap();
    assert!(
        text.contains("recovered: removed the unfinished plan"),
        "{text}"
    );
    assert!(
        text.contains("recovered: removed 1 temporary file"),
        "{text}"
    );
    assert_eq!(beside(&out), Vec::<String>::new());
    let mut now = contents(&out);
    assert_eq!(now.remove("logs/run.log"), Some(hash(b"kept")));
    assert_eq!(now, old, "the same plan again, the carried logs back");
    std::fs::remove_dir_all(out.join("logs")).unwrap();

    // Killed between the two renames of a swap (where folders are not exchanged at once):
    // the folder is missing, the old plan and the complete new one are beside it.
    std::fs::rename(&out, sibling("old")).unwrap();
    copy_dir(&sibling("old"), &sibling("new"));
    marker("new", r#"{"state":"complete","carried":[]}"#);
    let text = plan_into(&tenant, &out, |_| {}).unwrap();
    assert!(
        text.contains("recovered: finished swapping in the plan"),
        "{text}"
    );
    assert!(
        text.contains("recovered: removed the previous plan"),
        "{text}"
    );
    assert_eq!(beside(&out), Vec::<String>::new());
    assert_eq!(contents(&out), old);
    // Only the old plan moved aside: it is put back.
    std::fs::rename(&out, sibling("old")).unwrap();
    let text = plan_into(&tenant, &out, |_| {}).unwrap();
    assert!(
        text.contains("recovered: put back the previous plan"),
        "{text}"
    );
    assert_eq!(contents(&out), old);
    assert_eq!(beside(&out), Vec::<String>::new());
}

#[test]
fn a_refused_run_creates_no_folder_and_names_a_file_given_as_the_folder() {
    let dir = Dir::new("folder-refuse");
    let tenant = dir.join("tenant");
    xtenant::sample::write(&xtenant::sample::Options::new(50, 1), &tenant).unwrap();
    // A folder of someone else's files: refused, nothing created beside it or in it.
    let out = dir.join("theirs");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("budget.xlsx"), "theirs").unwrap();
    let e = plan_into(&tenant, &out, |_| {}).unwrap_err();
    assert!(e.contains("holds no xtenant plan"), "{e}");
    assert_eq!(beside(&out), Vec::<String>::new());
    assert_eq!(contents(&out).len(), 1);
    // A bad input with --out in a folder that does not exist: not even the parent is made.
    let deep = dir.join("a/b/plan");
    let e = plan_into(&tenant, &deep, |a| {
        a.source_mailboxes = Some(dir.join("missing.csv"));
    })
    .unwrap_err();
    assert!(e.contains("missing.csv"), "{e}");
    assert!(!dir.join("a").exists());
    // --out naming a file.
    let e = plan_into(&tenant, &out.join("budget.xlsx"), |_| {}).unwrap_err();
    assert!(e.contains("is a file; give a folder"), "{e}");
}

#[test]
fn two_runs_never_write_one_folder() {
    let dir = Dir::new("folder-lock");
    let tenant = dir.join("tenant");
    xtenant::sample::write(&xtenant::sample::Options::new(50, 1), &tenant).unwrap();
    let out = dir.join("plan");
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(".plan.xtenant-lock"))
        .unwrap();
    lock.try_lock().unwrap();
    let e = plan_into(&tenant, &out, |_| {}).unwrap_err();
    assert!(
        e.contains("another xtenant run is writing this plan folder"),
        "{e}"
    );
    drop(lock);
    plan_into(&tenant, &out, |_| {}).unwrap();
    assert_eq!(
        beside(&out),
        Vec::<String>::new(),
        "the lock file goes with the run"
    );
}

/// Runs the binary to plan `tenant` into `out` and kills it (SIGKILL) after `after`; returns
/// whether it finished first.
fn kill_after(tenant: &Path, out: &Path, extra: &[&str], after: Duration) -> bool {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtenant"))
        .args(["plan", "--quiet", "--config"])
        .arg(tenant.join("xtenant.toml"))
        .arg("--out")
        .arg(out)
        .args(extra)
        .spawn()
        .unwrap();
    let start = Instant::now();
    while start.elapsed() < after {
        if child.try_wait().unwrap().is_some() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    false
}

fn copy_dir(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    for rel in contents(from).keys() {
        let path = to.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::copy(from.join(rel), path).unwrap();
    }
}

fn hash(bytes: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    std::hash::Hasher::write(&mut h, bytes);
    std::hash::Hasher::finish(&h)
}

/// Kills a run into a folder holding an earlier plan at `points` moments spread over a run's
/// length (and densely near its end, where the swap is); after every kill the folder is the old
/// plan or the new one exactly, each matching its manifest, and the next run leaves nothing
/// beside it.
fn kill_at_many_points(users: usize, points: usize) {
    let dir = Dir::new("folder-kill");
    let tenant = dir.join("tenant");
    xtenant::sample::write(&xtenant::sample::Options::new(users, 7), &tenant).unwrap();
    let (old_dir, new_dir, out) = (dir.join("old"), dir.join("new"), dir.join("plan"));
    let new_args = ["--users-per-wave", "700"];
    let run_to_end = |out: &Path, extra: &[&str]| {
        assert!(kill_after(&tenant, out, extra, Duration::from_secs(3600)));
    };
    run_to_end(&old_dir, &[]);
    run_to_end(&new_dir, &new_args);
    // How long a run into a folder holding the old plan takes: the fastest of two.
    let length = (0..2)
        .map(|_| {
            copy_dir(&old_dir, &out);
            let start = Instant::now();
            run_to_end(&out, &new_args);
            start.elapsed()
        })
        .min()
        .unwrap();
    let (old, new) = (contents(&old_dir), contents(&new_dir));
    assert_ne!(old, new);
    assert_eq!(
        old.keys().cloned().collect::<Vec<_>>(),
        manifest_files(&old_dir)
    );
    let mut seen = (0, 0, 0);
    for k in 0..points {
        // Half the points spread over the run, half around its end (the swap, then the tidying).
        let f = if k < points / 2 {
            (k + 1) as f64 / (points / 2 + 1) as f64
        } else {
            0.85 + 0.3 * (k - points / 2) as f64 / (points - points / 2) as f64
        };
        copy_dir(&old_dir, &out);
        let finished = kill_after(&tenant, &out, &new_args, length.mul_f64(f));
        let now = contents(&out);
        if now == old {
            seen.0 += 1;
        } else if now == new {
            seen.1 += 1;
        } else {
            let differ: Vec<&String> = now.keys().filter(|k| old.get(*k) != now.get(*k)).collect();
            panic!(
                "killed at {f:.2} of the run (finished: {finished}): neither plan; {} files differ from the old, e.g. {:?}",
                differ.len(),
                &differ[..differ.len().min(5)]
            );
        }
        if !finished {
            seen.2 += 1;
        }
        // The next run clears what this one left.
        run_to_end(&out, &new_args);
        assert_eq!(contents(&out), new);
        assert_eq!(beside(&out), Vec::<String>::new());
    }
    eprintln!(
        "{users} users, run {length:?}: {} kills; old plan {} times, new plan {} times",
        seen.2, seen.0, seen.1
    );
    assert!(
        seen.2 >= points / 3,
        "{} of {points} runs were killed",
        seen.2
    );
}

#[test]
fn killed_at_any_moment_the_folder_is_the_old_plan_or_the_new_one() {
    kill_at_many_points(5_000, 12);
}

/// The issue's size: `cargo test --release -- --ignored killed_during_a_200k_plan --nocapture`.
#[test]
#[ignore]
fn killed_during_a_200k_plan_the_folder_is_the_old_plan_or_the_new_one() {
    let users = std::env::var("XTENANT_KILL_USERS")
        .ok()
        .and_then(|u| u.parse().ok())
        .unwrap_or(200_000);
    kill_at_many_points(users, 24);
}

#[test]
fn a_folder_holding_only_what_an_interrupted_first_run_left_is_not_refused() {
    let dir = Dir::new("folder-first-run");
    let tenant = dir.join("tenant");
    xtenant::sample::write(&xtenant::sample::Options::new(50, 1), &tenant).unwrap();
    let out = dir.join("plan");
    // An older version's first run, killed: empty folders and temporary files, no manifest.
    std::fs::create_dir_all(out.join("stamping")).unwrap();
    std::fs::create_dir_all(out.join("batches/W01")).unwrap();
    std::fs::write(out.join("stamping/.x500.csv.xtenant-tmp4242"), "half").unwrap();
    let text = plan_into(&tenant, &out, |_| {}).unwrap();
    assert!(
        text.contains("recovered: removed 1 temporary file"),
        "{text}"
    );
    assert_eq!(
        contents(&out).keys().cloned().collect::<Vec<_>>(),
        manifest_files(&out)
    );
    assert_eq!(beside(&out), Vec::<String>::new());
}
