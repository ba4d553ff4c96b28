use super::suites_dir::SuitesDir;
use super::RunRegistry;
use crate::engine::{self, runner::Plan, RunOptions};
use crate::logging::{LogQueue, LogStore, Logger};
use crate::model::{ApiError, RunInfo};
use crate::suite::{loader, LoadedSuite};
use std::path::PathBuf;
use std::sync::Arc;

/// Starts runs: validates the suite, records the run, and spawns the
/// producer task. The caller gets the run id as soon as line 1 of its log is readable; the run goes on in
/// the background and its lines flow through the log queue.
#[derive(Clone)]
pub struct Launcher {
    pub queue: LogQueue,
    pub store: Arc<LogStore>,
    pub registry: Arc<RunRegistry>,
    pub suites: SuitesDir,
    pub data_dir: PathBuf,
}

impl Launcher {
    /// Starts `file` (a name in the suites directory) with `opts`.
    pub async fn start(&self, file: &str, opts: RunOptions) -> Result<RunInfo, ApiError> {
        let path = self
            .suites
            .resolve(file)
            .ok_or_else(|| ApiError::not_found(format!("no suite file `{file}` in the suites directory")))?;
        let data_dir = self.data_dir.clone();
        let opts2 = opts.clone();
        let (suite, plan) = tokio::task::spawn_blocking(move || -> Result<(LoadedSuite, Plan), String> {
            let suite = loader::load(&path).map_err(|e| e.to_string())?;
            let plan = engine::runner::prepare(&suite, &opts2, &data_dir).map_err(|e| e.to_string())?;
            Ok((suite, plan))
        })
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?
        .map_err(ApiError::unprocessable)?;
        let info = self
            .registry
            .create(file, opts.env.as_deref(), suite.suite.cases.len() as u32)
            .await
            .map_err(|e| ApiError::internal(format!("recording the run: {e}")))?;
        self.store.create(info.id);
        let logger = Logger::new(self.queue.clone(), info.id, plan.redactor.clone());
        // Line 1 is in the store before the caller learns the run's id.
        engine::runner::announce(&suite, &logger, &opts).await;
        if self.queue.flush().await.is_err() {
            tracing::error!(run = info.id, "the log writer has stopped");
        }
        let registry = self.registry.clone();
        let run = info.id;
        tokio::spawn(async move {
            let progress = |counts| registry.progress(run, counts);
            let report = engine::runner::run_announced(&suite, &plan, &logger, &opts, &progress).await;
            logger.finish().await;
            if let Err(e) = registry.finish(run, report.status(), report.counts()).await {
                tracing::error!(run, error = %e, "recording the run's outcome failed");
            }
        });
        Ok(info)
    }
}
