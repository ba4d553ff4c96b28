#![cfg(feature = "ssr")]
//! The producer (the seed's runSmoke, fixed) against the embedded SQLite.

mod common;
use common::*;
use livesmoke::engine::{CaseOutcome, Lang, RunOptions};
use livesmoke::model::{Level, Phase};

const SUITE: &str = r#"
[db.app]
path = "app.db"

[[case]]
name = "seed"
  [[case.setup]]
  sql = "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"
  [[case.setup]]
  sql = "INSERT INTO t (v) VALUES (?)"
  params = ["a"]
  capture = { id = "insert_id" }
  undo = { sql = "DELETE FROM t WHERE id = ?", params = ["{{id}}"] }
  [[case.step]]
  sql = "SELECT v FROM t WHERE id = ?"
  params = ["{{id}}"]
  expect = { rows = 1, row = { v = "a" } }

[[case]]
name = "broken"
  [[case.setup]]
  sql = "INSERT INTO t (v) VALUES ('keep me out')"
  undo = { sql = "DELETE FROM t WHERE v = 'keep me out'" }
  [[case.setup]]
  sql = "INSERT INTO missing (x) VALUES (1)"
  [[case.setup]]
  sql = "SELECT 'never'"
  [[case.teardown]]
  sql = "SELECT count(*) AS n FROM t"

[[case]]
name = "after"
  [[case.step]]
  sql = "SELECT count(*) AS n FROM t"
  expect = { row = { n = 0 } }
"#;

#[tokio::test]
async fn a_failed_setup_statement_stops_its_case_logs_the_seed_lines_and_cleans_up() {
    let (report, lines) = run_suite_text(SUITE, RunOptions::default()).await;
    let outcomes: Vec<_> = report.cases.iter().map(|c| c.outcome).collect();
    assert_eq!(outcomes, vec![CaseOutcome::Passed, CaseOutcome::Error, CaseOutcome::Passed]);
    assert_eq!(report.exit_code(), 3);
    let t = texts(&lines);
    let i = t
        .iter()
        .position(|l| l == "[INFO] 前置条件: \"INSERT INTO missing (x) VALUES (1)\"")
        .expect("the seed's setup line");
    assert_eq!(t[i + 1], "[ERROR] (1) no such table: missing");
    assert_eq!(t[i + 2], "[ERROR] SQL发生错误，前置处理失败");
    assert!(!t.iter().any(|l| l.contains("SELECT 'never'")), "the rest of the setup is skipped");
    // the undo of the step that succeeded ran, then the teardown
    let undo = t.iter().position(|l| l.contains("撤销: \"DELETE FROM t WHERE v = 'keep me out'\"")).expect("undo ran");
    let teardown =
        t.iter().position(|l| l.contains("后置清理: \"SELECT count(*) AS n FROM t\"")).expect("teardown ran");
    assert!(i < undo && undo < teardown);
    // every line carries its case and phase; seqs are 1..n
    assert!(lines.iter().enumerate().all(|(k, l)| l.seq == k as u64 + 1));
    let failed_line = &lines[i + 2];
    assert_eq!(failed_line.case.as_deref(), Some("broken"));
    assert_eq!(failed_line.phase, Some(Phase::Setup));
    assert_eq!(failed_line.step, Some(2));
    assert_eq!(lines.last().unwrap().level, Level::Error);
    assert!(lines.last().unwrap().msg.starts_with("运行结束: 2 通过, 0 失败, 1 错误, 0 跳过"));
}

#[tokio::test]
async fn english_messages_and_a_failed_expectation() {
    let suite = r#"
[db.app]
path = ":memory:"
[[case]]
name = "expects"
  [[case.step]]
  sql = "SELECT 1 AS one"
  expect = { row = { one = 2 } }
"#;
    let (report, lines) = run_suite_text(suite, RunOptions { lang: Lang::En, ..Default::default() }).await;
    assert_eq!(report.cases[0].outcome, CaseOutcome::Failed);
    assert_eq!(report.exit_code(), 4);
    let t = texts(&lines);
    assert!(t.contains(&"[INFO] step: \"SELECT 1 AS one\"".to_string()), "{t:?}");
    assert!(t.contains(&"[ERROR] column `one`: expected 2, got 1".to_string()), "{t:?}");
}

#[tokio::test]
async fn an_unreachable_target_fails_preflight_once_and_marks_its_cases_error() {
    let suite = r#"
[db.app]
path = ":memory:"
[db.shop]
kind = "mariadb"
url = "mysql://nobody@127.0.0.1:1/shop"
[[case]]
name = "one"
  [[case.setup]]
  db = "shop"
  sql = "SELECT 1"
[[case]]
name = "two"
  [[case.setup]]
  db = "shop"
  sql = "SELECT 2"
[[case]]
name = "fine"
  [[case.step]]
  db = "app"
  sql = "SELECT 3"
"#;
    let (report, lines) = run_suite_text(suite, RunOptions { lang: Lang::En, ..Default::default() }).await;
    let outcomes: Vec<_> = report.cases.iter().map(|c| c.outcome).collect();
    assert_eq!(outcomes, vec![CaseOutcome::Error, CaseOutcome::Error, CaseOutcome::Passed]);
    let preflight_errors =
        lines.iter().filter(|l| l.phase == Some(Phase::Preflight) && l.level == Level::Error).count();
    assert_eq!(preflight_errors, 1, "one clear message, not one per case");
    assert!(report.cases[0].reason_text().as_deref().unwrap().starts_with("preflight: target `shop`"));
}
