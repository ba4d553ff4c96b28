//! The live log of one run. A log line from `read_log`'s reply goes
//! `poll.rs` (reads it, a slice per browser task) → `state/append.rs` (into
//! its case section, within the line budget) → `state/lines.rs` (a chunk) →
//! `render.rs` (escaped HTML) → `section_view.rs` (the chunk's element) →
//! the `<pre>` here.
//!
//! What the reader does moves through `scroll.rs` (follow, placeholders,
//! older lines), `toolbar.rs` and `permalink.rs`; every call into the
//! browser itself goes through `app::browser`.

/// Older lines above a long run's tail, as the reader scrolls up to them.
mod backfill;
/// Follow mode: pinned to the newest line until the reader scrolls up.
mod follow;
/// `#L<seq>`: the permalinked line, shown once it arrives; gutter clicks.
mod permalink;
/// Drawing the placeholder chunks a fast stream leaves.
mod placeholders;
/// The 500 ms poller and the `read_log` server function it calls (`GET /api/log`).
pub mod poll;
/// Log lines → escaped HTML, one chunk at a time.
pub mod render;
/// The reader's wheel, keys, touch and scrolling: follow, placeholders, backfill.
mod scroll;
/// Whole-log search served by the server (`GET /api/search`).
pub mod search;
/// One case section of the `<pre>`: its folding header and its chunks.
mod section_view;
/// Bringing one line into view (permalinks, error jumps, search hits).
mod show_line;
/// The view's state, one struct per concern, in one context.
pub mod state;
/// The selected run's status, progress and case-duration chart.
mod summary;
/// Follow, levels, jumps, search, wrap, time, downloads.
mod toolbar;

/// `read_log`'s limits, named here for the server's own `/api/log` route.
use crate::app::browser;
use crate::model::RunInfo;
use leptos::prelude::*;
use section_view::SectionView;
use state::budget::{max_lines_param, DEFAULT_MAX_DOM_LINES};
use state::LogState;
use summary::RunSummary;
use toolbar::LogToolbar;

/// `runs` is the run list the runs panel keeps fresh (the summary shows the
/// selected one's status and counts).
#[component]
pub fn LogView(run: Memo<Option<u64>>, runs: RwSignal<Vec<RunInfo>>) -> impl IntoView {
    let state = LogState::default();
    provide_context(state);
    let generation = StoredValue::new(0u64);
    let pre = NodeRef::<leptos::html::Pre>::new();

    // A new run starts with the page's line budget; "show all" keeps the run.
    Effect::new(move |prev: Option<Option<u64>>| {
        let id = run.get();
        if prev.is_some_and(|p| p != id) {
            state.budget.keep_all.set(false);
        }
        id
    });
    Effect::new(move |_| {
        let id = run.get();
        state.reload.track();
        let target = state.target.pending.get_value();
        generation.update_value(|g| *g += 1);
        state.reset(id);
        if let Some(id) = id {
            let max = browser::location_search().as_deref().and_then(max_lines_param);
            state.budget.max_dom_lines.set_value(max.unwrap_or(DEFAULT_MAX_DOM_LINES));
            state.target.pending.set_value(target.or_else(permalink::from_address));
            let mine = generation.get_value();
            let still_mine = move || generation.try_get_value() == Some(mine);
            leptos::task::spawn_local(poll::poll(id, still_mine, state, pre));
        }
    });

    let classes = move || {
        let mut c = String::from("log");
        for (i, hidden) in state.display.hidden_levels.get().iter().enumerate() {
            if *hidden {
                c.push_str(&format!(" hide-{}", crate::model::Level::ALL[i]));
            }
        }
        if !state.display.wrap.get() {
            c.push_str(" nowrap");
        }
        if state.display.relative.get() {
            c.push_str(" rel");
        }
        c
    };
    let progress = state.progress;

    view! {
        <div class="log-head">
            {move || match run.get() {
                Some(id) => view! { <h2>"Run " <span id="run-id">{id}</span></h2> }.into_any(),
                None => view! { <h2>"No run selected"</h2> }.into_any(),
            }}
            <span id="feed" class=move || format!("feed feed-{}", progress.feed.get().as_str().split(' ').next().unwrap_or(""))>
                {move || progress.feed.get().as_str()}
            </span>
            <span id="counts" class="counts">{move || format!("{} / {} lines", progress.shown.get(), progress.total.get())}</span>
            {move || {
                let behind = progress.total.get().saturating_sub(progress.shown.get());
                (behind > 0).then(|| view! { <span id="behind" class="behind">{format!("{behind} behind")}</span> })
            }}
        </div>
        {move || run.get().map(|_| view! { <RunSummary runs/> <LogToolbar pre/> })}
        {move || {
            let t = state.budget.trimmed.get();
            (t > 0).then(|| view! {
                <p id="trimmed" class="trimmed">
                    {format!("Lines 1–{t} left the page to keep it fast (search, error jumps and permalinks still reach them). ")}
                    <button id="show-all" on:click=move |_| state.show_everything(None)>"show every line"</button>
                </p>
            })
        }}
        <div class="log-wrap">
            <pre id="log" class=classes node_ref=pre tabindex="0" on:scroll=move |_| scroll::on_scroll(state, pre) on:click=move |ev| permalink::on_log_click(ev, state)
                on:wheel=move |ev| scroll::on_wheel(state, pre, &ev)
                on:touchmove=move |_| scroll::on_press(state)
                on:keydown=move |ev| if !browser::select_all_in(pre, &ev) { scroll::on_key(state, pre, &ev) }
                on:copy=move |ev| browser::copy_log_selection(pre, &ev, &state.display.hidden_classes())
                on:pointerdown=move |_| scroll::on_press(state)
                on:pointermove=move |ev| scroll::on_pointer_move(state, &ev)>
                <For each=move || state.lines.sections.get() key=|s| s.id let:s>
                    <SectionView section=s/>
                </For>
            </pre>
            {move || {
                let n = state.follow.unseen.get();
                (!state.follow.on.get() && n > 0).then(|| view! {
                    <button id="new-lines" class="new-lines" on:click=move |_| follow::resume_follow(state, pre)>
                        {format!("{n} new lines ↓")}
                    </button>
                })
            }}
        </div>
        {move || run.get().is_none().then(|| view! { <p class="empty">"Pick a suite and press Run, or open a run from the list."</p> })}
    }
}
