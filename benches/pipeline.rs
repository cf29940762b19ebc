//! `cargo bench`: times `xtenant plan` end to end, and the floor (only reading the inputs),
//! on generated tenants of 50,000 and 1,000,000 mailboxes, then the planning stage alone on
//! 1,000,000 mailboxes with 3,000,000 permission rows. The data is generated once into
//! target/bench-data. `XTENANT_BENCH_USERS=10000,200000` picks other sizes (and skips the
//! planning case unless `XTENANT_BENCH_PLAN=1`).

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
    let custom = std::env::var("XTENANT_BENCH_USERS").ok();
    let sizes: Vec<usize> = custom
        .as_ref()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![50_000, 1_000_000]);
    let planning = custom.is_none() || std::env::var_os("XTENANT_BENCH_PLAN").is_some();
    println!("{} threads", rayon::current_num_threads());
    for users in sizes {
        let dir = data(users);
        let config = config(&dir);
        let inputs_mb = input_bytes(&config) as f64 / 1e6;
        let floor = median(|| {
            let start = Instant::now();
            let inputs = xtenant::input::load(&config).unwrap();
            let took = start.elapsed();
            drop(inputs);
            took
        });
        let full = median(|| {
            let start = Instant::now();
            xtenant::plan(&config).unwrap();
            start.elapsed()
        });
        println!(
            "{users:>9} users  {inputs_mb:>7.0} MB input  read only {:>7.3} s  plan {:>7.3} s  ratio {:.2}",
            floor.as_secs_f64(),
            full.as_secs_f64(),
            full.as_secs_f64() / floor.as_secs_f64()
        );
    }
    if planning {
        plan_stage(1_000_000);
    }
}

/// The planning stage alone (clusters, waves, batches) with about 3 permission rows per user.
fn plan_stage(users: usize) {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-data/{users}-dense"));
    if !dir.join("xtenant.toml").exists() {
        eprintln!(
            "generating {users} users with dense permissions into {}",
            dir.display()
        );
        let options = xtenant::sample::Options::new(users, 2026)
            .with_extra_permissions(users * 2 + users / 10);
        xtenant::sample::write(&options, &dir).unwrap();
    }
    let mut config = config(&dir);
    config.waves.waves = Some(20);
    let rows = ["mailbox-permissions.csv", "recipient-permissions.csv"]
        .iter()
        .map(|f| {
            std::fs::read_to_string(dir.join(f))
                .map(|t| t.lines().count() - 1)
                .unwrap_or(0)
        })
        .sum::<usize>();
    let stage = median(|| {
        let summary = xtenant::plan(&config).unwrap();
        summary
            .timings
            .iter()
            .find(|(s, _)| *s == "plan")
            .map(|(_, d)| *d)
            .unwrap_or_default()
    });
    println!(
        "{users:>9} users  {rows} permission rows (+ send-on-behalf)  planning stage {:>7.3} s",
        stage.as_secs_f64()
    );
}

fn data(users: usize) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-data/{users}"));
    if !dir.join("xtenant.toml").exists() {
        eprintln!("generating {users} users into {}", dir.display());
        xtenant::sample::write(&xtenant::sample::Options::new(users, 2026), &dir).unwrap();
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

fn median(mut run: impl FnMut() -> Duration) -> Duration {
    let mut times: Vec<Duration> = (0..RUNS).map(|_| run()).collect();
    times.sort();
    times[RUNS / 2]
}
