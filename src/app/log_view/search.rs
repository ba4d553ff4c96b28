//! Search over the whole stored log of a run, served by the server (the page
//! holds only what it has rendered; the server holds every line). Enter
//! submits what the box holds: a new query searches anew from the first line,
//! the same one steps to the next hit. The server sends at most
//! `MAX_MATCHES` hits a reply; the rest are fetched page after page (the
//! counter says it is still counting meanwhile), so every hit is reachable.
//! Hits keep coming while the run streams; the hit shown has its match
//! marked, and only it.

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
pub async fn search_log(run: u64, q: String, after: Option<String>) -> Result<SearchPage, ApiError> {
    let state = crate::server::state::app_state()?;
    let after = crate::model::log_query::optional_number("after", after.as_deref())?;
    if q.trim().is_empty() {
        return Err(ApiError::bad_request("q must not be empty"));
    }
    state.known_run(run).await?;
    state.logs.search(run, q.trim(), after.unwrap_or(0), MAX_MATCHES).await.map_err(ApiError::from)
}

/// Enter in the search box (Shift+Enter: backwards): a query other than the
/// one searched searches anew; the same one steps to the next hit.
pub fn on_enter(state: LogState, pre: Pre, forward: bool) {
    let search = state.search;
    let typed = search.query.get_untracked().trim().to_string();
    if typed == search.searched_query.get_untracked() {
        return jump_hit(state, pre, forward);
    }
    unmark(state);
    search.start(typed);
    search.show_first.set_value(true);
    leptos::task::spawn_local(refresh_search(state, pre));
}

/// Fetches the hits after the last searched line, page after page while the
/// server has more (called for a new query, and after every poll so hits
/// keep up with a streaming run). A reply is taken only if nothing else was
/// taken meanwhile: the poller's search and a new query's may cross, and a
/// reply for another query or run is stale.
pub async fn refresh_search(state: LogState, pre: Pre) {
    let search = state.search;
    loop {
        let q = search.searched_query.get_untracked();
        let Some(run) = state.run.get_untracked() else { return };
        if q.is_empty() {
            return;
        }
        let (epoch, after) = (search.epoch.get_value(), search.searched.get_value());
        let Ok(page) = search_log(run, q, Some(after.to_string())).await else { return };
        if search.epoch.try_get_value() != Some(epoch) || search.searched.get_value() != after {
            return;
        }
        search.searched.set_value(page.next.max(after));
        if !page.seqs.is_empty() {
            // Hits are strictly increasing seqs: a page that overlaps the
            // hits already taken (two searches crossing) adds only what is new.
            search.hits.update(|h| {
                let last = h.last().copied().unwrap_or(0);
                h.extend(page.seqs.into_iter().filter(|s| *s > last))
            });
        }
        search.counting.set(page.more);
        if search.show_first.get_value() && (!search.hits.with_untracked(Vec::is_empty) || !page.more) {
            search.show_first.set_value(false);
            jump_hit(state, pre, true);
        }
        if !page.more {
            return;
        }
    }
}

/// Shows the next (or previous) hit. One the page has not drawn yet (it left
/// the page, or a long run is still loading) is shown once it is there.
fn jump_hit(state: LogState, pre: Pre, forward: bool) {
    let search = state.search;
    let len = search.hits.with_untracked(Vec::len);
    if len == 0 {
        return;
    }
    let i = step(search.hit.get_untracked(), len, forward);
    search.hit.set(Some(i));
    let seq = search.hits.with_untracked(|h| h[i]);
    mark_hit(state, pre, seq);
    show_line(state, pre, seq, "hit-current");
}

/// A line just shown (a permalinked line, or a hit that had left the page
/// and is back): if it is the current hit, mark it as one.
pub fn mark_if_current(state: LogState, pre: Pre, seq: u64) {
    let search = state.search;
    let current = search.hit.get_untracked().and_then(|i| search.hits.with_untracked(|h| h.get(i).copied()));
    if current == Some(seq) {
        request_animation_frame(move || mark_hit(state, pre, seq));
    }
}

/// Re-renders line `seq` with the matches of the query marked and marks it
/// as the current hit; the line marked before goes back to plain text.
fn mark_hit(state: LogState, pre: Pre, seq: u64) {
    unmark(state);
    draw_line(state, seq);
    let q = state.search.searched_query.get_untracked();
    if let Some(html) = state.marked_line(seq, &q) {
        browser::set_line_html(seq, &html);
        state.search.marked.set_value(Some(seq));
    }
    let _ = browser::mark_line(pre, seq, "hit-current");
}

/// Takes the marks of the previous hit off its line.
fn unmark(state: LogState) {
    if let Some(seq) = state.search.marked.get_value() {
        if let Some(html) = state.marked_line(seq, "") {
            browser::set_line_html(seq, &html);
        }
        state.search.marked.set_value(None);
    }
    browser::unmark_lines("hit-current");
}
