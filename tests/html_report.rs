#![cfg(feature = "ssr")]
//! `run --html`, with the real binary, here and on a server: the report is
//! one file holding every case with its outcome, the flaky step and why its
//! first attempt did not succeed, the response that failed (inert, however
//! hostile), the log in the seed's format, and never the secret the suite
//! sends; it loads nothing from anywhere; the exit code is the run's.

mod common;
use common::*;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

const BIN: &str = env!("CARGO_BIN_EXE_livesmoke");
const SECRET: &str = "tok-Hx81-HTMLSECRET";

/// `/ready/{key}`: 503 the first time for each key, then 200. `/echo`: the
/// request's Authorization header, then markup a browser would run.
async fn service() -> String {
    use axum::extract::Path;
    use axum::http::{HeaderMap, StatusCode};
    use axum::routing::get;
    use axum::Json;
    let seen: Arc<Mutex<std::collections::HashSet<String>>> = Arc::default();
    let app = axum::Router::new()
        .route(
            "/ready/{key}",
            get(move |Path(key): Path<String>| async move {
                match seen.lock().unwrap().insert(key) {
                    true => (StatusCode::SERVICE_UNAVAILABLE, "starting"),
                    false => (StatusCode::OK, "ready"),
                }
            }),
        )
        .route("/health", get(|| async { "ok" }))
        .route(
            "/echo",
            get(|headers: HeaderMap| async move {
                let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
                let echo = format!("{auth} <script>alert(1)</script><img src=x onerror=alert(2)>");
                Json(serde_json::json!({ "echo": echo }))
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

/// A passing case, a case passing only after a retry, and a failing one
/// whose failure quotes the echoed header (masked) and the hostile markup;
/// the secret goes in every header.
fn suite(base: &str, key: &str) -> String {
    format!(
        r#"suite = "html"
[vars]
base = "{base}"
token = {{ env = "LS_HTML_SECRET", secret = true }}

[[case]]
name = "health answers"
  [[case.step]]
  http = "GET {{{{base}}}}/health"
  headers = {{ Authorization = "Bearer {{{{token}}}}" }}

[[case]]
name = "service warms up"
  [[case.step]]
  http = "GET {{{{base}}}}/ready/{key}"
  headers = {{ Authorization = "Bearer {{{{token}}}}" }}
  retry = {{ times = 3, interval = "50ms" }}
  expect.status = 200

[[case]]
name = "echo is plain"
  [[case.step]]
  http = "GET {{{{base}}}}/echo"
  headers = {{ Authorization = "Bearer {{{{token}}}}" }}
  expect.json = [{{ path = "$.echo", eq = "plain" }}]
"#
    )
}

/// The CLI, off the test's runtime (the service it calls runs there).
async fn livesmoke(args: &[&str]) -> Output {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        Command::new(BIN).args(&args).env("LS_HTML_SECRET", SECRET).env("NO_COLOR", "1").output().unwrap()
    })
    .await
    .unwrap()
}

/// The opening tag of the case named `name`.
fn case_tag<'a>(html: &'a str, name: &str) -> &'a str {
    let at = html.find(&format!("data-case=\"{name}\"")).unwrap_or_else(|| panic!("no case `{name}`"));
    let start = html[..at].rfind("<details").unwrap();
    &html[start..at + html[at..].find('>').unwrap()]
}

/// What every report must be, wherever its run ran.
fn check_report(path: &Path, out: &Output) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "the failed run's exit code\n{stdout}\n{stderr}");
    let html = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}\n{stderr}", path.display()));
    assert!(html.starts_with("<!DOCTYPE html>"));

    // Every case with its outcome; the failed one open, with why.
    for (name, outcome) in [("health answers", "passed"), ("service warms up", "passed"), ("echo is plain", "failed")] {
        let tag = case_tag(&html, name);
        assert!(tag.contains(&format!("data-outcome=\"{outcome}\"")), "{name}: {tag}");
        assert_eq!(tag.contains(" open"), outcome == "failed", "{name}: {tag}");
    }
    assert!(html.contains("<span class=\"badge failed\">failed</span>"));
    assert!(html.contains("expected &quot;plain&quot;"), "the failure's reason");

    // The flaky step, marked, with its failed attempt's message.
    assert!(case_tag(&html, "service warms up").contains("data-flaky=\"1\""));
    assert!(case_tag(&html, "health answers").contains("data-flaky=\"0\""));
    assert!(html.contains("<details class=\"step flaky\" open>"), "the flaky step, open");
    assert!(html.contains("<span class=\"badge flaky\">flaky</span>"));
    assert!(html.contains("attempt 1/4: expected status 200, got 503"), "the failed attempt's message");
    assert!(html.contains("<b data-count=\"flaky\">1</b> flaky"), "counted in the header");

    // The log, in the seed's format, with the request and response under their steps.
    assert!(html.contains("[INFO]: case started: health answers"));
    assert!(html.contains("[WARNING]: flaky: passed on attempt 2/4"));
    assert!(html.contains("[DEBUG]: response: 503 ("), "the response line of the first attempt");

    // The secret is masked, never written.
    assert!(!html.contains(SECRET), "the secret leaked into the report");
    assert!(html.contains("got &quot;Bearer *** &lt;script&gt;"), "the echoed header is shown, masked");

    // The hostile response is text.
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"));
    assert!(!html.contains("<img"));
    assert_eq!(html.matches("<script").count(), 1, "only the report's own script");

    // Nothing loaded from anywhere: no asset reference, no link out.
    // (The echoed `src=x` is text: an attribute would be `src="`.)
    for asset in ["src=\"", "src='", "url(", "@import", "<link rel=\"stylesheet"] {
        assert!(!html.contains(asset), "{asset} in the report");
    }
    for href in html.split("href=\"").skip(1) {
        assert!(href.starts_with('#') || href.starts_with("data:"), "a link out: {}", &href[..60.min(href.len())]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_run_writes_one_self_contained_report() {
    let base = service().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let file = write(d, "html.toml", &suite(&base, "local"));
    let report = d.join("out/report.html");
    let (html, data) = (report.to_str().unwrap(), d.to_str().unwrap());
    let out = livesmoke(&["run", "--lang", "en", "--html", html, "--data", data, file.to_str().unwrap()]).await;
    check_report(&report, &out);
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains(&file.display().to_string()), "the suite file is named");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_on_a_server_writes_the_same_report_here() {
    let base = service().await;
    let dir = tempfile::tempdir().unwrap();
    let suites = dir.path().join("suites");
    std::fs::create_dir_all(&suites).unwrap();
    write(&suites, "html.toml", &suite(&base, "remote"));
    let server = spawn_server(&suites, &dir.path().join("srv"), &[("LS_HTML_SECRET", SECRET)]).await;
    let report = dir.path().join("remote.html");
    let out =
        livesmoke(&["run", "--server", &server.base, "--lang", "en", "--html", report.to_str().unwrap(), "html"]).await;
    drop(server);
    check_report(&report, &out);
}
