//! The smoke producer: the seed's `runSmoke`, with its flaws fixed. A failed
//! setup statement stops its case (the seed went on with the next statement),
//! cleanup always runs, every step is logged through the async queue, and SQL
//! runs on async drivers so the web server never waits for the database.

use super::db_pool::{DbConn, DbPool};
use super::messages::{Lang, Msg};
use super::outcome::{CaseOutcome, CaseReport, RunReport};
use super::run_connections::{RunConnections, TakeError};
use super::sql_step::{self, Captures, StepError};
use crate::logging::{Logger, Redactor};
use crate::model::{CaseCounts, CaseEnd, Level, Phase};
use crate::suite::loader::parse_duration;
use crate::suite::model::{Case, Step};
use crate::suite::targets::{self, ResolvedTarget};
use crate::suite::vars::{scalar_text, SecretSource, Vars};
use crate::suite::{LoadedSuite, SuiteErrors};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Instant;
use toml::Spanned;

/// How to run a suite (the CLI flags and the page's choices).
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    pub env: Option<String>,
    pub lang: Lang,
    pub fail_fast: bool,
    /// Run only cases with one of these tags (all cases when empty).
    pub tags: Vec<String>,
    /// `--var k=v`, highest precedence.
    pub vars: Vec<(String, String)>,
}

/// Everything resolved before the first line is logged: targets for the
/// chosen env, variables by precedence, and the secrets to mask.
#[derive(Debug, Clone)]
pub struct Plan {
    pub targets: BTreeMap<String, ResolvedTarget>,
    pub vars: Vars,
    pub redactor: Redactor,
}

/// Resolves targets and variables; any problem is a suite error (exit 2).
pub fn prepare(suite: &LoadedSuite, opts: &RunOptions, data_dir: &Path) -> Result<Plan, SuiteErrors> {
    let mut errors = SuiteErrors::default();
    let targets = targets::resolve(suite, opts.env.as_deref(), data_dir).unwrap_or_else(|e| {
        errors.0.extend(e.0);
        BTreeMap::new()
    });
    let mut vars = Vars::default();
    let env_vars = opts.env.as_deref().and_then(|e| suite.suite.env.get(e)).map(|e| &e.vars);
    for table in [Some(&suite.suite.vars), env_vars].into_iter().flatten() {
        for (name, value) in table {
            match var_value(suite, value) {
                Ok((text, secret)) => vars.set(name, text, secret),
                Err(e) => errors.push(suite.error_at(value.span().start, format!("variable `{name}`: {e}"))),
            }
        }
    }
    for (k, v) in &opts.vars {
        let secret = vars.get(k).is_some_and(|old| old.secret);
        vars.set(k, v, secret);
    }
    let mut secrets: Vec<String> = vars.secrets().map(str::to_string).collect();
    secrets.extend(targets.values().filter_map(|t| t.password.clone()));
    errors.into_result(Plan { targets, vars, redactor: Redactor::new(secrets) })
}

fn var_value(suite: &LoadedSuite, value: &Spanned<toml::Value>) -> Result<(String, bool), String> {
    match SecretSource::from_table(value.get_ref()) {
        Some(Ok((source, secret))) => source.read(suite.dir()).map(|v| (v, secret)).map_err(|e| e.to_string()),
        Some(Err(e)) => Err(e),
        None => scalar_text(value.get_ref()).map(|t| (t, false)).ok_or_else(|| "not a scalar".to_string()),
    }
}

/// Runs the suite and logs every step; returns each case's outcome.
/// `progress` is called after each case with the counts so far.
pub async fn run_suite(
    suite: &LoadedSuite,
    plan: &Plan,
    logger: &Logger,
    opts: &RunOptions,
    progress: &(dyn Fn(CaseCounts) + Send + Sync),
) -> RunReport {
    announce(suite, logger, opts).await;
    run_announced(suite, plan, logger, opts, progress).await
}

/// Logs a run's first line ("suite … started: N cases"). Split from
/// [`run_announced`] so the server can make that line readable before it
/// answers `POST /api/run`: a client that reads the log at once never sees an
/// empty page.
pub async fn announce(suite: &LoadedSuite, logger: &Logger, opts: &RunOptions) {
    let cases = suite.suite.cases.iter().filter(|c| selected_by_tags(c, &opts.tags)).count();
    logger.info(Msg::SuiteStart { suite: &suite.name(), cases }.render(opts.lang)).await;
}

/// [`run_suite`] after [`announce`].
pub async fn run_announced(
    suite: &LoadedSuite,
    plan: &Plan,
    logger: &Logger,
    opts: &RunOptions,
    progress: &(dyn Fn(CaseCounts) + Send + Sync),
) -> RunReport {
    let started = Instant::now();
    let lang = opts.lang;
    let name = suite.name();
    let selected: Vec<&Case> = suite.suite.cases.iter().filter(|c| selected_by_tags(c, &opts.tags)).collect();

    let Preflight { pools, first, down } = preflight(suite, plan, &selected, logger, lang).await;
    let mut report = RunReport { suite: name, ..Default::default() };
    let http = reqwest::Client::builder()
        .user_agent(concat!("livesmoke/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("the HTTP client builds");
    let conns = RunConnections::new(&pools, first);
    let mut stop = false;
    for case in &suite.suite.cases {
        let case_name = case.name.get_ref().as_str();
        if stop || !selected_by_tags(case, &opts.tags) {
            let why = if !selected_by_tags(case, &opts.tags) {
                "not selected by --tags"
            } else {
                "--fail-fast: an earlier case did not pass"
            };
            logger.for_case(case_name).debug(format!("skipped: {why}")).await;
            report.cases.push(CaseReport {
                name: case_name.into(),
                outcome: CaseOutcome::Skipped,
                reason: Some(why.into()),
                cleanup_ok: true,
                cleanup_errors: vec![],
                duration_ms: 0,
            });
            continue;
        }
        let ctx =
            CaseRun { suite, plan, conns: &conns, down: &down, http: &http, lang, log: logger.for_case(case_name) };
        let r = ctx.run(case, logger.run()).await;
        stop = opts.fail_fast && r.outcome != CaseOutcome::Passed;
        report.cases.push(r);
        progress(CaseCounts { total: suite.suite.cases.len() as u32, ..report.counts() });
    }
    drop(conns);
    for pool in pools.values() {
        pool.close().await;
    }
    report.duration_ms = started.elapsed().as_millis();
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

/// One connection and a trivial query per target the selected cases use.
async fn preflight(suite: &LoadedSuite, plan: &Plan, cases: &[&Case], logger: &Logger, lang: Lang) -> Preflight {
    let mut used = BTreeSet::new();
    for case in cases {
        for step in all_steps(case) {
            if step.sql.is_some() {
                if let Some(t) = suite.target_of(case, step) {
                    used.insert(t.to_string());
                }
            }
        }
    }
    let log = logger.for_step(Phase::Preflight, None);
    let mut pools = BTreeMap::new();
    let mut first = BTreeMap::new();
    let mut down = BTreeMap::new();
    for name in used {
        let Some(target) = plan.targets.get(&name) else {
            continue;
        };
        log.debug(Msg::Preflight { target: &name, display: &target.display() }.render(lang)).await;
        let result = match DbPool::connect(target).await {
            Ok(pool) => pool.preflight().await.map(|conn| (pool, conn)),
            Err(e) => Err(e),
        };
        match result {
            Ok((pool, conn)) => {
                first.insert(name.clone(), conn);
                pools.insert(name, pool);
            }
            Err(e) => {
                let reason = sql_step::driver_message(&e);
                log.error(Msg::PreflightFailed { target: &name, reason: &reason }.render(lang)).await;
                down.insert(name, reason);
            }
        }
    }
    Preflight { pools, first, down }
}

fn all_steps(case: &Case) -> impl Iterator<Item = &Step> {
    let main = case.setup.iter().chain(&case.step).chain(&case.teardown).map(|s| s.get_ref());
    main.clone().chain(main.filter_map(|s| s.undo.as_deref()))
}

/// What one case needs while it runs.
struct CaseRun<'a> {
    suite: &'a LoadedSuite,
    plan: &'a Plan,
    conns: &'a RunConnections<'a>,
    down: &'a BTreeMap<String, String>,
    http: &'a reqwest::Client,
    lang: Lang,
    log: Logger,
}

impl CaseRun<'_> {
    async fn run(&self, case: &Case, run_id: u64) -> CaseReport {
        let started = Instant::now();
        let name = case.name.get_ref().clone();
        self.log.info(Msg::CaseStart { case: &name }.render(self.lang)).await;
        let mut vars = self.plan.vars.clone();
        vars.set("run.id", run_id.to_string(), false);
        vars.set("case.name", name.clone(), false);
        vars.set("now", chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string(), false);
        vars.set("uuid", uuid::Uuid::new_v4().to_string(), false);
        vars.expand();

        let mut outcome = CaseOutcome::Passed;
        let mut reason = None;
        let mut undo: Vec<(u32, &Step)> = Vec::new();

        if let Some((target, why)) = self.unavailable_target(case) {
            self.log.error(Msg::CaseSkippedPreflight { target }.render(self.lang)).await;
            outcome = CaseOutcome::Error;
            reason = Some(format!("preflight: target `{target}`: {why}"));
        } else {
            let main = self.run_main(case, &mut vars, &mut undo);
            let budget = case.timeout.as_ref().and_then(|t| parse_duration(t.get_ref()));
            let result = match budget {
                Some(d) => tokio::time::timeout(d, main).await.unwrap_or_else(|_| {
                    Err((CaseOutcome::Error, format!("timed out after {}", case.timeout.as_ref().unwrap().get_ref())))
                }),
                None => main.await,
            };
            if let Err((o, why)) = result {
                if why.starts_with("timed out") {
                    self.log.error(why.clone()).await;
                }
                outcome = o;
                reason = Some(why);
            }
        }

        let mut cleanup_errors = Vec::new();
        for (i, step) in undo.iter().rev() {
            let log = self.log.for_step(Phase::Undo, Some(*i));
            if let Err(e) = self.step(case, step, &mut vars, &log, Phase::Undo).await {
                self.cleanup_failed(&log, e, &mut cleanup_errors).await;
            }
        }
        for (i, step) in case.teardown.iter().enumerate() {
            let log = self.log.for_step(Phase::Teardown, Some(i as u32 + 1));
            if let Err(e) = self.step(case, step.get_ref(), &mut vars, &log, Phase::Teardown).await {
                self.cleanup_failed(&log, e, &mut cleanup_errors).await;
            }
        }
        let ms = started.elapsed().as_millis();
        let text = Msg::CaseEnd { case: &name, outcome: outcome.as_str(), ms }.render(self.lang);
        let level =
            if matches!(outcome, CaseOutcome::Passed | CaseOutcome::Skipped) { Level::Info } else { Level::Error };
        let end = CaseEnd { outcome: outcome.as_str().into(), ms: ms as u64, cleanup_ok: cleanup_errors.is_empty() };
        self.log.case_end(level, text, end).await;
        // Reports leave the run (JUnit, replies): mask secrets here as the logger does for lines.
        let redact = |t: String| self.plan.redactor.redact(t);
        CaseReport {
            name,
            outcome,
            reason: reason.map(redact),
            cleanup_ok: cleanup_errors.is_empty(),
            cleanup_errors: cleanup_errors.into_iter().map(redact).collect(),
            duration_ms: ms,
        }
    }

    /// Setup then steps. The first failed setup step ends the case as `error`.
    async fn run_main<'s>(
        &self,
        case: &'s Case,
        vars: &mut Vars,
        undo: &mut Vec<(u32, &'s Step)>,
    ) -> Result<(), (CaseOutcome, String)> {
        for (i, step) in case.setup.iter().enumerate() {
            let n = i as u32 + 1;
            let log = self.log.for_step(Phase::Setup, Some(n));
            match self.step(case, step.get_ref(), vars, &log, Phase::Setup).await {
                Ok(()) => {
                    if let Some(u) = &step.get_ref().undo {
                        undo.push((n, u));
                    }
                }
                Err(e) => {
                    log.error(e.message().to_string()).await;
                    log.error(Msg::SetupFailed.render(self.lang)).await;
                    let left = case.setup.len() - n as usize + case.step.len();
                    if left > 0 {
                        log.warning(Msg::StepsSkipped { count: left }.render(self.lang)).await;
                    }
                    return Err((CaseOutcome::Error, format!("setup #{n}: {}", e.message())));
                }
            }
        }
        let mut result = Ok(());
        for (i, step) in case.step.iter().enumerate() {
            let n = i as u32 + 1;
            let log = self.log.for_step(Phase::Step, Some(n));
            if let Err(e) = self.step(case, step.get_ref(), vars, &log, Phase::Step).await {
                log.error(e.message().to_string()).await;
                let o = if matches!(e, StepError::Failed(_)) { CaseOutcome::Failed } else { CaseOutcome::Error };
                let failure = Err((o, format!("step #{n}: {}", e.message())));
                if step.get_ref().on_fail == Some(crate::suite::model::OnFail::Continue) {
                    result = worse(result, failure);
                    continue;
                }
                let left = case.step.len() - n as usize;
                if left > 0 {
                    log.warning(Msg::StepsSkipped { count: left }.render(self.lang)).await;
                }
                return worse(result, failure);
            }
        }
        result
    }

    /// Runs one step of any kind and adds its captures to `vars`.
    async fn step(
        &self,
        case: &Case,
        step: &Step,
        vars: &mut Vars,
        log: &Logger,
        phase: Phase,
    ) -> Result<(), StepError> {
        let captures: Result<Captures, StepError> = if step.sql.is_some() {
            let target = self.suite.target_of(case, step).unwrap_or_default();
            match self.conns.take(target).await {
                Ok(mut conn) => {
                    let result = sql_step::run_sql(step, &mut conn, vars, log, phase, self.lang).await;
                    self.conns.put_back(target, conn);
                    result
                }
                Err(TakeError::Unavailable) => Err(StepError::Error(format!("target `{target}` is unavailable"))),
                Err(TakeError::Acquire(e)) => {
                    Err(StepError::Error(format!("target `{target}`: no connection: {}", sql_step::driver_message(&e))))
                }
            }
        } else {
            super::http_step::run_http(step, self.http, vars, log, phase, self.lang).await
        };
        match captures {
            Ok(caps) => {
                for (k, v) in caps {
                    vars.set(k, v, false);
                }
                Ok(())
            }
            Err(StepError::Unresolved(name)) if matches!(phase, Phase::Undo | Phase::Teardown) => {
                log.warning(format!("skipped `{}`: variable `{name}` was never captured", step.label())).await;
                Ok(())
            }
            Err(StepError::Unresolved(name)) => Err(StepError::Error(format!("variable `{name}` was never captured"))),
            Err(e) => Err(e),
        }
    }

    async fn cleanup_failed(&self, log: &Logger, e: StepError, errors: &mut Vec<String>) {
        log.error(format!("cleanup failed: {}", e.message())).await;
        errors.push(e.message().to_string());
    }

    /// The first target this case needs that failed preflight.
    fn unavailable_target<'c>(&'c self, case: &'c Case) -> Option<(&'c str, &'c str)> {
        all_steps(case)
            .filter(|s| s.sql.is_some())
            .filter_map(|s| self.suite.target_of(case, s))
            .find_map(|t| self.down.get(t).map(|why| (t, why.as_str())))
    }
}

fn worse(
    a: Result<(), (CaseOutcome, String)>,
    b: Result<(), (CaseOutcome, String)>,
) -> Result<(), (CaseOutcome, String)> {
    match (a, b) {
        (Ok(()), x) | (x, Ok(())) => x,
        (Err(x), Err(y)) => Err(if x.0.worst(y.0) == x.0 { x } else { y }),
    }
}
