//! livesmoke: smoke suites (seed the database, call the API, check, clean up)
//! with a live log in the browser, and exit codes plus JUnit in CI.
//!
//! Follow one log line: the engine (`engine::sql_step`, …) calls
//! `logging::Logger::info` → `logging::log_queue` → `logging::log_writer`
//! numbers it → `logging::log_store` keeps it → `server::log_endpoint` serves
//! it to `app::log_view::poll` → `state::append`, `state::lines`, `render`,
//! `section_view` → the `<pre>` in `app::log_view` (README's data flow).
#![recursion_limit = "256"]

/// The page and the server functions it calls.
pub mod app;
/// Types shared by the server and the wasm client (the wire format).
pub mod model;

/// Tokens, sessions and the gate every request passes when auth is on.
#[cfg(feature = "ssr")]
pub mod auth;
/// The command line: `serve`, `run`, `check`.
#[cfg(feature = "ssr")]
pub mod cli;
/// Running suites: SQL steps, outcomes, the zh/en message catalog.
#[cfg(feature = "ssr")]
pub mod engine;
/// The log pipeline: producer API, async queue, writer thread, store.
#[cfg(feature = "ssr")]
pub mod logging;
/// Run history and starting runs.
#[cfg(feature = "ssr")]
pub mod runs;
/// The axum server around the app.
#[cfg(feature = "ssr")]
pub mod server;
/// Suite files: model, loader, validation errors with positions.
#[cfg(feature = "ssr")]
pub mod suite;

/// The wasm entry point: hydrates the server-rendered page, in a task of its
/// own. Leptos's loader calls this in the task that instantiates the module,
/// which also finishes compiling it; hydrating in that same task would make
/// one long freeze of the two on a slow core, where two shorter tasks let the
/// browser paint and take input between them.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    gloo_timers::callback::Timeout::new(0, || leptos::mount::hydrate_body(app::App)).forget();
}
