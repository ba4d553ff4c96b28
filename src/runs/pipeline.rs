//! Where runs and their logs live: the log store and the writer thread that
//! fills it through the bounded queue, and the run registry. Opened once per
//! process, by `serve` and by the CLI's `run` alike, over one data directory.

use super::presence::Presence;
use super::RunRegistry;
use crate::logging::log_queue::{LogQueue, QUEUE_CAPACITY};
use crate::logging::{log_writer, LogStore};
use std::path::Path;
use std::sync::Arc;

/// The log pipeline and the run registry over a data directory.
pub struct Pipeline {
    pub store: Arc<LogStore>,
    pub queue: LogQueue,
    pub registry: Arc<RunRegistry>,
    /// The writer thread; it ends once every sender of `queue` is gone.
    pub writer: std::thread::JoinHandle<()>,
    /// Tells other processes on the same data directory this one is alive.
    _presence: Presence,
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
        let registry = Arc::new(
            RunRegistry::open(&data_dir.join("livesmoke.db"))
                .await
                .map_err(|e| format!("cannot open the run registry: {e}"))?,
        );
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
        Ok(Pipeline { store, queue, registry, writer, _presence: presence })
    }
}
