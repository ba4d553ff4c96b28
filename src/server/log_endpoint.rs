//! `GET /api/log`, the endpoint every open log view polls twice a second.
//!
//! One read ([`read_page`]) serves both of its doors: the `read_log` server
//! function, the page's typed entry point, and [`poll`], the route axum
//! matches first for the same URL. The route skips the server-function layer
//! (a reactive owner and context per request, serde's query decoder) and
//! never parses a stored line: it copies the lines the run's file holds as the
//! wire's JSON into the reply, and encodes lines from memory straight into it
//! ([`WireLines`]). Its replies are the server function's, byte for byte, and
//! its errors are the same [`ApiError`]s, from the same [`LogQuery`].

use super::state::AppState;
use crate::logging::line_json;
use crate::logging::page_lines::PageLines;
use crate::model::{long_line, ApiError, LogLine, LogPage, LogQuery};
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use std::io;

/// The page of lines `q` asks for, with lines as the sink `L` holds them.
pub async fn read_page<L: PageLines>(state: &AppState, q: &LogQuery) -> Result<LogPage<L>, ApiError> {
    if let Some(page) = state.logs.read_keeping(q.run, q.after, q.limit as usize, q.keep).await? {
        return Ok(page);
    }
    // No line yet (or no such run): the registry knows which.
    let info = state.known_run(q.run).await?;
    Ok(LogPage::empty(q.run, q.after, info.status.is_finished()))
}

/// The route: `run=…&after=…&limit=…&keep=…`, answered as JSON.
pub async fn poll(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let page = match LogQuery::parse(query.as_deref().unwrap_or("")) {
        Ok(q) => read_page::<WireLines>(&state, &q).await,
        Err(e) => Err(e),
    };
    match page {
        Ok(page) => {
            let mut res = Response::new(Body::from(to_json(&page)));
            res.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            res
        }
        Err(e) => e.into_response(),
    }
}

/// Lines as the comma-separated JSON objects of a reply's `lines` array.
#[derive(Debug, Default)]
pub struct WireLines {
    json: Vec<u8>,
    count: usize,
    last: Option<u64>,
}

impl PageLines for WireLines {
    fn count(&self) -> usize {
        self.count
    }

    fn last_seq(&self) -> Option<u64> {
        self.last
    }

    fn push(&mut self, line: &LogLine) {
        self.separate();
        line_json::encode(line, &mut self.json);
        self.last = Some(line.seq);
    }

    fn push_stored(&mut self, seq: u64, json: &[u8]) -> io::Result<()> {
        // Our own file, but a damaged one must not reach a reader as broken JSON.
        if !(json.starts_with(b"{\"seq\":") && json.ends_with(b"}")) {
            return Err(io::Error::new(io::ErrorKind::InvalidData, format!("line {seq} of the log file is damaged")));
        }
        if long_line::too_long(json.len()) {
            // Rare: parsed only to be cut, so the hot path stays a copy.
            let mut line: LogLine = serde_json::from_slice(json).map_err(io::Error::other)?;
            long_line::shorten(&mut line.msg);
            self.push(&line);
            return Ok(());
        }
        self.separate();
        self.json.extend_from_slice(json);
        self.last = Some(seq);
        Ok(())
    }
}

impl WireLines {
    fn separate(&mut self) {
        if self.count > 0 {
            self.json.push(b',');
        }
        self.count += 1;
    }
}

/// The reply's body: the bytes `serde_json` gives for the same [`LogPage`].
pub fn to_json(page: &LogPage<WireLines>) -> Vec<u8> {
    let mut n = itoa::Buffer::new();
    let mut out = Vec::with_capacity(page.lines.json.len() + 96);
    out.extend_from_slice(b"{\"run\":");
    out.extend_from_slice(n.format(page.run).as_bytes());
    out.extend_from_slice(b",\"lines\":[");
    out.extend_from_slice(&page.lines.json);
    out.extend_from_slice(b"],\"next\":");
    out.extend_from_slice(n.format(page.next).as_bytes());
    out.extend_from_slice(b",\"total\":");
    out.extend_from_slice(n.format(page.total).as_bytes());
    out.extend_from_slice(if page.done { b",\"done\":true" } else { b",\"done\":false" });
    if let Some(outline) = &page.outline {
        out.extend_from_slice(b",\"outline\":");
        serde_json::to_writer(&mut out, outline).expect("an outline always serialises");
    }
    out.push(b'}');
    out
}
