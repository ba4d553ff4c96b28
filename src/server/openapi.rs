//! `GET /api/openapi.json`: the HTTP API as an OpenAPI 3.1 document.
//!
//! The schemas are derived from the very types the handlers and server
//! functions answer with (`model::*`, with serde's renames and optional
//! fields), so a field added there is in the document without anyone
//! remembering it. The operations are declared here, in one place, rather
//! than on each handler: most endpoints are server functions, whose
//! generated argument types cannot carry the derive, so their forms and
//! queries are described by the small types below, next to the route table
//! a reader compares them with (`router`). Every error is the one
//! [`ApiError`](crate::model::ApiError) body.

use crate::auth::token_store::TokenInfo;
use crate::auth::Scope;
use crate::model::api_error::WireError;
use crate::model::*;
use crate::server::result_endpoint::RunOutcome;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use std::sync::LazyLock;
use utoipa::{IntoParams, OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "livesmoke",
        description = "Runs smoke suites and serves their logs live. Errors are `{\"status\": 4xx, \"error\": \"…\"}` \
                       with that HTTP status. Beyond loopback every call needs a token (`Authorization: Bearer …`)."
    ),
    paths(
        log, start_run, runs, suites, rerun, cancel, result, compare, search, log_txt, log_jsonl, badge,
        tokens_list, tokens_create, tokens_revoke
    ),
    components(schemas(StartRunForm, RunForm, NewTokenForm, RevokeForm, WireError, LogLine, LogPage<Vec<LogLine>>, RunInfo, SuiteInfo, RunOutcome, Comparison, SearchPage, TokenInfo, Scope))
)]
struct ApiDoc;

/// The forms of the POST endpoints: a field they do not read is ignored.
const FORMS: [&str; 4] = ["StartRunForm", "RunForm", "NewTokenForm", "RevokeForm"];

/// The document, built once.
static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).expect("the OpenAPI document serialises");
    for form in FORMS {
        // Said of the forms, not derived: the form decoder takes any other
        // field given once, as text, if it has a name without brackets (which
        // it reads as a nested field); a field given twice is a 400.
        let schema = &mut doc["components"]["schemas"][form];
        schema["additionalProperties"] = serde_json::json!({ "type": "string" });
        schema["propertyNames"] = serde_json::json!({ "pattern": "^[^\\[\\]]+$" });
    }
    // An optional query argument given empty (`?id=`) is taken as not given.
    for op in doc["paths"].as_object_mut().into_iter().flat_map(|p| p.values_mut()).flat_map(|p| p.as_object_mut()) {
        for param in op.values_mut().flat_map(|o| o.get_mut("parameters")?.as_array_mut()).flatten() {
            if param["in"] == "query" && param["required"] != true {
                param["allowEmptyValue"] = true.into();
            }
        }
    }
    serde_json::to_string_pretty(&doc).expect("the OpenAPI document serialises")
});

/// The route.
pub async fn document() -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/json")], DOCUMENT.as_str())
}

/// `?run=<id>`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct RunParam {
    /// The run's id.
    #[param(minimum = 0)]
    run: u64,
}

/// `GET /api/log`'s query.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct LogParams {
    /// The run's id.
    #[param(minimum = 0)]
    run: u64,
    /// Lines with a seq after this one (default 0).
    #[param(minimum = 0, nullable = false)]
    after: Option<u64>,
    /// At most this many lines (default 500).
    #[param(minimum = 1, maximum = 5000, nullable = false)]
    limit: Option<u32>,
    /// The reader draws only the newest `keep` lines: older ones come summarized in `outline`.
    #[param(minimum = 1, nullable = false)]
    keep: Option<u64>,
}

#[utoipa::path(get, path = "/api/log", params(LogParams), tag = "logs",
    description = "The run's lines after the cursor. Pass `next` as `after` next time; `done` says nothing more will come.",
    responses(
        (status = 200, description = "A page of lines", body = LogPage<Vec<LogLine>>),
        (status = 400, description = "A missing or malformed argument", body = WireError),
        (status = 401, description = "No valid token", body = WireError),
        (status = 404, description = "No such run", body = WireError),
    ))]
#[allow(dead_code)]
fn log() {}

/// `POST /api/run`'s form.
#[derive(ToSchema)]
#[allow(dead_code)]
struct StartRunForm {
    /// A suite file of the server's suites directory (`demo.toml`) or its name (`demo`).
    suite: String,
    /// An `[env.<name>]` of the suite.
    #[schema(nullable = false)]
    env: Option<String>,
    /// The language of the run's lines.
    #[schema(pattern = "^(zh|en)?$")]
    #[schema(nullable = false)]
    lang: Option<String>,
    /// Team setup: the pool of workers that may take the run.
    #[schema(nullable = false)]
    pool: Option<String>,
    /// `key=value` lines (each key letters, digits, `_`, `-`, `.`).
    #[schema(nullable = false, pattern = "^(([ \\t]*[A-Za-z0-9_.-]+[ \\t]*=[^\\n]*|[ \\t\\r]*)(\\n|$))*$")]
    labels: Option<String>,
    /// Comma-separated tags: only cases with one of them run.
    #[schema(nullable = false)]
    tags: Option<String>,
    /// Skip the remaining cases after the first that fails.
    #[schema(nullable = false)]
    fail_fast: Option<bool>,
}

#[utoipa::path(post, path = "/api/run", tag = "runs",
    request_body(content = StartRunForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 201, description = "The run, started (or queued for a worker)", body = RunInfo),
        (status = 400, description = "A missing or malformed argument", body = WireError),
        (status = 401, description = "No valid token", body = WireError),
        (status = 403, description = "The token's scope does not allow runs", body = WireError),
        (status = 404, description = "No such suite file", body = WireError),
        (status = 413, description = "A body over the server's limit", body = WireError),
        (status = 422, description = "The suite file is invalid (file:line:col)", body = WireError),
    ))]
#[allow(dead_code)]
fn start_run() {}

/// `GET /api/runs`'s query.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct RunsParams {
    /// Only runs of this suite (its name).
    #[param(nullable = false)]
    suite: Option<String>,
    /// Only runs with this status (empty: any).
    #[param(pattern = "^(queued|running|passed|failed|error|interrupted|cancelled)?$", nullable = false)]
    status: Option<String>,
    /// Only runs in this environment.
    #[param(nullable = false)]
    env: Option<String>,
    /// `suite` (the default), `bench` or `all`.
    #[param(pattern = "^(suite|bench|all)?$", nullable = false)]
    kind: Option<String>,
    /// The page after the one ending at this id.
    #[param(minimum = 0, nullable = false)]
    before: Option<u64>,
    /// At most this many runs (default 200).
    #[param(minimum = 1, maximum = 200, nullable = false)]
    limit: Option<u32>,
    /// This run only, of any kind.
    #[param(minimum = 0, nullable = false)]
    id: Option<u64>,
    /// Only runs with this label, `key=value` (the key letters, digits, `_`, `-`, `.`).
    #[param(pattern = "^([ \\t]*[A-Za-z0-9_.-]+[ \\t]*=[\\s\\S]*)?$", nullable = false)]
    label: Option<String>,
}

#[utoipa::path(get, path = "/api/runs", params(RunsParams), tag = "runs",
    responses(
        (status = 200, description = "Runs, newest first", body = Vec<RunInfo>),
        (status = 400, description = "A malformed argument", body = WireError),
        (status = 401, description = "No valid token", body = WireError),
    ))]
#[allow(dead_code)]
fn runs() {}

#[utoipa::path(get, path = "/api/suites", tag = "runs",
    responses(
        (status = 200, description = "The suite files the server can run, with any validation problem", body = Vec<SuiteInfo>),
        (status = 401, description = "No valid token", body = WireError),
    ))]
#[allow(dead_code)]
fn suites() {}

/// A form naming one run.
#[derive(ToSchema)]
#[allow(dead_code)]
struct RunForm {
    /// The run's id.
    #[schema(minimum = 0)]
    run: u64,
}

#[utoipa::path(post, path = "/api/rerun", tag = "runs",
    request_body(content = RunForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 201, description = "A new run of the cases that failed or errored", body = RunInfo),
        (status = 400, description = "A missing or malformed argument, or nothing to run again", body = WireError),
        (status = 401, description = "No valid token", body = WireError),
        (status = 403, description = "The token's scope does not allow runs", body = WireError),
        (status = 404, description = "No such run, or its suite file is gone", body = WireError),
        (status = 413, description = "A body over the server's limit", body = WireError),
        (status = 422, description = "The suite file is invalid now (file:line:col)", body = WireError),
    ))]
#[allow(dead_code)]
fn rerun() {}

#[utoipa::path(post, path = "/api/cancel", tag = "runs",
    request_body(content = RunForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "The run as it stands", body = RunInfo),
        (status = 400, description = "A missing or malformed argument", body = WireError),
        (status = 401, description = "No valid token", body = WireError),
        (status = 403, description = "The token's scope does not allow runs", body = WireError),
        (status = 404, description = "No such run", body = WireError),
        (status = 413, description = "A body over the server's limit", body = WireError),
    ))]
#[allow(dead_code)]
fn cancel() {}

#[utoipa::path(get, path = "/api/result", params(RunParam), tag = "runs",
    responses(
        (status = 200, description = "The run, and what it reported once it ended", body = RunOutcome),
        (status = 400, description = "A missing or malformed argument", body = WireError),
        (status = 401, description = "No valid token", body = WireError),
        (status = 404, description = "No such run", body = WireError),
    ))]
#[allow(dead_code)]
fn result() {}

/// `GET /api/compare`'s query.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct CompareParams {
    /// A run's id, or `previous`: the run of the same suite and environment before `head`.
    #[param(pattern = "^(previous|[0-9]{1,19})$")]
    base: String,
    /// The run compared.
    #[param(minimum = 0)]
    head: u64,
    /// A step is slower when it takes this many percent more (default 50)…
    #[param(minimum = 0, nullable = false)]
    pct: Option<u32>,
    /// …and this many ms more (default 100).
    #[param(minimum = 0, nullable = false)]
    ms: Option<u64>,
}

#[utoipa::path(get, path = "/api/compare", params(CompareParams), tag = "runs",
    responses(
        (status = 200, description = "What got worse, better, new, gone or slower", body = Comparison),
        (status = 400, description = "A missing or malformed argument, or runs of different suites", body = WireError),
        (status = 401, description = "No valid token", body = WireError),
        (status = 404, description = "No such run, or no previous run", body = WireError),
    ))]
#[allow(dead_code)]
fn compare() {}

/// `GET /api/search`'s query.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct SearchParams {
    /// The run's id.
    #[param(minimum = 0)]
    run: u64,
    /// The text searched for in `[LEVEL]: message`, case-insensitive (not only spaces).
    #[param(pattern = "\\S")]
    q: String,
    /// Search the lines after this seq.
    #[param(minimum = 0, nullable = false)]
    after: Option<u64>,
}

#[utoipa::path(get, path = "/api/search", params(SearchParams), tag = "logs",
    responses(
        (status = 200, description = "The seqs of the matching lines", body = SearchPage),
        (status = 400, description = "A missing or malformed argument", body = WireError),
        (status = 401, description = "No valid token", body = WireError),
        (status = 404, description = "No such run", body = WireError),
    ))]
#[allow(dead_code)]
fn search() {}

#[utoipa::path(get, path = "/api/log.txt", params(RunParam), tag = "logs",
    responses(
        (status = 200, description = "The whole log, `YYYY-MM-DD HH:MM:SS[LEVEL]: message` lines, long lines whole", body = String, content_type = "text/plain"),
        (status = 400, description = "A missing or malformed argument", body = WireError),
        (status = 401, description = "No valid token", body = WireError),
        (status = 404, description = "No such run", body = WireError),
    ))]
#[allow(dead_code)]
fn log_txt() {}

#[utoipa::path(get, path = "/api/log.jsonl", params(RunParam), tag = "logs",
    responses(
        (status = 200, description = "The whole log as JSON Lines, one `LogLine` per line, long lines whole", body = String, content_type = "application/x-ndjson"),
        (status = 400, description = "A missing or malformed argument", body = WireError),
        (status = 401, description = "No valid token", body = WireError),
        (status = 404, description = "No such run", body = WireError),
    ))]
#[allow(dead_code)]
fn log_jsonl() {}

#[utoipa::path(get, path = "/badge/{file}", tag = "runs",
    params(
        ("file" = String, Path, description = "`<suite>.svg`"),
        ("env" = Option<String>, Query, description = "Only runs in this environment"),
    ),
    responses(
        (status = 200, description = "The suite's latest outcome as an SVG badge", body = String, content_type = "image/svg+xml"),
        (status = 400, description = "A malformed query (`env` given twice)", body = WireError),
        (status = 401, description = "No valid token", body = WireError),
        (status = 404, description = "Not `<suite>.svg`", body = WireError),
    ))]
#[allow(dead_code)]
fn badge() {}

#[utoipa::path(get, path = "/api/tokens", tag = "tokens",
    responses(
        (status = 200, description = "Every token (never the token itself)", body = Vec<TokenInfo>),
        (status = 401, description = "No valid token", body = WireError),
        (status = 403, description = "Not an admin token", body = WireError),
        (status = 404, description = "Tokens are off on this server", body = WireError),
    ))]
#[allow(dead_code)]
fn tokens_list() {}

/// `POST /api/tokens`'s form.
#[derive(ToSchema)]
#[allow(dead_code)]
struct NewTokenForm {
    /// Its name (letters, digits, `-`, `_`, `.`).
    name: String,
    scope: Scope,
}

/// A token, made: the only time the token itself is shown.
#[derive(ToSchema)]
#[allow(dead_code)]
struct NewTokenReply {
    name: String,
    scope: Scope,
    token: String,
}

#[utoipa::path(post, path = "/api/tokens", tag = "tokens",
    request_body(content = NewTokenForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 201, description = "The token, shown once", body = NewTokenReply),
        (status = 400, description = "A missing or bad name or scope, or the name is taken", body = WireError),
        (status = 401, description = "No valid token", body = WireError),
        (status = 403, description = "Not an admin token", body = WireError),
        (status = 404, description = "Tokens are off on this server", body = WireError),
        (status = 413, description = "A body over the server's limit", body = WireError),
    ))]
#[allow(dead_code)]
fn tokens_create() {}

/// `POST /api/tokens/revoke`'s form.
#[derive(ToSchema)]
#[allow(dead_code)]
struct RevokeForm {
    name: String,
}

/// A token, revoked.
#[derive(ToSchema)]
#[allow(dead_code)]
struct RevokeReply {
    name: String,
    revoked: bool,
}

#[utoipa::path(post, path = "/api/tokens/revoke", tag = "tokens",
    request_body(content = RevokeForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Revoked; its sessions end", body = RevokeReply),
        (status = 400, description = "A form without `name`", body = WireError),
        (status = 401, description = "No valid token", body = WireError),
        (status = 403, description = "Not an admin token", body = WireError),
        (status = 404, description = "No valid token of that name, or tokens are off", body = WireError),
        (status = 413, description = "A body over the server's limit", body = WireError),
    ))]
#[allow(dead_code)]
fn tokens_revoke() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_status_filter_names_every_status() {
        let doc: serde_json::Value = serde_json::from_str(&DOCUMENT).unwrap();
        let params = doc["paths"]["/api/runs"]["get"]["parameters"].as_array().unwrap();
        let status = params.iter().find(|p| p["name"] == "status").unwrap();
        let pattern = status["schema"]["pattern"].as_str().unwrap();
        for s in RunStatus::ALL {
            assert!(pattern.contains(s.as_str()), "{} is missing from {pattern}", s.as_str());
        }
    }

    #[test]
    fn every_form_takes_other_fields_as_text() {
        let doc: serde_json::Value = serde_json::from_str(&DOCUMENT).unwrap();
        for form in FORMS {
            let schema = &doc["components"]["schemas"][form];
            assert_eq!(schema["additionalProperties"]["type"], "string", "{form}: {schema}");
        }
    }
}
