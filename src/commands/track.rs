//! `xtenant track`: reads the plan and the target's migration status exports, joins and
//! measures them (`track`), and writes progress.csv, progress.xlsx, the action lists and their
//! scripts, replaced whole like a plan.

use std::io::Write;
use std::time::Duration;

use crate::Outcome;
use crate::cli::TrackArgs;
use crate::config::TrackConfig;
use crate::error::Result;
use crate::input::{self, FileInfo, Notice};
use crate::progress::{Progress, Stages};
use crate::track::{self, TrackInputs, Tracking};
use crate::write;

/// What `track` wrote and said.
pub struct TrackSummary {
    pub written: Vec<std::path::PathBuf>,
    pub text: String,
    pub json: Option<serde_json::Value>,
    pub timings: Vec<(&'static str, Duration)>,
}

/// Every file of a track folder, but the workbook and the scripts.
pub const CSV_FILES: [&str; 8] = [
    "progress.csv",
    "batches.csv",
    "not-in-plan.csv",
    "actions/retry.csv",
    "actions/skipped-items.csv",
    "actions/remove-users.csv",
    "actions/licence.csv",
    "track.json",
];

/// `xtenant track` from its flags: the run, then the summary on stderr and `--json` on stdout.
pub fn command(args: &TrackArgs) -> Result<Outcome> {
    let config = TrackConfig::from_args(args)?;
    let summary = run(&config)?;
    if !config.quiet {
        let _ = std::io::stderr().lock().write_all(summary.text.as_bytes());
    }
    if let Some(json) = summary.json {
        let mut out = std::io::stdout().lock();
        let _ = serde_json::to_writer_pretty(&mut out, &json);
        let _ = out.write_all(b"\n");
    }
    Ok(Outcome::default())
}

pub fn run(config: &TrackConfig) -> Result<TrackSummary> {
    let mut stages = Stages::new(Progress::new(config.quiet));
    let plan_path = config.plan_file();
    // The folder is the plan's: the same plan may be tracked into it day after day.
    let claim = write::Claim::new(&config.out, &plan_path, &plan_path, config.force)?;

    stages.start_measured("read", "users", 0);
    let (plan, (users, (batches, previous))) = rayon::join(
        || input::plan_file::load_for_track(&config.plan),
        || {
            rayon::join(
                || input::migration_users::load(&config.migration_users),
                || {
                    rayon::join(
                        || {
                            config
                                .migration_batches
                                .as_deref()
                                .map(input::migration_batches::load)
                                .transpose()
                        },
                        || {
                            config
                                .previous
                                .as_deref()
                                .map(track::previous::load)
                                .transpose()
                        },
                    )
                },
            )
        },
    );
    let (users, mut files, mut notices): (_, Vec<FileInfo>, Vec<Notice>) = users?;
    let batches = match batches? {
        Some((rows, f, n)) => {
            files.extend(f);
            notices.extend(n);
            Some(rows)
        }
        None => None,
    };
    let inputs = TrackInputs {
        plan: plan?,
        users,
        batches,
        previous: previous?,
        as_of: config.as_of,
        files,
        notices,
    };
    stages.end(inputs.users.len());
    stages.start_measured("track", "users", 0);
    let tracking = track::track(inputs);
    stages.end(tracking.rows.len());
    stages.start_measured("write", "users", 0);
    let mut staging = write::Staging::plan(claim, config.inputs())?;
    // The workbook is written while the CSVs are: two cores, two jobs.
    let mut xlsx = staging.slot("progress.xlsx")?;
    let (files, filled) = rayon::join(
        || write_files(&tracking, &mut staging),
        || write::track_xlsx::write(&tracking, config.sheet_rows, &mut xlsx.writer),
    );
    files?;
    xlsx.finish(filled)?;
    let written = staging.commit()?;
    stages.end(tracking.rows.len());
    let timings = stages.timings;

    let mut text = Vec::new();
    let _ = write::console::track(&tracking, &mut text);
    let _ = write::console::written(&config.out, &written, &mut text);
    if config.timings {
        let _ = write::console::timings(&timings, &mut text);
    }
    let json = config.json.then(|| {
        let mut j = write::track::summary_json(&tracking, Some(&written));
        j["ok"] = serde_json::Value::Bool(true);
        j
    });
    Ok(TrackSummary {
        written,
        text: String::from_utf8_lossy(&text).into_owned(),
        json,
        timings,
    })
}

fn write_files(t: &Tracking, staging: &mut write::Staging) -> Result<()> {
    staging.write("progress.csv", |w| write::track::progress(t, w))?;
    staging.write("batches.csv", |w| write::track::batches(t, w))?;
    staging.write("not-in-plan.csv", |w| write::track::not_in_plan(t, w))?;
    staging.write("actions/retry.csv", |w| write::track::retry(t, w))?;
    staging.write("actions/skipped-items.csv", |w| {
        write::track::skipped_items(t, w)
    })?;
    staging.write("actions/remove-users.csv", |w| {
        write::track::remove_users(t, w)
    })?;
    staging.write("actions/licence.csv", |w| write::track::licence(t, w))?;
    for (name, template) in write::ps1::TRACK_SCRIPTS {
        staging.write(&format!("scripts/{name}"), |w| {
            write::ps1::track_script(template, w)
        })?;
    }
    staging.write("track.json", |w| {
        // The files it sits among are listed in manifest.json.
        serde_json::to_writer_pretty(&mut *w, &write::track::summary_json(t, None))?;
        w.write_all(b"\n")
    })?;
    Ok(())
}
