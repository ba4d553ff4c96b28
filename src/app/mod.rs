//! The web page: suites, runs, and the live log of the selected run.
//! Server functions sit next to the component that calls them.

/// What the page asks of the browser (the address, storage, clipboard,
/// timers, the log pane's elements). The wasm build's file makes the calls;
/// the server build gets `browser_ssr.rs`, the same functions doing nothing,
/// so the rest of the page needs no `#[cfg]`.
#[cfg_attr(not(feature = "hydrate"), path = "browser_ssr.rs")]
pub mod browser;
/// Two runs side by side, differences first (`GET /api/compare`).
pub mod compare_page;
/// The live log: a 500 ms poller appending to a `<pre>` (`GET /api/log`).
pub mod log_view;
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
                <Route path=path!("/compare") view=compare_page::ComparePage/>
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
    // The run list: the runs panel keeps it fresh, the log view's summary reads it.
    let runs = RwSignal::new(Vec::new());
    // The log comes before the side panels in the page, so the keyboard
    // reaches its controls before the whole history and a phone shows it
    // first; CSS still draws the panels on the left of a wide window. On `/`
    // (no run yet) a phone shows the suites first: there is no log to read.
    view! {
        <a class="skip" href="#log" on:click=move |ev| { ev.prevent_default(); browser::focus_element("log") }>"skip to log"</a>
        <header class="top">
            <a class="brand" href="/">"livesmoke"</a>
            <span class="tagline">"smoke suites, live"</span>
            <span class="hydration" data-hydrated=move || hydrated.get().to_string()></span>
        </header>
        <main class="layout" class:has-run=move || selected.get().is_some()>
            <section class="main">
                <log_view::LogView run=selected runs/>
            </section>
            <aside class="side">
                <suites_panel::SuitesPanel hydrated/>
                <runs_panel::RunsPanel selected runs/>
            </aside>
        </main>
    }
}
