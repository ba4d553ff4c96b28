#![cfg(feature = "ssr")]
//! The real binary: exit codes, JUnit and JSONL reports, secrets that appear
//! in no output at all (log, JSONL, JUnit, stdout, stderr, server replies),
//! and the examples/ suites.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_livesmoke");

fn livesmoke(args: &[&str], data: &Path) -> Output {
    Command::new(BIN).args(args).arg("--data").arg(data).env("NO_COLOR", "1").output().unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

fn suite_file(dir: &Path, name: &str, cases: &str) -> PathBuf {
    write(dir, name, &format!("[db.app]\npath = \":memory:\"\n{cases}"))
}

const PASS: &str = "[[case]]\nname = \"ok\"\n  [[case.step]]\n  sql = \"SELECT 1\"\n";
const FAIL: &str =
    "[[case]]\nname = \"fails\"\n  [[case.step]]\n  sql = \"SELECT 1 AS one\"\n  expect = { row = { one = 2 } }\n";
const ERROR: &str = "[[case]]\nname = \"errs\"\n  [[case.setup]]\n  sql = \"SELECT * FROM nowhere\"\n";
const DIRTY: &str =
    "[[case]]\nname = \"dirty\"\n  [[case.setup]]\n  sql = \"SELECT 1\"\n  undo = { sql = \"DELETE FROM nowhere\" }\n";

#[test]
fn exit_codes_follow_the_worst_outcome() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let run = |name: &str, cases: &str| code(&livesmoke(&["run", suite_file(d, name, cases).to_str().unwrap()], d));
    assert_eq!(run("pass.toml", PASS), 0);
    assert_eq!(run("fail.toml", &format!("{PASS}{FAIL}")), 4);
    assert_eq!(run("error.toml", &format!("{FAIL}{ERROR}")), 3);
    assert_eq!(run("dirty.toml", &format!("{PASS}{DIRTY}")), 5);
    assert_eq!(run("invalid.toml", "[[case]]\nname = 1\n"), 2);
    assert_eq!(code(&livesmoke(&["run", "--no-such-flag", "x.toml"], d)), 1);
    // several files: the worst wins (3 > 4 > 5)
    let files = [suite_file(d, "a.toml", DIRTY), suite_file(d, "b.toml", FAIL)];
    assert_eq!(code(&livesmoke(&["run", files[0].to_str().unwrap(), files[1].to_str().unwrap()], d)), 4);
    // --fail-fast skips what follows the first non-passed case
    let ff = suite_file(d, "ff.toml", &format!("{FAIL}{PASS}"));
    let out = livesmoke(&["run", "--fail-fast", "--lang", "en", ff.to_str().unwrap()], d);
    assert_eq!(code(&out), 4);
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 failed, 0 error, 1 skipped"));
}

#[test]
fn junit_and_jsonl_reports_describe_every_outcome() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let tagged = "[[case]]\nname = \"other tag\"\ntags = [\"slow\"]\n  [[case.step]]\n  sql = \"SELECT 2\"\n";
    let pass_tagged = PASS.replace("name = \"ok\"", "name = \"ok\"\ntags = [\"p0\"]");
    let fail_tagged = FAIL.replace("name = \"fails\"", "name = \"fails\"\ntags = [\"p0\"]");
    let error_tagged = ERROR.replace("name = \"errs\"", "name = \"errs\"\ntags = [\"p0\"]");
    let dirty_tagged = DIRTY.replace("name = \"dirty\"", "name = \"dirty\"\ntags = [\"p0\"]");
    let f = suite_file(d, "all.toml", &format!("{pass_tagged}{fail_tagged}{error_tagged}{dirty_tagged}{tagged}"));
    let junit = d.join("out/junit.xml");
    let jsonl = d.join("out/log.jsonl");
    let out = livesmoke(
        &[
            "run",
            "--tags",
            "p0",
            "--junit",
            junit.to_str().unwrap(),
            "--jsonl",
            jsonl.to_str().unwrap(),
            f.to_str().unwrap(),
        ],
        d,
    );
    assert_eq!(code(&out), 3);
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains(r#"<testsuite name="all" tests="5" skipped="1" errors="1" failures="1""#), "{xml}");
    // Each message starts where what ran is written: the `sql` of `fails` is on line 12, that of `errs` on 18.
    let at = |line: u32| format!("{}:{line}:9", f.display());
    let failure = format!(r#"<failure message="{}: step #1: column `one`: expected 2, got 1" type="failed"/>"#, at(12));
    assert!(xml.contains(&failure), "{xml}");
    let error = format!(r#"<error message="{}: setup #1: (1) no such table: nowhere" type="error"/>"#, at(18));
    assert!(xml.contains(&error), "{xml}");
    assert!(xml.contains(r#"<skipped message="not selected by --tags"/>"#), "{xml}");
    assert!(xml.contains(r#"<property name="cleanup" value="failed"/>"#), "{xml}");
    assert!(xml.contains("<system-err>cleanup failed:\n(1) no such table: nowhere</system-err>"), "{xml}");
    let lines: Vec<serde_json::Value> =
        std::fs::read_to_string(&jsonl).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(lines.len() > 10);
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(l["seq"], i as u64 + 1);
        assert!(l["suite"].as_str().unwrap().ends_with("all.toml"));
        assert!(l["run"].as_u64().is_some() && l["ts"].as_i64().is_some() && l["level"].is_string());
    }
    assert!(lines
        .iter()
        .any(|l| l["case"] == "errs" && l["phase"] == "setup" && l["step"] == 1 && l["level"] == "ERROR"));
}

#[test]
fn an_invalid_suite_writes_no_report_and_runs_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good = suite_file(d, "good.toml", PASS);
    let bad = write(
        d,
        "bad.toml",
        "[db.app]\npath = \"a.db\"\n[[case]]\nname = \"c\"\n  [[case.step]]\n  sql = \"SELECT {{x}}\"\n",
    );
    let junit = d.join("junit.xml");
    let out = livesmoke(&["run", "--junit", junit.to_str().unwrap(), good.to_str().unwrap(), bad.to_str().unwrap()], d);
    assert_eq!(code(&out), 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml:6:17: `{{…}}` inside `sql`"), "{err}");
    assert!(!junit.exists());
    assert!(!d.join("logs").exists() || std::fs::read_dir(d.join("logs")).unwrap().next().is_none());
}

/// A secret from the environment, used in an HTTP header and a SQL param, echoed
/// back by the server into a failure message, is masked in every output.
// Multi-threaded: the fixture server must answer while this thread waits for the CLI.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seeded_secret_appears_in_no_output_at_all() {
    const SECRET: &str = "pw-Zq81-TOPSECRET";
    let base = http_fixture().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();
    let suites = d.join("suites");
    std::fs::create_dir_all(&suites).unwrap();
    let text = format!(
        r#"
[vars]
token = {{ env = "LS_CLI_SECRET", secret = true }}
base = "{base}"
[db.app]
path = "app.db"
[[case]]
name = "leaky"
  [[case.setup]]
  sql = "CREATE TABLE IF NOT EXISTS t (v TEXT)"
  [[case.setup]]
  sql = "INSERT INTO t (v) VALUES (?)"
  params = ["{{{{token}}}}"]
  [[case.step]]
  http = "POST {{{{base}}}}/orders"
  headers = {{ Authorization = "Bearer {{{{token}}}}" }}
  json = {{ qty = 1 }}
  expect.json = [{{ path = "$.auth", eq = "nope" }}]
  [[case.step]]
  sql = "SELECT v FROM t"
  expect = {{ row = {{ v = "other" }} }}
"#
    );
    let file = write(&suites, "leaky.toml", &text);
    let junit = d.join("junit.xml");
    let jsonl = d.join("log.jsonl");
    let out = Command::new(BIN)
        .args(["run", "--junit", junit.to_str().unwrap(), "--jsonl", jsonl.to_str().unwrap(), file.to_str().unwrap()])
        .arg("--data")
        .arg(&d)
        .env("LS_CLI_SECRET", SECRET)
        .output()
        .unwrap();
    assert_eq!(code(&out), 4);
    let mut outputs = vec![
        ("stdout", String::from_utf8_lossy(&out.stdout).into_owned()),
        ("stderr", String::from_utf8_lossy(&out.stderr).into_owned()),
        ("junit", std::fs::read_to_string(&junit).unwrap()),
        ("jsonl", std::fs::read_to_string(&jsonl).unwrap()),
    ];
    for f in std::fs::read_dir(d.join("logs")).unwrap() {
        let p = f.unwrap().path();
        outputs.push(("stored log", std::fs::read_to_string(p).unwrap()));
    }
    assert!(outputs[2].1.contains("Bearer ***"), "the failure is reported, masked: {}", outputs[2].1);
    // the same suite through the server and its API
    let server = spawn_server(&suites, &d.join("srv"), &[("LS_CLI_SECRET", SECRET)]).await;
    let api = format!("{}/api", server.base);
    let http = reqwest::Client::new();
    let started: serde_json::Value =
        http.post(format!("{api}/run")).form(&[("suite", "leaky.toml")]).send().await.unwrap().json().await.unwrap();
    let run = started["id"].as_u64().unwrap();
    let mut replies = String::new();
    let mut after = 0;
    for _ in 0..200 {
        let page = http.get(format!("{api}/log?run={run}&after={after}")).send().await.unwrap().text().await.unwrap();
        let v: serde_json::Value = serde_json::from_str(&page).unwrap();
        replies.push_str(&page);
        after = v["next"].as_u64().unwrap();
        if v["done"] == true {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    for path in ["runs", "suites", &format!("log.txt?run={run}"), &format!("log.jsonl?run={run}")] {
        replies.push_str(&http.get(format!("{api}/{path}")).send().await.unwrap().text().await.unwrap());
    }
    let server_output = server.output.clone();
    drop(server);
    assert!(replies.contains("Bearer ***"), "{replies}");
    outputs.push(("server replies", replies));
    outputs.push(("server stdout+stderr", std::fs::read_to_string(server_output).unwrap()));
    for (what, text) in &outputs {
        assert!(!text.contains(SECRET), "the secret leaked into {what}:\n{text}");
    }
}

#[test]
fn the_sqlite_example_runs_on_a_fresh_clone() {
    let dir = tempfile::tempdir().unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/sqlite-inventory.toml");
    let out = livesmoke(&["run", "--lang", "en", example.to_str().unwrap()], dir.path());
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stdout).contains("expected error: (275) CHECK constraint failed"));
}

#[tokio::test]
async fn the_mariadb_and_http_example_smoke_tests_a_live_server() {
    let Some(mysql) = mariadb_url().await else { return };
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let server = spawn_server(&root.join("suites"), &dir.path().join("srv"), &[]).await;
    let base = server.base.clone();
    let example = root.join("examples/mariadb-http.toml");
    let out = Command::new(BIN)
        .args(["run", "--env", "ci", "--lang", "en", example.to_str().unwrap()])
        .arg("--data")
        .arg(dir.path())
        .env("LIVESMOKE_TEST_MYSQL", &mysql)
        .env("LIVESMOKE_BASE_URL", &base)
        .output()
        .unwrap();
    drop(server);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(code(&out), 0, "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("2 passed, 0 failed, 0 error"), "{stdout}");
    assert!(stdout.contains(&format!("step: GET {base}/api/suites")), "{stdout}");
}

/// A failed step is shown after the log the way a load error is: `file:line:col`
/// (of the JSON check that did not hold, or of the step), the line itself, the
/// reason; JUnit's message starts with the same position.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_step_is_pointed_at_in_its_file() {
    let base = http_fixture().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = format!(
        r#"[db.app]
path = ":memory:"
[[case]]
name = "health"
  [[case.step]]
  http = "GET {base}/health"
  expect.json = [
    {{ path = "$.ok", eq = true }},
    {{ path = "$.name", eq = "other" }},
  ]
[[case]]
name = "rows"
  [[case.step]]
  sql = "SELECT 1 AS one"
  expect = {{ rows = 2 }}
"#
    );
    let file = write(d, "pointed.toml", &text);
    let junit = d.join("junit.xml");
    let out = livesmoke(&["run", "--lang", "en", "--junit", junit.to_str().unwrap(), file.to_str().unwrap()], d);
    assert_eq!(code(&out), 4);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json_at = format!("{}:9:5", file.display());
    let want = format!(
        "{json_at}: case `health` failed: step #1: $.name: expected \"other\", got \"smoke\"\n 9 |     {{ path = \"$.name\", eq = \"other\" }},\n   |     ^\n"
    );
    assert!(stdout.contains(&want), "{stdout}");
    let step_at = format!("{}:14:9", file.display());
    let want = format!(
        "{step_at}: case `rows` failed: step #1: expected 2 rows, got 1\n 14 |   sql = \"SELECT 1 AS one\"\n    |         ^\n"
    );
    assert!(stdout.contains(&want), "{stdout}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains(&format!(r#"<failure message="{json_at}: step #1: $.name: expected &quot;other&quot;"#)),
        "{xml}"
    );
    assert!(xml.contains(&format!(r#"<failure message="{step_at}: step #1: expected 2 rows, got 1""#)), "{xml}");
}
