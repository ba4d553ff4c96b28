//! The controls above the log: follow, levels (with live counts and jumps
//! between errors), whole-log search, wrap, time format, downloads, and the
//! picked line's copy buttons.

use super::dom;
use super::log_search::search_log;
use super::log_state::LogState;
use crate::model::Level;
use leptos::prelude::*;

type Pre = NodeRef<leptos::html::Pre>;

#[component]
pub fn LogToolbar(pre: Pre) -> impl IntoView {
    let state = expect_context::<LogState>();
    let problem_at = StoredValue::new(None::<usize>);
    let jump_problem = move |forward: bool| {
        let list = state.problems.get_untracked();
        if list.is_empty() {
            return;
        }
        let i = step(problem_at.get_value(), list.len(), forward);
        problem_at.set_value(Some(i));
        dom::show_line(state, pre, list[i], "current");
    };
    let run_id = move || state.run.get().unwrap_or(0);
    view! {
        <div class="toolbar" role="toolbar" aria-label="log controls">
            <button id="follow" class="toggle" aria-pressed=move || state.follow.get().to_string()
                on:click=move |_| if state.follow.get_untracked() { state.follow.set(false) } else { dom::resume_follow(state, pre) }>
                {move || if state.follow.get() { "following" } else { "follow" }}
            </button>
            <span class="levels">
                {Level::ALL.into_iter().map(|level| {
                    let i = level.index();
                    view! {
                        <label class=format!("level-filter lv-{level}")>
                            <input type="checkbox" class="level-toggle" data-level=level.as_str()
                                prop:checked=move || !state.hidden_levels.get()[i]
                                on:change=move |ev| { let on = event_target_checked(&ev); state.hidden_levels.update(|h| h[i] = !on) }/>
                            {level.as_str()} " " <span class="level-count" data-level=level.as_str()>{move || state.counts.get()[i]}</span>
                        </label>
                    }
                }).collect_view()}
            </span>
            <span class="jumps">
                <button id="prev-error" disabled=move || state.problems.get().is_empty() on:click=move |_| jump_problem(false) title="previous ERROR/CRITICAL">"↑ error"</button>
                <button id="next-error" disabled=move || state.problems.get().is_empty() on:click=move |_| jump_problem(true) title="next ERROR/CRITICAL">"↓ error"</button>
            </span>
            <span class="search">
                <input id="search" type="search" placeholder="search the whole log" aria-label="search the whole log"
                    prop:value=move || state.query.get()
                    on:input=move |ev| state.query.set(event_target_value(&ev))
                    on:keydown=move |ev| if ev.key() == "Enter" {
                        let forward = !ev.shift_key();
                        if state.hits.get_untracked().is_empty() || state.searched.get_value() == 0 {
                            leptos::task::spawn_local(async move { start_search(state, pre).await })
                        } else {
                            jump_hit(state, pre, forward)
                        }
                    }/>
                <span id="search-count" class="search-count">
                    {move || {
                        let hits = state.hits.get();
                        if state.query.get().is_empty() || state.searched.get_value() == 0 && hits.is_empty() { String::new() }
                        else { format!("{}/{}{}", state.hit.get().map_or(0, |i| i + 1), hits.len(), if state.hits_more.get() { "+" } else { "" }) }
                    }}
                </span>
                <button id="prev-hit" disabled=move || state.hits.get().is_empty() on:click=move |_| jump_hit(state, pre, false)>"‹"</button>
                <button id="next-hit" disabled=move || state.hits.get().is_empty() on:click=move |_| jump_hit(state, pre, true)>"›"</button>
            </span>
            <button id="wrap" class="toggle" aria-pressed=move || state.wrap.get().to_string() on:click=move |_| state.wrap.update(|w| *w = !*w)>"wrap"</button>
            <button id="time-mode" class="toggle" aria-pressed=move || state.relative.get().to_string() on:click=move |_| { state.relative.update(|r| *r = !*r); state.rerender(); }>
                {move || if state.relative.get() { "relative time" } else { "clock time" }}
            </button>
            <a id="download-txt" href=move || format!("/api/log.txt?run={}", run_id()) download=move || format!("run-{}.log", run_id())>"raw log"</a>
            <a id="download-jsonl" href=move || format!("/api/log.jsonl?run={}", run_id()) download=move || format!("run-{}.jsonl", run_id())>"JSONL"</a>
            {move || state.selected.get().map(|seq| view! {
                <span class="picked">
                    {format!("line {seq}: ")}
                    <button id="copy-line" on:click=move |_| if let Some(t) = dom::line_text(seq) { dom::copy_to_clipboard(t) }>"copy line"</button>
                    <button id="copy-link" on:click=move |_| dom::copy_to_clipboard(permalink(seq))>"copy link"</button>
                </span>
            })}
        </div>
    }
}

/// The next index in a cyclic list, starting at the first (or last) one.
fn step(at: Option<usize>, len: usize, forward: bool) -> usize {
    match (at, forward) {
        (None, true) => 0,
        (None, false) => len - 1,
        (Some(i), true) => (i + 1) % len,
        (Some(i), false) => (i + len - 1) % len,
    }
}

fn permalink(seq: u64) -> String {
    #[cfg(feature = "hydrate")]
    {
        let loc = window().location();
        format!("{}{}#L{seq}", loc.origin().unwrap_or_default(), loc.pathname().unwrap_or_default())
    }
    #[cfg(not(feature = "hydrate"))]
    format!("#L{seq}")
}

/// A new query: search from the first line, then show the first hit.
async fn start_search(state: LogState, pre: Pre) {
    state.hits.set(Vec::new());
    state.hit.set(None);
    state.searched.set_value(0);
    refresh_search(state).await;
    jump_hit(state, pre, true);
}

/// Searches the lines after the last searched one (called after every poll
/// while a query is active, so hits keep up with a streaming run).
pub async fn refresh_search(state: LogState) {
    let q = state.query.get_untracked();
    let Some(run) = state.run.get_untracked() else { return };
    if q.trim().is_empty() || state.hits_more.get_untracked() {
        return;
    }
    let after = state.searched.get_value();
    if let Ok(page) = search_log(run, q, Some(after)).await {
        state.searched.set_value(page.next.max(1));
        state.hits_more.set(page.more);
        if !page.seqs.is_empty() {
            state.hits.update(|h| h.extend(page.seqs));
        }
    }
}

fn jump_hit(state: LogState, pre: Pre, forward: bool) {
    let hits = state.hits.get_untracked();
    let shown = state.shown.get_untracked();
    let reachable = hits.iter().take_while(|s| **s <= shown).count();
    if reachable == 0 {
        return;
    }
    let i = step(state.hit.get_untracked(), reachable, forward);
    state.hit.set(Some(i));
    let q = state.query.get_untracked();
    dom::mark_hit(state, hits[i], q.trim());
    dom::show_line(state, pre, hits[i], "hit-current");
}
