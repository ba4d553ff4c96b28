//! `GET /api/log`, the endpoint every open log view polls twice a second, on
//! its hot path. It is the `read_log` server function's own URL and answers
//! with the same JSON; this middleware only skips the server-function layer
//! (a reactive owner and context per request, the query decoder) when the
//! query is the plain `run=…&after=…&limit=…` the page sends and the store
//! knows the run. Any other request (a bad or unknown parameter, an unknown
//! run, an error) goes on to the server function, so every error reply stays
//! the one it defines. Its lines are the wire's JSON as the run's file holds
//! it, copied through, or encoded from memory straight into the body.

use super::state::AppState;
use crate::app::log_view::{DEFAULT_LIMIT, MAX_LIMIT};
use crate::logging::page_lines::WireLines;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;

pub async fn fast_poll(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() == Method::GET && req.uri().path() == "/api/log" {
        if let Some(q) = req.uri().query().and_then(plain_query) {
            let read = state.store.read_keeping::<WireLines>(q.run, q.after, q.limit as usize, q.keep).await;
            if let Ok(Some(page)) = read {
                let mut res = Response::new(Body::from(page.to_json()));
                res.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                return res;
            }
        }
    }
    next.run(req).await
}

/// The query the page sends.
#[derive(Debug, PartialEq, Eq)]
struct PlainQuery {
    run: u64,
    after: u64,
    limit: u32,
    keep: Option<u64>,
}

/// `run=<u64>[&after=<u64>][&limit=<1..=MAX_LIMIT>][&keep=<1..>]`, each key
/// at most once, nothing else; `None` for anything the server function should judge.
fn plain_query(query: &str) -> Option<PlainQuery> {
    let (mut run, mut after, mut limit, mut keep) = (None, None, None, None);
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=')?;
        let slot = match key {
            "run" => &mut run,
            "after" => &mut after,
            "limit" => &mut limit,
            "keep" => &mut keep,
            _ => return None,
        };
        if slot.is_some() || value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *slot = Some(value.parse::<u64>().ok()?);
    }
    let limit = limit.unwrap_or(DEFAULT_LIMIT as u64);
    if limit == 0 || limit > MAX_LIMIT as u64 || keep == Some(0) {
        return None;
    }
    Some(PlainQuery { run: run?, after: after.unwrap_or(0), limit: limit as u32, keep })
}

#[cfg(test)]
mod tests {
    use super::{plain_query, PlainQuery};

    #[test]
    fn only_the_plain_query_takes_the_fast_path() {
        let q = |run, after, limit, keep| Some(PlainQuery { run, after, limit, keep });
        assert_eq!(plain_query("run=3&after=10&limit=500"), q(3, 10, 500, None));
        assert_eq!(plain_query("limit=7&run=3"), q(3, 0, 7, None));
        assert_eq!(plain_query("run=3"), q(3, 0, 500, None));
        assert_eq!(plain_query("run=3&after=0&limit=2000&keep=10000"), q(3, 0, 2000, Some(10_000)));
        for other in [
            "",
            "after=1",
            "run=abc",
            "run=3&run=4",
            "run=3&limit=0",
            "run=3&limit=5001",
            "run=3&keep=0",
            "run=3&x=1",
            "run=+3",
            "run",
        ] {
            assert_eq!(plain_query(other), None, "{other}");
        }
    }
}
