#![cfg(feature = "ssr")]
//! From the deploy pipeline, with the real binary and a real server: a run
//! started with `run --server` exits, prints and reports as the same suite
//! run locally; a connection cut mid-stream costs no line and repeats none;
//! labels reach the history and the suite; a cancelled run cleans up;
//! compare gates on what got worse; badges; signed notifications that a
//! failing hook cannot turn into a failed run.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_livesmoke");

/// The CLI, off the test's runtime (the fixtures it talks to run there).
async fn livesmoke(args: Vec<String>, envs: Vec<(&'static str, String)>) -> Output {
    tokio::task::spawn_blocking(move || Command::new(BIN).args(&args).envs(envs).env("NO_COLOR", "1").output().unwrap())
        .await
        .unwrap()
}

fn args(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| s.to_string()).collect()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The run id `run --server` announced on stderr (`run #12 of …`).
fn announced_run(o: &Output) -> u64 {
    let err = stderr(o);
    let at = err.find("run #").unwrap_or_else(|| panic!("no run announced in: {err}"));
    err[at + 5..].chars().take_while(char::is_ascii_digit).collect::<String>().parse().unwrap()
}

const SUITES: &[(&str, &str)] = &[
    ("pass.toml", "[[case]]\nname = \"ok\"\n  [[case.step]]\n  sql = \"SELECT 1\"\n"),
    (
        "fail.toml",
        "[[case]]\nname = \"ok\"\n  [[case.step]]\n  sql = \"SELECT 1\"\n[[case]]\nname = \"fails\"\n  [[case.step]]\n  sql = \"SELECT 1 AS one\"\n  expect = { row = { one = 2 } }\n",
    ),
    ("error.toml", "[[case]]\nname = \"errs\"\n  [[case.setup]]\n  sql = \"SELECT * FROM nowhere\"\n"),
    (
        "labelled.toml",
        "[[case]]\nname = \"deploy\"\n  [[case.step]]\n  sql = \"SELECT ? AS v\"\n  params = [\"{{label.deploy}}\"]\n  expect = { row = { v = \"v1.42\" } }\n",
    ),
];

fn suites_dir(root: &Path) -> PathBuf {
    let dir = root.join("suites");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, cases) in SUITES {
        write(&dir, name, &format!("[db.app]\npath = \":memory:\"\n{cases}"));
    }
    dir
}

/// `cases` cases that each take a moment (a few hundred ms of SQLite), each
/// with a setup step and its undo, so a cut or a cancel lands mid-run and
/// its cleanup shows.
fn slow_suite(cases: usize) -> String {
    let mut slow = String::from("[db.app]\npath = \"slow.db\"\n");
    for i in 0..cases {
        slow.push_str(&format!(
            "[[case]]\nname = \"c{i}\"\n  [[case.setup]]\n  sql = \"CREATE TABLE IF NOT EXISTS t{i} (v INT)\"\n  undo = {{ sql = \"DROP TABLE t{i}\" }}\n  [[case.step]]\n  sql = \"WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 400000) SELECT count(*) FROM n\"\n"
        ));
    }
    slow
}

/// JUnit without what differs between two runs of the same suite: times.
fn junit_content(path: &Path) -> String {
    let xml = std::fs::read_to_string(path).unwrap();
    let times = regex::Regex::new(r#" (time|timestamp)="[^"]*""#).unwrap();
    times.replace_all(&xml, "").into_owned()
}

#[tokio::test]
async fn a_remote_run_exits_prints_and_reports_as_the_same_run_here() {
    let dir = tempfile::tempdir().unwrap();
    let suites = suites_dir(dir.path());
    let server = spawn_server(&suites, &dir.path().join("server-data"), &[]).await;
    let local_data = dir.path().join("local-data");
    for (file, want) in [("pass.toml", 0), ("fail.toml", 4), ("error.toml", 3)] {
        let path = suites.join(file).display().to_string();
        let (lj, rj) = (dir.path().join(format!("local-{file}.xml")), dir.path().join(format!("remote-{file}.xml")));
        let local = livesmoke(
            args(&[
                "run",
                "--lang",
                "en",
                "--data",
                local_data.to_str().unwrap(),
                "--junit",
                lj.to_str().unwrap(),
                &path,
            ]),
            vec![],
        )
        .await;
        let remote = livesmoke(
            args(&["run", "--server", &server.base, "--lang", "en", "--junit", rj.to_str().unwrap(), &path]),
            vec![],
        )
        .await;
        assert_eq!(local.status.code(), Some(want), "{file} here: {}", stderr(&local));
        assert_eq!(remote.status.code(), Some(want), "{file} on the server: {}", stderr(&remote));
        assert_eq!(junit_content(&lj), junit_content(&rj), "{file}: the same JUnit");
        // The terminal shows the server's log, line for line, then what a local run adds after it.
        let run = announced_run(&remote);
        let log = reqwest::get(format!("{}/api/log.txt?run={run}", server.base)).await.unwrap().text().await.unwrap();
        let out = stdout(&remote);
        assert!(out.starts_with(&log), "{file}: the terminal starts with the server's log:\n{out}\n---\n{log}");
        // After the log: failure pointers and the summary, as here (times aside).
        let after_log = |o: &str| {
            o.lines().skip(log.lines().count()).map(|l| l.split(" (").next().unwrap().to_string()).collect::<Vec<_>>()
        };
        assert_eq!(after_log(&out), after_log(&stdout(&local)), "{file}: the same pointers and summary");
        assert!(stderr(&remote).contains(&format!("{}/runs/{run}", server.base)), "the run's page is printed");
    }

    // An unknown suite is refused by the server, and said so; an invalid one is exit 2 as here.
    let missing = livesmoke(args(&["run", "--server", &server.base, "nope"]), vec![]).await;
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("nope"), "{}", stderr(&missing));
    write(&suites, "broken.toml", "[[case]]\nname = 1\n");
    let broken = livesmoke(args(&["run", "--server", &server.base, "broken"]), vec![]).await;
    assert_eq!(broken.status.code(), Some(2), "{}", stderr(&broken));
    assert!(stderr(&broken).contains("broken.toml:2:"), "file:line:col: {}", stderr(&broken));
}

#[tokio::test]
async fn labels_are_stored_filterable_and_the_suites_variables() {
    let dir = tempfile::tempdir().unwrap();
    let suites = suites_dir(dir.path());
    let server = spawn_server(&suites, &dir.path().join("data"), &[]).await;
    let env = vec![("LIVESMOKE_SERVER", server.base.clone())];
    let labelled =
        livesmoke(args(&["run", "--label", "deploy=v1.42", "--label", "commit=abc123", "labelled"]), env.clone()).await;
    assert_eq!(labelled.status.code(), Some(0), "{{label.deploy}} was v1.42: {}", stdout(&labelled));
    let unlabelled = livesmoke(args(&["run", "labelled"]), env.clone()).await;
    assert_eq!(unlabelled.status.code(), Some(3), "no such label: the step cannot run");
    let run = announced_run(&labelled);
    let runs: serde_json::Value =
        reqwest::get(format!("{}/api/runs?label=deploy=v1.42", server.base)).await.unwrap().json().await.unwrap();
    let listed: Vec<u64> = runs.as_array().unwrap().iter().map(|r| r["id"].as_u64().unwrap()).collect();
    assert_eq!(listed, vec![run]);
    assert_eq!(runs[0]["labels"], serde_json::json!({"commit": "abc123", "deploy": "v1.42"}));
    let bad = livesmoke(args(&["run", "--label", "no equals", "labelled"]), env).await;
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("KEY=VALUE"), "{}", stderr(&bad));
}

#[tokio::test]
async fn a_cut_connection_resumes_from_its_cursor_without_gap_or_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let suites = suites_dir(dir.path());
    // Cases that each take a while, so the cut lands mid-run.
    write(&suites, "slow.toml", &slow_suite(12));
    let server = spawn_server(&suites, &dir.path().join("data"), &[]).await;
    let proxy = team::Proxy::start(server.base.trim_start_matches("http://").to_string()).await;
    let via = format!("http://127.0.0.1:{}", proxy.port);
    let run = tokio::spawn(livesmoke(args(&["run", "--server", &via, "--lang", "en", "slow"]), vec![]));
    tokio::time::sleep(Duration::from_millis(700)).await;
    proxy.cut_for(Duration::from_secs(2)).await;
    let out = run.await.unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("retrying from line"), "the cut was noticed: {}", stderr(&out));
    let id = announced_run(&out);
    let log = reqwest::get(format!("{}/api/log.txt?run={id}", server.base)).await.unwrap().text().await.unwrap();
    assert!(stdout(&out).starts_with(&log), "every line once, in order:\n{}\n---\n{log}", stdout(&out));
    let printed = stdout(&out).lines().count() - 1; // the summary
    assert_eq!(printed, log.lines().count());
}

#[tokio::test]
async fn a_cancelled_run_ends_its_step_cleans_up_and_skips_the_rest() {
    let http = http_fixture().await;
    let dir = tempfile::tempdir().unwrap();
    let suites = suites_dir(dir.path());
    let mut text = format!("[vars]\nbase = \"{http}\"\n[db.app]\npath = \"app.db\"\n");
    for i in 0..3 {
        text.push_str(&format!(
            "[[case]]\nname = \"c{i}\"\n  [[case.setup]]\n  sql = \"CREATE TABLE IF NOT EXISTS t{i} (v INT)\"\n  undo = {{ sql = \"DROP TABLE t{i}\" }}\n  [[case.step]]\n  http = \"GET {{{{base}}}}/slow\"\n  [[case.step]]\n  sql = \"SELECT 1\"\n  [[case.teardown]]\n  sql = \"SELECT 'torn down {i}'\"\n"
        ));
    }
    write(&suites, "slow-http.toml", &text);
    let server = spawn_server(&suites, &dir.path().join("data"), &[]).await;
    let id = team::queue_run(&server.base, &[("suite", "slow-http"), ("lang", "en")]).await["id"].as_u64().unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(team::cancel_run(&server.base, id).await.0, 200);
    let done = team::wait_finished(&server.base, id, Duration::from_secs(20)).await;
    assert_eq!(done["status"], "cancelled");
    let log = reqwest::get(format!("{}/api/log.txt?run={id}", server.base)).await.unwrap().text().await.unwrap();
    assert!(log.contains("GET") && log.contains("/slow"), "the step under way ended: {log}");
    assert!(log.contains("run cancelled: no further steps"), "{log}");
    assert!(log.contains("DROP TABLE t0") && log.contains("torn down 0"), "case c0's undo and teardown ran: {log}");
    assert!(!log.contains("torn down 1"), "case c1 never started: {log}");
    let outcome: serde_json::Value =
        reqwest::get(format!("{}/api/result?run={id}", server.base)).await.unwrap().json().await.unwrap();
    let outcomes: Vec<&str> =
        outcome["result"]["cases"].as_array().unwrap().iter().map(|c| c["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, vec!["skipped", "skipped", "skipped"]);
    assert_eq!(outcome["result"]["cancelled"], true);
    // Cancelling again changes nothing; an unknown run is a 404.
    assert_eq!(team::cancel_run(&server.base, id).await.1["status"], "cancelled");
    assert_eq!(team::cancel_run(&server.base, 999).await.0, 404);
}

#[tokio::test]
async fn compare_gates_on_outcomes_and_timing_and_passes_when_nothing_changed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = write(
        dir.path(),
        "timed.toml",
        "[vars]\nn = \"10\"\nwant = \"1\"\n[db.app]\npath = \":memory:\"\n[[case]]\nname = \"count\"\n  [[case.step]]\n  sql = \"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) SELECT 1 AS one, count(*) AS n FROM c\"\n  params = [\"{{n}}\"]\n  capture = { counted = \"row:n\" }\n[[case]]\nname = \"check\"\n  [[case.step]]\n  sql = \"SELECT CAST(1 AS TEXT) AS one\"\n  expect = { row = { one = \"{{want}}\" } }\n",
    );
    let run = |vars: &[&str]| {
        let mut a = args(&["run", "--lang", "en", "--data", data.to_str().unwrap()]);
        for v in vars {
            a.push("--var".into());
            a.push(v.to_string());
        }
        a.push(file.display().to_string());
        livesmoke(a, vec![])
    };
    let compare =
        |base: &str, head: &str| livesmoke(args(&["compare", base, head, "--data", data.to_str().unwrap()]), vec![]);
    assert_eq!(run(&[]).await.status.code(), Some(0));
    assert_eq!(run(&[]).await.status.code(), Some(0));
    let same = compare("previous", "2").await;
    assert_eq!(same.status.code(), Some(0), "nothing got worse: {}", stdout(&same));
    assert!(stdout(&same).contains("nothing got worse"), "{}", stdout(&same));

    // Slower by far more than 50 % and 100 ms, and a case that now fails.
    let worse = run(&["n=3000000", "want=2"]).await;
    assert_eq!(worse.status.code(), Some(4));
    let c = compare("2", "3").await;
    assert_eq!(c.status.code(), Some(4), "{}", stdout(&c));
    let text = stdout(&c);
    assert!(text.contains("worse") && text.contains("check: passed → failed"), "{text}");
    assert!(text.contains("slower step #1"), "the slower step is named: {text}");
    assert!(text.contains("counted: 10 → 3000000"), "the changed capture: {text}");
    let json = livesmoke(args(&["compare", "2", "3", "--json", "--data", data.to_str().unwrap()]), vec![]).await;
    let c: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!((c["worse"].as_bool(), c["cases"][0]["change"].as_str()), (Some(true), Some("worse")));

    // `--compare-with previous` prints it after the run.
    let mut a = args(&["run", "--lang", "en", "--data", data.to_str().unwrap(), "--compare-with", "previous"]);
    a.push(file.display().to_string());
    let after = livesmoke(a, vec![]).await;
    assert_eq!(after.status.code(), Some(0));
    assert!(stdout(&after).contains("compare #"), "{}", stdout(&after));
    let unknown = compare("previous", "1").await;
    assert_eq!(unknown.status.code(), Some(1), "run 1 has no run before it");
    assert!(stderr(&unknown).contains("no earlier finished run"), "{}", stderr(&unknown));
}

#[tokio::test]
async fn a_badge_shows_the_suites_latest_outcome() {
    let dir = tempfile::tempdir().unwrap();
    let suites = suites_dir(dir.path());
    let server = spawn_server(&suites, &dir.path().join("data"), &[]).await;
    let badge = |suite: &'static str| {
        let base = server.base.clone();
        async move {
            let res = reqwest::get(format!("{base}/badge/{suite}.svg")).await.unwrap();
            assert_eq!(res.status(), 200);
            assert!(res.headers()["content-type"].to_str().unwrap().starts_with("image/svg+xml"));
            assert!(res.headers()["cache-control"].to_str().unwrap().contains("max-age=60"));
            let svg = res.text().await.unwrap();
            assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\"") && svg.ends_with("</svg>"), "{svg}");
            assert_eq!(svg.matches("<text").count(), svg.matches("</text>").count());
            svg
        }
    };
    assert!(badge("pass").await.contains(">no runs<"));
    for (suite, word, colour) in
        [("pass", "passed", "#4c1"), ("fail", "failed", "#e05d44"), ("error", "error", "#b60205")]
    {
        let out = livesmoke(args(&["run", "--server", &server.base, suite]), vec![]).await;
        assert!(out.status.code().is_some());
        let svg = badge(suite).await;
        assert!(svg.contains(&format!(">{word}<")) && svg.contains(colour), "{suite}: {svg}");
        assert!(svg.contains(&format!("aria-label=\"{suite}: {word}\"")), "{svg}");
    }
}

/// A hook that answers 500 to its first `fail_first` POSTs, and keeps every body and signature.
async fn hook(fail_first: usize) -> (String, std::sync::Arc<std::sync::Mutex<Vec<(String, Vec<u8>)>>>) {
    use axum::http::{HeaderMap, StatusCode};
    let got = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
            let seen = seen.clone();
            async move {
                let sig =
                    headers.get("x-livesmoke-signature").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
                let mut all = seen.lock().unwrap();
                all.push((sig, body.to_vec()));
                if all.len() <= fail_first {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::NO_CONTENT
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/hook"), got)
}

#[tokio::test]
async fn notifications_are_signed_retried_and_never_fail_the_run() {
    const SECRET: &str = "hook-secret-42";
    let dir = tempfile::tempdir().unwrap();
    let suites = suites_dir(dir.path());
    let data = dir.path().join("data");
    let (flaky, flaky_got) = hook(2).await;
    let (down, down_got) = hook(usize::MAX).await;
    let env = vec![("LIVESMOKE_NOTIFY_SECRET", SECRET.to_string())];
    let file = suites.join("fail.toml").display().to_string();
    let first =
        livesmoke(args(&["run", "--data", data.to_str().unwrap(), "--label", "deploy=v2", &file]), vec![]).await;
    assert_eq!(first.status.code(), Some(4));
    let out = livesmoke(
        args(&[
            "run",
            "--data",
            data.to_str().unwrap(),
            "--label",
            "deploy=v2",
            "--notify",
            &flaky,
            "--notify",
            &down,
            &file,
        ]),
        env,
    )
    .await;
    assert_eq!(out.status.code(), Some(4), "a hook that stays down changes nothing: {}", stderr(&out));
    assert!(stderr(&out).contains("warning: notifying") && stderr(&out).contains("after 5 tries"), "{}", stderr(&out));
    assert_eq!(down_got.lock().unwrap().len(), 5, "retried with backoff");
    let got = flaky_got.lock().unwrap().clone();
    assert_eq!(got.len(), 3, "500, 500, then delivered");
    for (sig, body) in &got {
        assert_eq!(sig, &livesmoke::runs::notification::sign(SECRET.as_bytes(), body), "the signature verifies");
        assert_ne!(sig, &livesmoke::runs::notification::sign(b"another secret", body));
    }
    let note: livesmoke::runs::notification::Notification = serde_json::from_slice(&got[0].1).unwrap();
    assert_eq!((note.suite.as_str(), note.status.as_str(), note.counts.failed), ("fail", "failed", 1));
    assert_eq!(note.labels.get("deploy").map(String::as_str), Some("v2"));
    let cmp = note.comparison.expect("compared with the previous run");
    assert_eq!((cmp.base, cmp.worse), (1, false));

    let unsigned = livesmoke(args(&["run", "--data", data.to_str().unwrap(), "--notify", &flaky, &file]), vec![]).await;
    assert_eq!(unsigned.status.code(), Some(1), "no secret: refused before running");
    assert!(stderr(&unsigned).contains("LIVESMOKE_NOTIFY_SECRET"));
}

#[tokio::test]
async fn a_server_notifies_the_end_of_runs_started_from_its_page() {
    let dir = tempfile::tempdir().unwrap();
    let suites = suites_dir(dir.path());
    let (url, got) = hook(0).await;
    let env = [("LIVESMOKE_NOTIFY_SECRET", "srv-secret")];
    let server = spawn_server_with(&suites, &dir.path().join("data"), &["--notify", &url], &env).await;
    let id = team::queue_run(&server.base, &[("suite", "fail"), ("labels", "deploy=v3")]).await["id"].as_u64().unwrap();
    let until = std::time::Instant::now() + Duration::from_secs(20);
    while got.lock().unwrap().is_empty() {
        assert!(std::time::Instant::now() < until, "no notification within 20 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (sig, body) = got.lock().unwrap()[0].clone();
    assert_eq!(sig, livesmoke::runs::notification::sign(b"srv-secret", &body));
    let note: livesmoke::runs::notification::Notification = serde_json::from_slice(&body).unwrap();
    assert_eq!((note.run, note.status.as_str()), (id, "failed"));
    assert_eq!(note.url, Some(format!("{}/runs/{id}", server.base)));
    assert_eq!(note.labels.get("deploy").map(String::as_str), Some("v3"));
    assert!(note.comparison.is_none(), "the suite's first run has nothing before it");
}

#[tokio::test]
async fn ctrl_c_in_ci_cancels_the_remote_run_and_follows_its_cleanup() {
    let dir = tempfile::tempdir().unwrap();
    let suites = suites_dir(dir.path());
    write(&suites, "slow.toml", &slow_suite(20));
    let server = spawn_server(&suites, &dir.path().join("data"), &[]).await;
    let err = dir.path().join("stderr.log");
    // No terminal on stdin (as in CI): Ctrl-C cancels without asking.
    let mut child = Command::new(BIN)
        .args(["run", "--server", &server.base, "--lang", "en", "slow"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .unwrap();
    let until = std::time::Instant::now() + Duration::from_secs(20);
    while !std::fs::read_to_string(&err).unwrap().contains("run #") {
        assert!(std::time::Instant::now() < until, "never started");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap()).await.unwrap();
    let said = std::fs::read_to_string(&err).unwrap();
    assert_eq!(status.code(), Some(3), "a cancelled run did not run whole: {said}");
    assert!(said.contains("cancelling run #1: its cleanup runs"), "{said}");
    let info = team::run_info(&server.base, 1).await;
    assert_eq!(info["status"], "cancelled");
    let log = reqwest::get(format!("{}/api/log.txt?run=1", server.base)).await.unwrap().text().await.unwrap();
    assert!(log.contains("DROP TABLE"), "the case under way undid its setup: {log}");
}

#[tokio::test]
async fn rerun_failed_runs_only_the_cases_that_failed_here_and_on_a_server() {
    let dir = tempfile::tempdir().unwrap();
    let suites = suites_dir(dir.path());
    let data = dir.path().join("local");
    let file = suites.join("fail.toml").display().to_string();
    let d = data.to_str().unwrap();
    let first = livesmoke(args(&["run", "--lang", "en", "--data", d, "--label", "deploy=v7", &file]), vec![]).await;
    assert_eq!(first.status.code(), Some(4));
    let again = livesmoke(args(&["run", "--data", d, "--rerun-failed", "1"]), vec![]).await;
    assert_eq!(again.status.code(), Some(4), "{}", stderr(&again));
    let out = stdout(&again);
    assert!(out.contains("case started: fails") && !out.contains("case started: ok"), "only the failed case: {out}");
    assert!(out.contains("started: 1 cases"), "in English, as run 1 was: {out}");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", data.join("livesmoke.db").display())).await.unwrap();
    let (rerun_of, labels): (Option<i64>, String) =
        sqlx::query_as("SELECT rerun_of, labels FROM runs WHERE id = 2").fetch_one(&pool).await.unwrap();
    assert_eq!((rerun_of, labels.as_str()), (Some(1), r#"{"deploy":"v7"}"#));
    let nothing = livesmoke(args(&["run", "--data", d, "--rerun-failed", "99"]), vec![]).await;
    assert_eq!(nothing.status.code(), Some(1));
    assert!(stderr(&nothing).contains("unknown run 99"), "{}", stderr(&nothing));

    let server = spawn_server(&suites, &dir.path().join("server"), &[]).await;
    let pass = livesmoke(args(&["run", "--server", &server.base, "pass"]), vec![]).await;
    let passed = announced_run(&pass);
    let fail = livesmoke(args(&["run", "--server", &server.base, "--lang", "en", "fail"]), vec![]).await;
    let failed = announced_run(&fail);
    let re = livesmoke(args(&["run", "--server", &server.base, "--rerun-failed", &failed.to_string()]), vec![]).await;
    assert_eq!(re.status.code(), Some(4), "{}", stderr(&re));
    assert!(stdout(&re).contains("case started: fails") && !stdout(&re).contains("case started: ok"));
    let id = announced_run(&re);
    assert_eq!(team::run_info(&server.base, id).await["rerun_of"], failed);
    let none = livesmoke(args(&["run", "--server", &server.base, "--rerun-failed", &passed.to_string()]), vec![]).await;
    assert_eq!(none.status.code(), Some(1));
    assert!(stderr(&none).contains("no failed or errored case"), "{}", stderr(&none));
}
