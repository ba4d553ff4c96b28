//! The web server: shared state, the axum router, and the HTTP details of the API.

/// Turns a server function's `ApiError` into the matching HTTP status.
pub mod api_status;
/// Benchmark-only endpoints (`serve --bench`).
pub mod bench_endpoints;
/// Runtime configuration: where data and suites live, and Leptos.toml.
pub mod config;
/// Raw log downloads (`/api/log.txt`, `/api/log.jsonl`).
pub mod downloads;
/// `GET /api/log`'s hot path (the poll), same replies as the server function.
pub mod log_route;
/// The axum router: pages, server functions, downloads.
pub mod router;
/// The one state object handed to server functions and handlers.
pub mod state;
