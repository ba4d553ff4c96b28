//! Which case runs when: in suite order, up to the suite's `parallel` at
//! once (1 by default: cases that share a database stay sequential unless
//! the author says otherwise).
//!
//! One lane keeps today's path untouched: every case runs on the producer's
//! own task and the run holds one connection per target from case to case
//! (see `run_connections`). With more lanes each case runs on a task of its
//! own, so two cases use both cores and not just overlap their waits, and
//! each takes its own connection per target from the run's pool (sized to
//! the lanes) and gives it back when it ends. A `:memory:` SQLite target is
//! one connection by nature: parallel cases take turns on it.
//!
//! `--fail-fast` and a cancel are looked at each time a case is about to
//! start; cases already under way finish (with their cleanup).

use super::case_run::CaseRun;
use super::db_pool::{DbConn, DbPool};
use super::messages::Lang;
use super::outcome::CaseReport;
use super::plan::Plan;
use super::run_connections::RunConnections;
use super::run_error::CaseReason;
use super::Cancel;
use crate::logging::Logger;
use crate::model::{CaseCounts, CaseOutcome};
use crate::suite::Case;
use futures::future::BoxFuture;
use futures::stream::{FuturesUnordered, StreamExt};
use futures::FutureExt;
use std::collections::BTreeMap;
use std::sync::Arc;

/// What every case of a run shares, owned so a case can run on a task of its own.
pub struct RunShared {
    pub plan: Plan,
    pub pools: BTreeMap<String, DbPool>,
    /// Targets that failed preflight, with why.
    pub down: BTreeMap<String, String>,
    pub http: Result<reqwest::Client, String>,
    pub lang: Lang,
    pub cancel: Cancel,
    pub logger: Logger,
}

impl RunShared {
    fn case_run<'a>(&'a self, conns: &'a RunConnections<'a>, case: &str) -> CaseRun<'a> {
        CaseRun { log: self.logger.for_case(case), ..self.suite_run(conns) }
    }

    /// What the suite's own setup and teardown run with: lines of no case.
    pub fn suite_run<'a>(&'a self, conns: &'a RunConnections<'a>) -> CaseRun<'a> {
        CaseRun {
            plan: &self.plan,
            conns,
            down: &self.down,
            http: &self.http,
            lang: self.lang,
            log: self.logger.clone(),
            cancel: &self.cancel,
        }
    }
}

/// A case to run, or why it is not run.
pub type Skip<'c> = dyn Fn(&Case, bool) -> Option<CaseReason> + Send + Sync + 'c;

/// Runs `cases` up to `lanes` at a time. `skip(case, stop)` says whether a
/// case is left out (`stop`: an earlier case did not pass under
/// `--fail-fast`); `done` hears the counts so far each time a case ends.
/// The reports come back in the cases' order, with the connections the run
/// still holds (for the suite's teardown).
pub async fn run_cases(
    shared: Arc<RunShared>,
    first: BTreeMap<String, DbConn>,
    cases: &[&Case],
    lanes: usize,
    fail_fast: bool,
    skip: &Skip<'_>,
    done: &(dyn Fn(CaseCounts) + Send + Sync),
) -> (Vec<CaseReport>, BTreeMap<String, DbConn>) {
    let run_id = shared.logger.run();
    // One lane holds preflight's connections for the run; many give them back
    // now (held to the end of this function they would starve a lane, and a
    // `:memory:` target's only connection would never come free).
    let first = if lanes == 1 {
        first
    } else {
        drop(first);
        BTreeMap::new()
    };
    let held = RunConnections::new(&shared.pools, first);
    let mut running: FuturesUnordered<BoxFuture<'_, (usize, CaseReport)>> = FuturesUnordered::new();
    let mut reports: Vec<(usize, CaseReport)> = Vec::with_capacity(cases.len());
    let mut stop = false;
    let finished = |(i, r): (usize, CaseReport), reports: &mut Vec<(usize, CaseReport)>, stop: &mut bool| {
        *stop |= fail_fast && r.outcome != CaseOutcome::Passed;
        reports.push((i, r));
        done(CaseCounts::of(reports.iter().map(|(_, r)| r.tally())));
    };
    for (i, case) in cases.iter().enumerate() {
        while running.len() >= lanes.max(1) {
            if let Some(r) = running.next().await {
                finished(r, &mut reports, &mut stop);
            }
        }
        if let Some(why) = skip(case, stop) {
            shared.logger.for_case(&case.name).debug(format!("skipped: {why}")).await;
            reports.push((i, CaseReport::not_run(&case.name, why)));
            continue;
        }
        let run: BoxFuture<'_, CaseReport> = if lanes == 1 {
            let (shared, held) = (&shared, &held);
            async move { shared.case_run(held, &case.name).run(case, run_id).await }.boxed()
        } else {
            let (shared, case, name) = (shared.clone(), (*case).clone(), case.name.clone());
            let task = AbortOnDrop(tokio::spawn(async move {
                let conns = RunConnections::new(&shared.pools, BTreeMap::new());
                shared.case_run(&conns, &case.name).run(&case, run_id).await
            }));
            async move { task.await.unwrap_or_else(|e| CaseReport::not_run(&name, CaseReason::Crashed(e.to_string()))) }
                .boxed()
        };
        running.push(run.map(move |r| (i, r)).boxed());
    }
    while let Some(r) = running.next().await {
        finished(r, &mut reports, &mut stop);
    }
    drop(running);
    reports.sort_by_key(|(i, _)| *i);
    (reports.into_iter().map(|(_, r)| r).collect(), held.into_held())
}

/// A case's task is aborted if the run that started it is dropped (the
/// server shutting down), instead of running on unobserved.
struct AbortOnDrop(tokio::task::JoinHandle<CaseReport>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl std::future::Future for AbortOnDrop {
    type Output = Result<CaseReport, tokio::task::JoinError>;
    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Self::Output> {
        self.0.poll_unpin(cx)
    }
}
