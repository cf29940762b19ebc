//! Progress on stderr while a long run works: per stage a bar with percentage and ETA where the
//! total is known (bytes read, mailboxes checked), else a spinner; each ends as one line with
//! what it handled and how fast. Silent when stderr is not a terminal, or with `--quiet`.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// Whether progress is drawn at all.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    on: bool,
}

impl Progress {
    /// Drawn only for a person watching: stderr is a terminal and `--quiet` was not given.
    pub fn new(quiet: bool) -> Progress {
        Progress {
            on: !quiet && std::io::stderr().is_terminal(),
        }
    }

    /// Starts a stage of `total` units (`unit`: "bytes", "mailboxes"), which the work reports
    /// with `advance`: a bar with percentage and ETA.
    pub fn measured(&self, name: &'static str, unit: &'static str, total: u64) -> Stage {
        DONE.store(0, Ordering::Relaxed);
        if !self.on || total == 0 {
            return Stage {
                unit,
                ..self.stage(name)
            };
        }
        let bar = ProgressBar::new(total);
        let template = if unit == "bytes" {
            "{msg} [{bar:30}] {percent:>3}% {bytes}/{total_bytes} ETA {eta}"
        } else {
            "{msg} [{bar:30}] {percent:>3}% {human_pos}/{human_len} {prefix} ETA {eta}"
        };
        bar.set_style(
            ProgressStyle::with_template(template)
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_message(name);
        bar.set_prefix(unit);
        // The work only adds to a counter; a ticker moves the bar, so no worker waits on it.
        let stop = Arc::new(AtomicBool::new(false));
        let ticker = {
            let (bar, stop) = (bar.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    bar.set_position(DONE.load(Ordering::Relaxed).min(total));
                    std::thread::sleep(Duration::from_millis(100));
                }
            })
        };
        Stage {
            name,
            unit,
            bar: Some(bar),
            start: Instant::now(),
            ticker: Some((stop, ticker)),
        }
    }

    /// Starts a stage whose total is not known; `done` ends it with the rows it handled.
    pub fn stage(&self, name: &'static str) -> Stage {
        let bar = self.on.then(|| {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.set_message(name);
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Stage {
            name,
            unit: "rows",
            bar,
            start: Instant::now(),
            ticker: None,
        }
    }
}

/// Work done in the measured stage running now. One process runs one plan at a time; a test
/// running several only draws nothing (no terminal), so sharing the counter is harmless.
static DONE: AtomicU64 = AtomicU64::new(0);

/// Reports `n` more units of the measured stage's work (a relaxed add: cheap from any thread).
pub fn advance(n: u64) {
    DONE.fetch_add(n, Ordering::Relaxed);
}

/// One running stage.
pub struct Stage {
    name: &'static str,
    /// What `done` counts: rows, bytes, mailboxes.
    unit: &'static str,
    bar: Option<ProgressBar>,
    start: Instant,
    ticker: Option<(Arc<AtomicBool>, std::thread::JoinHandle<()>)>,
}

impl Stage {
    /// Ends the stage: `read  1,000,000 rows  21.4 s  46,729 rows/s`.
    pub fn done(mut self, rows: usize) {
        if let Some((stop, ticker)) = self.ticker.take() {
            stop.store(true, Ordering::Relaxed);
            let _ = ticker.join();
        }
        if let Some(bar) = self.bar {
            let secs = self.start.elapsed().as_secs_f64();
            let rate = if secs > 0.0 { rows as f64 / secs } else { 0.0 };
            bar.set_style(
                ProgressStyle::with_template("  {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            let unit = if self.unit == "bytes" {
                "rows"
            } else {
                self.unit
            };
            bar.finish_with_message(format!(
                "{:<6} {:>11} {unit} {:>8.1} s {:>11} {unit}/s",
                self.name,
                thousands(rows as u64),
                secs,
                thousands(rate as u64)
            ));
        }
    }
}

/// `1234567` -> `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Each stage's wall time (for --timings) and its progress line.
pub struct Stages {
    progress: Progress,
    pub timings: Vec<(&'static str, Duration)>,
    current: Option<(&'static str, Instant, Stage)>,
}

impl Stages {
    pub fn new(progress: Progress) -> Stages {
        Stages {
            progress,
            timings: Vec::new(),
            current: None,
        }
    }

    /// A stage of `total` `unit`s, which its work reports with `progress::advance` (0: not
    /// known, a spinner).
    pub fn start_measured(&mut self, name: &'static str, unit: &'static str, total: u64) {
        let stage = self.progress.measured(name, unit, total);
        self.current = Some((name, Instant::now(), stage));
    }

    /// Ends the running stage, which handled `rows`.
    pub fn end(&mut self, rows: usize) {
        if let Some((name, start, stage)) = self.current.take() {
            self.timings.push((name, start.elapsed()));
            stage.done(rows);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_are_grouped() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1_000), "1,000");
        assert_eq!(super::thousands(1_234_567), "1,234,567");
    }
}
