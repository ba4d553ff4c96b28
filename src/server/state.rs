use super::config::ServerConfig;
use crate::logging::log_store::ReadError;
use crate::logging::LogStore;
use crate::model::{ApiError, RunInfo};
use crate::runs::suites_dir::SuitesDir;
use crate::runs::{Launcher, Pipeline, RunRegistry};
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
    pub suites: SuitesDir,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(s: &AppState) -> Self {
        s.leptos.clone()
    }
}

impl AppState {
    pub async fn new(config: &ServerConfig, leptos: LeptosOptions) -> Result<Self, String> {
        let pipeline = Pipeline::open(&config.data_dir, config.ring_cap).await?;
        Ok(AppState {
            leptos,
            launcher: Launcher::new(&pipeline, &config.data_dir),
            store: pipeline.store,
            registry: pipeline.registry,
            suites: SuitesDir::new(&config.suites_dir),
        })
    }

    /// The run, or a 404 naming it.
    pub async fn known_run(&self, run: u64) -> Result<RunInfo, ApiError> {
        self.registry
            .get(run)
            .await
            .map_err(|e| ApiError::internal(e.to_string()))?
            .ok_or_else(|| ApiError::not_found(format!("unknown run {run}")))
    }
}

impl From<ReadError> for ApiError {
    fn from(e: ReadError) -> Self {
        ApiError::internal(e.to_string())
    }
}

/// The state inside a server function.
pub fn app_state() -> Result<AppState, ApiError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| ApiError::internal("server state is not available"))
}
