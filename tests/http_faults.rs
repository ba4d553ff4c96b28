#![cfg(feature = "ssr")]
//! A hostile HTTP target: refused connections, a reset in the middle of a
//! body, bodies far larger than asked for or without end, a slow drip, a
//! body that is not the JSON an expectation reads, a redirect loop. Each is
//! a clear step error in its own case; none hangs the run or grows a buffer
//! past the step's `max_body`, and the cases after it still run.

mod common;
use common::*;
use livesmoke::engine::{CaseOutcome, Lang, RunOptions};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Routes that misbehave, each in its own way.
async fn hostile_server() -> String {
    use axum::body::Body;
    use axum::response::Redirect;
    use axum::routing::get;
    let endless = || async {
        let chunk = axum::body::Bytes::from(vec![b'x'; 64 * 1024]);
        Body::from_stream(futures::stream::repeat_with(move || Ok::<_, std::io::Error>(chunk.clone())))
    };
    let drip = || async {
        let s = futures::stream::unfold(0u32, |n| async move {
            tokio::time::sleep(Duration::from_millis(200)).await;
            Some((Ok::<_, std::io::Error>(axum::body::Bytes::from_static(b".")), n + 1))
        });
        Body::from_stream(s)
    };
    let announced = || async {
        // Says 2 GB up front; a runner must not believe it and start reading.
        axum::http::Response::builder()
            .header("content-length", "2147483648")
            .body(Body::from_stream(futures::stream::pending::<Result<axum::body::Bytes, std::io::Error>>()))
            .unwrap()
    };
    let app = axum::Router::new()
        .route("/endless", get(endless))
        .route("/drip", get(drip))
        .route("/announced", get(announced))
        .route("/loop", get(|| async { Redirect::temporary("/loop") }))
        .route("/html", get(|| async { ([("content-type", "application/json")], "<html>not json</html>") }))
        .route("/ok", get(|| async { axum::Json(serde_json::json!({ "ok": true })) }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

/// Answers with headers announcing 1,000 bytes, sends 10, then resets the connection.
async fn resetting_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else { return };
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = sock.read(&mut buf).await;
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n";
                let _ = sock.write_all(head.as_bytes()).await;
                let _ = sock.write_all(b"{\"ok\": tru").await;
                let _ = sock.flush().await;
                tokio::time::sleep(Duration::from_millis(50)).await;
                let _ = sock.set_zero_linger();
                drop(sock);
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn every_hostile_answer_is_a_clear_step_error_and_the_run_goes_on() {
    let base = hostile_server().await;
    let reset = resetting_server().await;
    let refused = format!("http://127.0.0.1:{}", closed_port());
    let case = |name: &str, step: &str| format!("[[case]]\nname = \"{name}\"\n  [[case.step]]\n{step}\n");
    let suite = [
        case("refused", &format!("  http = \"GET {refused}/\"")),
        case("reset", &format!("  http = \"GET {reset}/\"")),
        case("endless", &format!("  http = \"GET {base}/endless\"\n  max_body = \"256KB\"")),
        case("endless, default cap", &format!("  http = \"GET {base}/endless\"")),
        case("announced", &format!("  http = \"GET {base}/announced\"")),
        case("drip", &format!("  http = \"GET {base}/drip\"\n  timeout = \"1s\"")),
        case("not json", &format!("  http = \"GET {base}/html\"\n  expect.json = [{{ path = \"$.ok\", eq = true }}]")),
        case("loop", &format!("  http = \"GET {base}/loop\"")),
        case("still fine", &format!("  http = \"GET {base}/ok\"\n  expect.json = [{{ path = \"$.ok\", eq = true }}]")),
    ]
    .concat();
    let opts = RunOptions { lang: Lang::En, ..Default::default() };
    // A hang is the failure this test exists for: bound the whole run.
    let (report, lines) =
        tokio::time::timeout(Duration::from_secs(60), run_suite_text(&suite, opts)).await.expect("the run ended");
    let got: Vec<(&str, CaseOutcome, String)> = report
        .cases
        .iter()
        .map(|c| (c.name.as_str(), c.outcome, c.reason.as_ref().map(|r| r.to_string()).unwrap_or_default()))
        .collect();
    let want: [(&str, CaseOutcome, &str); 9] = [
        ("refused", CaseOutcome::Error, "Connection refused"),
        ("reset", CaseOutcome::Error, "error decoding response body"),
        ("endless", CaseOutcome::Error, "goes on past max_body (262144 bytes): reading stopped there"),
        ("endless, default cap", CaseOutcome::Error, "goes on past max_body (10485760 bytes)"),
        ("announced", CaseOutcome::Error, "is 2147483648 bytes, more than max_body (10485760 bytes): not read"),
        ("drip", CaseOutcome::Error, "timed out after 1000 ms"),
        ("not json", CaseOutcome::Failed, "expected a JSON body, got: <html>not json</html>"),
        ("loop", CaseOutcome::Error, "too many redirects"),
        ("still fine", CaseOutcome::Passed, ""),
    ];
    assert_eq!(got.len(), want.len(), "{got:#?}");
    for ((name, outcome, reason), (w_name, w_outcome, w_reason)) in got.iter().zip(want) {
        assert_eq!((*name, *outcome), (w_name, w_outcome), "{got:#?}\n{:#?}", texts(&lines));
        assert!(reason.contains(w_reason), "{name}: `{reason}` does not say `{w_reason}`");
    }
}
