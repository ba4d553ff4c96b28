#![cfg(feature = "ssr")]
//! Retry until ready, against a real HTTP server that answers 503 (or "warming")
//! the first N times and a real SQLite row an asynchronous job writes: every
//! attempt logged, a step that needed a retry flaky (in the log, the report,
//! JUnit and the counts), `until` as the condition to wait for, and the
//! case's timeout and an exhausted retry as the limits.

mod common;
use common::*;
use livesmoke::engine::{CaseOutcome, Lang, RunOptions};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// `/ready/{key}/{n}`: 503 the first `n` requests of `key`, then 200 `{"status":"ready","id":7}`;
/// `/warming/{key}/{n}`: 200 `{"status":"warming"}` the first `n` times, then "ready".
async fn warming_server() -> String {
    use axum::extract::Path;
    use axum::http::StatusCode;
    use axum::routing::get;
    use axum::Json;
    let seen: Arc<Mutex<HashMap<String, u32>>> = Arc::default();
    let count = move |key: String| {
        let mut m = seen.lock().unwrap();
        let n = m.entry(key).or_default();
        *n += 1;
        *n
    };
    let c2 = count.clone();
    let app = axum::Router::new()
        .route(
            "/ready/{key}/{n}",
            get(move |Path((key, n)): Path<(String, u32)>| async move {
                if count(key) <= n {
                    (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({"status": "starting"})))
                } else {
                    (StatusCode::OK, Json(serde_json::json!({"status": "ready", "id": 7})))
                }
            }),
        )
        .route(
            "/warming/{key}/{n}",
            get(move |Path((key, n)): Path<(String, u32)>| async move {
                let status = if c2(key) <= n { "warming" } else { "ready" };
                Json(serde_json::json!({ "status": status }))
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

fn en() -> RunOptions {
    RunOptions { lang: Lang::En, ..Default::default() }
}

fn http_suite(base: &str, step: &str) -> String {
    format!("[vars]\nbase = \"{base}\"\n[[case]]\nname = \"c\"\n  [[case.step]]\n{step}")
}

#[tokio::test]
async fn a_step_retried_until_the_service_is_up_passes_and_is_flaky() {
    let base = warming_server().await;
    let step = "  http = \"GET {{base}}/ready/a/2\"\n  retry = { times = 5, interval = \"20ms\" }\n  \
                expect.status = 200\n  capture = { id = \"json:$.id\" }\n";
    let (report, lines) = run_suite_text(&http_suite(&base, step), en()).await;
    let case = &report.cases[0];
    assert_eq!(case.outcome, CaseOutcome::Passed, "{:?}", texts(&lines));
    let attempts: Vec<&str> = lines.iter().map(|l| l.msg.as_str()).filter(|m| m.starts_with("attempt ")).collect();
    assert_eq!(attempts.len(), 2, "{attempts:?}");
    assert!(attempts[0].starts_with("attempt 1/6 did not succeed: expected status 200, got 503"), "{attempts:?}");
    assert!(attempts[0].ends_with("trying again in 20 ms"));
    assert!(lines.iter().any(|l| l.msg == "flaky: passed on attempt 3/6"));
    let r = report.result();
    let step = &r.cases[0].steps[0];
    assert_eq!((step.attempts, step.failed_attempts.len(), step.is_flaky()), (3, 2, true));
    assert_eq!(r.cases[0].captures.get("id").map(String::as_str), Some("7"));
    assert_eq!(r.counts().flaky, 1);
    let xml = livesmoke::cli::junit_report::render(&[r]).unwrap();
    assert!(xml.contains("name=\"flaky\" value=\"step #1 GET {{base}}/ready/a/2\""), "{xml}");
    assert!(xml.contains("attempt 1/6: expected status 200, got 503"), "{xml}");

    // Up at once: one attempt, nothing flaky.
    let step = "  http = \"GET {{base}}/ready/b/0\"\n  retry = { times = 5, interval = \"20ms\" }\n";
    let (report, lines) = run_suite_text(&http_suite(&base, step), en()).await;
    assert_eq!(report.result().counts().flaky, 0);
    assert!(!lines.iter().any(|l| l.msg.starts_with("attempt ") || l.msg.starts_with("flaky")));
}

#[tokio::test]
async fn until_waits_for_a_state_and_an_expect_that_fails_once_it_holds_is_final() {
    let base = warming_server().await;
    let step =
        "  http = \"GET {{base}}/warming/a/3\"\n  retry = { times = 10, interval = \"10ms\", backoff = 2.0 }\n  \
                until.json = [{ path = \"$.status\", eq = \"ready\" }]\n";
    let (report, lines) = run_suite_text(&http_suite(&base, step), en()).await;
    assert_eq!(report.cases[0].outcome, CaseOutcome::Passed, "{:?}", texts(&lines));
    let pauses: Vec<&str> = lines
        .iter()
        .map(|l| l.msg.as_str())
        .filter(|m| m.starts_with("attempt "))
        .map(|m| m.rsplit("again in ").next().unwrap())
        .collect();
    assert_eq!(pauses, vec!["10 ms", "20 ms", "40 ms"], "the pause doubles");
    assert!(lines.iter().any(|l| l.msg.contains("until: $.status: expected \"ready\"")), "{:?}", texts(&lines));

    // Ready, but the expectation is wrong: no retry, failed at once.
    let step = "  http = \"GET {{base}}/warming/b/0\"\n  retry = { times = 10, interval = \"10ms\" }\n  \
                until.json = [{ path = \"$.status\", eq = \"ready\" }]\n  expect.json = [{ path = \"$.status\", eq = \"done\" }]\n";
    let (report, lines) = run_suite_text(&http_suite(&base, step), en()).await;
    assert_eq!(report.cases[0].outcome, CaseOutcome::Failed);
    assert!(!lines.iter().any(|l| l.msg.starts_with("attempt ")), "not retried: {:?}", texts(&lines));

    // Never ready within its attempts: failed, with why.
    let step = "  http = \"GET {{base}}/warming/c/99\"\n  retry = { times = 2, interval = \"10ms\" }\n  \
                until.json = [{ path = \"$.status\", eq = \"ready\" }]\n";
    let (report, lines) = run_suite_text(&http_suite(&base, step), en()).await;
    assert_eq!(report.cases[0].outcome, CaseOutcome::Failed);
    assert_eq!(lines.iter().filter(|l| l.msg.starts_with("attempt ")).count(), 2);
    assert!(report.cases[0].reason_text().unwrap().contains("until: $.status"), "{:?}", report.cases[0].reason);
}

#[tokio::test]
async fn a_sql_step_waits_for_the_row_an_asynchronous_job_writes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("jobs.db");
    let url = format!("sqlite://{}?mode=rwc", db.display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    sqlx::query("CREATE TABLE jobs (id INTEGER PRIMARY KEY, state TEXT)").execute(&pool).await.unwrap();
    let writer = pool.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        sqlx::query("INSERT INTO jobs (state) VALUES ('done')").execute(&writer).await.unwrap();
    });
    let suite = format!(
        "[db.app]\npath = \"{}\"\n[[case]]\nname = \"job\"\n  [[case.step]]\n  \
         sql = \"SELECT state FROM jobs WHERE state = 'done'\"\n  retry = {{ times = 50, interval = \"25ms\" }}\n  \
         until = {{ rows = 1 }}\n  capture = {{ state = \"row:state\" }}\n",
        db.display()
    );
    let started = Instant::now();
    let (report, lines) = run_suite_text(&suite, en()).await;
    assert_eq!(report.cases[0].outcome, CaseOutcome::Passed, "{:?}", texts(&lines));
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(lines.iter().any(|l| l.msg.contains("until: expected 1 rows, got 0")));
    assert_eq!(report.result().cases[0].captures.get("state").map(String::as_str), Some("done"));
}

#[tokio::test]
async fn the_case_timeout_bounds_the_retries() {
    let base = warming_server().await;
    let suite = format!(
        "[vars]\nbase = \"{base}\"\n[[case]]\nname = \"c\"\ntimeout = \"300ms\"\n  [[case.step]]\n  \
         http = \"GET {{{{base}}}}/ready/t/1000\"\n  retry = {{ times = 1000, interval = \"50ms\" }}\n"
    );
    let started = Instant::now();
    let (report, _) = run_suite_text(&suite, en()).await;
    assert!(started.elapsed() < Duration::from_secs(3), "bounded by the case's timeout");
    assert_eq!(report.cases[0].outcome, CaseOutcome::Error);
    assert!(report.cases[0].reason_text().unwrap().contains("timed out after 300ms"), "{:?}", report.cases[0].reason);
}
