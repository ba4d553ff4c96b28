//! Search over the whole stored log of a run, served by the server (the page
//! holds only what it has rendered; the server holds every line).

use crate::model::{ApiError, SearchPage};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// Most matches one reply carries.
pub const MAX_MATCHES: usize = 5_000;

/// `GET /api/search?run=<id>&q=<text>&after=<seq>`: seqs of matching lines.
#[server(prefix = "/api", endpoint = "search", input = GetUrl)]
pub async fn search_log(run: u64, q: String, after: Option<u64>) -> Result<SearchPage, ApiError> {
    let state = crate::server::state::app_state()?;
    if q.trim().is_empty() {
        return Err(ApiError::bad_request("q must not be empty"));
    }
    state.known_run(run).await?;
    state.store.search(run, q.trim(), after.unwrap_or(0), MAX_MATCHES).await.map_err(ApiError::from)
}
