//! `GET /api/result?run=<id>`: the run as listed, and what it reported once
//! it ended (`result` is null until then, and for runs that ended without
//! one: interrupted, bench). A remote `livesmoke run` builds its JUnit,
//! failure pointers, summary and exit code from it, as a local run does
//! from its own report.

use super::state::AppState;
use crate::model::{ApiError, RunInfo, RunResult};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
pub struct ResultQuery {
    run: Option<String>,
}

/// The reply.
#[derive(Debug, Serialize, Deserialize)]
pub struct RunOutcome {
    pub run: RunInfo,
    pub result: Option<RunResult>,
}

pub async fn result(State(state): State<AppState>, Query(q): Query<ResultQuery>) -> Response {
    let run = match q.run.as_deref().map(|v| crate::model::log_query::number("run", v)) {
        Some(Ok(run)) => run,
        Some(Err(e)) => return e.into_response(),
        None => return ApiError::bad_request("missing argument: run").into_response(),
    };
    let info = match state.known_run(run).await {
        Ok(info) => info,
        Err(e) => return e.into_response(),
    };
    let result = match info.status.is_finished() {
        true => match state.registry.result(run).await {
            Ok(r) => r,
            Err(e) => return ApiError::internal(e.to_string()).into_response(),
        },
        false => None,
    };
    Json(RunOutcome { run: info, result }).into_response()
}
