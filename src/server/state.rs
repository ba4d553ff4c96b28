use super::config::ServerConfig;
use crate::logging::log_queue::{LogQueue, QUEUE_CAPACITY};
use crate::logging::{log_writer, LogStore};
use crate::model::ApiError;
use crate::runs::suites_dir::SuitesDir;
use crate::runs::{Launcher, RunRegistry};
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// Everything a request may need, in one place (cheap to clone). One state
/// object rather than one extractor per dependency: server functions reach it
/// through Leptos context, handlers through axum's `State`, and both see the
/// same store and registry.
#[derive(Clone)]
pub struct AppState {
    pub leptos: LeptosOptions,
    pub store: Arc<LogStore>,
    pub registry: Arc<RunRegistry>,
    pub launcher: Launcher,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(s: &AppState) -> Self {
        s.leptos.clone()
    }
}

/// The log pipeline and run registry over a data directory, shared by the
/// server and the CLI's `run`.
pub struct Pipeline {
    pub store: Arc<LogStore>,
    pub queue: LogQueue,
    pub registry: Arc<RunRegistry>,
    pub writer: std::thread::JoinHandle<()>,
}

impl Pipeline {
    pub async fn open(config: &ServerConfig) -> Result<Self, String> {
        let store = Arc::new(
            LogStore::new(config.data_dir.join("logs"), config.ring_cap)
                .map_err(|e| format!("cannot create {}: {e}", config.data_dir.display()))?,
        );
        let (queue, rx) = LogQueue::new(QUEUE_CAPACITY);
        let writer = log_writer::spawn(store.clone(), rx);
        let registry = Arc::new(
            RunRegistry::open(&config.data_dir.join("livesmoke.db"))
                .await
                .map_err(|e| format!("cannot open the run registry: {e}"))?,
        );
        Ok(Pipeline { store, queue, registry, writer })
    }
}

impl AppState {
    pub async fn new(config: &ServerConfig, leptos: LeptosOptions) -> Result<Self, String> {
        let p = Pipeline::open(config).await?;
        let launcher = Launcher {
            queue: p.queue,
            store: p.store.clone(),
            registry: p.registry.clone(),
            suites: SuitesDir::new(&config.suites_dir),
            data_dir: config.data_dir.clone(),
        };
        Ok(AppState { leptos, store: p.store, registry: p.registry, launcher })
    }
}

impl AppState {
    /// The run, or a 404 naming it.
    pub async fn known_run(&self, run: u64) -> Result<crate::model::RunInfo, ApiError> {
        self.registry
            .get(run)
            .await
            .map_err(|e| ApiError::internal(e.to_string()))?
            .ok_or_else(|| ApiError::not_found(format!("unknown run {run}")))
    }
}

impl From<crate::logging::log_store::ReadError> for ApiError {
    fn from(e: crate::logging::log_store::ReadError) -> Self {
        ApiError::internal(e.to_string())
    }
}

/// The state inside a server function.
pub fn app_state() -> Result<AppState, ApiError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| ApiError::internal("server state is not available"))
}
