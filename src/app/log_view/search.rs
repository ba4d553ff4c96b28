//! Search over the whole stored log of a run, served by the server (the page
//! holds only what it has rendered; the server holds every line). Hits keep
//! coming while the run streams; a hit is shown with its match marked.

use super::placeholders::draw_line;
use super::show_line::{show_line, step};
use super::state::LogState;
use crate::app::browser;
use crate::model::{ApiError, SearchPage};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

type Pre = NodeRef<leptos::html::Pre>;

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

/// Enter in the search box (Shift+Enter: backwards): a new query searches,
/// the same one steps to the next hit.
pub fn on_enter(state: LogState, pre: Pre, forward: bool) {
    if state.search.hits.get_untracked().is_empty() || state.search.searched.get_value() == 0 {
        leptos::task::spawn_local(async move { start_search(state, pre).await })
    } else {
        jump_hit(state, pre, forward)
    }
}

/// A new query: search from the first line, then show the first hit.
async fn start_search(state: LogState, pre: Pre) {
    state.search.hits.set(Vec::new());
    state.search.hit.set(None);
    state.search.searched.set_value(0);
    refresh_search(state).await;
    jump_hit(state, pre, true);
}

/// Searches the lines after the last searched one (called after every poll
/// while a query is active, so hits keep up with a streaming run).
pub async fn refresh_search(state: LogState) {
    let search = state.search;
    let q = search.query.get_untracked();
    let Some(run) = state.run.get_untracked() else { return };
    if q.trim().is_empty() || search.hits_more.get_untracked() {
        return;
    }
    let after = search.searched.get_value();
    if let Ok(page) = search_log(run, q, Some(after)).await {
        search.searched.set_value(page.next.max(1));
        search.hits_more.set(page.more);
        if !page.seqs.is_empty() {
            search.hits.update(|h| h.extend(page.seqs));
        }
    }
}

/// Shows the next (or previous) hit among those already on the page.
pub fn jump_hit(state: LogState, pre: Pre, forward: bool) {
    let hits = state.search.hits.get_untracked();
    let shown = state.progress.shown.get_untracked();
    let reachable = hits.iter().take_while(|s| **s <= shown).count();
    if reachable == 0 {
        return;
    }
    let i = step(state.search.hit.get_untracked(), reachable, forward);
    state.search.hit.set(Some(i));
    let q = state.search.query.get_untracked();
    mark_hit(state, hits[i], q.trim());
    show_line(state, pre, hits[i], "hit-current");
}

/// Re-renders line `seq` with the matches of `q` marked.
fn mark_hit(state: LogState, seq: u64, q: &str) {
    draw_line(state, seq);
    if let Some(html) = state.marked_line(seq, q) {
        browser::set_line_html(seq, &html);
    }
}
