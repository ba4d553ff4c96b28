use super::config::ServerConfig;
use crate::logging::log_store::ReadError;
use crate::model::{ApiError, RunInfo};
use crate::runs::suites_dir::SuitesDir;
use crate::runs::{Launcher, Pipeline, RunLogs, RunRegistry};
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
    pub logs: RunLogs,
    pub registry: Arc<RunRegistry>,
    pub launcher: Launcher,
    pub suites: SuitesDir,
    /// Tokens and the gate, when auth is on (`None`: the server is open).
    pub auth: Option<Arc<crate::auth::Auth>>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(s: &AppState) -> Self {
        s.leptos.clone()
    }
}

impl AppState {
    /// Opens the embedded data directory, or joins the team database when
    /// the config names one.
    pub async fn new(config: &ServerConfig, leptos: LeptosOptions) -> Result<Self, String> {
        let pipeline = match &config.team {
            Some(team) => Pipeline::open_team(team).await?,
            None => Pipeline::open(&config.data_dir, config.ring_cap).await?,
        };
        let auth = match config.auth {
            false => None,
            true => Some(Arc::new(crate::auth::Auth {
                tokens: crate::auth::TokenStore::of(&pipeline.registry)
                    .await
                    .map_err(|e| format!("cannot open the token store: {e}"))?,
                public_badges: config.public_badges,
            })),
        };
        Ok(AppState {
            leptos,
            launcher: Launcher::new(&pipeline, &config.data_dir).with_hooks(config.hooks.clone()),
            logs: pipeline.logs,
            registry: pipeline.registry,
            suites: SuitesDir::new(&config.suites_dir),
            auth,
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
