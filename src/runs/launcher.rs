//! The one place a run's life is written: recorded in the registry, its log
//! opened in the store, a logger made, the producer spawned, and the end
//! recorded in both. The page (`POST /api/run`), the CLI's `run`, the team's
//! workers and the benchmark's endpoints all start runs here. In the team
//! setup the page's door queues the run instead, and a worker adopts it.

use super::cancels::Cancels;
use super::late_end::LateEnd;
use super::notification::{self, Hooks};
use super::pipeline::Pipeline;
use super::run_logs::RunLogs;
use super::run_registry::{Cancelled, NewRun};
use super::suites_dir::{FindError, SuitesDir};
use super::RunRegistry;
use crate::engine::{self, runner::Plan, Lang, RunOptions, RunReport};
use crate::logging::{LogQueue, Logger, Redactor};
use crate::model::{ApiError, CaseCounts, RunInfo, RunKind, RunResult, RunStatus};
use crate::runs::run_record::QueuedOptions;
use crate::suite::{loader, LoadedSuite};
use std::path::PathBuf;
use std::sync::Arc;
use tokio::task::JoinHandle;

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    #[error("{0}")]
    NoSuchSuite(FindError),
    /// Invalid, or not resolvable for the chosen env (file:line:col each).
    #[error("{0}")]
    Invalid(String),
    #[error("recording the run: {0}")]
    Record(#[from] sqlx::Error),
    #[error("{0}")]
    Internal(String),
    #[error("unknown run {0}")]
    NoSuchRun(u64),
    /// A re-run of a run that has no failed case (or no result yet).
    #[error("{0}")]
    NothingToRerun(String),
}

impl From<LaunchError> for ApiError {
    fn from(e: LaunchError) -> Self {
        match e {
            LaunchError::NoSuchSuite(FindError::None(_)) => ApiError::not_found(e.to_string()),
            LaunchError::NoSuchSuite(FindError::Ambiguous(..)) => ApiError::bad_request(e.to_string()),
            LaunchError::Invalid(_) | LaunchError::NothingToRerun(_) => ApiError::unprocessable(e.to_string()),
            LaunchError::NoSuchRun(_) => ApiError::not_found(e.to_string()),
            LaunchError::Record(_) | LaunchError::Internal(_) => ApiError::internal(e.to_string()),
        }
    }
}

/// Starts runs over one pipeline (cheap to clone).
#[derive(Clone)]
pub struct Launcher {
    queue: LogQueue,
    logs: RunLogs,
    registry: Arc<RunRegistry>,
    cancels: Arc<Cancels>,
    /// Relative SQLite target paths point here.
    data_dir: PathBuf,
    /// Told when each suite run ends (`serve --notify`, `worker --notify`).
    hooks: Option<Arc<Hooks>>,
}

/// A run whose first line is readable and whose producer is under way.
pub struct StartedRun {
    pub info: RunInfo,
    /// The suite's report, once the run is over and recorded.
    pub report: JoinHandle<RunReport>,
}

/// A run recorded and open for lines, not yet finished: the producer's side
/// of its life. [`OpenRun::finish`] ends it in the store and the registry.
pub struct OpenRun {
    pub info: RunInfo,
    pub logger: Logger,
    registry: Arc<RunRegistry>,
    queue: LogQueue,
    cancels: Arc<Cancels>,
}

impl Launcher {
    pub fn new(pipeline: &Pipeline, data_dir: impl Into<PathBuf>) -> Self {
        Launcher {
            queue: pipeline.queue.clone(),
            logs: pipeline.logs.clone(),
            registry: pipeline.registry.clone(),
            cancels: pipeline.cancels.clone(),
            data_dir: data_dir.into(),
            hooks: None,
        }
    }

    /// The same launcher, telling `hooks` when each suite run ends.
    pub fn with_hooks(mut self, hooks: Option<Hooks>) -> Self {
        self.hooks = hooks.map(Arc::new);
        self
    }

    /// The page's door: finds `asked` (a file or a suite name) in `suites`
    /// and loads it (off the runtime: both read files). Embedded, it resolves
    /// it for `opts` and starts it. In the team setup it queues it, with its
    /// text, for a worker of `pool`: the worker resolves it (its secrets are
    /// the worker's), so the server checks only what it can without them.
    pub async fn start_file(
        &self,
        suites: &SuitesDir,
        asked: &str,
        opts: RunOptions,
        pool: Option<&str>,
    ) -> Result<RunInfo, LaunchError> {
        let suites = suites.clone();
        let asked = asked.to_string();
        let data_dir = self.data_dir.clone();
        let run_opts = opts.clone();
        let team = matches!(*self.registry, RunRegistry::Team(_));
        let (file, text, suite, plan) = tokio::task::spawn_blocking(move || -> Result<_, LaunchError> {
            let path = suites.find(&asked).map_err(LaunchError::NoSuchSuite)?;
            let text = std::fs::read_to_string(&path)
                .map_err(|e| LaunchError::Invalid(format!("{}: cannot read the file: {e}", path.display())))?;
            let suite = loader::parse(&path, &text).map_err(|e| LaunchError::Invalid(e.to_string()))?;
            let plan = match team {
                true => None,
                false => Some(
                    engine::runner::prepare(&suite, &run_opts, &data_dir)
                        .map_err(|e| LaunchError::Invalid(e.to_string()))?,
                ),
            };
            let file = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
            Ok((file, text, suite, plan))
        })
        .await
        .map_err(|e| LaunchError::Internal(e.to_string()))??;
        match (&*self.registry, plan) {
            (RunRegistry::Team(team), _) => {
                let name = suite.name();
                let new = NewRun { pool, ..new_run(&name, &file, &suite, &opts) };
                let queued = QueuedOptions::of(&opts);
                Ok(team.enqueue(&new, &text, &queued).await?)
            }
            (RunRegistry::Embedded(_), Some(plan)) => {
                Ok(self.start_suite(&file, suite, plan, opts, |_| {}).await?.info)
            }
            (RunRegistry::Embedded(_), None) => unreachable!("an embedded run is resolved above"),
        }
    }

    /// Re-runs the cases of run `of` that failed or errored, with its env,
    /// language and labels (its `--var`s are not kept: one may override a
    /// secret); the new run names `of` as the run it re-runs.
    pub async fn rerun_failed(&self, suites: &SuitesDir, of: u64) -> Result<RunInfo, LaunchError> {
        let (info, opts) = rerun_plan(&self.registry, of).await?;
        self.start_file(suites, info.rerun_suite(), opts, info.pool.as_deref()).await
    }

    /// Starts a loaded, resolved suite from `file` (recorded with the run, so
    /// it can be run again). It returns once line 1 of the log is readable,
    /// so a client that reads the log at once never sees an empty page;
    /// `on_progress` hears the case counts after each case.
    pub async fn start_suite(
        &self,
        file: &str,
        suite: LoadedSuite,
        plan: Plan,
        opts: RunOptions,
        on_progress: impl Fn(CaseCounts) + Send + Sync + 'static,
    ) -> Result<StartedRun, LaunchError> {
        let name = suite.name();
        let run = self.open(&new_run(&name, file, &suite, &opts), plan.redactor.clone()).await?;
        Ok(StartedRun { info: run.info.clone(), report: self.run(run, suite, plan, opts, on_progress).await })
    }

    /// Produces an opened run: announces it (line 1 readable when this
    /// returns), runs its cases in a task and finishes it there.
    pub async fn run(
        &self,
        run: OpenRun,
        suite: LoadedSuite,
        plan: Plan,
        opts: RunOptions,
        on_progress: impl Fn(CaseCounts) + Send + Sync + 'static,
    ) -> JoinHandle<RunReport> {
        engine::runner::announce(&suite, &run.logger, &opts).await;
        self.flush().await;
        self.cancels.hold(run.info.id, opts.cancel.clone());
        let (hooks, registry) = (self.hooks.clone(), self.registry.clone());
        tokio::spawn(async move {
            let progress = |counts| {
                run.progress(counts);
                on_progress(counts);
            };
            let report = engine::runner::run_announced(&suite, &plan, &run.logger, &opts, &progress).await;
            let mut result = report.result();
            // The failure pointers quote the suite file's lines, which the
            // logger never saw: masked here, as the reasons were.
            for c in &mut result.cases {
                c.pointed = c.pointed.take().map(|p| plan.redactor.redact(p));
            }
            run.finish_with(report.status(), report.counts(), Some(&result)).await;
            if let Some(hooks) = hooks {
                // Apart: a slow hook does not hold the run's report back.
                let id = run.info.id;
                tokio::spawn(async move { notification::run_ended(&registry, &hooks, id, &result).await });
            }
            report
        })
    }

    /// Opens the log of a run already recorded (a team worker's claimed run).
    pub fn adopt(&self, info: RunInfo, redactor: Redactor) -> OpenRun {
        let logger = Logger::new(self.queue.clone(), info.id, redactor);
        OpenRun {
            info,
            logger,
            registry: self.registry.clone(),
            queue: self.queue.clone(),
            cancels: self.cancels.clone(),
        }
    }

    /// Cancels a run: queued (team), it never runs; running here, it stops
    /// after the step under way; running on a worker, that worker hears it
    /// when it next renews the run's lease. `None`: no such run.
    pub async fn cancel(&self, run: u64) -> Result<Option<Cancelled>, LaunchError> {
        let asked = self.registry.cancel(run).await?;
        if asked == Some(Cancelled::Requested) {
            self.cancels.cancel(run);
        }
        Ok(asked)
    }

    /// Records a new run and opens its log; the caller produces its lines
    /// through the returned logger and then finishes it.
    pub async fn open(&self, run: &NewRun<'_>, redactor: Redactor) -> Result<OpenRun, LaunchError> {
        let info = self.registry.create(run).await?;
        if let RunLogs::Embedded(store) = &self.logs {
            store.create(info.id);
        }
        Ok(self.adopt(info, redactor))
    }

    /// Waits until every line logged so far is in the store.
    pub async fn flush(&self) {
        if self.queue.flush().await.is_err() {
            tracing::error!("the log writer has stopped");
        }
    }
}

impl OpenRun {
    /// The live case counts the run history shows while it runs.
    pub fn progress(&self, counts: CaseCounts) {
        self.registry.progress(self.info.id, counts);
    }

    /// Marks its log complete (after its last line) and records how it
    /// ended, once every line is stored: a reader that sees the end has
    /// every line there is to read.
    pub async fn finish(&self, status: RunStatus, counts: CaseCounts) {
        self.finish_with(status, counts, None).await
    }

    /// [`OpenRun::finish`], keeping what the run reported with it.
    pub async fn finish_with(&self, status: RunStatus, counts: CaseCounts, result: Option<&RunResult>) {
        self.cancels.forget(self.info.id);
        self.logger.finish().await;
        if self.queue.flush().await.is_err() {
            tracing::error!(run = self.info.id, "the log writer has stopped");
        }
        if let Err(e) = self.registry.finish(self.info.id, status, counts, result).await {
            tracing::error!(run = self.info.id, error = %e, "recording the run's outcome failed; retrying every second");
            let end = LateEnd { run: self.info.id, status, counts, result: result.cloned() };
            end.retry(self.registry.clone());
        }
    }
}

/// The registry's record of `suite` from `file`, run with `opts`.
fn new_run<'a>(name: &'a str, file: &'a str, suite: &LoadedSuite, opts: &'a RunOptions) -> NewRun<'a> {
    NewRun {
        suite: name,
        file: Some(file),
        env: opts.env.as_deref(),
        lang: Some(match opts.lang {
            Lang::Zh => "zh",
            Lang::En => "en",
        }),
        kind: RunKind::Suite,
        cases: engine::runner::in_run(suite, opts).count() as u32,
        pool: None,
        labels: opts.labels.clone(),
        rerun_of: opts.rerun_of,
    }
}

/// Run `of` and how to re-run its failed and errored cases: its env,
/// language and labels, only those cases, named as a re-run of it.
pub async fn rerun_plan(registry: &RunRegistry, of: u64) -> Result<(RunInfo, RunOptions), LaunchError> {
    let info = registry.get(of).await?.ok_or(LaunchError::NoSuchRun(of))?;
    let result = registry.result(of).await?.ok_or_else(|| {
        LaunchError::NothingToRerun(format!("run {of} has no result to re-run: it has not ended, or ended without one"))
    })?;
    let failed: Vec<String> = result
        .cases
        .iter()
        .filter(|c| matches!(c.outcome, engine::CaseOutcome::Failed | engine::CaseOutcome::Error))
        .map(|c| c.name.clone())
        .collect();
    if failed.is_empty() {
        return Err(LaunchError::NothingToRerun(format!("run {of} has no failed or errored case to re-run")));
    }
    let opts = RunOptions {
        env: info.env.clone(),
        lang: info.lang.as_deref().and_then(|l| l.parse().ok()).unwrap_or_default(),
        labels: info.labels.clone(),
        only_cases: Some(failed),
        rerun_of: Some(of),
        ..Default::default()
    };
    Ok((info, opts))
}
