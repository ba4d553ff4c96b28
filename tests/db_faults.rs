#![cfg(feature = "ssr")]
//! A target database whose connections die in the middle of a run, through
//! a TCP proxy the test cuts, on real MariaDB and PostgreSQL servers: the
//! step under way errors with the driver's words, the case's undo runs on a
//! fresh connection (or says `cleanup failed` while the database stays
//! down), the cases after it run, and a statement that never answers ends at
//! the step's `timeout`.

mod common;
use common::team::Proxy;
use common::*;
use livesmoke::engine::{CaseOutcome, Lang, RunOptions};
use std::time::Duration;

struct Dialect {
    url: String,
    /// A statement that takes `secs` seconds.
    sleep: fn(u32) -> String,
}

async fn mariadb() -> Option<Dialect> {
    let url = mariadb_url().await?;
    Some(Dialect { url, sleep: |s| format!("SELECT SLEEP({s})") })
}

async fn postgres() -> Option<Dialect> {
    let url = postgres_url().await?;
    Some(Dialect { url, sleep: |s| format!("SELECT pg_sleep({s})") })
}

/// `host:port` of a URL, and the URL with them swapped for the proxy's port.
fn through_proxy(url: &str, port: u16) -> (String, String) {
    let mut u = url::Url::parse(url).unwrap();
    let target = format!("{}:{}", u.host_str().unwrap(), u.port().unwrap());
    u.set_port(Some(port)).unwrap();
    (target, u.to_string())
}

/// Whether `table` exists, asked directly (not through the proxy).
async fn exists(url: &str, table: &str) -> bool {
    let sql = format!("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = '{table}'");
    let n: i64 = if url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        sqlx::query_scalar(&sql).fetch_one(&pool).await.unwrap()
    } else {
        let pool = sqlx::MySqlPool::connect(url).await.unwrap();
        sqlx::query_scalar(&sql).fetch_one(&pool).await.unwrap()
    };
    n > 0
}

async fn drop_table(url: &str, table: &str) {
    let sql = format!("DROP TABLE IF EXISTS {table}");
    if url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        sqlx::query(&sql).execute(&pool).await.unwrap();
    } else {
        let pool = sqlx::MySqlPool::connect(url).await.unwrap();
        sqlx::query(&sql).execute(&pool).await.unwrap();
    }
}

/// Case `cut` makes a table (undone by its setup's undo) and runs a 3 s
/// statement, during which the proxy cuts every connection and refuses new
/// ones for `outage` (zero: the connections drop, the database is back at once).
/// Then `after` runs, `hangs` (a 10 s statement with a 1 s `timeout`), and `last`.
async fn cut_mid_run(d: &Dialect, outage: Duration) -> (Vec<(String, CaseOutcome, bool, String)>, String) {
    let port = closed_port();
    let (target, through) = through_proxy(&d.url, port);
    let proxy = Proxy::start_on(port, target).await;
    let table = unique("cut");
    let kind = if d.url.starts_with("postgres") { "postgres" } else { "mariadb" };
    let suite = format!(
        r#"[db.main]
kind = "{kind}"
url = "{through}"

[[case]]
name = "cut"
  [[case.setup]]
  sql = "CREATE TABLE {table} (v INT)"
  undo = {{ sql = "DROP TABLE {table}" }}
  [[case.step]]
  sql = "{long}"

[[case]]
name = "after"
  [[case.step]]
  sql = "SELECT 1 AS one"
  expect.row = {{ one = 1 }}

[[case]]
name = "hangs"
  [[case.step]]
  sql = "{hang}"
  timeout = "1s"

[[case]]
name = "last"
  [[case.step]]
  sql = "SELECT 2 AS two"
  expect.row = {{ two = 2 }}
"#,
        long = (d.sleep)(3),
        hang = (d.sleep)(10),
    );
    let opts = RunOptions { lang: Lang::En, ..Default::default() };
    let run = run_suite_text(&suite, opts);
    let cut = async {
        tokio::time::sleep(Duration::from_millis(1200)).await;
        match outage.is_zero() {
            true => proxy.drop_connections(),
            false => proxy.cut_for(outage).await,
        }
    };
    let ((report, lines), ()) = tokio::time::timeout(Duration::from_secs(60), async { tokio::join!(run, cut) })
        .await
        .expect("the run ended: nothing hung");
    let cases = report
        .cases
        .iter()
        .map(|c| {
            let why = c.reason.as_ref().map(|r| r.to_string()).unwrap_or_default();
            (c.name.clone(), c.outcome, c.cleanup_ok, why)
        })
        .collect();
    let left = exists(&d.url, &table).await;
    if left {
        drop_table(&d.url, &table).await;
    }
    (cases, format!("table left behind: {left}\n{:#?}", texts(&lines)))
}

fn check_brief_cut(cases: &[(String, CaseOutcome, bool, String)], log: &str, timeout_word: &str) {
    let got: Vec<(&str, CaseOutcome, bool)> = cases.iter().map(|(n, o, c, _)| (n.as_str(), *o, *c)).collect();
    assert_eq!(
        got,
        [
            ("cut", CaseOutcome::Error, true),
            ("after", CaseOutcome::Passed, true),
            ("hangs", CaseOutcome::Error, true),
            ("last", CaseOutcome::Passed, true),
        ],
        "{cases:#?}\n{log}"
    );
    assert!(cases[0].3.contains("the connection failed"), "{cases:#?}");
    assert!(cases[2].3.contains(timeout_word), "{cases:#?}");
    assert!(log.starts_with("table left behind: false"), "the undo ran on a fresh connection:\n{log}");
}

#[tokio::test]
async fn mariadb_cut_mid_statement_errors_the_step_undoes_on_a_fresh_connection_and_goes_on() {
    let Some(d) = mariadb().await else { return };
    let (cases, log) = cut_mid_run(&d, Duration::ZERO).await;
    check_brief_cut(&cases, &log, "timed out after 1000 ms");
}

#[tokio::test]
async fn postgres_cut_mid_statement_errors_the_step_undoes_on_a_fresh_connection_and_goes_on() {
    let Some(d) = postgres().await else { return };
    let (cases, log) = cut_mid_run(&d, Duration::ZERO).await;
    check_brief_cut(&cases, &log, "timed out after 1000 ms");
}

#[tokio::test]
async fn a_database_gone_for_the_cleanup_too_is_a_cleanup_failure_not_a_hang() {
    let Some(d) = mariadb().await else { return };
    // Down, refusing new connections, for the rest of the run.
    let (cases, log) = cut_mid_run(&d, Duration::from_secs(5)).await;
    let cut = &cases[0];
    assert_eq!((cut.1, cut.2), (CaseOutcome::Error, false), "{cases:#?}\n{log}");
    assert!(cut.3.contains("the connection failed"), "{cases:#?}");
    assert!(log.contains("cleanup failed"), "{log}");
    assert!(log.starts_with("table left behind: true"), "{log}");
    // The cases after it still run, each an error that says why, at once.
    for c in &cases[1..] {
        assert_eq!(c.1, CaseOutcome::Error, "{cases:#?}");
        assert!(c.3.contains("target `main`: no connection"), "{cases:#?}");
    }
}
