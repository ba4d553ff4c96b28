//! The team setup as its users run it: `serve --db` instances and `worker`
//! processes on one real PostgreSQL, driven over HTTP. Each test has a
//! database of its own.

mod common;

use common::team::{assert_contiguous, cancel_run, follow, queue_run, run_info, wait_finished, Proxy, TeamDb, Worker};
use livesmoke::model::{Level, LogLine};
use std::time::{Duration, Instant};

/// A target for HTTP steps: `/wait/{ms}` answers after that long; `/auth`
/// answers 200 only to `Bearer s3cret`.
async fn target() -> String {
    use axum::http::{HeaderMap, StatusCode};
    use axum::routing::get;
    let app = axum::Router::new()
        .route(
            "/wait/{ms}",
            get(|axum::extract::Path(ms): axum::extract::Path<u64>| async move {
                tokio::time::sleep(Duration::from_millis(ms)).await;
                "ok"
            }),
        )
        .route(
            "/auth",
            get(|h: HeaderMap| async move {
                match h.get("authorization").and_then(|v| v.to_str().ok()) {
                    Some("Bearer s3cret") => StatusCode::OK,
                    _ => StatusCode::UNAUTHORIZED,
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

/// `cases` cases of `steps` HTTP steps that each wait `ms`, the first one
/// authenticated with a secret the worker reads from its environment.
fn slow_suite(name: &str, base: &str, cases: usize, steps: usize, ms: u64) -> String {
    let mut s = format!(
        "suite = \"{name}\"\n[vars]\nbase = \"{base}\"\ntoken = {{ env = \"LS_TEAM_TOKEN\", secret = true }}\n\n\
         [[case]]\nname = \"auth\"\n  [[case.step]]\n  http = \"GET {{{{base}}}}/auth\"\n  \
         headers = {{ Authorization = \"Bearer {{{{token}}}}\" }}\n  expect.status = 200\n"
    );
    for c in 0..cases {
        s.push_str(&format!("\n[[case]]\nname = \"case {c}\"\n"));
        for _ in 0..steps {
            s.push_str(&format!("  [[case.step]]\n  http = \"GET {{{{base}}}}/wait/{ms}\"\n  expect.status = 200\n"));
        }
    }
    s
}

struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("suites")).unwrap();
        Setup { dir }
    }
    fn suites(&self) -> std::path::PathBuf {
        self.dir.path().join("suites")
    }
    fn data(&self, who: &str) -> std::path::PathBuf {
        self.dir.path().join(who)
    }
    fn suite(&self, file: &str, text: &str) {
        common::write(&self.suites(), file, text);
    }
}

const SECRET_ENV: [(&str, &str); 1] = [("LS_TEAM_TOKEN", "s3cret")];

async fn count(db: &str, sql: &str) -> i64 {
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(db).await.unwrap();
    sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
}

fn same_lines(a: &[LogLine], b: &[LogLine]) {
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(b) {
        assert_eq!((x.seq, x.level, &x.msg, &x.case), (y.seq, y.level, &y.msg, &y.case));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_instance_shows_the_same_runs_and_live_log_and_secrets_stay_on_the_worker() {
    let Some(db) = TeamDb::new().await else { return };
    let base = target().await;
    let s = Setup::new();
    s.suite("slow.toml", &slow_suite("slow", &base, 8, 4, 60));
    let a = common::team::spawn_instance(&db.url, &s.suites(), &s.data("a"), &[]).await;
    let b = common::team::spawn_instance(&db.url, &s.suites(), &s.data("b"), &[]).await;
    // Only the worker has the secret.
    let _w = Worker::spawn(&db.url, &s.suites(), &s.data("w"), "near-staging", &[], &SECRET_ENV);

    let run = queue_run(&a.base, &[("suite", "slow.toml"), ("lang", "en")]).await;
    assert_eq!(run["status"], "queued");
    assert_eq!(run["pool"], "default");
    let id = run["id"].as_u64().unwrap();
    // Followed live on B in small pages and on A in large ones, while it runs.
    let (on_b, on_a) = tokio::join!(follow(&b.base, id, 7), follow(&a.base, id, 1000));
    assert!(on_b.len() > 8 * 4 * 2, "{} lines", on_b.len());
    assert_contiguous(&on_b);
    same_lines(&on_b, &on_a);
    // What the raw download of B has is what was followed.
    let jsonl = reqwest::get(format!("{}/api/log.jsonl?run={id}", b.base)).await.unwrap().text().await.unwrap();
    let downloaded: Vec<LogLine> = jsonl.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    same_lines(&downloaded, &on_b);

    let info = wait_finished(&b.base, id, Duration::from_secs(30)).await;
    assert_eq!(info["status"], "passed", "{info}\n{}", _w.output());
    assert_eq!(info["worker"], "near-staging");
    assert_eq!(info["pool"], "default");
    assert_eq!(run_info(&a.base, id).await, info);
    assert!(on_b.last().unwrap().msg.contains("9 passed"), "{:?}", on_b.last());

    // The secret reached the target (the auth case passed) and nothing else.
    assert!(!jsonl.contains("s3cret"));
    let stored = count(&db.url, "SELECT count(*) FROM log_lines WHERE line LIKE '%s3cret%'").await
        + count(&db.url, "SELECT count(*) FROM runs WHERE suite_text LIKE '%s3cret%' OR options LIKE '%s3cret%'").await;
    assert_eq!(stored, 0);

    // What ran is what the run recorded, even after the file changed.
    s.suite("slow.toml", &slow_suite("slow", &base, 1, 1, 1));
    let text: String = {
        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&db.url).await.unwrap();
        sqlx::query_scalar("SELECT suite_text FROM runs WHERE id = $1")
            .bind(id as i64)
            .fetch_one(&mut conn)
            .await
            .unwrap()
    };
    assert!(text.contains("name = \"case 7\""));

    // A run for another pool waits for a worker of that pool.
    let other = queue_run(&b.base, &[("suite", "slow"), ("pool", "eu-west")]).await;
    let other = other["id"].as_u64().unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(run_info(&a.base, other).await["status"], "queued");
    let queued: Vec<serde_json::Value> =
        reqwest::get(format!("{}/api/runs?status=queued", a.base)).await.unwrap().json().await.unwrap();
    assert_eq!(queued.len(), 1);
    let _eu = Worker::spawn(&db.url, &s.suites(), &s.data("eu"), "eu-1", &["--pool", "eu-west"], &SECRET_ENV);
    let info = wait_finished(&a.base, other, Duration::from_secs(30)).await;
    assert_eq!((info["status"].as_str(), info["worker"].as_str()), (Some("passed"), Some("eu-1")), "{info}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_killed_worker_leaves_an_interrupted_run_with_a_whole_log_and_the_next_worker_takes_the_queue() {
    let Some(db) = TeamDb::new().await else { return };
    let base = target().await;
    let s = Setup::new();
    s.suite("long.toml", &slow_suite("long", &base, 40, 2, 100));
    s.suite("short.toml", &slow_suite("short", &base, 2, 1, 10));
    let a = common::team::spawn_instance(&db.url, &s.suites(), &s.data("a"), &["--lease-secs", "1"]).await;
    let mut w1 =
        Worker::spawn(&db.url, &s.suites(), &s.data("w1"), "w1", &["--lease-secs", "1", "--runs", "1"], &SECRET_ENV);
    let long = queue_run(&a.base, &[("suite", "long"), ("lang", "en")]).await["id"].as_u64().unwrap();
    let next = queue_run(&a.base, &[("suite", "short")]).await["id"].as_u64().unwrap();

    // Killed in the middle of the run.
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        let page: serde_json::Value =
            reqwest::get(format!("{}/api/log?run={long}", a.base)).await.unwrap().json().await.unwrap();
        if page["total"].as_u64().unwrap() >= 20 {
            break;
        }
        assert!(Instant::now() < until, "the long run did not start: {}", w1.output());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    w1.kill();
    let killed = Instant::now();
    let info = wait_finished(&a.base, long, Duration::from_secs(10)).await;
    let noticed = killed.elapsed();
    assert_eq!(info["status"], "interrupted");
    assert!(noticed < Duration::from_secs(5), "interrupted after {noticed:?}");
    // A prefix of what was produced, without a hole, and a last line that says why.
    let lines = follow(&a.base, long, 500).await;
    assert_contiguous(&lines);
    assert!(lines.len() > 20);
    let last = lines.last().unwrap();
    assert_eq!(last.level, Level::Error);
    assert!(last.msg.contains("w1") && last.msg.contains("lease"), "{}", last.msg);
    assert!(lines[..lines.len() - 1].iter().all(|l| !l.msg.contains("lease")));

    // The queued run waited (w1 took one at a time); the next worker takes it.
    assert_eq!(run_info(&a.base, next).await["status"], "queued");
    let _w2 = Worker::spawn(&db.url, &s.suites(), &s.data("w2"), "w2", &[], &SECRET_ENV);
    let info = wait_finished(&a.base, next, Duration::from_secs(30)).await;
    assert_eq!((info["status"].as_str(), info["worker"].as_str()), (Some("passed"), Some("w2")), "{info}");
    // The interrupted run is not retried: smoke runs have side effects.
    let again = run_info(&a.base, long).await;
    assert_eq!((again["status"].as_str(), again["worker"].as_str()), (Some("interrupted"), Some("w1")));
    assert_eq!(follow(&a.base, long, 500).await.len(), lines.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_workers_take_each_queued_run_exactly_once() {
    let Some(db) = TeamDb::new().await else { return };
    let base = target().await;
    let s = Setup::new();
    s.suite("quick.toml", &slow_suite("quick", &base, 1, 1, 150));
    let a = common::team::spawn_instance(&db.url, &s.suites(), &s.data("a"), &[]).await;
    let w1 = Worker::spawn(&db.url, &s.suites(), &s.data("w1"), "w1", &["--runs", "2"], &SECRET_ENV);
    let w2 = Worker::spawn(&db.url, &s.suites(), &s.data("w2"), "w2", &["--runs", "2"], &SECRET_ENV);
    tokio::time::sleep(Duration::from_millis(500)).await; // both listening
    let mut ids = Vec::new();
    for _ in 0..20 {
        ids.push(queue_run(&a.base, &[("suite", "quick"), ("lang", "en")]).await["id"].as_u64().unwrap());
    }
    let mut by = std::collections::BTreeMap::<String, usize>::new();
    for id in &ids {
        let info = wait_finished(&a.base, *id, Duration::from_secs(60)).await;
        assert_eq!(info["status"], "passed", "{info}");
        *by.entry(info["worker"].as_str().unwrap().to_string()).or_default() += 1;
        // Produced once: one start line, one end line.
        let lines = follow(&a.base, *id, 1000).await;
        assert_contiguous(&lines);
        let starts = lines.iter().filter(|l| l.msg.starts_with("suite `quick` started")).count();
        assert_eq!(starts, 1, "{lines:?}");
    }
    assert_eq!(by.values().sum::<usize>(), 20);
    assert_eq!(by.len(), 2, "both workers took runs: {by:?}\n{}\n{}", w1.output(), w2.output());
    let claimed = |out: String| out.lines().filter(|l| l.contains("claimed")).count();
    assert_eq!(claimed(w1.output()) + claimed(w2.output()), 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_cut_database_connection_costs_no_line() {
    let Some(db) = TeamDb::new().await else { return };
    let s = Setup::new();
    let proxy = Proxy::start(db.addr()).await;
    // A reaches the database through the proxy; B directly.
    let a = common::team::spawn_instance(&db.via(proxy.port), &s.suites(), &s.data("a"), &["--bench"]).await;
    let b = common::team::spawn_instance(&db.url, &s.suites(), &s.data("b"), &[]).await;
    let n = 30_000u64;
    let id = common::team::bench_run(&a.base, &format!("n={n}&rate=6000")).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    proxy.cut_for(Duration::from_secs(2)).await;
    let lines = follow(&b.base, id, 5000).await;
    assert_eq!(lines.len() as u64, n, "every line");
    assert_contiguous(&lines);
    for (i, l) in lines[..n as usize].iter().enumerate() {
        assert_eq!(l.msg, format!("bench line {i}"));
        assert_eq!(l.dropped, 0);
    }
    assert_eq!(run_info(&b.base, id).await["status"], "passed");
    // The cut did hit A's writer mid-run (else this test proves nothing).
    let said = std::fs::read_to_string(&a.output).unwrap();
    assert!(said.contains("storing log lines failed; retrying"), "{said}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_paused_worker_cannot_write_into_the_run_it_lost() {
    let Some(db) = TeamDb::new().await else { return };
    let base = target().await;
    let s = Setup::new();
    s.suite("long.toml", &slow_suite("long", &base, 40, 2, 50));
    let a = common::team::spawn_instance(&db.url, &s.suites(), &s.data("a"), &["--lease-secs", "1"]).await;
    let w = Worker::spawn(&db.url, &s.suites(), &s.data("w"), "sleepy", &["--lease-secs", "1"], &SECRET_ENV);
    let id = queue_run(&a.base, &[("suite", "long"), ("lang", "en")]).await["id"].as_u64().unwrap();
    let until = Instant::now() + Duration::from_secs(30);
    while run_info(&a.base, id).await["counts"]["passed"].as_u64().unwrap() < 3 {
        assert!(Instant::now() < until, "the run did not start: {}", w.output());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let signal = |sig: &str| {
        let ok = std::process::Command::new("kill").args([sig, &w.child.id().to_string()]).status().unwrap();
        assert!(ok.success());
    };
    signal("-STOP");
    let info = wait_finished(&a.base, id, Duration::from_secs(10)).await;
    assert_eq!(info["status"], "interrupted");
    let before = follow(&a.base, id, 1000).await;
    // Resumed, it goes on producing, but none of it is stored: every write is fenced on the lease it lost.
    signal("-CONT");
    tokio::time::sleep(Duration::from_secs(3)).await;
    let after = follow(&a.base, id, 1000).await;
    assert_contiguous(&after);
    same_lines(&after, &before);
    assert!(after.last().unwrap().msg.contains("sleepy"));
    assert_eq!(run_info(&a.base, id).await, info);
    assert!(w.output().contains("lease"), "the worker says it lost the lease: {}", w.output());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_long_outage_keeps_memory_bounded_and_stores_an_exact_gap() {
    let Some(db) = TeamDb::new().await else { return };
    let s = Setup::new();
    let proxy = Proxy::start(db.addr()).await;
    let a = common::team::spawn_instance(
        &db.via(proxy.port),
        &s.suites(),
        &s.data("a"),
        &["--bench", "--lease-secs", "60"],
    )
    .await;
    let b = common::team::spawn_instance(&db.url, &s.suites(), &s.data("b"), &[]).await;
    // Far more lines than the writer keeps while the database is away (200,000).
    let n = 600_000u64;
    let id = common::team::bench_run(&a.base, &format!("n={n}&rate=200000")).await;
    proxy.cut_for(Duration::from_secs(8)).await;
    let info = wait_finished(&b.base, id, Duration::from_secs(120)).await;
    assert_eq!(info["status"], "passed");
    let lines = follow(&b.base, id, 5000).await;
    // Every seq once: a line, or inside the one gap marker that counts what could not be kept.
    let mut covered = 0;
    for l in &lines {
        assert_eq!(l.first_seq(), covered + 1, "after seq {covered}: {:?}", l.msg);
        covered = l.seq;
        if l.dropped == 0 {
            assert_eq!(l.msg, format!("bench line {}", l.seq - 1));
        }
    }
    assert_eq!(covered, n);
    let gaps: Vec<&LogLine> = lines.iter().filter(|l| l.dropped > 0).collect();
    assert_eq!(gaps.len(), 1, "one gap marker");
    assert!(gaps[0].dropped >= 100_000, "{} lines counted lost", gaps[0].dropped);
    assert!(lines.len() as u64 >= 200_000);
}

#[test]
fn a_database_that_cannot_be_reached_is_named_without_its_password() {
    let port = common::closed_port();
    let url = format!("postgres://smoke:hunter2@127.0.0.1:{port}/livesmoke");
    for args in [vec!["worker", "--db", &url], vec!["serve", "--db", &url, "--addr", "127.0.0.1:0"]] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_livesmoke")).args(&args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(&format!("cannot connect to postgres://smoke:***@127.0.0.1:{port}/livesmoke")), "{err}");
        assert!(!err.contains("hunter2") && out.stdout.is_empty(), "{err}");
    }
    // A usage error, before anything starts: --no-worker means something only with --db.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_livesmoke"))
        .args(["serve", "--no-worker"])
        .env_remove("LIVESMOKE_DB")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--db"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_run_on_a_worker_is_cancelled_through_any_instance_and_keeps_its_labels() {
    let Some(db) = TeamDb::new().await else { return };
    let base = target().await;
    let s = Setup::new();
    s.suite("slow.toml", &slow_suite("slow", &base, 5, 2, 600));
    let a = common::team::spawn_instance(&db.url, &s.suites(), &s.data("a"), &[]).await;
    let b = common::team::spawn_instance(&db.url, &s.suites(), &s.data("b"), &[]).await;
    let _w = Worker::spawn(&db.url, &s.suites(), &s.data("w"), "w", &["--lease-secs", "1.5"], &SECRET_ENV);
    let form = [("suite", "slow"), ("lang", "en"), ("labels", "deploy=v9\ncommit=abc")];
    let queued = queue_run(&a.base, &form).await;
    let id = queued["id"].as_u64().unwrap();
    assert_eq!(queued["labels"]["deploy"], "v9");
    // Cancelled before a worker took it: it never runs.
    let early = queue_run(&a.base, &[("suite", "slow"), ("pool", "nobody")]).await["id"].as_u64().unwrap();
    assert_eq!(cancel_run(&b.base, early).await.1["status"], "cancelled");
    let until = Instant::now() + Duration::from_secs(20);
    while run_info(&a.base, id).await["status"] != "running" {
        assert!(Instant::now() < until, "never claimed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let asked = Instant::now();
    cancel_run(&b.base, id).await;
    let done = wait_finished(&a.base, id, Duration::from_secs(20)).await;
    assert_eq!(done["status"], "cancelled", "{done}");
    assert!(asked.elapsed() < Duration::from_secs(5), "heard within a third of the lease, then one step");
    assert_eq!(done["labels"], serde_json::json!({"deploy": "v9", "commit": "abc"}));
    let lines = follow(&b.base, id, 1000).await;
    assert_contiguous(&lines);
    assert!(lines.iter().any(|l| l.msg == "run cancelled"), "{lines:?}");
    assert!(lines.iter().any(|l| l.msg == "skipped: the run was cancelled"), "the cases after it never ran");
    let labelled: serde_json::Value =
        reqwest::get(format!("{}/api/runs?label=commit=abc", b.base)).await.unwrap().json().await.unwrap();
    assert_eq!(labelled.as_array().unwrap().len(), 1);
    assert_eq!(run_info(&a.base, early).await["worker"], serde_json::Value::Null, "never ran");
}
