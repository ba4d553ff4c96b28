//! The web page: suites, runs, and the live log of the selected run.
//! Server functions sit next to the component that calls them.

/// Scrolling, permalinks and highlighting in the page (browser only).
pub mod dom;
/// A long run's tail first; older lines as the reader scrolls up to them.
pub mod log_backfill;
/// Log lines → escaped HTML, one chunk per poll.
pub mod log_render;
/// Whole-log search served by the server (`GET /api/search`).
pub mod log_search;
/// The log view's state: case sections, counts, follow, search hits.
pub mod log_state;
/// Follow, levels, jumps, search, wrap, time, downloads.
pub mod log_toolbar;
/// The live log: a 500 ms poller appending to a `<pre>` (`GET /api/log`).
pub mod log_view;
/// The selected run's status, progress and case-duration chart.
pub mod run_summary;
/// The run history with live status (`GET /api/runs`).
pub mod runs_panel;
/// The suite list with Run buttons (`GET /api/suites`, `POST /api/run`).
pub mod suites_panel;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::use_params_map;
use leptos_router::path;

/// The HTML document around the app (server side).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="data:,"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                // Static: the page's title and style never change, so they
                // are not hydrated (one task less of work at start). The id
                // is the one `cargo leptos watch` reloads the CSS by.
                <link id="leptos" rel="stylesheet" href="/pkg/livesmoke.css"/>
                <title>"livesmoke"</title>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <Routes fallback=|| view! { <p class="empty">"Page not found."</p> }>
                <Route path=path!("/") view=Home/>
                <Route path=path!("/runs/:id") view=Home/>
            </Routes>
        </Router>
    }
}

/// Both routes show the same page; `/runs/:id` selects a run.
#[component]
fn Home() -> impl IntoView {
    let params = use_params_map();
    let selected = Memo::new(move |_| params.read().get("id").and_then(|id| id.parse::<u64>().ok()));
    // Effects run only in the browser: this turns true once the wasm is live.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let runs = RwSignal::new(Vec::new());
    provide_context(log_state::LogState::new(runs));
    view! {
        <header class="top">
            <a class="brand" href="/">"livesmoke"</a>
            <span class="tagline">"smoke suites, live"</span>
            <span class="hydration" data-hydrated=move || hydrated.get().to_string()></span>
        </header>
        <main class="layout">
            <aside class="side">
                <suites_panel::SuitesPanel hydrated/>
                <runs_panel::RunsPanel selected runs/>
            </aside>
            <section class="main">
                <log_view::LogView run=selected/>
            </section>
        </main>
    }
}
