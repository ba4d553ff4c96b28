//! The web server: shared state, the axum router, and the endpoints that are
//! plain axum handlers rather than server functions.

/// `GET /badge/<suite>.svg`: the suite's latest outcome as a badge.
pub mod badge;
/// Benchmark-only endpoints (`serve --bench`).
pub mod bench_endpoints;
/// Runtime configuration: where data and suites live, and Leptos.toml.
pub mod config;
/// Raw log downloads (`/api/log.txt`, `/api/log.jsonl`).
pub mod downloads;
/// `GET /api/log`: the one page read, its hot path and its JSON.
pub mod log_endpoint;
/// `GET /api/result`: what a finished run reported (remote runs' reports).
pub mod result_endpoint;
/// The axum router: pages, server functions, downloads.
pub mod router;
/// The one state object handed to server functions and handlers.
pub mod state;
/// `GET/POST /api/tokens`: token management (admin).
pub mod tokens_endpoint;
