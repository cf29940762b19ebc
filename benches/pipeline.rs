//! `cargo bench` (divan): times `xtenant plan` end to end, and the floor (only reading the
//! inputs), on generated tenants of 50,000 and 1,000,000 mailboxes.
//! - `read_only`, `plan`: a real tenant's shape (issue 20): `xtenant sample --utf8`, the
//!   permission graph clustered, about 0.4 rows per mailbox; data in target/bench-data/<users>r.
//! - `csv_only`: the csv crate's `ByteRecord` loop over the real shape's files on one thread,
//!   nothing mapped: what parsing alone costs.
//! - `read_only_stress`, `plan_stress`: issue 7's stress shape, about three random permission
//!   rows per mailbox, and as many other target recipients (groups, contacts, guests) as
//!   mailboxes (issue 16); `plan_stress_without_others` is the same run without that file, for
//!   what the target's address space costs. Data in target/bench-data/<users>x3o.
//!
//! `XTENANT_BENCH_USERS=10000,200000` picks other sizes. Three samples of one run each: a
//! sample is seconds to a minute.
//! `track` times `xtenant track` on the sample's own plan, generated in the sample's scattered
//! shape into target/bench-data/<users>t, and a migration status of its last wave (every
//! planned user exported), with the day before as `--previous`; `cargo bench -- track` runs
//! it alone.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use divan::Bencher;
use xtenant::cli::PlanArgs;
use xtenant::config::Config;

/// The binary's allocator, tuned as the binary tunes it (src/main.rs): the bench measures what
/// ships (before issue 20 it ran on the system allocator).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// One timed run: read only or plan, its time, and its stages.
type Run = (&'static str, Duration, String);

/// Every timed run, by size.
static RUNS: Mutex<BTreeMap<usize, Vec<Run>>> = Mutex::new(BTreeMap::new());

fn main() {
    // `cargo test --all-targets` runs this without `--bench`, where divan would run every
    // benchmark once (generating a million users first): only `cargo bench` runs it.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    xtenant::tune_allocator();
    println!("{} threads", rayon::current_num_threads());
    // The runs below are read against this: on a VM, a page's first touch can cost more than
    // everything the program then does with it.
    let (first, again) = first_touch(1 << 30);
    println!(
        "fresh memory: 1 GiB touched at {first:.2} GB/s (a page's first write; {again:.1} GB/s once mapped)"
    );
    divan::main();
    summary();
}

fn sizes() -> Vec<usize> {
    std::env::var("XTENANT_BENCH_USERS")
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![50_000, 1_000_000])
}

/// Issue 20's shape, a real tenant's: the permission graph clustered (teams on their shared
/// mailboxes, assistants, a few hubs; about 0.4 rows per mailbox), every export UTF-8.
#[divan::bench(args = sizes(), sample_count = 3, sample_size = 1)]
fn read_only(bencher: Bencher, users: usize) {
    timed_read(bencher, users, "read only", config(&real_data(users)));
}

#[divan::bench(args = sizes(), sample_count = 3, sample_size = 1)]
fn plan(bencher: Bencher, users: usize) {
    timed_plan(bencher, users, "plan", config(&real_data(users)));
}

/// The csv crate's own loop over the same files (`ByteRecord`: no UTF-8 check, nothing kept),
/// one file after another on one thread: what parsing alone costs, the yardstick for the read.
#[divan::bench(args = sizes(), sample_count = 3, sample_size = 1)]
fn csv_only(bencher: Bencher, users: usize) {
    let config = config(&real_data(users));
    bencher.bench_local(|| {
        let start = Instant::now();
        let mut records = 0u64;
        for path in config.inputs.all() {
            let mut reader = csv::ReaderBuilder::new()
                .flexible(true)
                .from_path(path)
                .unwrap();
            let mut row = csv::ByteRecord::new();
            while reader.read_byte_record(&mut row).unwrap() {
                records += 1;
            }
        }
        record(users, "csv only", start.elapsed(), String::new());
        records
    });
}

/// Issue 7's stress shape: about three random permission rows per mailbox and one other target
/// recipient per mailbox. No time target; it must stay linear.
#[divan::bench(args = sizes(), sample_count = 3, sample_size = 1)]
fn read_only_stress(bencher: Bencher, users: usize) {
    timed_read(
        bencher,
        users,
        "read only stress",
        config(&stress_data(users)),
    );
}

#[divan::bench(args = sizes(), sample_count = 3, sample_size = 1)]
fn plan_stress(bencher: Bencher, users: usize) {
    timed_plan(bencher, users, "plan stress", config(&stress_data(users)));
}

#[divan::bench(args = sizes(), sample_count = 3, sample_size = 1)]
fn plan_stress_without_others(bencher: Bencher, users: usize) {
    let mut config = config(&stress_data(users));
    config.inputs.target_other_recipients.clear();
    config.inputs.group_members = None;
    timed_plan(bencher, users, "plan stress without others", config);
}

/// The sample's tenants in its default (clustered) shape with every file UTF-8, generated
/// once into target/bench-data/<users>r.
fn real_data(users: usize) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-data/{users}r"));
    if !dir.join("xtenant.toml").exists() {
        eprintln!(
            "generating {users} users (real shape) into {}",
            dir.display()
        );
        let options = xtenant::sample::Options::new(users, 2026).with_utf8(true);
        xtenant::sample::write(&options, &dir).unwrap();
    }
    dir
}

/// The floor: reading the inputs, nothing else.
fn timed_read(bencher: Bencher, users: usize, what: &'static str, config: Config) {
    bencher.bench_local(|| {
        let start = Instant::now();
        let inputs = xtenant::input::load(&config).unwrap();
        record(users, what, start.elapsed(), String::new());
        inputs
    });
}

fn timed_plan(bencher: Bencher, users: usize, what: &'static str, config: Config) {
    bencher.bench_local(|| {
        let start = Instant::now();
        let summary = xtenant::plan(&config).unwrap();
        let took = start.elapsed();
        let mut stages = Vec::new();
        xtenant::write::console::timings(&summary.timings, &mut stages).unwrap();
        record(
            users,
            what,
            took,
            String::from_utf8_lossy(&stages).trim().to_string(),
        );
        summary
    });
}

#[divan::bench(args = sizes(), sample_count = 3, sample_size = 1)]
fn track(bencher: Bencher, users: usize) {
    let dir = track_data(users);
    let args = |users_file: &str, out: &str, previous: Option<PathBuf>| {
        xtenant::config::TrackConfig::from_args(&xtenant::cli::TrackArgs {
            config: Some(dir.join("xtenant.toml")),
            plan: Some(dir.join("plan")),
            migration_users: Some(dir.join(users_file)),
            migration_batches: Some(dir.join("late-batches.csv")),
            previous,
            out: Some(dir.join(out)),
            force: true,
            quiet: true,
            ..Default::default()
        })
        .unwrap()
    };
    if !dir.join("track-before/track.json").exists() {
        xtenant::commands::track::run(&args("late-users-previous.csv", "track-before", None))
            .unwrap();
    }
    let config = args("late-users.csv", "track", Some(dir.join("track-before")));
    bencher.bench_local(|| {
        let start = Instant::now();
        let summary = xtenant::commands::track::run(&config).unwrap();
        let took = start.elapsed();
        let mut stages = Vec::new();
        xtenant::write::console::timings(&summary.timings, &mut stages).unwrap();
        record(
            users,
            "track",
            took,
            String::from_utf8_lossy(&stages).replace('\n', " "),
        );
        summary
    });
}

/// The sample's tenants (the scattered shape, as when these figures were first taken), planned,
/// with their migration status.
fn track_data(users: usize) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-data/{users}t"));
    if !dir.join("plan/plan.json").exists() {
        eprintln!(
            "generating and planning {users} users into {}",
            dir.display()
        );
        let options = xtenant::sample::Options::new(users, 2026)
            .with_grants(xtenant::sample::Grants::Scattered);
        xtenant::sample::write(&options, &dir).unwrap();
        let config = Config::from_args(&PlanArgs {
            config: Some(dir.join("xtenant.toml")),
            out: Some(dir.join("plan")),
            force: true,
            quiet: true,
            ..PlanArgs::default()
        })
        .unwrap();
        xtenant::plan(&config).unwrap();
    }
    if !dir.join("late-batches.csv").exists() {
        // The sample's own status holds the first waves only: here every planned user is in
        // the export, as in the last wave of a migration.
        let plan = xtenant::input::plan_file::load(&dir.join("plan")).unwrap();
        let status = xtenant::sample::status::generate(
            &plan,
            2026,
            xtenant::sample::status::Moment::LastWave,
        );
        let shape = xtenant::sample::status::SHAPE;
        let header = &xtenant::sample::status::USERS_HEADER;
        std::fs::write(
            dir.join("late-users.csv"),
            shape.render(header, &status.users),
        )
        .unwrap();
        std::fs::write(
            dir.join("late-users-previous.csv"),
            shape.render(header, &status.previous),
        )
        .unwrap();
        let header = &xtenant::sample::status::BATCHES_HEADER;
        std::fs::write(
            dir.join("late-batches.csv"),
            shape.render(header, &status.batches),
        )
        .unwrap();
    }
    dir
}

fn record(users: usize, what: &'static str, took: Duration, stages: String) {
    let mut runs = RUNS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    runs.entry(users).or_default().push((what, took, stages));
}

/// Per size: the input, the medians, plan's ratio to the floor, and the median plan run's
/// stages (divan's table has the times, not the rest).
fn summary() {
    let runs = RUNS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for (&users, runs) in runs.iter() {
        let median = |what: &str| {
            let mut these: Vec<_> = runs.iter().filter(|r| r.0 == what).collect();
            these.sort_by_key(|r| r.1);
            these.get(these.len() / 2).map(|r| (r.1, r.2.clone()))
        };
        if let (Some(floor), Some(full)) = (median("read only"), median("plan")) {
            line(users, "real shape", &real_data(users), floor, full);
        }
        if let Some((took, _)) = median("csv only") {
            let bytes = input_bytes(&config(&real_data(users)));
            println!(
                "{users:>9} users  real shape: the csv crate alone (ByteRecord, one thread) {:.3} s, {:.0} MB/s",
                took.as_secs_f64(),
                bytes as f64 / 1e6 / took.as_secs_f64()
            );
        }
        if let Some((took, stages)) = median("track") {
            let dir = track_data(users);
            let bytes = std::fs::metadata(dir.join("late-users.csv")).map_or(0, |m| m.len());
            println!(
                "{users:>9} users  track {:.3} s ({:.0} MB migration users export, --previous)\n          median run's {stages}",
                took.as_secs_f64(),
                bytes as f64 / 1e6
            );
        }
        let (Some(floor), Some(full)) = (median("read only stress"), median("plan stress")) else {
            continue;
        };
        if let Some(without) = median("plan stress without others") {
            println!(
                "{users:>9} users  stress shape: plan {:.3} s, without the other recipients {:.3} s: +{:.1} %",
                full.0.as_secs_f64(),
                without.0.as_secs_f64(),
                100.0 * (full.0.as_secs_f64() / without.0.as_secs_f64() - 1.0)
            );
        }
        line(users, "stress shape", &stress_data(users), floor, full);
    }
}

/// One shape's line: its input, the medians, plan's ratio to the floor and the median plan
/// run's stages.
fn line(
    users: usize,
    shape: &str,
    dir: &Path,
    floor: (Duration, String),
    full: (Duration, String),
) {
    println!(
        "{users:>9} users  {shape}: {} permission rows  {:.0} MB input  read only {:.3} s  plan {:.3} s  ratio {:.2}\n          median run's {}",
        permission_rows(dir),
        input_bytes(&config(dir)) as f64 / 1e6,
        floor.0.as_secs_f64(),
        full.0.as_secs_f64(),
        full.0.as_secs_f64() / floor.0.as_secs_f64(),
        full.1
    );
}

/// The rate of first writes to `bytes` of fresh memory (one per 4 KiB page, so the page
/// faults and the kernel zeroing pages are the cost), and of writing all of it again.
fn first_touch(bytes: usize) -> (f64, f64) {
    let start = Instant::now();
    let mut block = vec![0u8; bytes];
    for i in (0..bytes).step_by(4096) {
        block[i] = 1;
    }
    std::hint::black_box(&block);
    let first = bytes as f64 / 1e9 / start.elapsed().as_secs_f64();
    let start = Instant::now();
    block.fill(2);
    std::hint::black_box(&block);
    let again = bytes as f64 / 1e9 / start.elapsed().as_secs_f64();
    (first, again)
}

/// The tenants of `users` mailboxes with about three permission rows each: the scattered
/// shape's own (about 0.9 per mailbox) and 2.2 per mailbox more between random users; and one
/// group, dynamic group or public folder per mailbox besides the planted contacts and guests.
fn stress_data(users: usize) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-data/{users}x3o"));
    if !dir.join("xtenant.toml").exists() {
        eprintln!("generating {users} users into {}", dir.display());
        let options = xtenant::sample::Options::new(users, 2026)
            .with_grants(xtenant::sample::Grants::Scattered)
            .with_extra_permissions(users * 22 / 10)
            .with_other_recipients(users);
        xtenant::sample::write(&options, &dir).unwrap();
    }
    dir
}

fn config(dir: &Path) -> Config {
    Config::from_args(&PlanArgs {
        config: Some(dir.join("xtenant.toml")),
        out: Some(dir.join("plan")),
        // The folder may hold a plan from before manifest.json existed.
        force: true,
        quiet: true,
        ..PlanArgs::default()
    })
    .unwrap()
}

fn input_bytes(config: &Config) -> u64 {
    config
        .inputs
        .all()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum()
}

fn permission_rows(dir: &Path) -> usize {
    ["mailbox-permissions.csv", "recipient-permissions.csv"]
        .iter()
        .filter_map(|f| std::fs::read(dir.join(f)).ok())
        .map(|bytes| {
            bytes
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                .saturating_sub(1)
        })
        .sum()
}
