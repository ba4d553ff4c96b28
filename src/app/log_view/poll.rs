//! The poller: every 500 ms (gloo-timers) it calls the `read_log` server
//! function with its cursor and hands the new lines to the state, a slice per
//! browser task. A full reply means it is behind, so it asks again at once; a
//! `done` reply ends the polling; a hidden tab pauses it. Reads never consume
//! anything on the server, so any number of tabs see the whole log.

use super::permalink::after_append;
use super::placeholders::draw_deferred;
use super::search::refresh_search;
use super::state::budget::DRAW_ALL_UPTO;
use super::state::progress::Feed;
use super::state::LogState;
use crate::app::browser;
use crate::model::{ApiError, LogPage, LogQuery};
use futures::StreamExt;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// What the page asks for at once: a fast run's half second in one reply
/// (5,000 lines/s come as 2,500 lines per poll, not 2,000 and then 500).
const PAGE_LIMIT: u32 = LogQuery::MAX_LIMIT;
/// What the page's first read asks for: one slice. That reply is decoded
/// while the page is still starting (the wasm code it runs is compiled on
/// first use), so a smaller one keeps that task short; the full reads follow
/// at once. It matters for runs of up to a few thousand lines: a longer one
/// opens at its tail anyway (`TAIL_LINES`).
const OPENING_LIMIT: u32 = SLICE_LINES as u32;
/// Lines rendered per browser task: a reply is appended in slices with a
/// yield to the browser between them, so no task grows with the size of a
/// reply. Each slice costs the browser a frame (style, layout, paint of what
/// is on screen), so fewer, larger slices cost less per line; smaller ones
/// (a frame's worth of lines, one chunk) would keep each task shorter but
/// cost the page more in all.
const SLICE_LINES: usize = 1_000;
/// Lines the first read of a run asks for when older ones may be summarized:
/// opening a long run shows its tail after one small reply, and the older
/// lines come as an outline (`backfill` draws them as the reader scrolls up).
pub const TAIL_LINES: u64 = 500;

/// `GET /api/log?run=<id>&after=<seq>&limit=<n>[&keep=<k>]`: the lines of
/// run `id` with `seq > after` (default 0), at most `limit` (default 500, at
/// most 5,000). With `keep`, a reader that draws only the newest `k` lines
/// gets the lines older than those summarized in the reply's `outline`
/// (when that saves at least 1,000 lines) and the reply's lines after it.
#[server(prefix = "/api", endpoint = "log", input = GetUrl)]
pub async fn read_log(
    run: u64,
    after: Option<u64>,
    limit: Option<u32>,
    keep: Option<u64>,
) -> Result<LogPage, ApiError> {
    let state = crate::server::state::app_state()?;
    crate::server::log_endpoint::read_page(&state, &LogQuery::new(run, after, limit, keep)?).await
}

/// Polls `read_log` until the run is done or the view moved to another run.
pub async fn poll(
    run: u64,
    still_mine: impl Fn() -> bool + Clone + 'static,
    state: LogState,
    pre: NodeRef<leptos::html::Pre>,
) {
    let progress = state.progress;
    browser::next_task().await;
    let mut ticks = browser::ticks(500);
    let mut cursor = 0u64;
    let mut backoff = 1u32;
    loop {
        if !still_mine() {
            return;
        }
        if browser::tab_hidden() {
            progress.feed.set(Feed::Hidden);
            ticks.next().await;
            continue;
        }
        // The first read of a long run brings only its tail; older lines
        // come as the reader scrolls up to them.
        let opening = cursor == 0;
        let keep = state.keep().map(|k| if opening { k.min(TAIL_LINES) } else { k });
        let limit = if opening { OPENING_LIMIT } else { PAGE_LIMIT };
        match read_log(run, Some(cursor), Some(limit), keep).await {
            Ok(page) => {
                if !still_mine() {
                    return;
                }
                backoff = 1;
                if opening {
                    progress.at_open.set_value(page.total);
                }
                progress.total.set(page.total);
                let full = page.lines.len() as u32 >= limit;
                // "done" is set below, once the last lines are on the page. A
                // full reply brings lines the run had already written: the
                // page is loading, it is not live (a finished run never is).
                if !page.done {
                    progress.feed.set(if full { Feed::Loading } else { Feed::Live });
                }
                if let Some(outline) = &page.outline {
                    // Lines older than the budget: summarized, not sent.
                    state.apply_outline(outline);
                    progress.shown.set(outline.upto);
                }
                // One slice per browser task: the page stays responsive
                // however many lines a reply brings.
                // While following, a reply draws only its tail: one slice.
                let slice_lines = if state.budget_applies() { page.lines.len().max(1) } else { SLICE_LINES };
                for (i, slice) in page.lines.chunks(slice_lines).enumerate() {
                    if i > 0 {
                        browser::next_task().await;
                        if !still_mine() {
                            return;
                        }
                    }
                    state.append(slice);
                    progress.shown.set(slice[slice.len() - 1].seq);
                    state.trim();
                    after_append(state, pre);
                }
                if page.outline.is_some() || !page.lines.is_empty() {
                    cursor = page.next;
                    refresh_search(state, pre).await;
                }
                // A quiet stream (or its end): what was left undrawn is drawn now.
                if page.done {
                    draw_deferred(state, pre, still_mine.clone()).await;
                    if still_mine() {
                        progress.feed.set(Feed::Done);
                    }
                    return;
                }
                if page.lines.len() <= DRAW_ALL_UPTO {
                    leptos::task::spawn_local(draw_deferred(state, pre, still_mine.clone()));
                }
                if full {
                    continue; // behind: catch up without waiting
                }
            }
            Err(e) => {
                leptos::logging::warn!("log poll failed: {e}");
                progress.feed.set(Feed::Reconnecting);
                for _ in 0..backoff {
                    ticks.next().await;
                }
                backoff = (backoff * 2).min(16);
                continue;
            }
        }
        ticks.next().await;
    }
}
