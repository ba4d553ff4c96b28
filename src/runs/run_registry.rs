//! The run history, wherever it is kept: the embedded SQLite file of one
//! process, or the team's PostgreSQL shared by every instance and worker.
//! Callers (the launcher, the pages, the log reads) see one type and do not
//! care which.

use super::sqlite_registry::SqliteRegistry;
use super::team::pg_registry::PgRegistry;
use crate::model::{CaseCounts, RunInfo, RunResult, RunStatus};
use std::sync::Arc;

pub use super::run_record::{Cancelled, NewRun, RunFilter};

pub enum RunRegistry {
    Embedded(SqliteRegistry),
    Team(Arc<PgRegistry>),
}

impl RunRegistry {
    /// Records a run this process produces now.
    pub async fn create(&self, run: &NewRun<'_>) -> Result<RunInfo, sqlx::Error> {
        match self {
            RunRegistry::Embedded(r) => r.create(run).await,
            RunRegistry::Team(r) => r.create(run).await,
        }
    }

    /// The live case counts the history shows while it runs.
    pub fn progress(&self, run: u64, counts: CaseCounts) {
        match self {
            RunRegistry::Embedded(r) => r.progress(run, counts),
            RunRegistry::Team(r) => r.progress(run, counts),
        }
    }

    /// Records how the run ended and, for a suite run, what it reported.
    pub async fn finish(
        &self,
        run: u64,
        status: RunStatus,
        counts: CaseCounts,
        result: Option<&RunResult>,
    ) -> Result<(), sqlx::Error> {
        match self {
            RunRegistry::Embedded(r) => r.finish(run, status, counts, result).await,
            RunRegistry::Team(r) => r.finish(run, status, counts, result).await,
        }
    }

    /// What the run reported when it ended (`None` while it runs).
    pub async fn result(&self, run: u64) -> Result<Option<RunResult>, sqlx::Error> {
        match self {
            RunRegistry::Embedded(r) => r.result(run).await,
            RunRegistry::Team(r) => r.result(run).await,
        }
    }

    /// Asks for the run to stop (see `Launcher::cancel`); `None`: no such run.
    pub async fn cancel(&self, run: u64) -> Result<Option<Cancelled>, sqlx::Error> {
        match self {
            RunRegistry::Embedded(r) => r.cancel(run).await,
            RunRegistry::Team(r) => r.cancel(run).await,
        }
    }

    pub async fn get(&self, run: u64) -> Result<Option<RunInfo>, sqlx::Error> {
        match self {
            RunRegistry::Embedded(r) => r.get(run).await,
            RunRegistry::Team(r) => r.get(run).await,
        }
    }

    /// The runs `filter` picks, newest first, live ones with their current counts.
    pub async fn list(&self, filter: &RunFilter) -> Result<Vec<RunInfo>, sqlx::Error> {
        match self {
            RunRegistry::Embedded(r) => r.list(filter).await,
            RunRegistry::Team(r) => r.list(filter).await,
        }
    }
}
