//! `cargo bench`: times `xtenant plan` end to end, and the floor (only reading the inputs), on
//! generated tenants of 50,000 and 1,000,000 mailboxes in issue 7's shape: about three
//! permission rows per mailbox (150,000 at 50,000) and a statistics export. The data is
//! generated once into target/bench-data/<users>x3. `XTENANT_BENCH_USERS=10000,200000` picks
//! other sizes.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use xtenant::cli::PlanArgs;
use xtenant::config::Config;

const RUNS: usize = 3;

fn main() {
    // `cargo test --benches` and `cargo bench --no-run` compile this; only `cargo bench` runs it.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let sizes: Vec<usize> = std::env::var("XTENANT_BENCH_USERS")
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![50_000, 1_000_000]);
    println!("{} threads", rayon::current_num_threads());
    // The runs below are read against this: on a VM, a page's first touch can cost more than
    // everything the program then does with it.
    let (first, again) = first_touch(1 << 30);
    println!(
        "fresh memory: 1 GiB touched at {first:.2} GB/s (a page's first write; {again:.1} GB/s once mapped)"
    );
    for users in sizes {
        let dir = data(users);
        let config = config(&dir);
        let inputs_mb = input_bytes(&config) as f64 / 1e6;
        let permissions = permission_rows(&dir);
        let floor = median(|| {
            let start = Instant::now();
            let inputs = xtenant::input::load(&config).unwrap();
            let took = start.elapsed();
            drop(inputs);
            (took, String::new())
        });
        let full = median(|| {
            let start = Instant::now();
            let summary = xtenant::plan(&config).unwrap();
            let mut stages = Vec::new();
            xtenant::write::console::timings(&summary.timings, &mut stages).unwrap();
            (
                start.elapsed(),
                String::from_utf8_lossy(&stages).trim().to_string(),
            )
        });
        println!(
            "{users:>9} users  {permissions} permission rows  {inputs_mb:.0} MB input  \
             read only {:.3} s  plan {:.3} s  ratio {:.2}\n          median run's {}",
            floor.0.as_secs_f64(),
            full.0.as_secs_f64(),
            full.0.as_secs_f64() / floor.0.as_secs_f64(),
            full.1
        );
    }
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

/// The tenants of `users` mailboxes with about three permission rows each: the sample's own
/// (about 0.9 per mailbox) and 2.2 per mailbox more between random users.
fn data(users: usize) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-data/{users}x3"));
    if !dir.join("xtenant.toml").exists() {
        eprintln!("generating {users} users into {}", dir.display());
        let options =
            xtenant::sample::Options::new(users, 2026).with_extra_permissions(users * 22 / 10);
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

/// The median of `RUNS` runs by time, with what that run reported.
fn median(mut run: impl FnMut() -> (Duration, String)) -> (Duration, String) {
    let mut runs: Vec<(Duration, String)> = (0..RUNS).map(|_| run()).collect();
    runs.sort_by_key(|r| r.0);
    runs.swap_remove(RUNS / 2)
}
