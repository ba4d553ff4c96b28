//! The live log of one run. Every 500 ms (gloo-timers) the component calls
//! the `read_log` server function with its cursor and appends the new lines,
//! one chunk per case section, to a `<pre>`. A full reply means it is behind,
//! so it asks again at once; a `done` reply ends the polling; a hidden tab
//! pauses it. Reads never consume anything on the server, so any number of
//! tabs see the whole log.

#[cfg(feature = "hydrate")]
use super::log_state::Feed;
use super::log_state::{LogState, Section};
use super::log_toolbar::LogToolbar;
use super::run_summary::RunSummary;
use crate::model::{ApiError, LogPage, LogQuery};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// What the page asks for at once: a fast run's half second in one reply
/// (5,000 lines/s come as 2,500 lines per poll, not 2,000 and then 500).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const PAGE_LIMIT: u32 = LogQuery::MAX_LIMIT;
/// What the page's first read asks for: one slice. That reply is decoded
/// while the page is still starting (the wasm code it runs is compiled on
/// first use), so a smaller one keeps that task short; the full reads follow
/// at once. It matters for runs of up to a few thousand lines: a longer one
/// opens at its 500-line tail anyway (`log_backfill::TAIL_LINES`).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const OPENING_LIMIT: u32 = SLICE_LINES as u32;
/// Lines rendered per browser task: a reply is appended in slices with a
/// yield to the browser between them, so no task grows with the size of a
/// reply. Each slice costs the browser a frame (style, layout, paint of what
/// is on screen), so fewer, larger slices cost less per line: at 5,000
/// lines/s, 1,000-line slices (and one reply per poll) took the main thread's
/// busy share from 0.39 to 0.24 against 500-line slices. (Slices of one
/// frame's worth, 50-line chunks, and taking old chunks out one per task were
/// measured too: all cost more per line.)
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const SLICE_LINES: usize = 1_000;

/// `pre.log`'s line height (style/main.css): a placeholder chunk of n lines is
/// n times as tall as this, as its lines are when none wraps.
const LINE_EM: f64 = 1.45;

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

#[component]
pub fn LogView(run: Memo<Option<u64>>) -> impl IntoView {
    let state = expect_context::<LogState>();
    let generation = StoredValue::new(0u64);
    let pre = NodeRef::<leptos::html::Pre>::new();

    // A new run starts with the page's line budget; "show all" keeps the run.
    Effect::new(move |prev: Option<Option<u64>>| {
        let id = run.get();
        if prev.is_some_and(|p| p != id) {
            state.keep_all.set(false);
        }
        id
    });
    Effect::new(move |_| {
        let id = run.get();
        state.reload.track();
        let target = state.pending_target.get_value();
        generation.update_value(|g| *g += 1);
        state.reset(id);
        if let Some(id) = id {
            state
                .max_dom_lines
                .set_value(super::dom::max_lines_param().unwrap_or(super::log_state::DEFAULT_MAX_DOM_LINES));
            state.pending_target.set_value(target.or_else(super::dom::hash_target));
            let mine = generation.get_value();
            let still_mine = move || generation.try_get_value() == Some(mine);
            leptos::task::spawn_local(poll(id, still_mine, state, pre));
        }
    });

    let classes = move || {
        let mut c = String::from("log");
        for (i, hidden) in state.hidden_levels.get().iter().enumerate() {
            if *hidden {
                c.push_str(&format!(" hide-{}", crate::model::Level::ALL[i]));
            }
        }
        if !state.wrap.get() {
            c.push_str(" nowrap");
        }
        if state.relative.get() {
            c.push_str(" rel");
        }
        c
    };

    view! {
        <div class="log-head">
            {move || match run.get() {
                Some(id) => view! { <h2>"Run " <span id="run-id">{id}</span></h2> }.into_any(),
                None => view! { <h2>"No run selected"</h2> }.into_any(),
            }}
            <span id="feed" class=move || format!("feed feed-{}", state.feed.get().as_str().split(' ').next().unwrap_or(""))>
                {move || state.feed.get().as_str()}
            </span>
            <span id="counts" class="counts">{move || format!("{} / {} lines", state.shown.get(), state.total.get())}</span>
            {move || {
                let behind = state.total.get().saturating_sub(state.shown.get());
                (behind > 0).then(|| view! { <span id="behind" class="behind">{format!("{behind} behind")}</span> })
            }}
        </div>
        {move || run.get().map(|_| view! { <RunSummary/> <LogToolbar pre/> })}
        {move || {
            let t = state.trimmed.get();
            (t > 0).then(|| view! {
                <p id="trimmed" class="trimmed">
                    {format!("Lines 1–{t} left the page to keep it fast (search, error jumps and permalinks still reach them). ")}
                    <button id="show-all" on:click=move |_| state.show_everything(None)>"show every line"</button>
                </p>
            })
        }}
        <div class="log-wrap">
            <pre id="log" class=classes node_ref=pre tabindex="0" on:scroll=move |_| super::dom::on_scroll(state, pre) on:click=move |ev| super::dom::on_log_click(ev, state)
                on:wheel=move |ev| {
                    super::dom::user_intent(state);
                    if ev.delta_y() < 0.0 {
                        super::dom::older_if_near_top(state, pre)
                    }
                }
                on:touchmove=move |_| super::dom::user_intent(state)
                on:keydown=move |ev| {
                    super::dom::user_intent(state);
                    if matches!(ev.key().as_str(), "Home" | "PageUp" | "ArrowUp") {
                        super::dom::older_if_near_top(state, pre)
                    }
                }
                on:pointerdown=move |_| super::dom::user_intent(state)
                on:pointermove=move |ev| if ev.buttons() != 0 { super::dom::user_intent(state) }>
                <For each=move || state.sections.get() key=|s| s.id let:s>
                    <SectionView section=s/>
                </For>
            </pre>
            {move || {
                let n = state.unseen.get();
                (!state.follow.get() && n > 0).then(|| view! {
                    <button id="new-lines" class="new-lines" on:click=move |_| super::dom::resume_follow(state, pre)>
                        {format!("{n} new lines ↓")}
                    </button>
                })
            }}
        </div>
        {move || run.get().is_none().then(|| view! { <p class="empty">"Pick a suite and press Run, or open a run from the list."</p> })}
    }
}

/// A case's lines under a header that folds them (the run's own lines have no header).
#[component]
fn SectionView(section: Section) -> impl IntoView {
    let Section { id, case, end, chunks, open, keep_open } = section;
    let head = case.clone().map(|name| {
        let label = move || match end.get() {
            Some(e) => format!("{} {name} — {} · {} ms{}", if open.get() { "▾" } else { "▸" }, e.outcome, e.ms, if e.cleanup_ok { "" } else { " · cleanup failed" }),
            None => format!("{} {name} — running", if open.get() { "▾" } else { "▸" }),
        };
        let toggle = move || {
            keep_open.set_value(true);
            open.update(|o| *o = !*o)
        };
        view! {
            <span class="case-head" role="button" tabindex="0" aria-expanded=move || open.get().to_string() data-label=label.clone() aria-label=label
                on:click=move |_| toggle()
                on:keydown=move |ev| if ev.key() == "Enter" || ev.key() == " " { ev.prevent_default(); toggle() }>
            </span>
        }
    });
    view! {
        <span class="case" data-section=id data-case=case.clone() data-outcome=move || end.get().map(|e| e.outcome.as_str())>
            {head}
            <span class="case-body" class:collapsed=move || !open.get()>
                <For each=move || chunks.get() key=|c| (c.id, c.relative) let:c>
                    // A placeholder holds its lines' height until drawn (`dom::draw_chunk`).
                    <span class=if c.html.is_some() { "chunk" } else { "chunk deferred" } id=format!("C{}", c.id)
                        style=c.html.is_none().then(|| format!("height:{:.2}em", c.rows.len() as f64 * LINE_EM))
                        inner_html=c.html.as_deref().unwrap_or_default().to_string()></span>
                </For>
            </span>
        </span>
    }
}

/// Polls `read_log` until the run is done or the view moved to another run.
#[allow(unused_variables)]
async fn poll(
    run: u64,
    still_mine: impl Fn() -> bool + Clone + 'static,
    state: LogState,
    pre: NodeRef<leptos::html::Pre>,
) {
    #[cfg(feature = "hydrate")]
    {
        use futures::StreamExt;
        super::dom::next_task().await;
        let mut ticks = gloo_timers::future::IntervalStream::new(500);
        let mut cursor = 0u64;
        let mut backoff = 1u32;
        loop {
            if !still_mine() {
                return;
            }
            if super::dom::tab_hidden() {
                state.feed.set(Feed::Hidden);
                ticks.next().await;
                continue;
            }
            // The first read of a long run brings only its tail; older lines
            // come as the reader scrolls up to them.
            let opening = cursor == 0;
            let keep = state.keep().map(|k| if opening { k.min(super::log_backfill::TAIL_LINES) } else { k });
            let limit = if opening { OPENING_LIMIT } else { PAGE_LIMIT };
            match read_log(run, Some(cursor), Some(limit), keep).await {
                Ok(page) => {
                    if !still_mine() {
                        return;
                    }
                    backoff = 1;
                    // "done" is set below, once the last lines are on the page.
                    if !page.done {
                        state.feed.set(Feed::Live);
                    }
                    state.total.set(page.total);
                    let full = page.lines.len() as u32 >= limit;
                    if let Some(outline) = &page.outline {
                        // Lines older than the budget: summarized, not sent.
                        state.apply_outline(outline);
                        state.shown.set(outline.upto);
                    }
                    // One slice per browser task: the page stays responsive
                    // however many lines a reply brings.
                    // While following, a reply draws only its tail: one slice.
                    let slice_lines = if state.budget_applies() { page.lines.len().max(1) } else { SLICE_LINES };
                    for (i, slice) in page.lines.chunks(slice_lines).enumerate() {
                        if i > 0 {
                            gloo_timers::future::TimeoutFuture::new(0).await;
                            if !still_mine() {
                                return;
                            }
                        }
                        state.append(slice);
                        state.shown.set(slice[slice.len() - 1].seq);
                        state.trim();
                        super::dom::after_append(state, pre);
                    }
                    if page.outline.is_some() || !page.lines.is_empty() {
                        cursor = page.next;
                        super::log_toolbar::refresh_search(state).await;
                    }
                    // A quiet stream (or its end): what was left undrawn is drawn now.
                    if page.done {
                        super::dom::draw_deferred(state, pre, still_mine.clone()).await;
                        if still_mine() {
                            state.feed.set(Feed::Done);
                        }
                        return;
                    }
                    if page.lines.len() <= super::log_state::DRAW_ALL_UPTO {
                        leptos::task::spawn_local(super::dom::draw_deferred(state, pre, still_mine.clone()));
                    }
                    if full {
                        continue; // behind: catch up without waiting
                    }
                }
                Err(e) => {
                    leptos::logging::warn!("log poll failed: {e}");
                    state.feed.set(Feed::Reconnecting);
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
}
