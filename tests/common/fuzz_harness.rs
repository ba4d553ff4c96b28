//! What each fuzz target does with its bytes. The libFuzzer targets
//! (`fuzz/fuzz_targets/*.rs`, nightly) and the corpus replay
//! (`tests/fuzz_corpus.rs`, stable) both include this one file, so an input
//! that once crashed a target is replayed through exactly the same code on
//! every `cargo test`, on machines that cannot fuzz.
//!
//! The property is the same everywhere: no input panics. A parser refusing
//! an input (an `Err`) is the expected answer to most of them.
//!
//! It is a module of its own, not part of `tests/common/mod.rs`: every other
//! test binary would otherwise compile it (and its unused functions).
// Each fuzz target calls one entry point; the others are unused there.
#![allow(dead_code)]

use axum::body::Body;
use axum::extract::{FromRequest, Query};
use axum::http::{header, Request, Uri};
use axum::Form;
use leptos::server_fn::codec::{FromReq, GetUrl, PostUrl};
use livesmoke::app::compare_page::CompareRuns;
use livesmoke::app::log_view::poll::ReadLog;
use livesmoke::app::log_view::search::SearchLog;
use livesmoke::app::runs_panel::ListRuns;
use livesmoke::app::suites_panel::{ListSuites, StartRun};
use livesmoke::auth::Scope;
use livesmoke::model::{log_query, parse_label, ApiError, Lang, LogQuery, RunKind, RunStatus};
use livesmoke::runs::compare_runs::Base;
use livesmoke::server::badge::BadgeQuery;
use livesmoke::server::downloads::RunQuery;
use livesmoke::server::tokens_endpoint::{NewToken, Revoke};
use livesmoke::suite;
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// What a target does with one input.
pub type Target = fn(&[u8]);

/// Every target by the name of its corpus directory.
pub const TARGETS: [(&str, Target); 3] =
    [("suite_loader", suite_loader), ("suite_files", suite_files), ("api_queries", api_queries)];

/// The fragment a suite may `include = ["common/login.toml"]`: variables, a
/// target and step lists, so `use = "login"` and `{{base}}` resolve.
const FRAGMENT: &str = r#"[vars]
base = "http://127.0.0.1:1"

[db.shared]
path = "shared.db"

[[steps.login]]
http = "POST {{base}}/login"
capture = { token = "json:$.token" }

[[steps.seed]]
db = "shared"
sql = "INSERT INTO t VALUES (1)"
"#;

/// The CSV a suite may read with `rows = { csv = "users.csv" }`.
const CSV: &str = "user,plan\nalice,pro\n\"bob, jr\",\"free\"\n";

/// Where the fixture files sit, relative to the suite file.
const FRAGMENT_PATH: &str = "common/login.toml";
const CSV_PATH: &str = "users.csv";

/// Names a `--var` would declare, so `{{api_key}}` is known too.
const EXTRA_VARS: [&str; 1] = ["api_key"];

/// `suite_loader`: the bytes are a suite file's text, loaded through the real
/// loader beside a valid fragment and CSV, so `include`, `use`, `rows` and
/// templates all reach real files.
pub fn suite_loader(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = load_beside_fixtures(text);
    }
}

/// Loads suite text as a file beside the fixture fragment and CSV.
pub fn load_beside_fixtures(text: &str) -> Result<suite::LoadedSuite, suite::SuiteErrors> {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let dir = scratch_dir("fixture");
        write(&dir, FRAGMENT_PATH, FRAGMENT.as_bytes());
        write(&dir, CSV_PATH, CSV.as_bytes());
        dir
    });
    suite::parse_with(&dir.join("suite.toml"), text, &extra_vars())
}

/// `suite_files`: the bytes are three files split on NUL bytes — the suite,
/// the fragment at `common/login.toml` and the CSV at `users.csv` — written
/// to a directory of this thread's and loaded from disk, so the fragment and
/// CSV parsers (and reading files that are not UTF-8) are fuzzed as well.
/// A part left out is a file that does not exist.
pub fn suite_files(data: &[u8]) {
    thread_local! {
        static DIR: PathBuf = scratch_dir("files");
    }
    let mut parts = data.splitn(3, |&b| b == 0);
    let (suite_text, fragment, csv) = (parts.next().unwrap_or_default(), parts.next(), parts.next());
    DIR.with(|dir| {
        let suite_file = write(dir, "suite.toml", suite_text);
        for (path, content) in [(FRAGMENT_PATH, fragment), (CSV_PATH, csv)] {
            match content {
                Some(bytes) => _ = write(dir, path, bytes),
                None => _ = std::fs::remove_file(dir.join(path)),
            }
        }
        let _ = suite::load_with(&suite_file, &extra_vars());
    });
}

/// `api_queries`: the bytes are a query string (or a form body) as the HTTP
/// API receives it, decoded by every door that takes one: `GET /api/log`'s
/// raw-query path, the axum extractors of the plain handlers, and the server
/// functions' own codec, then the typed arguments through the parsers their
/// handlers apply. Only what runs before the database is reached.
pub fn api_queries(data: &[u8]) {
    let query = String::from_utf8_lossy(data);
    let _ = LogQuery::parse(&query);
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        argument_parsers(key);
        argument_parsers(value);
    }
    // A query string only reaches a handler inside a valid URI.
    if let Ok(uri) = format!("/api?{query}").parse::<Uri>() {
        let _ = Query::<RunQuery>::try_from_uri(&uri).map(|q| q.run());
        let _ = Query::<BadgeQuery>::try_from_uri(&uri);
        if let Some(ReadLog { run, after, limit, keep }) = get_args(&uri) {
            let _ = LogQuery::new(run, after, limit, keep);
        }
        if let Some(SearchLog { q, .. }) = get_args(&uri) {
            argument_parsers(q.trim());
        }
        if let Some(CompareRuns { base, .. }) = get_args(&uri) {
            let _ = base.parse::<Base>();
        }
        if let Some(ListRuns { status, kind, label, .. }) = get_args(&uri) {
            status.as_deref().map(RunStatus::parse);
            kind.as_deref().map(RunKind::parse);
            label.as_deref().map(parse_label);
        }
        let _ = get_args::<ListSuites>(&uri);
    }
    // The POST doors take any bytes as their body.
    if let Some(StartRun { lang, labels, .. }) = post_args(data) {
        let _ = lang.map(|l| l.parse::<Lang>());
        labels.unwrap_or_default().lines().for_each(|l| _ = parse_label(l));
    }
    let _ = form::<NewToken>(data);
    let _ = form::<Revoke>(data);
}

/// Every parser that takes one query value as text.
fn argument_parsers(value: &str) {
    let _ = log_query::number("run", value);
    let _ = RunStatus::parse(value);
    let _ = RunKind::parse(value);
    let _ = parse_label(value);
    let _ = value.parse::<Base>();
    let _ = value.parse::<Lang>();
    let _ = value.parse::<Scope>();
}

/// A `GET` server function's arguments, decoded from the URI by its codec.
fn get_args<T: DeserializeOwned + Send + 'static>(uri: &Uri) -> Option<T> {
    let req = Request::get(uri.clone()).body(Body::empty()).ok()?;
    futures::executor::block_on(<T as FromReq<GetUrl, Request<Body>, ApiError>>::from_req(req)).ok()
}

/// A `POST` server function's arguments, decoded from a form body by its codec.
fn post_args<T: DeserializeOwned + Send + 'static>(body: &[u8]) -> Option<T> {
    futures::executor::block_on(<T as FromReq<PostUrl, Request<Body>, ApiError>>::from_req(form_request(body)?)).ok()
}

/// A plain handler's `Form` argument, as axum extracts it.
fn form<T: DeserializeOwned + Send + 'static>(body: &[u8]) -> Option<T> {
    futures::executor::block_on(Form::<T>::from_request(form_request(body)?, &())).ok().map(|Form(t)| t)
}

fn form_request(body: &[u8]) -> Option<Request<Body>> {
    Request::post("/api")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_vec()))
        .ok()
}

fn extra_vars() -> Vec<String> {
    EXTRA_VARS.iter().map(|v| v.to_string()).collect()
}

/// A directory of this process (and, for `files`, this thread) of its own:
/// fuzzing with `-fork`/`-jobs` and the replay's parallel tests never share one.
fn scratch_dir(kind: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("livesmoke-fuzz-{kind}-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

/// Writes `bytes` to `dir/path` (making its folder) and returns the full path.
fn write(dir: &Path, path: &str, bytes: &[u8]) -> PathBuf {
    let file = dir.join(path);
    if let Some(parent) = file.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("cannot create {}: {e}", parent.display()));
    }
    std::fs::write(&file, bytes).unwrap_or_else(|e| panic!("cannot write {}: {e}", file.display()));
    file
}
