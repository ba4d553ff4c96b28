#![cfg(feature = "ssr")]
//! Shared fragments and the suite's own setup and teardown, with the real
//! binary against a real SQLite file and a local HTTP server: an included
//! file's vars, targets and step lists (`use = "…"`), the suite's own values
//! winning; a failure in a used step pointed at in the included file; a
//! `[[setup]]` that runs once and whose captures every case sees (in
//! parallel too), its failure running no case but still cleaning up, and a
//! failed `[[teardown]]` as the run's cleanup failure (exit 5).

mod common;
use common::{http_fixture, write};
use std::path::Path;
use std::process::{Command, Output};

async fn run(suite: &Path, data: &Path) -> Output {
    run_with(suite, data, &[]).await
}

async fn run_with(suite: &Path, data: &Path, more: &[&str]) -> Output {
    let (suite, data) = (suite.to_path_buf(), data.to_path_buf());
    let more: Vec<String> = more.iter().map(|s| s.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_livesmoke"))
            .args(["run", "--lang", "en"])
            .arg(&suite)
            .arg("--data")
            .arg(&data)
            .args(&more)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

fn text(o: &Output) -> String {
    format!("{}\n{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// The tables of a SQLite file.
async fn tables(db: &Path) -> Vec<String> {
    let url = format!("sqlite://{}", db.display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let names: Vec<(String,)> = sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    names.into_iter().map(|(n,)| n).collect()
}

async fn count(db: &Path, sql: &str) -> i64 {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display())).await.unwrap();
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(&pool).await.unwrap();
    pool.close().await;
    n
}

#[tokio::test]
async fn an_included_file_brings_vars_targets_and_step_lists() {
    let base = http_fixture().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = d.join("app.db");
    std::fs::create_dir_all(d.join("common")).unwrap();
    write(
        d,
        "common/app.toml",
        &format!(
            r#"[vars]
base = "{base}"
greeting = "from the fragment"

[db.app]
path = "{db}"

[[steps.seed]]
sql = "CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, name TEXT)"

[[steps.seed]]
sql = "INSERT INTO users (name) VALUES (?)"
params = ["{{{{who}}}}"]
capture = {{ id = "insert_id" }}
undo = {{ sql = "DELETE FROM users WHERE id = ?", params = ["{{{{id}}}}"] }}

[[steps.order]]
http = "POST {{{{base}}}}/orders"
json = {{ qty = 1, who = "{{{{who}}}}" }}
capture = {{ order = "json:$.id" }}
"#,
            db = db.display()
        ),
    );
    let suite = write(
        d,
        "shop.toml",
        r#"include = ["common/app.toml"]

[vars]
greeting = "from the suite"

[[case]]
name = "buy"
matrix = { who = ["ann", "bo"] }
  [[case.setup]]
  use = "seed"
  [[case.step]]
  use = "order"
  [[case.step]]
  sql = "SELECT name, ? AS g, ? AS o FROM users WHERE id = ?"
  params = ["{{greeting}}", "{{order}}", "{{id}}"]
  expect.row = { name = "{{who}}", g = "from the suite", o = 42 }
"#,
    );
    let out = run(&suite, &d.join("data")).await;
    let all = text(&out);
    assert_eq!(out.status.code(), Some(0), "{all}");
    assert!(all.contains("buy [who=ann]: passed") || all.contains("case finished: buy [who=ann] — passed"), "{all}");
    assert!(all.contains("case finished: buy [who=bo] — passed"), "{all}");
    // Each instance's undo, from the list, ran: the rows are gone, the table stays.
    assert_eq!(all.matches("undo: \"DELETE FROM users WHERE id = ?\"").count(), 2, "{all}");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM users").await, 0);
}

#[tokio::test]
async fn a_failing_step_of_an_included_list_is_pointed_at_in_that_file() {
    let base = http_fixture().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("common")).unwrap();
    write(d, "common/checks.toml", &format!("[[steps.health]]\nhttp = \"GET {base}/health\"\nexpect.status = 201\n"));
    let suite = write(
        d,
        "s.toml",
        "include = [\"common/checks.toml\"]\n[[case]]\nname = \"c\"\n  [[case.step]]\n  use = \"health\"\n",
    );
    let out = run(&suite, &d.join("data")).await;
    let all = text(&out);
    assert_eq!(out.status.code(), Some(4), "{all}");
    let at = format!("{}:2:8: case `c` failed", d.join("common/checks.toml").display());
    assert!(all.contains(&at), "expected `{at}` in:\n{all}");
}

#[tokio::test]
async fn the_suites_setup_runs_once_and_every_case_sees_its_captures() {
    let base = http_fixture().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = d.join("app.db");
    let suite = write(
        d,
        "s.toml",
        &format!(
            r#"parallel = 2
[vars]
base = "{base}"
[db.app]
path = "{db}"

[[setup]]
sql = "CREATE TABLE batches (id INTEGER PRIMARY KEY, note TEXT)"
undo = {{ sql = "DROP TABLE batches" }}
[[setup]]
sql = "INSERT INTO batches (note) VALUES ('smoke')"
capture = {{ batch = "insert_id" }}

[[case]]
name = "c"
matrix = {{ n = ["a", "b", "c"] }}
  [[case.step]]
  sql = "SELECT COUNT(*) AS k FROM batches WHERE id = ?"
  params = ["{{{{batch}}}}"]
  expect.row = {{ k = 1 }}

[[teardown]]
http = "GET {{{{base}}}}/orders/{{{{batch}}}}"
expect.json = [{{ path = "$.id", eq = "1" }}]
"#,
            db = db.display()
        ),
    );
    let out = run(&suite, &d.join("data")).await;
    let all = text(&out);
    assert_eq!(out.status.code(), Some(0), "{all}");
    assert_eq!(all.matches("CREATE TABLE batches").count(), 1, "{all}");
    assert!(all.contains("3 passed, 0 failed"), "{all}");
    // The setup's undo ran once, after the last case ended, then the teardown.
    let last_end = all.rfind("case finished:").unwrap();
    let undo = all.find("undo: \"DROP TABLE batches\"").expect("the setup's undo ran");
    let teardown = all.find("/orders/1").expect("the teardown ran with the setup's capture");
    assert!(last_end < undo && undo < teardown, "{all}");
    assert!(!tables(&db).await.contains(&"batches".to_string()));
}

#[tokio::test]
async fn a_failed_suite_setup_runs_no_case_and_still_cleans_up() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = d.join("app.db");
    let suite = write(
        d,
        "s.toml",
        &format!(
            r#"[db.app]
path = "{db}"
[[setup]]
sql = "CREATE TABLE scratch (id INTEGER)"
undo = {{ sql = "DROP TABLE scratch" }}
[[setup]]
sql = "SELECT nope FROM missing_table"

[[case]]
name = "one"
  [[case.step]]
  sql = "SELECT 1"
[[case]]
name = "two"
  [[case.step]]
  sql = "SELECT 2"
"#,
            db = db.display()
        ),
    );
    let out = run(&suite, &d.join("data")).await;
    let all = text(&out);
    assert_eq!(out.status.code(), Some(3), "{all}");
    assert!(!all.contains("case started"), "{all}");
    assert!(all.contains("suite setup failed: no case runs"), "{all}");
    assert!(all.contains("0 passed, 0 failed, 2 error"), "{all}");
    // Each case points at the setup step that failed.
    for case in ["one", "two"] {
        let at = format!("{}:7:7: case `{case}` errored: suite setup #2: (1) no such table", suite.display());
        assert!(all.contains(&at), "expected `{at}` in:\n{all}");
    }
    assert!(all.contains("undo: \"DROP TABLE scratch\""), "{all}");
    assert!(!tables(&db).await.contains(&"scratch".to_string()));
}

#[tokio::test]
async fn a_failed_suite_teardown_is_the_runs_cleanup_failure() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let suite = write(
        d,
        "s.toml",
        "[db.app]\npath = \":memory:\"\n[[case]]\nname = \"fine\"\n  [[case.step]]\n  sql = \"SELECT 1\"\n\
         [[teardown]]\nsql = \"DROP TABLE never_made\"\n",
    );
    let junit = d.join("junit.xml");
    let out = run_with(&suite, &d.join("data"), &["--junit", junit.to_str().unwrap()]).await;
    let all = text(&out);
    assert_eq!(out.status.code(), Some(5), "{all}");
    assert!(all.contains("cleanup failed: (1) no such table: never_made"), "{all}");
    assert!(all.contains("s: 1 passed, 0 failed, 0 error, 0 skipped, 1 cleanup failed"), "{all}");
    let junit = std::fs::read_to_string(junit).unwrap();
    let at = format!("{}:8:7: (1) no such table: never_made", suite.display());
    assert!(junit.contains("suite cleanup failed:") && junit.contains(&at), "{junit}");
}
