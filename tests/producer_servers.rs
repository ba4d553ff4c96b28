#![cfg(feature = "ssr")]
//! The producer against real MariaDB and PostgreSQL servers over TCP.
//! Under CI=true an unreachable server fails these tests (never a silent skip).

mod common;
use common::*;
use livesmoke::engine::{CaseOutcome, Lang, RunOptions};

fn suite(kind: &str, url: &str, table: &str) -> String {
    format!(
        r#"
[db.main]
kind = "{kind}"
url = "{url}"

[[case]]
name = "seed and check"
  [[case.setup]]
  sql = "CREATE TABLE {table} (id INTEGER PRIMARY KEY, v VARCHAR(20))"
  undo = {{ sql = "DROP TABLE {table}" }}
  [[case.setup]]
  sql = "INSERT INTO {table} (id, v) VALUES (?, ?)"
  params = [1, "one"]
  expect = {{ affected = 1 }}
  [[case.step]]
  sql = "SELECT v FROM {table} WHERE id = ?"
  params = [1]
  expect = {{ rows = 1, row = {{ v = "one" }} }}
  capture = {{ v = "row:v" }}

[[case]]
name = "broken setup"
  [[case.setup]]
  sql = "INSERT INTO {table}_missing (id) VALUES (1)"
  [[case.setup]]
  sql = "SELECT 'never'"

[[case]]
name = "expected error"
  [[case.step]]
  sql = "INSERT INTO {table}_missing (id) VALUES (1)"
  expect = {{ error = "{table}_missing" }}
"#
    )
}

async fn check(kind: &str, url: &str) {
    let table = unique("ls_t");
    let (report, lines) =
        run_suite_text(&suite(kind, url, &table), RunOptions { lang: Lang::Zh, ..Default::default() }).await;
    let t = texts(&lines);
    let outcomes: Vec<_> = report.cases.iter().map(|c| c.outcome).collect();
    assert_eq!(outcomes, vec![CaseOutcome::Passed, CaseOutcome::Error, CaseOutcome::Passed], "{t:#?}");
    let i = t
        .iter()
        .position(|l| l.contains(&format!("前置条件: \"INSERT INTO {table}_missing (id) VALUES (1)\"")))
        .unwrap();
    assert!(t[i + 1].starts_with("[ERROR] ") && t[i + 1].contains(&format!("{table}_missing")), "{}", t[i + 1]);
    assert_eq!(t[i + 2], "[ERROR] SQL发生错误，前置处理失败");
    assert!(!t.iter().any(|l| l.contains("SELECT 'never'")));
    assert!(t.iter().any(|l| l.contains(&format!("撤销: \"DROP TABLE {table}\""))), "the undo dropped the table");
    assert!(report.cases.iter().all(|c| c.cleanup_ok));
}

#[tokio::test]
async fn mariadb() {
    let Some(url) = mariadb_url().await else {
        return;
    };
    check("mariadb", &url).await;
    one_session_per_case("mariadb", &url).await;
    one_connection_per_run("mariadb", &url, "CONNECTION_ID()").await;
}

#[tokio::test]
async fn postgres() {
    let Some(url) = postgres_url().await else {
        return;
    };
    check("postgres", &url).await;
    one_session_per_case("postgres", &url).await;
    one_connection_per_run("postgres", &url, "pg_backend_pid()").await;
}

#[tokio::test]
async fn a_wrong_password_is_one_preflight_error_and_never_logged() {
    let Some(url) = mariadb_url().await else {
        return;
    };
    let mut u = url::Url::parse(&url).unwrap();
    u.set_username("livesmoke_nobody").unwrap();
    std::env::set_var("LS_TEST_SECRET_PW", "s3cr3t-Pa55word");
    let text = format!(
        "[db.main]\nkind = \"mariadb\"\nurl = \"{u}\"\npassword = {{ env = \"LS_TEST_SECRET_PW\" }}\n[[case]]\nname = \"c\"\n  [[case.step]]\n  sql = \"SELECT 1\"\n"
    );
    let (report, lines) = run_suite_text(&text, RunOptions { lang: Lang::En, ..Default::default() }).await;
    assert_eq!(report.cases[0].outcome, CaseOutcome::Error);
    let all: String = lines.iter().map(|l| format!("{}\n", l.msg)).collect();
    assert!(all.contains("target `main`: "), "{all}");
    assert!(all.contains("mysql://livesmoke_nobody:***@"), "the DSN is shown masked: {all}");
    assert!(!all.contains("s3cr3t-Pa55word"), "{all}");
}

/// The target `main` with a pool of several connections, so a test sees
/// whether a run keeps one of them or takes a new one.
fn pooled_target(kind: &str, url: &str) -> String {
    format!("[db.main]\nkind = \"{kind}\"\nurl = \"{url}\"\nmax_connections = 4\n")
}

/// A case keeps one connection per target from setup to teardown: a
/// temporary table (visible only in the session that made it) created in
/// setup is there for the steps and the undo, even with a pool of several.
async fn one_session_per_case(kind: &str, url: &str) {
    let table = unique("ls_tmp");
    let db = pooled_target(kind, url);
    let text = format!(
        r#"
{db}
[[case]]
name = "temp table across steps"
  [[case.setup]]
  sql = "CREATE TEMPORARY TABLE {table} (id INTEGER)"
  undo = {{ sql = "DROP TABLE {table}" }}
  [[case.setup]]
  sql = "INSERT INTO {table} (id) VALUES (1), (2), (3)"
  [[case.step]]
  sql = "INSERT INTO {table} (id) VALUES (4)"
  [[case.step]]
  sql = "SELECT COUNT(*) AS n FROM {table}"
  expect = {{ row = {{ n = 4 }} }}
"#
    );
    let (report, lines) = run_suite_text(&text, RunOptions { lang: Lang::En, ..Default::default() }).await;
    let t = texts(&lines);
    assert_eq!(report.cases[0].outcome, CaseOutcome::Passed, "{t:#?}");
    assert!(report.cases[0].cleanup_ok, "the undo dropped the temporary table: {t:#?}");
}

/// A run opens one connection per target and keeps it from its first case
/// to its last (a database with a low connection limit sees one session, and
/// no case waits for the pool): each case records the server's id of its
/// session, and the last one finds a single id, with a pool of several.
async fn one_connection_per_run(kind: &str, url: &str, session_id: &str) {
    let table = unique("ls_sessions");
    let record: String = (1..=3)
        .map(|i| {
            format!(
                r#"
[[case]]
name = "records its session {i}"
  [[case.step]]
  sql = "INSERT INTO {table} (sid) SELECT {session_id}"
  expect = {{ affected = 1 }}
"#
            )
        })
        .collect();
    let db = pooled_target(kind, url);
    let text = format!(
        r#"
{db}
[[case]]
name = "creates the table"
  [[case.setup]]
  sql = "CREATE TABLE {table} (sid BIGINT)"
{record}
[[case]]
name = "one session"
  [[case.step]]
  sql = "SELECT COUNT(DISTINCT sid) AS n, COUNT(*) AS cases FROM {table}"
  expect = {{ row = {{ n = 1, cases = 3 }} }}
  [[case.teardown]]
  sql = "DROP TABLE {table}"
"#
    );
    let (report, lines) = run_suite_text(&text, RunOptions { lang: Lang::En, ..Default::default() }).await;
    let t = texts(&lines);
    assert!(report.cases.iter().all(|c| c.outcome == CaseOutcome::Passed), "{t:#?}");
    assert!(report.cases[4].cleanup_ok, "{t:#?}");
}
