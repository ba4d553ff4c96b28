//! Benchmark-only endpoints, mounted only with `serve --bench` (like the
//! seed peer's `/bench/produce`), so the benchmark can drive the real
//! producer → queue → writer → store path inside the server process.

use super::state::AppState;
use crate::logging::{Logger, Redactor};
use crate::model::{ApiError, CaseCounts, CaseEnd, Level, RunKind, RunStatus};
use crate::runs::bench_load::{self, BenchLoad};
use crate::runs::run_record::QueuedOptions;
use crate::runs::run_registry::NewRun;
use crate::runs::RunRegistry;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use std::time::Instant;

#[derive(Deserialize)]
pub struct Produce {
    n: u64,
    /// Wait until every line is in the store before answering (default true).
    wait: Option<bool>,
    /// Lines per second: produce in the background at this pace and answer at once.
    rate: Option<u64>,
    /// Text of each line before its number (default `bench line`).
    msg: Option<String>,
    /// Make the run's log file unwritable first (a directory takes its place),
    /// so lines beyond the in-memory tail are lost: the real gap path, on demand.
    unwritable: Option<bool>,
    /// Split the lines into this many cases (`case 1`…; the second one fails),
    /// with every 1,000th line at ERROR: what the log view's case headers,
    /// level counts and error jumps are tested on.
    cases: Option<u64>,
    /// Team setup: queue the paced run (`rate` required) for a worker of
    /// `pool` instead of producing it here.
    queue: Option<bool>,
    pool: Option<String>,
}

/// `POST /api/bench/produce?n=N`: a new run whose N lines are
/// `bench line <i>` at INFO, logged as fast as the logger accepts them.
pub async fn produce(State(state): State<AppState>, Query(q): Query<Produce>) -> Response {
    let n = q.n.min(100_000_000);
    let prefix = q.msg.clone().unwrap_or_else(|| "bench line".into());
    if q.queue == Some(true) {
        return queue(&state, n, q.rate, prefix, q.pool.as_deref()).await;
    }
    // Recorded as a bench run: the history leaves it out unless asked (`kind=bench`).
    let new = NewRun { suite: "bench", kind: RunKind::Bench, ..Default::default() };
    let run = match state.launcher.open(&new, Redactor::default()).await {
        Ok(run) => run,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let id = run.info.id;
    if q.unwritable == Some(true) {
        if let crate::runs::RunLogs::Embedded(store) = &state.logs {
            let _ = std::fs::create_dir_all(store.path_of(id));
        }
    }
    if let Some(rate) = q.rate.filter(|r| *r > 0) {
        tokio::spawn(bench_load::paced(run, BenchLoad { n, rate, prefix }));
        return Json(serde_json::json!({ "run": id, "n": n, "rate": rate })).into_response();
    }
    let started = Instant::now();
    match q.cases.filter(|c| *c > 0) {
        Some(cases) => in_cases(&run.logger, n, cases, &prefix).await,
        None => {
            for i in 0..n {
                run.logger.info(format!("{prefix} {i}")).await;
            }
        }
    }
    let put = started.elapsed().as_secs_f64();
    run.finish(RunStatus::Passed, CaseCounts::default()).await;
    if q.wait.unwrap_or(true) {
        state.launcher.flush().await;
    }
    let stored = started.elapsed().as_secs_f64();
    Json(serde_json::json!({
        "run": id,
        "n": n,
        "put_s": put,
        "stored_s": stored,
        "lines_per_s": if stored > 0.0 { n as f64 / stored } else { 0.0 },
    }))
    .into_response()
}

/// `queue=1`: a bench run for a worker (team setup only).
async fn queue(state: &AppState, n: u64, rate: Option<u64>, prefix: String, pool: Option<&str>) -> Response {
    let RunRegistry::Team(team) = &*state.registry else {
        return ApiError::bad_request("queue=1 needs the team setup (serve --db)").into_response();
    };
    let Some(rate) = rate.filter(|r| *r > 0) else {
        return ApiError::bad_request("queue=1 needs rate=<lines per second>").into_response();
    };
    let new = NewRun { suite: "bench", kind: RunKind::Bench, pool, ..Default::default() };
    let options = QueuedOptions { bench: Some(BenchLoad { n, rate, prefix }), ..Default::default() };
    match team.enqueue(&new, "", &options).await {
        Ok(info) => Json(serde_json::json!({ "run": info.id, "n": n, "rate": rate, "queued": true })).into_response(),
        Err(e) => ApiError::internal(e.to_string()).into_response(),
    }
}

/// `n` lines in `cases` cases of equal length, each closed by its end line.
async fn in_cases(logger: &Logger, n: u64, cases: u64, prefix: &str) {
    let per = n.div_ceil(cases).max(1);
    for k in 0..cases {
        let case = logger.for_case(&format!("case {}", k + 1));
        let lines = (k * per..((k + 1) * per).min(n)).collect::<Vec<_>>();
        let Some((&last, body)) = lines.split_last() else { break };
        for &i in body {
            let level = if i % 1_000 == 999 { Level::Error } else { Level::Info };
            case.log(level, format!("{prefix} {i}")).await;
        }
        let outcome = if k == 1 { crate::model::CaseOutcome::Failed } else { crate::model::CaseOutcome::Passed };
        let end = CaseEnd { outcome, ms: 1, cleanup_ok: true, lang: None };
        case.case_end(Level::Info, format!("{prefix} {last}: {outcome}"), end).await;
    }
}

/// `GET /api/bench/ping`: an empty reply, the floor of a request's round trip
/// through this server and this machine's loopback (the bench prints our
/// one-connection read rate beside it).
pub async fn ping() -> &'static str {
    ""
}
