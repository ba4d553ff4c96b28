//! Test helpers: a real log pipeline over a temporary data directory, and a
//! way to run suite text through the real loader and engine.
#![allow(dead_code)]

pub mod team;

use livesmoke::engine::{self, RunOptions, RunReport};
use livesmoke::logging::log_queue::LogQueue;
use livesmoke::logging::{log_writer, LogStore, Logger, Redactor};
use livesmoke::model::LogLine;
use livesmoke::runs::RunLogs;
use livesmoke::suite;
use std::path::Path;
use std::sync::Arc;

pub struct Pipe {
    pub dir: tempfile::TempDir,
    pub store: Arc<LogStore>,
    /// The same store behind the readers' interface (outline, search).
    pub logs: RunLogs,
    pub queue: LogQueue,
}

pub fn pipe(ring_cap: usize) -> Pipe {
    let dir = tempfile::tempdir().unwrap();
    pipe_in(dir, ring_cap)
}

pub fn pipe_in(dir: tempfile::TempDir, ring_cap: usize) -> Pipe {
    let store = Arc::new(LogStore::new(dir.path().join("logs"), ring_cap).unwrap());
    let (queue, rx) = LogQueue::new(1024);
    log_writer::spawn(store.clone(), rx);
    Pipe { dir, logs: RunLogs::Embedded(store.clone()), store, queue }
}

impl Pipe {
    pub fn logger(&self, run: u64) -> Logger {
        self.store.create(run);
        Logger::new(self.queue.clone(), run, Redactor::default())
    }

    /// Every line of a run, read with the cursor in pages of `limit`.
    pub async fn read_all(&self, run: u64, limit: usize) -> Vec<LogLine> {
        let mut out = Vec::new();
        let mut after = 0;
        loop {
            let page = self.store.read(run, after, limit, false).await.unwrap();
            if page.lines.is_empty() {
                return out;
            }
            after = page.next;
            out.extend(page.lines);
        }
    }
}

/// Parses `text` as a suite file and runs it with the real engine; returns the
/// report and every log line.
pub async fn run_suite_text(text: &str, opts: RunOptions) -> (RunReport, Vec<LogLine>) {
    let p = pipe(10_000);
    let path = p.dir.path().join("suite.toml");
    std::fs::write(&path, text).unwrap();
    let names: Vec<String> = opts.vars.iter().map(|(k, _)| k.clone()).collect();
    let loaded = suite::load_with(&path, &names).unwrap_or_else(|e| panic!("suite invalid:\n{e}"));
    let plan = engine::runner::prepare(&loaded, &opts, p.dir.path()).unwrap_or_else(|e| panic!("plan invalid:\n{e}"));
    let logger = p.store.create(1);
    drop(logger);
    let logger = Logger::new(p.queue.clone(), 1, plan.redactor.clone());
    let report = engine::run_suite(&loaded, &plan, &logger, &opts, &|_| {}).await;
    logger.finish().await;
    p.queue.flush().await.unwrap();
    let lines = p.read_all(1, 5000).await;
    (report, lines)
}

pub fn texts(lines: &[LogLine]) -> Vec<String> {
    lines.iter().map(|l| format!("[{}] {}", l.level, l.msg)).collect()
}

/// A database server URL from the environment or the local default. Under
/// `CI=true` an unreachable server fails the test; elsewhere it is skipped
/// with a note, so a laptop without MariaDB can still run the rest.
pub async fn server_or_skip(env: &str, default: &str, kind: &str) -> Option<String> {
    let url = std::env::var(env).unwrap_or_else(|_| default.to_string());
    let host = url::Url::parse(&url).unwrap();
    let addr = format!("{}:{}", host.host_str().unwrap(), host.port().unwrap());
    match tokio::net::TcpStream::connect(&addr).await {
        Ok(_) => Some(url),
        Err(e) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("{kind} at {addr} is required under CI=true: {e}")
        }
        Err(e) => {
            eprintln!("SKIPPED: no {kind} at {addr} ({e}); set {env} or start one");
            None
        }
    }
}

/// The MariaDB test server (`LIVESMOKE_TEST_MYSQL`, default root on 127.0.0.1:3306).
pub async fn mariadb_url() -> Option<String> {
    server_or_skip("LIVESMOKE_TEST_MYSQL", "mysql://root@127.0.0.1:3306/test", "MariaDB").await
}

/// The PostgreSQL test server (`LIVESMOKE_TEST_POSTGRES`, default postgres on 127.0.0.1:5432).
pub async fn postgres_url() -> Option<String> {
    server_or_skip("LIVESMOKE_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres", "PostgreSQL").await
}

pub fn unique(prefix: &str) -> String {
    format!(
        "{prefix}_{}_{}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() % 1_000_000_000
    )
}

pub fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// A small real HTTP server for HTTP steps: JSON, headers, an echo, a slow
/// endpoint and a 500. Returns its base URL.
pub async fn http_fixture() -> String {
    use axum::http::{HeaderMap, StatusCode};
    use axum::routing::{get, post};
    use axum::Json;
    use serde_json::{json, Value};
    let app = axum::Router::new()
        .route(
            "/health",
            get(|| async {
                ([("x-trace", "abc")], Json(json!({"ok": true, "items": [1, 2, 3], "name": "smoke", "ratio": 0.5})))
            }),
        )
        .route(
            "/orders",
            post(|headers: HeaderMap, Json(body): Json<Value>| async move {
                let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
                (StatusCode::CREATED, Json(json!({"id": 42, "qty": body["qty"], "who": body["who"], "auth": auth})))
            }),
        )
        .route(
            "/orders/{id}",
            get(|axum::extract::Path(id): axum::extract::Path<String>| async move { Json(json!({"id": id})) }),
        )
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(std::time::Duration::from_secs(3)).await;
                "late"
            }),
        )
        .route("/boom", get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "database is on fire") }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

/// A port on which nothing listens.
pub fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// `livesmoke serve` as a child process on a free port; killed on drop.
pub struct Server {
    pub child: std::process::Child,
    pub base: String,
    /// Where the server's stdout and stderr go.
    pub output: std::path::PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub async fn spawn_server(suites: &Path, data: &Path, envs: &[(&str, &str)]) -> Server {
    spawn_server_with(suites, data, &[], envs).await
}

/// `livesmoke <first…> --suites <suites> --data <data> <args…>` with `envs`,
/// its stdout and stderr into `output` (`data` is created first).
pub fn spawn_livesmoke(
    first: &[&str],
    suites: &Path,
    data: &Path,
    args: &[&str],
    envs: &[(&str, &str)],
    output: &Path,
) -> std::process::Child {
    std::fs::create_dir_all(data).unwrap();
    let out = std::fs::File::create(output).unwrap();
    std::process::Command::new(env!("CARGO_BIN_EXE_livesmoke"))
        .args(first)
        .arg("--suites")
        .arg(suites)
        .arg("--data")
        .arg(data)
        .args(args)
        .envs(envs.iter().copied())
        .stdout(out.try_clone().unwrap())
        .stderr(out)
        .spawn()
        .unwrap()
}

/// `livesmoke serve` with more arguments (`--db …`).
pub async fn spawn_server_with(suites: &Path, data: &Path, args: &[&str], envs: &[(&str, &str)]) -> Server {
    spawn_server_to(suites, data, args, envs, &data.join("server-output.log")).await
}

/// [`spawn_server_with`], its output into `output` (elsewhere than `data`
/// when the test takes the data directory's room away).
pub async fn spawn_server_to(
    suites: &Path,
    data: &Path,
    args: &[&str],
    envs: &[(&str, &str)],
    output: &Path,
) -> Server {
    let port = closed_port();
    let addr = format!("127.0.0.1:{port}");
    let first = ["serve", "--addr", &addr];
    let output = output.to_path_buf();
    let child = spawn_livesmoke(&first, suites, data, args, envs, &output);
    // Owned by `Server` at once, so a failing wait below still kills it.
    let server = Server { child, base: format!("http://127.0.0.1:{port}"), output };
    for _ in 0..300 {
        if reqwest::get(format!("{}/api/suites", server.base)).await.is_ok_and(|r| r.status().is_success()) {
            return server;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("livesmoke serve did not answer on {} within 30 s", server.base);
}
