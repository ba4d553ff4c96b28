//! The benchmark's synthetic run: `n` INFO lines `<prefix> <i>` at a steady
//! pace, no cases. `serve --bench` produces it in-process; in the team setup
//! it can be queued, so the benchmark measures the worker → PostgreSQL →
//! instance path with exactly known lines. Nothing else starts it.

use super::launcher::OpenRun;
pub use super::run_record::BenchLoad;
use crate::model::{CaseCounts, RunStatus};
use std::time::{Duration, Instant};

/// Produces the lines in 10 ms batches, then finishes the run `passed`.
pub async fn paced(run: OpenRun, load: BenchLoad) {
    let started = Instant::now();
    let mut sent = 0u64;
    let mut tick = tokio::time::interval(Duration::from_millis(10));
    while sent < load.n {
        tick.tick().await;
        let due = ((started.elapsed().as_secs_f64() * load.rate as f64) as u64).min(load.n);
        while sent < due {
            run.logger.info(format!("{} {sent}", load.prefix)).await;
            sent += 1;
        }
    }
    run.finish(RunStatus::Passed, CaseCounts::default()).await;
}
