//! A worker: takes queued runs of its pool and produces them, at most
//! `max_runs` at once. It sits wherever the system under test is reachable;
//! only it reads the suite's secrets (its own environment and files), after
//! it claimed the run, so they never pass through the server or the database.
//!
//! An idle worker is woken by `NOTIFY` when a run is queued, and also looks
//! every `poll` on its own, in case a notification was missed (its listening
//! connection was being re-made). A claimed run is never retried on another
//! worker: smoke runs have side effects; a run whose worker died ends
//! `interrupted` (see `leases`).

use super::pg_registry::{Claimed, PgRegistry, QUEUE_CHANNEL};
use crate::engine::{self, RunOptions};
use crate::logging::Redactor;
use crate::model::{CaseCounts, RunStatus};
use crate::runs::{bench_load, Launcher};
use crate::suite::loader;
use sqlx::postgres::PgListener;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct WorkerConfig {
    pub pool: String,
    /// Its name in the history.
    pub name: String,
    /// Where the suite's own files (secret files) are found, by its file name.
    pub suites: PathBuf,
    /// Where relative SQLite targets are.
    pub data: PathBuf,
    pub max_runs: usize,
    /// How often an idle worker looks for queued runs without being woken.
    pub poll: Duration,
}

/// Takes and produces runs until `stop` completes; then takes no more and
/// returns once the runs under way have ended (a worker being replaced in a
/// deploy finishes its runs instead of leaving them `interrupted`).
pub async fn work(registry: Arc<PgRegistry>, launcher: Launcher, cfg: WorkerConfig, stop: impl Future<Output = ()>) {
    let max = cfg.max_runs.max(1);
    let slots = Arc::new(tokio::sync::Semaphore::new(max));
    let mut listener = listen(&registry).await;
    tracing::info!(worker = %cfg.name, pool = %cfg.pool, "waiting for queued runs");
    tokio::pin!(stop);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
            _ = &mut stop => break,
        };
        match registry.claim(&cfg.pool, &cfg.name).await {
            Ok(Some(claimed)) => {
                tracing::info!(run = claimed.info.id, suite = %claimed.info.suite, "claimed");
                let (launcher, cfg) = (launcher.clone(), cfg.clone());
                let held = Held { registry: registry.clone(), run: claimed.info.id };
                tokio::spawn(async move {
                    produce(&launcher, &cfg, claimed).await;
                    drop((held, slot));
                });
                continue;
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "looking for queued runs failed"),
        }
        drop(slot);
        let woken = async {
            match listener.as_mut() {
                Some(l) => {
                    if let Ok(Err(e)) = tokio::time::timeout(cfg.poll, l.recv()).await {
                        tracing::warn!(error = %e, "listening for queued runs failed; polling meanwhile");
                        tokio::time::sleep(cfg.poll).await;
                    }
                }
                None => {
                    tokio::time::sleep(cfg.poll).await;
                    listener = listen(&registry).await;
                }
            }
        };
        tokio::select! {
            _ = woken => {}
            _ = &mut stop => break,
        }
    }
    let under_way = max - slots.available_permits();
    if under_way > 0 {
        tracing::info!(runs = under_way, "stopping: taking no more runs, waiting for the ones under way");
    }
    let _ = slots.acquire_many(max as u32).await;
}

/// Lets go of a claimed run's lease when its task ends, however it ends: a
/// run whose producer panicked is not renewed forever, it ends `interrupted`
/// once the lease runs out (after a normal end the lease is already gone).
struct Held {
    registry: Arc<PgRegistry>,
    run: u64,
}

impl Drop for Held {
    fn drop(&mut self) {
        self.registry.let_go(self.run);
    }
}

async fn listen(registry: &PgRegistry) -> Option<PgListener> {
    let mut l = PgListener::connect_with(registry.pool()).await.ok()?;
    l.listen(QUEUE_CHANNEL).await.ok()?;
    Some(l)
}

/// Resolves the claimed run here (targets, variables, secrets) and runs it;
/// a suite that cannot be resolved here ends the run as `error`, its log
/// saying why, file:line:col.
async fn produce(launcher: &Launcher, cfg: &WorkerConfig, claimed: Claimed) {
    let Claimed { info, suite_text, options } = claimed;
    if let Some(load) = options.bench {
        return bench_load::paced(launcher.adopt(info, Redactor::default()), load).await;
    }
    let opts = RunOptions {
        env: info.env.clone(),
        lang: info.lang.as_deref().and_then(|l| l.parse().ok()).unwrap_or_default(),
        fail_fast: options.fail_fast,
        tags: options.tags,
        vars: Vec::new(),
        labels: info.labels.clone(),
        cancel: Default::default(),
        only_cases: options.only_cases,
        rerun_of: info.rerun_of,
    };
    let path = cfg.suites.join(info.file.as_deref().filter(|f| !f.contains(['/', '\\'])).unwrap_or("suite.toml"));
    let (data, run_opts) = (cfg.data.clone(), opts.clone());
    let resolved = tokio::task::spawn_blocking(move || {
        let suite = loader::parse(&path, &suite_text).map_err(|e| e.to_string())?;
        let plan = engine::runner::prepare(&suite, &run_opts, &data).map_err(|e| e.to_string())?;
        Ok::<_, String>((suite, plan))
    })
    .await
    .unwrap_or_else(|e| Err(e.to_string()));
    match resolved {
        Ok((suite, plan)) => {
            let run = launcher.adopt(info, plan.redactor.clone());
            let _ = launcher.run(run, suite, plan, opts, |_| {}).await.await;
        }
        Err(why) => {
            let total = info.counts.total;
            let run = launcher.adopt(info, Redactor::default());
            run.logger.error(why).await;
            run.finish(RunStatus::Error, CaseCounts { total, error: total, ..Default::default() }).await;
        }
    }
}
