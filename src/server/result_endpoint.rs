//! `GET /api/result?run=<id>`: the run as listed, and what it reported once
//! it ended (`result` is null until then, and for runs that ended without
//! one: interrupted, bench). A remote `livesmoke run` builds its JUnit,
//! failure pointers, summary and exit code from it, as a local run does
//! from its own report.

use super::downloads::RunQuery;
use super::extract::ApiQuery;
use super::state::AppState;
use crate::model::{ApiError, RunInfo, RunResult};
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};

/// The reply.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RunOutcome {
    pub run: RunInfo,
    pub result: Option<RunResult>,
}

pub async fn result(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<RunQuery>,
) -> Result<Json<RunOutcome>, ApiError> {
    let run = q.run()?;
    let info = state.known_run(run).await?;
    let result = match info.status.is_finished() {
        true => state.registry.result(run).await.map_err(|e| ApiError::internal(e.to_string()))?,
        false => None,
    };
    Ok(Json(RunOutcome { run: info, result }))
}
