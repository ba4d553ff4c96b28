#![cfg(feature = "ssr")]
//! The loader: every problem names file, line and column.

use livesmoke::suite;
use std::path::Path;

fn errors(text: &str) -> Vec<String> {
    suite::parse(Path::new("suites/x.toml"), text)
        .expect_err("should be invalid")
        .0
        .iter()
        .map(|e| e.to_string())
        .collect()
}

fn first(text: &str) -> (usize, usize, String) {
    let e = suite::parse(Path::new("suites/x.toml"), text).expect_err("should be invalid").0.remove(0);
    (e.line, e.col, e.message)
}

const OK: &str = r#"
[db.app]
path = "a.db"

[[case]]
name = "c"
  [[case.setup]]
  sql = "SELECT 1"
"#;

#[test]
fn a_valid_suite_loads() {
    let s = suite::parse(Path::new("x.toml"), OK).unwrap();
    assert_eq!(s.name(), "x");
    assert_eq!(s.suite.cases.len(), 1);
}

#[test]
fn malformed_toml_points_at_the_spot() {
    let (line, col, msg) = first("[db.app]\npath = \"a.db\n");
    assert_eq!((line, col), (2, 13), "{msg}");
    assert!(errors("[db.app]\npath = \"a.db\n")[0].starts_with("suites/x.toml:2:13: invalid basic string"));
}

#[test]
fn an_unknown_key_is_an_error_at_its_line() {
    let text = OK.replace("  sql = \"SELECT 1\"", "  sql = \"SELECT 1\"\n  sqll = \"typo\"");
    let (line, col, msg) = first(&text);
    assert_eq!((line, col), (9, 3));
    assert!(msg.contains("unknown field `sqll`"), "{msg}");
}

#[test]
fn templates_inside_sql_are_refused_with_a_hint() {
    let text = OK.replace("SELECT 1", "SELECT {{x}}");
    let all = errors(&text);
    assert!(all[0].starts_with("suites/x.toml:8:17: `{{…}}` inside `sql`"), "{all:?}");
    assert!(all[0].contains("hint: write `?`"));
}

#[test]
fn an_unknown_target_and_an_unknown_variable_are_both_reported() {
    let text = OK.replace("  sql = \"SELECT 1\"", "  db = \"billing\"\n  sql = \"SELECT ?\"\n  params = [\"{{who}}\"]");
    let all = errors(&text);
    assert_eq!(all.len(), 2, "{all:?}");
    assert!(all[0].starts_with("suites/x.toml:8:8: unknown database target `billing`"), "{all:?}");
    assert!(all[1].starts_with("suites/x.toml:10:14: unknown variable `who`"), "{all:?}");
}

#[test]
fn an_inline_password_is_refused() {
    let text = OK.replace("path = \"a.db\"", "kind = \"mariadb\"\nhost = \"127.0.0.1\"\npassword = \"hunter2\"");
    let s = suite::parse(Path::new("x.toml"), &text).unwrap();
    let err = livesmoke::engine::runner::prepare(&s, &Default::default(), Path::new("data")).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("x.toml:5:12: password of target `app` must not be written inline"), "{text}");
    assert!(!text.contains("hunter2"));
}

#[test]
fn a_step_needs_sql_or_http_and_cases_need_distinct_names() {
    let text = format!("{OK}\n[[case]]\nname = \"c\"\n  [[case.step]]\n  name = \"nothing\"\n");
    let all = errors(&text);
    assert!(all.iter().any(|e| e.contains("two cases are named `c`")), "{all:?}");
    assert!(all.iter().any(|e| e.contains("a step needs `sql` or `http`")), "{all:?}");
}

#[test]
fn env_overrides_in_table_headers_load_and_apply() {
    let text = r#"
[vars]
base = "http://prod"
[db.app]
path = "app.db"
[env.staging.vars]
base = "http://staging"
[env.staging.db.app]
path = "staging.db"
[[case]]
name = "c"
  [[case.step]]
  sql = "SELECT 1"
"#;
    let s = suite::parse(Path::new("x.toml"), text).unwrap();
    let opts = livesmoke::engine::RunOptions { env: Some("staging".into()), ..Default::default() };
    let plan = livesmoke::engine::runner::prepare(&s, &opts, Path::new("/data")).unwrap();
    assert_eq!(plan.vars.get("base").unwrap().value, "http://staging");
    assert_eq!(plan.targets["app"].display(), "sqlite:/data/staging.db");
    let unknown = livesmoke::engine::RunOptions { env: Some("prod".into()), ..Default::default() };
    let err = livesmoke::engine::runner::prepare(&s, &unknown, Path::new("/data")).unwrap_err().to_string();
    assert!(err.contains("unknown environment `prod`") && err.contains("known environments: staging"), "{err}");
}

#[test]
fn an_impossible_step_is_refused_at_load_with_its_position() {
    let both = OK.replace("  sql = \"SELECT 1\"", "  sql = \"SELECT 1\"\n  http = \"GET http://x\"");
    assert!(errors(&both)[0].starts_with("suites/x.toml:7:3: a setup step has both `sql` and `http`"));
    let method = OK.replace("  sql = \"SELECT 1\"", "  http = \"FETCH http://x\"");
    assert!(errors(&method)[0].starts_with("suites/x.toml:8:10: invalid http line `FETCH http://x`"));
    let undo = OK
        .replace("[[case.setup]]", "[[case.teardown]]")
        .replace("  sql = \"SELECT 1\"", "  sql = \"SELECT 1\"\n  undo = { sql = \"SELECT 2\" }");
    assert!(errors(&undo)[0].starts_with("suites/x.toml:7:3: `undo` is only allowed on setup steps, not in teardown"));
}

#[test]
fn the_loader_hands_on_typed_steps_with_their_positions() {
    use livesmoke::suite::step::{Body, Method, StepKind};
    let text = r#"
default_db = "main"
[db.main]
path = "m.db"
[db.other]
path = "o.db"

[[case]]
name = "c"
db = "other"
timeout = "2s"
  [[case.setup]]
  sql = "INSERT INTO t VALUES (?)"
  params = ["{{run.id}}", 3]
  undo = { sql = "DELETE FROM t" }
  [[case.step]]
  http = "POST  http://x/{{run.id}}"
  json = { qty = 2 }
  timeout = "500ms"
  expect.json = [{ path = "$.id", exists = true }]
"#;
    let s = suite::parse(Path::new("x.toml"), text).unwrap();
    let case = &s.suite.cases[0];
    assert_eq!(case.timeout.as_ref().map(|t| t.duration), Some(std::time::Duration::from_secs(2)));
    let setup = &case.setup[0];
    // a step points at what runs: its `sql` value
    assert_eq!((setup.step.span.line, setup.step.span.col), (13, 9));
    let StepKind::Sql(sql) = &setup.step.kind else { panic!("a SQL step: {:?}", setup.step.kind) };
    assert_eq!((sql.target.as_str(), sql.params.len()), ("other", 2), "the case's db wins over default_db");
    let StepKind::Sql(undo) = &setup.undo.as_ref().unwrap().kind else { panic!("a SQL undo") };
    assert_eq!(undo.target, "other");
    let step = &case.steps[0];
    assert_eq!(step.span.to_string(), "x.toml:17:10");
    let StepKind::Http(http) = &step.kind else { panic!("an HTTP step: {:?}", step.kind) };
    assert_eq!((http.method, http.url.as_str()), (Method::Post, "http://x/{{run.id}}"));
    assert_eq!(http.timeout, std::time::Duration::from_millis(500));
    assert_eq!(http.body, Body::Json(serde_json::json!({ "qty": 2 })));
    assert_eq!(http.expect.json[0].span.to_string(), "x.toml:20:18");
}
