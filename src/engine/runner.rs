//! The smoke producer: the seed's `runSmoke`, with its flaws fixed. A failed
//! setup statement stops its case (the seed went on with the next statement),
//! cleanup always runs, every step is logged through the async queue, and SQL
//! runs on async drivers so the web server never waits for the database.
//!
//! This file runs a suite (preflight, the cases, the summary);
//! `case_lanes.rs` decides which case runs when, `case_run.rs` runs one.

use super::case_lanes::{run_cases, RunShared};
use super::db_pool::{DbConn, DbPool};
use super::messages::{Lang, Msg};
use super::outcome::RunReport;
use super::run_connections::RunConnections;
use super::run_error::CaseReason;
use super::sql_step;
use crate::logging::Logger;
use crate::model::{CaseCounts, Phase};
use crate::suite::{Case, LoadedSuite, Step};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Instant;

pub use super::plan::{prepare, Plan, RunOptions};

/// Called after each case with the counts so far.
pub type Progress<'a> = dyn Fn(CaseCounts) + Send + Sync + 'a;

/// Runs the suite and logs every step; returns each case's outcome.
pub async fn run_suite(
    s: &LoadedSuite,
    plan: &Plan,
    log: &Logger,
    opts: &RunOptions,
    progress: &Progress<'_>,
) -> RunReport {
    announce(s, log, opts).await;
    run_announced(s, plan, log, opts, progress).await
}

/// Logs a run's first line ("suite … started: N cases"). Split from
/// [`run_announced`] so the server can make that line readable before it
/// answers `POST /api/run`: a client that reads the log at once never sees an
/// empty page.
pub async fn announce(suite: &LoadedSuite, logger: &Logger, opts: &RunOptions) {
    let cases = in_run(suite, opts).filter(|c| selected_by_tags(c, &opts.tags)).count();
    logger.info(Msg::SuiteStart { suite: &suite.name(), cases }.render(opts.lang)).await;
}

/// [`run_suite`] after [`announce`].
pub async fn run_announced(
    suite: &LoadedSuite,
    plan: &Plan,
    logger: &Logger,
    opts: &RunOptions,
    progress: &Progress<'_>,
) -> RunReport {
    let started = Instant::now();
    let lang = opts.lang;
    let selected: Vec<&Case> = in_run(suite, opts).filter(|c| selected_by_tags(c, &opts.tags)).collect();

    let lanes = suite.suite.parallel as usize;
    let hooks: Vec<&Step> = suite.suite.hook_steps().collect();
    let Preflight { pools, first, down } = preflight(plan, &selected, &hooks, logger, lang, lanes).await;
    // Only a broken TLS setup fails to build a client; then each HTTP step says so.
    let http = reqwest::Client::builder()
        .user_agent(concat!("livesmoke/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"));
    let mut shared =
        RunShared { plan: plan.clone(), pools, down, http, lang, cancel: opts.cancel.clone(), logger: logger.clone() };
    // The suite's own setup, on the connections the cases then hold on to;
    // its captures are every case's variables.
    let mut vars = shared.plan.run_vars(logger.run());
    vars.expand();
    let conns = RunConnections::new(&shared.pools, first);
    let setup = shared.suite_run(&conns).suite_setup(&suite.suite.setup, &mut vars).await;
    let first = conns.into_held();
    if !suite.suite.setup.is_empty() {
        shared.plan.vars = vars;
    }
    let shared = Arc::new(shared);
    let cases: Vec<&Case> = in_run(suite, opts).collect();
    let total = cases.len() as u32;
    let skip = |case: &Case, stop: bool| match (selected_by_tags(case, &opts.tags), stop, opts.cancel.is_cancelled()) {
        (false, _, _) => Some(CaseReason::NotSelected),
        (true, _, true) => Some(CaseReason::Cancelled),
        (true, _, false) if setup.failed.is_some() => setup.failed.clone(),
        (true, true, false) => Some(CaseReason::FailFast),
        (true, false, false) => None,
    };
    let done = |c: CaseCounts| progress(CaseCounts { total, ..c });
    let (reports, held) = run_cases(shared.clone(), first, &cases, lanes, opts.fail_fast, &skip, &done).await;
    let conns = RunConnections::new(&shared.pools, held);
    let cleanup_errors = if setup.undo.is_empty() && suite.suite.teardown.is_empty() {
        Vec::new()
    } else {
        let mut vars = shared.plan.run_vars(logger.run());
        vars.expand();
        shared.suite_run(&conns).suite_teardown(&setup.undo, &suite.suite.teardown, &mut vars).await
    };
    // Given back before the pools close: a pool waits for its connections.
    drop(conns);
    let mut report = RunReport { suite: suite.name(), cases: reports, cleanup_errors, ..Default::default() };
    for pool in shared.pools.values() {
        pool.close().await;
    }
    report.duration_ms = started.elapsed().as_millis();
    report.cancelled = opts.cancel.is_cancelled();
    if report.cancelled {
        logger.warning(Msg::RunCancelled.render(lang)).await;
    }
    let c = report.counts();
    let summary = Msg::RunSummary {
        passed: c.passed,
        failed: c.failed,
        error: c.error,
        skipped: c.skipped,
        secs: started.elapsed().as_secs_f64(),
    }
    .render(lang);
    if c.failed + c.error > 0 {
        logger.error(summary).await;
    } else {
        logger.info(summary).await;
    }
    report
}

/// The cases this run is about: all of them, or those a re-run asks for.
pub fn in_run<'s>(suite: &'s LoadedSuite, opts: &'s RunOptions) -> impl Iterator<Item = &'s Case> {
    suite.suite.cases.iter().filter(|c| opts.only_cases.as_ref().is_none_or(|only| only.contains(&c.name)))
}

fn selected_by_tags(case: &Case, tags: &[String]) -> bool {
    tags.is_empty() || case.tags.iter().any(|t| tags.contains(t))
}

/// What preflight found, per database target.
struct Preflight {
    /// The targets that answered.
    pools: BTreeMap<String, DbPool>,
    /// The connection each of those answered on: the run's first.
    first: BTreeMap<String, DbConn>,
    /// The targets that did not, with why.
    down: BTreeMap<String, String>,
}

/// One connection and a trivial query per target the selected cases and the
/// suite's own setup and teardown use; each target's pool has a connection
/// for each of the run's `lanes`.
async fn preflight(
    plan: &Plan,
    cases: &[&Case],
    hooks: &[&Step],
    logger: &Logger,
    lang: Lang,
    lanes: usize,
) -> Preflight {
    let steps = cases.iter().flat_map(|c| c.all_steps()).chain(hooks.iter().copied());
    let used: BTreeSet<&str> = steps.filter_map(|s| s.target()).collect();
    let log = logger.for_step(Phase::Preflight, None);
    let mut pools = BTreeMap::new();
    let mut first = BTreeMap::new();
    let mut down = BTreeMap::new();
    for name in used {
        let Some(target) = plan.targets.get(name) else {
            continue;
        };
        log.debug(Msg::Preflight { target: name, display: &target.display() }.render(lang)).await;
        let result = match DbPool::connect(target, lanes as u32).await {
            Ok(pool) => pool.preflight().await.map(|conn| (pool, conn)),
            Err(e) => Err(e),
        };
        match result {
            Ok((pool, conn)) => {
                first.insert(name.to_string(), conn);
                pools.insert(name.to_string(), pool);
            }
            Err(e) => {
                let reason = sql_step::driver_message(&e);
                log.error(Msg::PreflightFailed { target: name, reason: &reason }.render(lang)).await;
                down.insert(name.to_string(), reason);
            }
        }
    }
    Preflight { pools, first, down }
}
