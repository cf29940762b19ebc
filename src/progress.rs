//! Progress on stderr while a long run works: a spinner per stage that ends as one line with
//! its rows and rows per second. Silent when stderr is not a terminal, or with `--quiet`.

use std::io::IsTerminal;
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

    /// Starts a stage; `done` ends it with the rows it handled.
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
            bar,
            start: Instant::now(),
        }
    }
}

/// One running stage.
pub struct Stage {
    name: &'static str,
    bar: Option<ProgressBar>,
    start: Instant,
}

impl Stage {
    /// Ends the stage: `read  1,000,000 rows  21.4 s  46,729 rows/s`.
    pub fn done(self, rows: usize) {
        if let Some(bar) = self.bar {
            let secs = self.start.elapsed().as_secs_f64();
            let rate = if secs > 0.0 { rows as f64 / secs } else { 0.0 };
            bar.set_style(
                ProgressStyle::with_template("  {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.finish_with_message(format!(
                "{:<6} {:>11} rows {:>8.1} s {:>11} rows/s",
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
