use super::extract::ApiQuery;
use super::state::AppState;
use crate::logging::page_lines::WholeLines;
use crate::model::{log_query, ApiError, LogLine};
use axum::body::Body;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// `?run=<id>`, as the downloads and `GET /api/result` take it.
#[derive(Deserialize)]
pub struct RunQuery {
    run: Option<String>,
}

impl RunQuery {
    /// The run asked for, or a 400 naming what is wrong.
    pub fn run(&self) -> Result<u64, ApiError> {
        match self.run.as_deref() {
            Some(v) => log_query::number("run", v),
            None => Err(ApiError::bad_request("missing argument: run")),
        }
    }
}

/// `GET /api/log.txt?run=<id>`: the whole log in the seed's text format.
pub async fn log_txt(state: State<AppState>, q: ApiQuery<RunQuery>) -> Response {
    download(state, q, "log", "text/plain; charset=utf-8", |l| format!("{}\n", l.seed_format())).await
}

/// `GET /api/log.jsonl?run=<id>`: the whole log, one JSON line per log line (the JSONL report).
pub async fn log_jsonl(state: State<AppState>, q: ApiQuery<RunQuery>) -> Response {
    download(state, q, "jsonl", "application/x-ndjson", |l| {
        format!("{}\n", serde_json::to_string(l).unwrap_or_default())
    })
    .await
}

async fn download(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<RunQuery>,
    ext: &'static str,
    content_type: &'static str,
    fmt: fn(&LogLine) -> String,
) -> Response {
    let run = match q.run() {
        Ok(run) => run,
        Err(e) => return e.into_response(),
    };
    if let Err(e) = state.known_run(run).await {
        return e.into_response();
    }
    // Page through the store so a large log is streamed, never held whole;
    // long lines whole, as the run's file keeps them.
    let pages = futures::stream::unfold(Some(0u64), move |cursor| {
        let state = state.clone();
        async move {
            let after = cursor?;
            match state.logs.read_known::<WholeLines>(run, after, 5_000).await {
                Ok(Some(page)) if !page.lines.0.is_empty() => {
                    let text: String = page.lines.0.iter().map(fmt).collect();
                    Some((Ok::<_, std::io::Error>(text), Some(page.next)))
                }
                Ok(_) => None,
                Err(e) => Some((Err(std::io::Error::other(e.to_string())), None)),
            }
        }
    });
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"run-{run}.{ext}\"")),
        ],
        Body::from_stream(pages),
    )
        .into_response()
}
