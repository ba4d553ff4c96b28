//! Helpers for the team setup's tests: a fresh PostgreSQL database per test
//! (dropped afterwards), `serve --db` and `worker` as real processes, a TCP
//! proxy whose connections a test can cut, and cursor reads over HTTP.
#![allow(dead_code)]

use super::{closed_port, Server};
use livesmoke::model::LogLine;
use std::path::Path;
use std::process::Child;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A database of its own on the test server; dropped with it.
pub struct TeamDb {
    pub url: String,
    admin: String,
    name: String,
}

impl TeamDb {
    /// `None` only where `postgres_url` skips (never under `CI=true`).
    pub async fn new() -> Option<TeamDb> {
        let admin = super::postgres_url().await?;
        let name = super::unique("livesmoke_team");
        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin).await.unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.unwrap();
        let mut url = url::Url::parse(&admin).unwrap();
        url.set_path(&name);
        Some(TeamDb { url: url.to_string(), admin, name })
    }

    /// The same database through `port` (a [`Proxy`]).
    pub fn via(&self, port: u16) -> String {
        let mut url = url::Url::parse(&self.url).unwrap();
        url.set_port(Some(port)).unwrap();
        url.to_string()
    }

    pub fn addr(&self) -> String {
        let url = url::Url::parse(&self.url).unwrap();
        format!("{}:{}", url.host_str().unwrap(), url.port().unwrap_or(5432))
    }
}

impl Drop for TeamDb {
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async {
                if let Ok(mut conn) = <sqlx::PgConnection as sqlx::Connection>::connect(&admin).await {
                    let _ =
                        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn).await;
                }
            })
        })
        .join();
    }
}

/// `livesmoke serve --db <db> --no-worker` (plus `args`) on a free port.
pub async fn spawn_instance(db: &str, suites: &Path, data: &Path, args: &[&str]) -> Server {
    let mut all = vec!["--db", db, "--no-worker"];
    all.extend_from_slice(args);
    super::spawn_server_with(suites, data, &all, &[]).await
}

/// A `livesmoke worker` process; killed on drop.
pub struct Worker {
    pub child: Child,
    pub name: String,
    pub output: std::path::PathBuf,
}

impl Worker {
    pub fn spawn(db: &str, suites: &Path, data: &Path, name: &str, args: &[&str], envs: &[(&str, &str)]) -> Worker {
        let output = data.join(format!("worker-{name}.log"));
        let child = super::spawn_livesmoke(&["worker", "--db", db, "--name", name], suites, data, args, envs, &output);
        Worker { child, name: name.into(), output }
    }

    /// SIGKILL: no goodbye, no last write.
    pub fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    pub fn output(&self) -> String {
        std::fs::read_to_string(&self.output).unwrap_or_default()
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A TCP proxy (to PostgreSQL or MariaDB) whose connections the test can cut: every
/// open one is closed, and new ones are refused while it is cut.
pub struct Proxy {
    pub port: u16,
    cut: Arc<AtomicBool>,
    generation: Arc<tokio::sync::watch::Sender<u64>>,
}

impl Proxy {
    pub async fn start(target: String) -> Proxy {
        Proxy::start_on(closed_port(), target).await
    }

    /// [`Proxy::start`] on a port chosen beforehand.
    pub async fn start_on(port: u16, target: String) -> Proxy {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let cut = Arc::new(AtomicBool::new(false));
        let (generation, _) = tokio::sync::watch::channel(0u64);
        let generation = Arc::new(generation);
        let (c, g) = (cut.clone(), generation.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else { return };
                if c.load(Ordering::SeqCst) {
                    continue; // dropped: refused
                }
                let target = target.clone();
                let mut cut_now = g.subscribe();
                tokio::spawn(async move {
                    let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await else { return };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = cut_now.changed() => {}
                    }
                });
            }
        });
        Proxy { port, cut, generation }
    }

    /// Closes every open connection; new ones are let through as before
    /// (a database restarting at once, a balancer dropping its connections).
    pub fn drop_connections(&self) {
        self.generation.send_modify(|g| *g += 1);
    }

    /// Cuts every connection and refuses new ones for `outage`.
    pub async fn cut_for(&self, outage: Duration) {
        self.cut.store(true, Ordering::SeqCst);
        self.generation.send_modify(|g| *g += 1);
        tokio::time::sleep(outage).await;
        self.cut.store(false, Ordering::SeqCst);
    }
}

/// `POST /api/run` (form-encoded); the queued run's JSON.
pub async fn queue_run(base: &str, form: &[(&str, &str)]) -> serde_json::Value {
    let res = reqwest::Client::new().post(format!("{base}/api/run")).form(form).send().await.unwrap();
    let status = res.status();
    let body = res.text().await.unwrap();
    assert!(status.is_success(), "POST /api/run: {status}: {body}");
    serde_json::from_str(&body).unwrap()
}

/// `POST /api/cancel` for `run`: the reply's status and JSON.
pub async fn cancel_run(base: &str, run: u64) -> (u16, serde_json::Value) {
    let res = reqwest::Client::new().post(format!("{base}/api/cancel")).form(&[("run", run.to_string())]).send();
    let res = res.await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

/// `POST /api/bench/produce?<query>` (`serve --bench`): the new run's id.
pub async fn bench_run(base: &str, query: &str) -> u64 {
    let res = reqwest::Client::new().post(format!("{base}/api/bench/produce?{query}")).send().await.unwrap();
    let body: serde_json::Value = res.json().await.unwrap();
    body["run"].as_u64().unwrap_or_else(|| panic!("no run: {body}"))
}

/// The run as `GET /api/runs?id=` lists it.
pub async fn run_info(base: &str, run: u64) -> serde_json::Value {
    let list: Vec<serde_json::Value> =
        reqwest::get(format!("{base}/api/runs?id={run}")).await.unwrap().json().await.unwrap();
    list.into_iter().next().unwrap_or_else(|| panic!("run {run} is not listed on {base}"))
}

/// Waits (at most `within`) until the run has ended; its final JSON.
pub async fn wait_finished(base: &str, run: u64, within: Duration) -> serde_json::Value {
    let until = std::time::Instant::now() + within;
    loop {
        let info = run_info(base, run).await;
        if !matches!(info["status"].as_str(), Some("queued" | "running")) {
            return info;
        }
        assert!(std::time::Instant::now() < until, "run {run} did not end within {within:?}: {info}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Every line of the run through `GET /api/log`, `limit` at a time, following
/// it until it is done (as the page does).
pub async fn follow(base: &str, run: u64, limit: usize) -> Vec<LogLine> {
    let client = reqwest::Client::new();
    let mut lines = Vec::new();
    let mut after = 0;
    let until = std::time::Instant::now() + Duration::from_secs(120);
    loop {
        let page: serde_json::Value = client
            .get(format!("{base}/api/log?run={run}&after={after}&limit={limit}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let got: Vec<LogLine> = serde_json::from_value(page["lines"].clone()).unwrap();
        after = page["next"].as_u64().unwrap();
        let empty = got.is_empty();
        lines.extend(got);
        if page["done"] == true && empty {
            return lines;
        }
        assert!(std::time::Instant::now() < until, "run {run} on {base} was not done within 120 s");
        if empty {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Seqs 1..=n, each once, in order.
pub fn assert_contiguous(lines: &[LogLine]) {
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(l.seq, i as u64 + 1, "line {} has seq {}: {:?}", i + 1, l.seq, l.msg);
    }
}
