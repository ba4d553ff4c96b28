#![cfg(feature = "ssr")]
//! The execution rules of a case, each on a small SQLite suite: undo order,
//! independent teardown, skipped cleanup, timeouts, on_fail, precedence, tags.

mod common;
use common::*;
use livesmoke::engine::{CaseOutcome, Lang, RunOptions};

fn en() -> RunOptions {
    RunOptions { lang: Lang::En, ..Default::default() }
}

const DB: &str = "[db.app]\npath = \":memory:\"\n";

#[tokio::test]
async fn undo_runs_in_reverse_for_the_setup_steps_that_succeeded_then_every_teardown_step() {
    let suite = format!(
        r#"{DB}
[[case]]
name = "c"
  [[case.setup]]
  sql = "SELECT 'a'"
  undo = {{ sql = "SELECT 'undo a'" }}
  [[case.setup]]
  sql = "SELECT 'b'"
  undo = {{ sql = "SELECT 'undo b'" }}
  [[case.setup]]
  sql = "SELECT * FROM broken"
  undo = {{ sql = "SELECT 'undo c must not run'" }}
  [[case.step]]
  sql = "SELECT 'step must not run'"
  [[case.teardown]]
  sql = "SELECT * FROM also_broken"
  [[case.teardown]]
  sql = "SELECT 'second teardown still runs'"
"#
    );
    let (report, lines) = run_suite_text(&suite, en()).await;
    let c = &report.cases[0];
    assert_eq!(c.outcome, CaseOutcome::Error);
    assert!(!c.cleanup_ok);
    let cleanup: Vec<String> = c.cleanup_errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(cleanup, vec!["(1) no such table: also_broken".to_string()]);
    let ran: Vec<String> =
        lines.iter().filter(|l| l.level == livesmoke::model::Level::Info).map(|l| l.msg.clone()).collect();
    let order: Vec<&str> = [
        "undo: \"SELECT 'undo b'\"",
        "undo: \"SELECT 'undo a'\"",
        "teardown: \"SELECT * FROM also_broken\"",
        "teardown: \"SELECT 'second teardown still runs'\"",
    ]
    .into_iter()
    .collect();
    let positions: Vec<usize> = order
        .iter()
        .map(|o| ran.iter().position(|r| r == o).unwrap_or_else(|| panic!("{o} missing in {ran:#?}")))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{ran:#?}");
    assert!(!ran.iter().any(|r| r.contains("must not run")));
    // a dirty cleanup never replaces the main outcome, and gives exit 3 here (error wins)
    assert_eq!(report.exit_code(), 3);
}

#[tokio::test]
async fn a_cleanup_step_whose_variable_was_never_captured_is_skipped_with_a_warning() {
    let suite = format!(
        r#"{DB}
[[case]]
name = "c"
  [[case.setup]]
  sql = "SELECT 1 AS id"
  capture = {{ id = "row:id" }}
  [[case.step]]
  sql = "SELECT * FROM nope"
  capture = {{ later = "row:x" }}
  [[case.teardown]]
  sql = "SELECT ?"
  params = ["{{{{later}}}}"]
  [[case.teardown]]
  sql = "SELECT ? AS id"
  params = ["{{{{id}}}}"]
"#
    );
    let (report, lines) = run_suite_text(&suite, en()).await;
    assert_eq!(report.cases[0].outcome, CaseOutcome::Error);
    assert!(report.cases[0].cleanup_ok, "a skipped cleanup step is not a failure");
    let t = texts(&lines);
    assert!(t.contains(&"[WARNING] skipped `SELECT ?`: variable `later` was never captured".to_string()), "{t:#?}");
    assert!(t.contains(&"[INFO] teardown: \"SELECT ? AS id\"".to_string()));
}

#[tokio::test]
async fn a_case_timeout_is_an_error_and_cleanup_still_runs() {
    let suite = format!(
        r#"{DB}
[[case]]
name = "slow"
timeout = "200ms"
  [[case.setup]]
  sql = "SELECT 1"
  undo = {{ sql = "SELECT 'undone'" }}
  [[case.step]]
  sql = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 5000000) SELECT count(*) FROM n"
"#
    );
    let (report, lines) = run_suite_text(&suite, en()).await;
    assert_eq!(report.cases[0].outcome, CaseOutcome::Error);
    assert_eq!(report.cases[0].reason_text().as_deref(), Some("timed out after 200ms"));
    assert!(texts(&lines).contains(&"[INFO] undo: \"SELECT 'undone'\"".to_string()));
}

#[tokio::test]
async fn on_fail_continue_runs_the_next_steps_and_keeps_the_failure() {
    let suite = format!(
        r#"{DB}
[[case]]
name = "c"
  [[case.step]]
  sql = "SELECT 1 AS v"
  expect = {{ row = {{ v = 2 }} }}
  on_fail = "continue"
  [[case.step]]
  sql = "SELECT 'still runs'"
"#
    );
    let (report, lines) = run_suite_text(&suite, en()).await;
    assert_eq!(report.cases[0].outcome, CaseOutcome::Failed);
    assert!(texts(&lines).contains(&"[INFO] step: \"SELECT 'still runs'\"".to_string()));
}

#[tokio::test]
async fn var_precedence_is_cli_then_env_then_vars() {
    let suite = format!(
        r#"{DB}
[vars]
a = "from vars"
b = "from vars"
c = "from vars"
[env.e.vars]
b = "from env"
c = "from env"
[[case]]
name = "c"
  [[case.step]]
  sql = "SELECT ? AS a, ? AS b, ? AS c"
  params = ["{{{{a}}}}", "{{{{b}}}}", "{{{{c}}}}"]
  expect = {{ row = {{ a = "from vars", b = "from env", c = "from cli" }} }}
"#
    );
    let opts = RunOptions { env: Some("e".into()), vars: vec![("c".into(), "from cli".into())], ..en() };
    let (report, lines) = run_suite_text(&suite, opts).await;
    assert_eq!(report.cases[0].outcome, CaseOutcome::Passed, "{:#?}", texts(&lines));
}

#[tokio::test]
async fn tags_select_cases_and_fail_fast_skips_the_rest() {
    let suite = format!(
        r#"{DB}
[[case]]
name = "p0 fails"
tags = ["p0"]
  [[case.step]]
  sql = "SELECT 1 AS v"
  expect = {{ rows = 2 }}
[[case]]
name = "p1"
tags = ["p1"]
  [[case.step]]
  sql = "SELECT 1"
[[case]]
name = "p0 later"
tags = ["p0"]
  [[case.step]]
  sql = "SELECT 1"
"#
    );
    let opts = RunOptions { tags: vec!["p0".into()], fail_fast: true, ..en() };
    let (report, _) = run_suite_text(&suite, opts).await;
    let got: Vec<_> = report.cases.iter().map(|c| (c.name.as_str(), c.outcome, c.reason_text())).collect();
    assert_eq!(got[0].1, CaseOutcome::Failed);
    assert_eq!((got[1].1, got[1].2.as_deref()), (CaseOutcome::Skipped, Some("not selected by --tags")));
    assert_eq!(
        (got[2].1, got[2].2.as_deref()),
        (CaseOutcome::Skipped, Some("--fail-fast: an earlier case did not pass"))
    );
}
