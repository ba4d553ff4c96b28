//! A run's end that the registry could not record when the run ended (the
//! disk under the embedded SQLite file full, the team's database away) is
//! recorded later: retried until it is, or until the process stops, when the
//! next start marks the run interrupted as it does after a crash. Without
//! this, a live server would show the run running for ever; blocking the
//! run's end on it instead would hold the CLI's exit as long as the disk
//! stays full.

use super::RunRegistry;
use crate::model::{CaseCounts, RunResult, RunStatus};
use std::sync::Arc;
use std::time::Duration;

/// How often the record is tried again: one small write, as often as a
/// person freeing space would look at the history.
const RETRY_EVERY: Duration = Duration::from_secs(1);

/// The run's end, kept to record it once the registry takes it.
pub struct LateEnd {
    pub run: u64,
    pub status: RunStatus,
    pub counts: CaseCounts,
    pub result: Option<RunResult>,
}

impl LateEnd {
    /// Retries in the background (the first try, already failed, is the caller's).
    pub fn retry(self, registry: Arc<RunRegistry>) {
        tokio::spawn(async move {
            let mut tries = 1u64;
            loop {
                tokio::time::sleep(RETRY_EVERY).await;
                tries += 1;
                if registry.finish(self.run, self.status, self.counts, self.result.as_ref()).await.is_ok() {
                    tracing::warn!(run = self.run, tries, "the run's outcome is recorded at last");
                    return;
                }
            }
        });
    }
}
