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
