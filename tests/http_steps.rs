#![cfg(feature = "ssr")]
//! HTTP steps against a real local server: expectations, captures, timeouts,
//! connection errors, and secrets that never reach a log line.

mod common;
use common::*;
use livesmoke::engine::{CaseOutcome, Lang, RunOptions};

const SUITE: &str = r#"
[vars]
token = { env = "LS_HTTP_TEST_TOKEN", secret = true }

[[case]]
name = "health"
  [[case.step]]
  http = "GET {{base}}/health"
  expect.status = 200
  expect.headers = { x-trace = "abc" }
  expect.json = [
    { path = "$.ok", eq = true },
    { path = "$.items", contains = 2 },
    { path = "$.name", matches = "^sm" },
    { path = "$.items[0]", type = "integer" },
    { path = "$.ratio", gt = 0.1 },
    { path = "$.ratio", lt = 1 },
    { path = "$.name", ne = "other" },
    { path = "$.missing", exists = false },
  ]
  capture = { trace = "header:x-trace", code = "status", raw = "body", nm = "regex:\"name\":\"(\\w+)\"" }
  [[case.step]]
  http = "GET {{base}}/orders/{{trace}}-{{code}}-{{nm}}"
  expect.json = [{ path = "$.id", eq = "abc-200-smoke" }]

[[case]]
name = "create order"
  [[case.step]]
  http = "POST {{base}}/orders"
  headers = { Authorization = "Bearer {{token}}" }
  json = { qty = 2, who = "{{case.name}}" }
  expect = { status = 201, max_ms = 5000, json = [{ path = "$.qty", eq = 2 }, { path = "$.who", eq = "create order" }] }
  capture = { id = "json:$.id" }
  [[case.step]]
  http = "GET {{base}}/orders/{{id}}"
  expect.json = [{ path = "$.id", eq = "42" }]

[[case]]
name = "echo leaks the token into a failure"
  [[case.step]]
  http = "POST {{base}}/orders"
  headers = { Authorization = "Bearer {{token}}" }
  json = { qty = 1 }
  expect.json = [{ path = "$.auth", eq = "Bearer nope" }]

[[case]]
name = "wrong status"
  [[case.step]]
  http = "GET {{base}}/health"
  expect.status = 204

[[case]]
name = "server error without expectation"
  [[case.step]]
  http = "GET {{base}}/boom"

[[case]]
name = "slow"
  [[case.step]]
  http = "GET {{base}}/slow"
  timeout = "300ms"

[[case]]
name = "closed port"
  [[case.step]]
  http = "GET {{closed}}/x"
"#;

#[tokio::test]
async fn http_steps_check_capture_time_out_and_never_log_secrets() {
    let base = http_fixture().await;
    std::env::set_var("LS_HTTP_TEST_TOKEN", "tok-9f8e7d-SECRET");
    let closed = format!("http://127.0.0.1:{}", closed_port());
    let opts = RunOptions {
        lang: Lang::En,
        vars: vec![("base".into(), base), ("closed".into(), closed)],
        ..Default::default()
    };
    let (report, lines) = run_suite_text(SUITE, opts).await;
    let outcome = |name: &str| report.cases.iter().find(|c| c.name == name).unwrap().clone();
    assert_eq!(outcome("health").outcome, CaseOutcome::Passed, "{:?}", outcome("health").reason);
    assert_eq!(outcome("create order").outcome, CaseOutcome::Passed, "{:?}", outcome("create order").reason);
    let echo = outcome("echo leaks the token into a failure");
    assert_eq!(echo.outcome, CaseOutcome::Failed);
    assert_eq!(echo.reason_text().as_deref(), Some("step #1: $.auth: expected \"Bearer nope\", got \"Bearer ***\""));
    let wrong = outcome("wrong status");
    assert_eq!(wrong.outcome, CaseOutcome::Failed);
    assert!(wrong.reason_text().unwrap().starts_with("step #1: expected status 204, got 200"));
    let boom = outcome("server error without expectation");
    assert_eq!(boom.outcome, CaseOutcome::Failed);
    assert!(boom.reason_text().unwrap().contains("status 500: database is on fire"));
    let slow = outcome("slow");
    assert_eq!(slow.outcome, CaseOutcome::Error);
    assert_eq!(slow.reason_text().as_deref(), Some("step #1: timed out after 300 ms"));
    let closed = outcome("closed port");
    assert_eq!(closed.outcome, CaseOutcome::Error);
    assert!(closed.reason_text().unwrap().contains("onnection refused"));

    let t = texts(&lines);
    assert!(t.iter().any(|l| l.starts_with("[INFO] step: POST http://127.0.0.1:")), "{t:#?}");
    assert!(t.iter().any(|l| l.starts_with("[DEBUG] response: 201 (")), "{t:#?}");
    let all = t.join("\n");
    assert!(!all.contains("tok-9f8e7d-SECRET"), "the secret leaked into the log:\n{all}");
    assert!(all.contains("Bearer ***"));
}
