//! `xtenant plan`: the pipeline from the two tenants' exports to the plan folder: read, join,
//! rules, stamp, waves, write (the CSVs and the workbook side by side).

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use rayon::iter::ParallelExtend;

use crate::Outcome;
use crate::cli::PlanArgs;
use crate::config::{self, Config};
use crate::error::Result;
use crate::progress::{self, Stages};
use crate::report::Report;
use crate::rules::{self, Context, Severity, Status};
use crate::{input, join, postmove, stamp, waves, write};

/// `xtenant plan`: the pipeline, then the summary on stderr and `--json` on stdout.
pub fn run(args: &PlanArgs) -> Result<Outcome> {
    let planned = Config::from_args(args).and_then(|mut config| {
        config.exit_after = true;
        plan(&config).map(|summary| (config, summary))
    });
    let (config, summary) = match planned {
        Ok(done) => done,
        Err(e) => {
            // Automation reading --json gets an answer on a failed run too.
            if args.json {
                let json = serde_json::json!({
                    "xtenant": env!("CARGO_PKG_VERSION"),
                    "ok": false,
                    "error": e.to_string(),
                });
                let mut out = std::io::stdout().lock();
                let _ = serde_json::to_writer_pretty(&mut out, &json);
                let _ = out.write_all(b"\n");
            }
            return Err(e);
        }
    };
    if !config.quiet {
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(summary.text.as_bytes());
    }
    let failed = match (config.fail_on, summary.worst) {
        (Some(limit), Some(worst)) => worst <= limit,
        _ => false,
    };
    if let Some(mut json) = summary.json {
        json["ok"] = serde_json::Value::Bool(true);
        json["fail-on-met"] = serde_json::Value::Bool(failed);
        let mut out = std::io::stdout().lock();
        let _ = serde_json::to_writer_pretty(&mut out, &json);
        let _ = out.write_all(b"\n");
    }
    Ok(Outcome { failed })
}

/// The result of `plan`: what was written and the human summary.
#[derive(Debug, Clone)]
pub struct PlanSummary {
    pub written: Vec<PathBuf>,
    pub ready: usize,
    pub needs_stamping: usize,
    pub blocked: usize,
    pub worst: Option<Severity>,
    /// Wall time of each stage, in pipeline order.
    pub timings: Vec<(&'static str, Duration)>,
    /// The summary for stderr.
    pub text: String,
    /// The run summary for `--json` (stdout).
    pub json: Option<serde_json::Value>,
}

/// The whole `xtenant plan` pipeline.
pub fn plan(config: &Config) -> Result<PlanSummary> {
    let mut stages = Stages::new(progress::Progress::new(config.quiet));
    // Before any work: a run of minutes is not refused at its end.
    let claim = write::Claim::new(
        &config.out,
        &config.inputs.source_mailboxes,
        &config.inputs.target_recipients,
        config.force,
    )?;
    let bytes: u64 = config
        .inputs
        .all()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    stages.start_measured("read", "bytes", bytes);
    let mut inputs = input::load(config)?;
    // What the rows of these files say is attached to the mailboxes, or becomes the permission
    // graph: their rows are freed once used, not kept to the end of the run (3 million
    // permission rows at 1,000,000 mailboxes are hundreds of megabytes).
    if let Some(rows) = inputs.statistics.take() {
        input::statistics::attach(&mut inputs.sources, &rows);
    }
    let grants = waves::Grants::take(&mut inputs);
    let n = inputs.sources.len();
    stages.end(inputs.files.iter().map(|f| f.rows).sum());
    stages.start_measured("join", "mailboxes", 0);
    let joined = join::join(
        &inputs,
        join::JoinOptions {
            name_match: config.name_match,
        },
    );
    stages.end(n);
    stages.start_measured("rules", "mailboxes", n as u64);
    let mut cx = Context::new(&inputs, &joined, config);
    let report = Report::build(&cx);
    stages.end(n);

    stages.start_measured("stamp", "mailboxes", n as u64);
    let stamping = stamp::plan(&cx, &report);
    cx.release_address_space();
    stages.end(n);
    stages.start_measured("plan", "mailboxes", 0);
    let previous = config
        .previous_plan
        .as_deref()
        .map(waves::load_previous)
        .transpose()?;
    let mut wave_plan = waves::plan_waves(
        &cx,
        &report,
        &grants,
        &config.waves,
        previous
            .as_ref()
            .map(|p| &p.0)
            .unwrap_or(&Default::default()),
    );
    // The graph is built: the permission rows are not needed again, and freeing them here
    // lowers the run's peak, which comes as the planner's findings are merged into the report
    // (millions of them on big tenants).
    drop(grants);
    // The links the plan breaks: XT501/XT503 here, the workbook's Permissions sheet later. The
    // planner's findings are warnings and notes, so these statuses are the final ones.
    let broken = waves::broken(&wave_plan.graph, &wave_plan.placement, &report.statuses);
    let mut planned = std::mem::take(&mut wave_plan.findings);
    planned.par_extend(waves::link_findings(&cx, &broken));
    // The setup checks that need the plan: the app's secret against the last cut-over, the
    // batch count against the tenant's limit.
    let last_cutover = wave_plan.waves.iter().filter_map(|w| w.cutover).max();
    planned.extend(rules::xt008_migration_app::check_plan(&cx, last_cutover));
    let batches = wave_plan.waves.iter().map(|w| w.batches.len());
    planned.extend(rules::xt010_batches_over_limit::check_plan(
        &cx,
        batches.clone().sum(),
        batches.max().unwrap_or(0),
    ));
    let mut report = report;
    report.extend(&cx, planned);
    let addresses = waves::target_addresses(&cx);
    let grants = postmove::grants(&cx, &wave_plan.graph, &wave_plan);
    let plan_file = waves::plan_file(&cx, &wave_plan, &addresses, &report, &config.waves);
    let moves = previous.as_ref().map(|(_, before)| {
        let blocked = (0..inputs.sources.len())
            .filter(|&i| report.statuses[i] == Status::Blocked)
            .map(|i| waves::mailbox_key(&cx, i))
            .collect();
        waves::moves(before, &plan_file, &blocked)
    });
    stages.end(n);

    // What only the rules and the planner needed is freed for the writers to reuse (a lower
    // peak): the context's indexes and planned addresses.
    let setup_facts = cx.setup_facts();
    let domains = cx.into_domains();
    stages.start_measured("write", "mailboxes", n as u64);
    let recovered = claim.recovered.clone();
    let mut staging = write::Staging::plan(claim, config.inputs.all())?;
    let contacts = write::ContactIndex::new(&stamping.contacts);
    let files = Files {
        report: &report,
        contacts: &contacts,
        stamping: &stamping,
        plan: &wave_plan,
        plan_file: &plan_file,
        addresses: &addresses,
        grants: &grants,
        domains: &domains,
        moves: moves.as_deref(),
        delivery: domains.delivery.as_deref(),
        settings: &config.waves,
        setup_facts: &setup_facts,
    };
    let data = write::xlsx::Data {
        report: &report,
        plan: &wave_plan,
        broken: &broken,
        domains: &domains,
        settings: &config.waves,
        sheet_rows: config.sheet_rows,
        contacts: &contacts,
    };
    // The workbook is written while the CSVs are: two cores, two jobs.
    let mut xlsx_slot = staging.slot("readiness.xlsx")?;
    let (csv, (xlsx, filled)) = rayon::join(
        || {
            let start = Instant::now();
            files.write(&mut staging).map(|()| start.elapsed())
        },
        || {
            let start = Instant::now();
            let filled = write::xlsx::write(&data, &mut xlsx_slot.writer);
            (start.elapsed(), filled)
        },
    );
    let csv = csv?;
    xlsx_slot.finish(filled)?;
    let written = staging.commit()?;
    // The two ran side by side inside `write`, whose wall time is what the total counts.
    stages.timings.push(("csv", csv));
    stages.timings.push(("xlsx", xlsx));
    stages.end(n);
    let timings = stages.timings;

    let mut text = Vec::new();
    let _ = write::console::recovered(&recovered, &mut text);
    let _ = write::console::summary(&report, &mut text);
    let _ = write::console::plan(&wave_plan, report.count(Status::Blocked), &mut text);
    let _ = write::console::written(&config.out, &written, &mut text);
    let mut onprem: Vec<&str> = stamping
        .onprem
        .iter()
        .map(|r| r.identity.as_str())
        .collect();
    onprem.dedup();
    // The MailUsers Apply-Stamping.ps1 touches (mailusers.csv's and x500.csv's targets):
    // hashed, not sorted, as they are a million rows at 1,000,000 users.
    let stamped: std::collections::HashSet<&str> = stamping
        .mailusers
        .iter()
        .map(|r| r.identity.as_str())
        .chain(stamping.proxies.iter().map(|r| r.identity.as_str()))
        .collect();
    let work = write::console::Work {
        onprem_users: onprem.len(),
        mailusers: stamped.len(),
        contacts: stamping
            .contacts
            .iter()
            .filter(|c| c.action == stamp::ContactAction::Remove)
            .count(),
        first_wave: wave_plan
            .waves
            .iter()
            .find(|w| !w.batches.is_empty())
            .map(|w| w.name.as_str()),
    };
    let _ = write::console::next_steps(&report, &work, &mut text);
    if config.timings {
        let _ = write::console::timings(&timings, &mut text);
    }
    let json = config
        .json
        .then(|| write::json::summary(&report, &wave_plan, &written, &timings));
    let summary = PlanSummary {
        written,
        ready: report.count(Status::Ready),
        needs_stamping: report.count(Status::NeedsStamping),
        blocked: report.count(Status::Blocked),
        worst: report.worst(),
        timings,
        text: String::from_utf8_lossy(&text).into_owned(),
        json,
    };
    if config.exit_after {
        // The process ends as soon as this returns: freeing tens of millions of small
        // allocations one by one took 12 s at 1,000,000 users; the OS takes the memory back
        // at once. Borrowers first, then what they borrow.
        std::mem::forget(broken);
        std::mem::forget(report);
        std::mem::forget(moves);
        std::mem::forget(plan_file);
        std::mem::forget(stamping);
        std::mem::forget(grants);
        std::mem::forget(wave_plan);
        std::mem::forget(addresses);
        std::mem::forget(joined);
        std::mem::forget(inputs);
    }
    Ok(summary)
}

/// Every output file but the workbook, from what the pipeline computed.
struct Files<'a> {
    contacts: &'a write::ContactIndex<'a>,
    report: &'a Report<'a>,
    stamping: &'a stamp::Stamping,
    plan: &'a waves::Plan,
    plan_file: &'a write::batches::PlanFile<'a>,
    addresses: &'a [String],
    grants: &'a [postmove::Grant],
    domains: &'a rules::Domains,
    moves: Option<&'a [write::batches::Move]>,
    delivery: Option<&'a str>,
    settings: &'a config::WaveSettings,
    setup_facts: &'a rules::SetupFacts,
}

impl Files<'_> {
    fn write(&self, staging: &mut write::Staging) -> Result<()> {
        let (report, stamping, wave_plan) = (self.report, self.stamping, self.plan);
        staging.write("readiness.csv", |w| {
            write::csv::readiness(report, self.contacts, w)
        })?;
        staging.write("findings.csv", |w| write::csv::findings(report, w))?;
        staging.write("stamping/mailusers.csv", |w| {
            write::csv::mailusers(report, stamping, w)
        })?;
        staging.write("stamping/x500.csv", |w| {
            write::csv::x500(report, stamping, w)
        })?;
        staging.write("stamping/contacts.csv", |w| {
            write::csv::contacts(report, stamping, w)
        })?;
        staging.write("stamping/group-members.csv", |w| {
            write::csv::group_members(report, stamping, w)
        })?;
        staging.write("stamping/references.csv", |w| {
            write::csv::references(report, stamping, w)
        })?;
        staging.write("stamping/onprem-ad.csv", |w| {
            write::csv::onprem_ad(report, stamping, w)
        })?;
        staging.write("stamping/permissions.csv", |w| {
            write::csv::permissions(report, wave_plan, self.grants, self.addresses, w)
        })?;
        staging.write("stamping/routing.csv", |w| {
            write::csv::routing(report, wave_plan, self.domains, self.addresses, w)
        })?;
        let scripts = write::ps1::ScriptData {
            stamping,
            grants: self.grants,
            onprem_targets: postmove::onprem_targets(report.inputs, report.joined, wave_plan),
            delivery_domain: self.delivery,
            org_blockers: (report.org_blockers(), report.org_blocker_codes()),
            max_batches: rules::xt010_batches_over_limit::max_batches(report.inputs),
            setup: self.setup_facts,
        };
        for (name, _) in write::ps1::SCRIPTS {
            staging.write(&format!("scripts/{name}"), |w| {
                write::ps1::script(name, &scripts, w)
            })?;
        }
        for wave in &wave_plan.waves {
            for b in &wave.batches {
                let list: Vec<&str> = b
                    .members
                    .iter()
                    .map(|&m| self.addresses[m].as_str())
                    .collect();
                staging.write(&format!("batches/{}/{}.csv", wave.name, b.name), |w| {
                    write::batches::batch_csv(&list, w)
                })?;
            }
        }
        staging.write("batches/batches.csv", |w| {
            write::batches::batch_list(wave_plan, self.settings, w)
        })?;
        staging.write("batches/held-back.csv", |w| {
            write::batches::held_back(report, w)
        })?;
        staging.write("batches/permissions-unresolved.csv", |w| {
            write::batches::unresolved(wave_plan, w)
        })?;
        staging.write("plan.json", |w| {
            write::batches::plan_json(self.plan_file, w)
        })?;
        if let Some(moves) = self.moves {
            staging.write("replan.csv", |w| write::batches::replan(moves, w))?;
        }
        Ok(())
    }
}
