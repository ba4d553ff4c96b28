//! One case: setup steps in order (the first failure ends the case as
//! `error`), then its steps (a failure stops the rest unless the step says
//! `on_fail = "continue"`), all under the case's timeout; then cleanup, which
//! always runs: the undo of each setup step that succeeded, newest first,
//! then every teardown step, each independent of the others.

use super::messages::{Lang, Msg, StepLog};
use super::outcome::CaseReport;
use super::plan::Plan;
use super::run_connections::{RunConnections, TakeError};
use super::run_error::{CaseReason, StepError, StepErrorKind, TargetTrouble};
use super::sql_step::{self, StepResult};
use super::Cancel;
use crate::logging::Logger;
use crate::model::{long_line, CaseEnd, CaseOutcome, Level, Phase, StepResult as StepTime};
use crate::suite::step::{OnFail, SetupStep, Step, StepKind};
use crate::suite::vars::Vars;
use crate::suite::Case;
use std::collections::BTreeMap;
use std::time::Instant;

/// What one case needs while it runs.
pub struct CaseRun<'a> {
    pub plan: &'a Plan,
    pub conns: &'a RunConnections<'a>,
    /// Targets that failed preflight, with why.
    pub down: &'a BTreeMap<String, String>,
    pub http: &'a Result<reqwest::Client, String>,
    pub lang: Lang,
    pub log: Logger,
    pub cancel: &'a Cancel,
}

/// Whether a failed attempt is worth another. A variable that was never
/// captured will not be on the next attempt either. With `until`, the step
/// is waited for: tried again while `until` does not hold or the step could
/// not run at all (connection refused, timeout); an `expect` that fails
/// once `until` holds is the answer. Without `until`, any failure is retried.
fn worth_retrying(e: &StepError, step: &Step) -> bool {
    let has_until = match &step.kind {
        StepKind::Sql(s) => s.until.is_some(),
        StepKind::Http(h) => h.until.is_some(),
    };
    match e.kind {
        StepErrorKind::Unresolved { .. } => false,
        StepErrorKind::NotYet(_) => true,
        _ => !has_until || !e.is_failure(),
    }
}

/// Why setup steps stopped before their end.
pub(super) enum SetupStop {
    Cancelled(CaseReason),
    /// Step `n` did not succeed (already logged, on `log`).
    Failed {
        n: u32,
        error: StepError,
        log: Logger,
    },
}

/// What a case's steps leave behind for its report: each step's time, and
/// the values they captured (masked).
#[derive(Default)]
pub(super) struct Record {
    steps: Vec<StepTime>,
    captures: BTreeMap<String, String>,
}

impl CaseRun<'_> {
    pub async fn run(&self, case: &Case, run_id: u64) -> CaseReport {
        let started = Instant::now();
        let name = case.name.clone();
        self.log.info(Msg::CaseStart { case: &name }.render(self.lang)).await;
        let mut vars = self.plan.run_vars(run_id);
        vars.set("case.name", name.clone(), false);
        for (k, v) in &case.data {
            vars.set(k, v, false);
        }
        vars.expand();

        let mut undo: Vec<(u32, &Step)> = Vec::new();
        let mut rec = Record::default();
        let reason = if let Some((target, why)) = self.unavailable_target(case) {
            self.log.error(Msg::CaseSkippedPreflight { target }.render(self.lang)).await;
            Some(CaseReason::TargetDown { target: target.to_string(), why: why.to_string() })
        } else {
            let main = self.run_main(case, &mut vars, &mut undo, &mut rec);
            let result = match &case.timeout {
                Some(t) => tokio::time::timeout(t.duration, main)
                    .await
                    .unwrap_or_else(|_| Err(CaseReason::TimedOut { span: t.span.clone(), after: t.text.clone() })),
                None => main.await,
            };
            if let Err(why @ CaseReason::TimedOut { .. }) = &result {
                self.log.error(why.to_string()).await;
            }
            result.err()
        };
        let outcome = reason.as_ref().map_or(CaseOutcome::Passed, CaseReason::outcome);

        let cleanup_errors = self.cleanup(&undo, &case.teardown, &mut vars, &mut rec).await;
        let ms = started.elapsed().as_millis();
        let text = Msg::CaseEnd { case: &name, outcome, ms }.render(self.lang);
        let level = if outcome.is_quiet() { Level::Info } else { Level::Error };
        let end = CaseEnd { outcome, ms: ms as u64, cleanup_ok: cleanup_errors.is_empty(), lang: Some(self.lang) };
        self.log.case_end(level, text, end).await;
        CaseReport {
            name,
            outcome,
            // Reports leave the run (JUnit, replies): mask secrets here as the logger does for lines.
            reason: reason.map(|r| r.redacted(&self.plan.redactor)),
            cleanup_ok: cleanup_errors.is_empty(),
            cleanup_errors,
            duration_ms: ms,
            steps: rec.steps,
            captures: rec.captures,
        }
    }

    /// Cleanup: the undo of each setup step that succeeded (`undo`, in setup
    /// order), newest first, then every teardown step. Every step runs; the
    /// ones that failed come back (masked: they leave the run).
    pub(super) async fn cleanup(
        &self,
        undo: &[(u32, &Step)],
        teardown: &[Step],
        vars: &mut Vars,
        rec: &mut Record,
    ) -> Vec<StepError> {
        let mut failed = Vec::new();
        let undo = undo.iter().rev().map(|(n, s)| (Phase::Undo, *n, *s));
        let teardown = teardown.iter().enumerate().map(|(i, s)| (Phase::Teardown, i as u32 + 1, s));
        for (phase, n, step) in undo.chain(teardown) {
            let log = self.log.for_step(phase, Some(n));
            if let Err(e) = self.step(step, vars, &log, (phase, n), rec).await {
                log.error(format!("cleanup failed: {e}")).await;
                failed.push(e.redacted(&self.plan.redactor));
            }
        }
        failed
    }

    /// Setup steps in order (a case's or the suite's), the undo of each
    /// noted once its step succeeded. The first that does not succeed is
    /// logged and stops them, as does a cancel.
    pub(super) async fn setup<'s>(
        &self,
        steps: &'s [SetupStep],
        vars: &mut Vars,
        undo: &mut Vec<(u32, &'s Step)>,
        rec: &mut Record,
    ) -> Result<(), SetupStop> {
        for (i, setup) in steps.iter().enumerate() {
            let n = i as u32 + 1;
            let log = self.log.for_step(Phase::Setup, Some(n));
            self.go_on(&log).await.map_err(SetupStop::Cancelled)?;
            if let Err(error) = self.step(&setup.step, vars, &log, (Phase::Setup, n), rec).await {
                log.error(error.to_string()).await;
                return Err(SetupStop::Failed { n, error, log });
            }
            if let Some(u) = &setup.undo {
                undo.push((n, u));
            }
        }
        Ok(())
    }

    /// Setup then steps. The first failed setup step ends the case as `error`.
    async fn run_main<'s>(
        &self,
        case: &'s Case,
        vars: &mut Vars,
        undo: &mut Vec<(u32, &'s Step)>,
        rec: &mut Record,
    ) -> Result<(), CaseReason> {
        match self.setup(&case.setup, vars, undo, rec).await {
            Ok(()) => {}
            Err(SetupStop::Cancelled(why)) => return Err(why),
            Err(SetupStop::Failed { n, error, log }) => {
                log.error(Msg::SetupFailed.render(self.lang)).await;
                self.skipped(&log, case.setup.len() - n as usize + case.steps.len()).await;
                return Err(CaseReason::Step { phase: Phase::Setup, n, error });
            }
        }
        let mut result = Ok(());
        for (i, step) in case.steps.iter().enumerate() {
            let n = i as u32 + 1;
            let log = self.log.for_step(Phase::Step, Some(n));
            if let Err(cancelled) = self.go_on(&log).await {
                return result.and(Err(cancelled));
            }
            if let Err(error) = self.step(step, vars, &log, (Phase::Step, n), rec).await {
                log.error(error.to_string()).await;
                let failure = CaseReason::Step { phase: Phase::Step, n, error };
                result = Err(match result {
                    Ok(()) => failure,
                    Err(earlier) => CaseReason::worse(earlier, failure),
                });
                if step.on_fail == OnFail::Stop {
                    self.skipped(&log, case.steps.len() - n as usize).await;
                    return result;
                }
            }
        }
        result
    }

    /// `Err` once the run is cancelled: no step starts after that (cleanup
    /// still runs), and the log says so once, where it stopped.
    pub(super) async fn go_on(&self, log: &Logger) -> Result<(), CaseReason> {
        if !self.cancel.is_cancelled() {
            return Ok(());
        }
        log.warning(Msg::CancelledHere.render(self.lang)).await;
        Err(CaseReason::Cancelled)
    }

    async fn skipped(&self, log: &Logger, count: usize) {
        if count > 0 {
            log.warning(Msg::StepsSkipped { count }.render(self.lang)).await;
        }
    }

    /// Runs one step of any kind and adds its captures to `vars`. In cleanup,
    /// a step whose variable was never captured is skipped with a warning.
    pub(super) async fn step(
        &self,
        step: &Step,
        vars: &mut Vars,
        log: &Logger,
        (phase, n): (Phase, u32),
        rec: &mut Record,
    ) -> Result<(), StepError> {
        let out = StepLog { log, phase, lang: self.lang };
        let started = Instant::now();
        // Attempt after attempt while the step asks for retries: each one
        // logged, the pause growing by its backoff; the case's timeout and
        // a cancel end the waiting.
        let tries = step.retry.as_ref().map_or(1, |r| r.times + 1);
        let mut failed_attempts = Vec::new();
        let mut attempt = 1;
        let captures: StepResult = loop {
            let result = self.attempt(step, vars, &out).await;
            let (e, retry) = match (&result, &step.retry) {
                (Err(e), Some(r)) if attempt < tries && worth_retrying(e, step) && !self.cancel.is_cancelled() => {
                    (e, r)
                }
                _ => break result,
            };
            let pause = retry.pause(attempt);
            let why = e.clone().redacted(&self.plan.redactor).to_string();
            let msg = Msg::AttemptFailed { n: attempt, of: tries, why: &why, pause_ms: pause.as_millis() };
            log.warning(msg.render(self.lang)).await;
            failed_attempts.push(format!("attempt {attempt}/{tries}: {}", long_line::shortened(&why)));
            tokio::time::sleep(pause).await;
            attempt += 1;
        };
        if captures.is_ok() && attempt > 1 {
            log.warning(Msg::Flaky { n: attempt, of: tries }.render(self.lang)).await;
        }
        let label = self.plan.redactor.redact(step.label());
        let ok = captures.is_ok();
        let ms = started.elapsed().as_millis() as u64;
        rec.steps.push(StepTime { phase, n, label, ms, ok, attempts: attempt, failed_attempts });
        match captures {
            Ok(caps) => {
                for (k, v) in caps {
                    rec.captures.insert(k.clone(), self.plan.redactor.redact(v.clone()));
                    vars.set(k, v, false);
                }
                Ok(())
            }
            Err(StepError { kind: StepErrorKind::Unresolved { name }, .. })
                if matches!(phase, Phase::Undo | Phase::Teardown) =>
            {
                log.warning(format!("skipped `{}`: variable `{name}` was never captured", step.label())).await;
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// One attempt at a step: take a connection (SQL) or the client (HTTP), run it.
    async fn attempt(&self, step: &Step, vars: &Vars, out: &StepLog<'_>) -> StepResult {
        match &step.kind {
            StepKind::Sql(sql) => match self.conns.take(&sql.target).await {
                Ok(mut conn) => {
                    let run = sql_step::run_sql(sql, &step.span, &mut conn, vars, out);
                    let result = tokio::time::timeout(sql.timeout, run).await.unwrap_or_else(|_| {
                        Err(StepError::new(&step.span, StepErrorKind::Timeout { after: sql.timeout }))
                    });
                    // A connection cut under its statement, or left in the
                    // middle of one, is not used again: the next step (an
                    // undo, the next case) takes a fresh one from the pool.
                    match &result {
                        Err(StepError {
                            kind: StepErrorKind::Connection(_) | StepErrorKind::Timeout { .. }, ..
                        }) => conn.discard(),
                        _ => self.conns.put_back(&sql.target, conn),
                    }
                    result
                }
                Err(e) => {
                    let why = match e {
                        TakeError::Unavailable => TargetTrouble::Unavailable,
                        TakeError::Acquire(e) => TargetTrouble::NoConnection(sql_step::driver_message(&e)),
                    };
                    Err(StepError::new(&step.span, StepErrorKind::Target { target: sql.target.clone(), why }))
                }
            },
            StepKind::Http(http) => match self.http {
                Ok(client) => super::http_step::run_http(http, &step.span, client, vars, out).await,
                Err(why) => Err(StepError::new(&step.span, StepErrorKind::Http(why.clone()))),
            },
        }
    }

    /// The first target this case needs that failed preflight.
    fn unavailable_target<'c>(&'c self, case: &'c Case) -> Option<(&'c str, &'c str)> {
        case.all_steps().filter_map(|s| s.target()).find_map(|t| self.down.get(t).map(|why| (t, why.as_str())))
    }
}
