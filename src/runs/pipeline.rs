//! Where runs and their logs live: the log queue and the writer thread that
//! empties it, the logs' readers, and the run registry. Opened once per
//! process: by `serve` and the CLI's `run` over one data directory (the
//! embedded default), or by `serve --db` and `worker` over the team's
//! PostgreSQL.

use super::cancels::Cancels;
use super::presence::Presence;
use super::run_logs::RunLogs;
use super::sqlite_registry::SqliteRegistry;
use super::team::lease_keeper;
use super::team::leases::Leases;
use super::team::pg_registry::PgRegistry;
use super::team::{pg_logs::PgLogs, pg_schema, pg_writer, TeamConfig};
use super::RunRegistry;
use crate::logging::log_queue::{LogQueue, QUEUE_CAPACITY};
use crate::logging::{log_writer, LogStore};
use std::path::Path;
use std::sync::Arc;

/// The log pipeline and the run registry.
pub struct Pipeline {
    pub logs: RunLogs,
    pub queue: LogQueue,
    pub registry: Arc<RunRegistry>,
    /// The cancel flags of the runs this process produces.
    pub cancels: Arc<Cancels>,
    /// The writer thread; it ends once every sender of `queue` is gone.
    pub writer: std::thread::JoinHandle<()>,
    /// Embedded: tells other processes on the same data directory this one is alive.
    _presence: Option<Presence>,
}

impl Pipeline {
    /// Opens `data_dir` (run logs under `logs/`, the registry in
    /// `livesmoke.db`), keeping the newest `ring_cap` lines of each run in
    /// memory. When no other process uses the directory, the runs the last
    /// one left `running` are marked `interrupted` and their logs end with why.
    pub async fn open(data_dir: &Path, ring_cap: usize) -> Result<Self, String> {
        let store = Arc::new(
            LogStore::new(data_dir.join("logs"), ring_cap)
                .map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?,
        );
        let (queue, rx) = LogQueue::new(QUEUE_CAPACITY);
        let writer = log_writer::spawn(store.clone(), rx);
        let registry = SqliteRegistry::open(&data_dir.join("livesmoke.db"))
            .await
            .map_err(|e| format!("cannot open the run registry: {e}"))?;
        let lock = data_dir.join("livesmoke.lock");
        let (presence, alone) = tokio::task::spawn_blocking(move || Presence::take(&lock))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| format!("cannot lock {}: {e}", data_dir.display()))?;
        let presence = if alone {
            let cut_off =
                registry.interrupt_left_running().await.map_err(|e| format!("cannot mark interrupted runs: {e}"))?;
            // Before any reader loads those runs (the store reads a finished
            // run's file on first use), so every reader sees the note; and
            // before other processes are let in.
            let logs = data_dir.join("logs");
            tokio::task::spawn_blocking(move || {
                super::interrupted_note::append_all(logs, cut_off);
                presence.share();
                presence
            })
            .await
            .map_err(|e| e.to_string())?
        } else {
            presence
        };
        Ok(Pipeline {
            logs: RunLogs::Embedded(store),
            queue,
            registry: Arc::new(RunRegistry::Embedded(registry)),
            cancels: Arc::default(),
            writer,
            _presence: Some(presence),
        })
    }

    /// Joins the team setup: connects to its PostgreSQL (migrating the
    /// schema), starts the writer that stores this process's lines there and
    /// the task that renews its leases and reaps expired ones.
    pub async fn open_team(team: &TeamConfig) -> Result<Self, String> {
        let db = pg_schema::open(&team.url, 16).await?;
        let held = Arc::new(Leases::default());
        let registry = Arc::new(PgRegistry::new(db.clone(), held.clone(), team.name.clone(), team.lease));
        let (queue, rx) = LogQueue::new(QUEUE_CAPACITY);
        let writer = pg_writer::spawn(team.url.clone(), held.clone(), team.lease, rx);
        let cancels = Arc::new(Cancels::default());
        lease_keeper::spawn_keeper(registry.clone(), held, cancels.clone(), team.lease);
        Ok(Pipeline {
            logs: RunLogs::Team(Arc::new(PgLogs::new(db))),
            queue,
            registry: Arc::new(RunRegistry::Team(registry)),
            cancels,
            writer,
            _presence: None,
        })
    }
}
