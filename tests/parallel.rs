#![cfg(feature = "ssr")]
//! Parallel cases (`parallel = N`) and parallel suites (`run --jobs N`)
//! against real servers: a local HTTP server that counts how many requests
//! are in flight at once (each waits a while), and SQLite, MariaDB and
//! PostgreSQL targets where every case makes the same temporary table —
//! per session, so two cases sharing a connection would collide, and a case
//! that found another's row in it would fail. Sequential stays the
//! default: the same suite without `parallel` never has two cases at once.

mod common;
use common::*;
use livesmoke::engine::{CaseOutcome, Lang, RunOptions};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// `/slow/{ms}`: answers `{"ok":true}` after `ms`; `gauge` holds the most
/// requests it ever had in flight at once.
async fn gauge_server() -> (String, Arc<AtomicUsize>) {
    use axum::extract::Path;
    use axum::routing::get;
    let now = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let (n, m) = (now.clone(), most.clone());
    let app = axum::Router::new().route(
        "/slow/{ms}",
        get(move |Path(ms): Path<u64>| {
            let (n, m) = (n.clone(), m.clone());
            async move {
                let inside = n.fetch_add(1, Ordering::SeqCst) + 1;
                m.fetch_max(inside, Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
                n.fetch_sub(1, Ordering::SeqCst);
                axum::Json(serde_json::json!({ "ok": true }))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), most)
}

fn en() -> RunOptions {
    RunOptions { lang: Lang::En, ..Default::default() }
}

/// Four cases (a matrix) on `db`: each makes the temporary table `mine`
/// (two cases on one session would collide), puts its own value in, waits
/// on the slow endpoint, and must then find its value and only it; `temp`
/// is the dialect's `CREATE TEMPORARY TABLE`.
fn suite(parallel: Option<u32>, db: &str, temp: &str, base: &str) -> String {
    let parallel = parallel.map(|n| format!("parallel = {n}\n")).unwrap_or_default();
    format!(
        r#"{parallel}[vars]
base = "{base}"
[db.main]
{db}
[[case]]
name = "lane"
matrix = {{ n = ["a", "b", "c", "d"] }}
  [[case.setup]]
  sql = "{temp} mine (v VARCHAR(8))"
  undo = {{ sql = "DROP TABLE mine" }}
  [[case.setup]]
  sql = "INSERT INTO mine (v) VALUES (?)"
  params = ["{{{{n}}}}"]
  [[case.step]]
  http = "GET {{{{base}}}}/slow/300"
  expect.status = 200
  [[case.step]]
  sql = "SELECT COUNT(*) AS c FROM mine WHERE v = ?"
  params = ["{{{{n}}}}"]
  expect.row = {{ c = 1 }}
  [[case.step]]
  sql = "SELECT COUNT(*) AS c FROM mine"
  expect.row = {{ c = 1 }}
"#
    )
}

async fn lanes_on(db: &str, temp: &str) {
    for (parallel, most) in [(None, 1), (Some(2), 2), (Some(4), 4)] {
        let (base, gauge) = gauge_server().await;
        let (report, lines) = run_suite_text(&suite(parallel, db, temp, &base), en()).await;
        let outcomes: Vec<(&str, CaseOutcome)> = report.cases.iter().map(|c| (c.name.as_str(), c.outcome)).collect();
        assert!(
            report.cases.iter().all(|c| c.outcome == CaseOutcome::Passed && c.cleanup_ok),
            "parallel {parallel:?}: {outcomes:?}\n{:#?}\n{:#?}",
            report.cases.iter().map(|c| c.reason.as_ref().map(|r| r.to_string())).collect::<Vec<_>>(),
            texts(&lines)
        );
        // Reports in the suite's order, whatever order the cases ended in.
        let names: Vec<&str> = outcomes.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["lane [n=a]", "lane [n=b]", "lane [n=c]", "lane [n=d]"]);
        assert_eq!(gauge.load(Ordering::SeqCst), most, "parallel {parallel:?}: cases at once\n{:#?}", texts(&lines));
        // Every line of a case carries it, however they interleave.
        let ends = lines.iter().filter(|l| l.end.is_some()).count();
        assert_eq!(ends, 4);
    }
}

#[tokio::test]
async fn parallel_cases_on_sqlite_each_have_their_own_connection() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("path = \"{}\"", dir.path().join("par.db").display());
    lanes_on(&db, "CREATE TEMP TABLE").await;
}

#[tokio::test]
async fn parallel_cases_on_mariadb_each_have_their_own_connection() {
    let Some(url) = mariadb_url().await else { return };
    lanes_on(&format!("kind = \"mariadb\"\nurl = \"{url}\""), "CREATE TEMPORARY TABLE").await;
}

#[tokio::test]
async fn parallel_cases_on_postgres_each_have_their_own_connection() {
    let Some(url) = postgres_url().await else { return };
    lanes_on(&format!("kind = \"postgres\"\nurl = \"{url}\""), "CREATE TEMP TABLE").await;
}

#[tokio::test]
async fn a_private_memory_database_is_taken_in_turns() {
    // One connection by nature: parallel cases wait for it rather than each
    // getting an empty database of its own.
    let (base, gauge) = gauge_server().await;
    let text = suite(Some(2), "path = \":memory:\"", "CREATE TEMP TABLE", &base);
    let (report, lines) = run_suite_text(&text, en()).await;
    assert!(report.cases.iter().all(|c| c.outcome == CaseOutcome::Passed), "{:#?}", texts(&lines));
    assert_eq!(gauge.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn fail_fast_starts_no_case_after_a_failure_but_lets_running_ones_finish() {
    let (base, _) = gauge_server().await;
    let text = format!(
        "parallel = 2\n[vars]\nbase = \"{base}\"\n\
         [[case]]\nname = \"fails\"\n  [[case.step]]\n  http = \"GET {{{{base}}}}/slow/10\"\n  expect.status = 201\n\
         [[case]]\nname = \"slow\"\n  [[case.step]]\n  http = \"GET {{{{base}}}}/slow/400\"\n  expect.status = 200\n\
         [[case]]\nname = \"after\"\n  [[case.step]]\n  http = \"GET {{{{base}}}}/slow/10\"\n"
    );
    let (report, lines) = run_suite_text(&text, RunOptions { fail_fast: true, ..en() }).await;
    let got: Vec<(&str, CaseOutcome)> = report.cases.iter().map(|c| (c.name.as_str(), c.outcome)).collect();
    assert_eq!(
        got,
        [("fails", CaseOutcome::Failed), ("slow", CaseOutcome::Passed), ("after", CaseOutcome::Skipped)],
        "{:#?}",
        texts(&lines)
    );
}

#[test]
fn parallel_outside_its_range_is_pointed_at() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "p.toml",
        "parallel = 0\n[[case]]\nname = \"c\"\n  [[case.step]]\n  http = \"GET http://x\"\n",
    );
    let err = livesmoke::suite::load(&path).unwrap_err().to_string();
    assert!(err.contains("p.toml:1:12: `parallel` must be 1 to 64, got 0"), "{err}");
}

const BIN: &str = env!("CARGO_BIN_EXE_livesmoke");

#[tokio::test]
async fn the_terminal_tags_interleaved_cases_and_jobs_run_suites_together() {
    let (base, gauge) = gauge_server().await;
    let dir = tempfile::tempdir().unwrap();
    let one = |name: &str, parallel: u32| {
        format!(
            "suite = \"{name}\"\nparallel = {parallel}\n[vars]\nbase = \"{base}\"\n[[case]]\nname = \"c\"\n\
             matrix = {{ n = [\"1\", \"2\"] }}\n  [[case.step]]\n  http = \"GET {{{{base}}}}/slow/300\"\n  \
             expect.status = 200\n"
        )
    };
    let a = write(dir.path(), "a.toml", &one("alpha", 2));
    let b = write(dir.path(), "b.toml", &one("beta", 1));
    let data = dir.path().join("data");
    let out = tokio::task::spawn_blocking(move || {
        Command::new(BIN)
            .args(["run", "--lang", "en", "--jobs", "2"])
            .arg(&a)
            .arg(&b)
            .arg("--data")
            .arg(&data)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    // alpha's two cases and beta's first: three requests at once.
    assert_eq!(gauge.load(Ordering::SeqCst), 3, "{stdout}");
    // Two suites print at once: every line says whose it is.
    let log: Vec<&str> = stdout.lines().filter(|l| l.contains("]: ")).collect();
    assert!(log.iter().all(|l| l.starts_with("[alpha] ") || l.starts_with("[beta] ")), "{stdout}");
    // alpha's cases interleave: their step lines say which case they are.
    let alpha_steps: Vec<&&str> = log.iter().filter(|l| l.starts_with("[alpha] ") && l.contains("GET")).collect();
    assert_eq!(alpha_steps.len(), 2, "{stdout}");
    assert!(alpha_steps.iter().all(|l| l.starts_with("[alpha] [c [n=")), "{stdout}");
    // beta's run one after another: no case tag.
    assert!(!log.iter().any(|l| l.starts_with("[beta] [c ")), "{stdout}");
    assert!(stdout.contains("alpha: 2 passed") && stdout.contains("beta: 2 passed"), "{stdout}");
}

#[tokio::test]
async fn jobs_on_a_server_follow_its_runs_together() {
    let (base, gauge) = gauge_server().await;
    let dir = tempfile::tempdir().unwrap();
    let suites = dir.path().join("suites");
    std::fs::create_dir_all(&suites).unwrap();
    for name in ["alpha", "beta"] {
        let text = format!(
            "suite = \"{name}\"\n[vars]\nbase = \"{base}\"\n[[case]]\nname = \"c\"\n  [[case.step]]\n  \
             http = \"GET {{{{base}}}}/slow/400\"\n  expect.status = 200\n"
        );
        write(&suites, &format!("{name}.toml"), &text);
    }
    let server = spawn_server(&suites, &dir.path().join("data"), &[]).await;
    let url = server.base.clone();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(BIN)
            .args(["run", "--server", &url, "--lang", "en", "--jobs", "2", "alpha.toml", "beta.toml"])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(gauge.load(Ordering::SeqCst), 2, "both runs at once on the server\n{stdout}");
    let log: Vec<&str> = stdout.lines().filter(|l| l.contains("]: ")).collect();
    assert!(log.iter().all(|l| l.starts_with("[alpha] ") || l.starts_with("[beta] ")), "{stdout}");
    assert!(stdout.contains("alpha: 1 passed") && stdout.contains("beta: 1 passed"), "{stdout}");
}
