//! The controls above the log: follow, levels (with live counts and jumps
//! between errors), whole-log search, wrap, time format, downloads, copying
//! the whole log, and the picked line's copy buttons.
//!
//! A toggle shows its state one way: it is pressed (`aria-pressed`, drawn
//! filled) or not, under a label that never changes; a label that also
//! changed would read as the action it offers as often as the state it is in.

use super::follow::resume_follow;
use super::permalink::link;
use super::search::on_enter;
use super::show_line::{show_line, step};
use super::state::LogState;
use crate::app::browser;
use crate::model::Level;
use leptos::prelude::*;

type Pre = NodeRef<leptos::html::Pre>;

#[component]
pub fn LogToolbar(pre: Pre) -> impl IntoView {
    let state = expect_context::<LogState>();
    let problem_at = StoredValue::new(None::<usize>);
    let jump_problem = move |forward: bool| {
        let list = state.lines.problems.get_untracked();
        if list.is_empty() {
            return;
        }
        let i = step(problem_at.get_value(), list.len(), forward);
        problem_at.set_value(Some(i));
        show_line(state, pre, list[i], "current");
    };
    let run_id = move || state.run.get().unwrap_or(0);
    // What the last copy did, said in a live region (screen readers hear it).
    let copied = RwSignal::new(String::new());
    let said = StoredValue::new(0u64);
    let copy = move |text: String, what: String| {
        browser::copy_to_clipboard(text, move |ok| {
            copied.set(if ok { format!("copied {what}") } else { format!("could not copy {what}") });
            said.update_value(|n| *n += 1);
            let mine = said.get_value();
            browser::after_ms(4_000, move || {
                if said.try_get_value() == Some(mine) {
                    copied.set(String::new());
                }
            });
        })
    };
    // The whole run from the server, not only the lines drawn in the page.
    let copy_all = move |_| {
        let url = format!("/api/log.txt?run={}", run_id());
        leptos::task::spawn_local(async move {
            match browser::fetch_text(&url).await {
                Some(text) => copy(text, "the whole log".into()),
                None => copied.set("could not read the log".into()),
            }
        });
    };
    view! {
        <div class="toolbar" role="toolbar" aria-label="log controls">
            <button id="follow" class="toggle" aria-pressed=move || state.follow.on.get().to_string()
                on:click=move |_| if state.follow.on.get_untracked() { state.follow.on.set(false) } else { resume_follow(state, pre) }>
                "follow"
            </button>
            <span class="levels">
                {Level::ALL.into_iter().map(|level| {
                    let i = level.index();
                    view! {
                        <label class=format!("level-filter lv-{level}")>
                            <input type="checkbox" class="level-toggle" data-level=level.as_str()
                                prop:checked=move || !state.display.hidden_levels.get()[i]
                                on:change=move |ev| { let on = event_target_checked(&ev); state.display.hidden_levels.update(|h| h[i] = !on) }/>
                            {level.as_str()} " " <span class="level-count" data-level=level.as_str()>{move || state.lines.counts.get()[i]}</span>
                        </label>
                    }
                }).collect_view()}
            </span>
            <span class="jumps">
                <button id="prev-error" disabled=move || state.lines.problems.get().is_empty() on:click=move |_| jump_problem(false) title="previous ERROR/CRITICAL">"↑ error"</button>
                <button id="next-error" disabled=move || state.lines.problems.get().is_empty() on:click=move |_| jump_problem(true) title="next ERROR/CRITICAL">"↓ error"</button>
            </span>
            <span class="search">
                <input id="search" type="search" placeholder="search the whole log" aria-label="search the whole log"
                    prop:value=move || state.search.query.get()
                    on:input=move |ev| state.search.query.set(event_target_value(&ev))
                    on:keydown=move |ev| if ev.key() == "Enter" { on_enter(state, pre, !ev.shift_key()) }/>
                <span id="search-count" class="search-count" aria-live="polite">{move || state.search.status()}</span>
                <button id="prev-hit" disabled=move || state.search.hits.with(Vec::is_empty) on:click=move |_| on_enter(state, pre, false)>"‹"</button>
                <button id="next-hit" disabled=move || state.search.hits.with(Vec::is_empty) on:click=move |_| on_enter(state, pre, true)>"›"</button>
            </span>
            <button id="wrap" class="toggle" aria-pressed=move || state.display.wrap.get().to_string() on:click=move |_| state.display.wrap.update(|w| *w = !*w)>"wrap"</button>
            <button id="time-mode" class="toggle" aria-pressed=move || state.display.relative.get().to_string() on:click=move |_| { state.display.relative.update(|r| *r = !*r); state.rerender(); }>
                "relative time"
            </button>
            <a id="download-txt" href=move || format!("/api/log.txt?run={}", run_id()) download=move || format!("run-{}.log", run_id())>"raw log"</a>
            <a id="download-jsonl" href=move || format!("/api/log.jsonl?run={}", run_id()) download=move || format!("run-{}.jsonl", run_id())>"JSONL"</a>
            <button id="copy-all" on:click=copy_all>"copy all"</button>
            {move || state.target.selected.get().map(|seq| view! {
                <span class="picked">
                    {format!("line {seq}: ")}
                    <button id="copy-line" on:click=move |_| if let Some(t) = browser::line_text(seq) { copy(t, format!("line {seq}")) }>"copy line"</button>
                    <button id="copy-link" on:click=move |_| copy(link(seq), format!("the link to line {seq}"))>"copy link"</button>
                </span>
            })}
            <span id="copy-status" class="copy-status" role="status" aria-live="polite">{copied}</span>
        </div>
    }
}
