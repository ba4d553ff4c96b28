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
/// Query and form extractors that reject with the API's JSON error.
pub mod extract;
/// `GET /api/log`: the one page read, its hot path and its JSON.
pub mod log_endpoint;
/// `GET /api/openapi.json`: the HTTP API described, schemas derived from its types.
pub mod openapi;
/// The most a request may carry (413 for a body, 400 for a query beyond it).
pub mod request_limits;
/// `GET /api/result`: what a finished run reported (remote runs' reports).
pub mod result_endpoint;
/// The axum router: pages, server functions, downloads.
pub mod router;
/// The one state object handed to server functions and handlers.
pub mod state;
/// `GET/POST /api/tokens`: token management (admin).
pub mod tokens_endpoint;
