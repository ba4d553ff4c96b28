#![cfg(feature = "ssr")]
//! The HTTP API's errors over a real `livesmoke serve`: every endpoint, plain
//! handler or server function, answers a bad request with the status its
//! kind of error deserves and the same JSON body, `{"status":…,"error":…}`.

mod common;
use common::{spawn_server, write};
use serde_json::Value;

async fn call(req: reqwest::RequestBuilder) -> (u16, Value) {
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let ctype = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let body = res.text().await.unwrap();
    assert!(ctype.starts_with("application/json"), "{status} {ctype}: {body}");
    (status, serde_json::from_str(&body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}")))
}

/// A POST sent by hand, as a client that does not wait for the reply would:
/// `framing` is its length header, then `chunks` chunks of 1,000 bytes when
/// chunked. reqwest cannot be used: it always announces a length, and it
/// reports an error, not the reply, when the server answers before it has
/// sent the whole body. The reply's status and JSON.
async fn raw_post(base: &str, path: &str, framing: &str, chunks: usize) -> (u16, Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut conn = tokio::net::TcpStream::connect(base.trim_start_matches("http://")).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
         Content-Type: application/x-www-form-urlencoded\r\n{framing}\r\n\r\n"
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    let chunk = format!("3e8\r\n{}\r\n", "x".repeat(1_000));
    for _ in 0..chunks {
        // The server may answer and close before the last chunk.
        if conn.write_all(chunk.as_bytes()).await.is_err() {
            break;
        }
    }
    if chunks > 0 {
        let _ = conn.write_all(b"0\r\n\r\n").await;
    }
    let mut reply = Vec::new();
    let _ = conn.read_to_end(&mut reply).await;
    let reply = String::from_utf8_lossy(&reply);
    let status = reply.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("{reply}"));
    let body = reply.split("\r\n\r\n").nth(1).unwrap_or_default();
    (status, serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {reply}")))
}

#[tokio::test]
async fn every_endpoint_answers_a_bad_request_with_its_status_and_a_json_error() {
    let dir = tempfile::tempdir().unwrap();
    let suites = dir.path().join("suites");
    std::fs::create_dir_all(&suites).unwrap();
    write(
        &suites,
        "ok.toml",
        "[db.app]\npath = \"app.db\"\n[[case]]\nname = \"one\"\n  [[case.step]]\n  sql = \"SELECT 1\"\n",
    );
    write(&suites, "broken.toml", "[[case]]\nname = \"x\"\n  [[case.step]]\n  sqll = \"SELECT 1\"\n");
    let server = spawn_server(&suites, &dir.path().join("data"), &[]).await;
    let http = reqwest::Client::new();
    let get = |path: &str| http.get(format!("{}{path}", server.base));
    let post = |path: &str, form: &[(&str, &str)]| {
        http.post(format!("{}{path}", server.base)).form(&form.iter().map(|(k, v)| (*k, *v)).collect::<Vec<_>>())
    };

    for (req, status, says) in [
        // the poll's plain route
        (get("/api/log?run=abc"), 400, "run: expected a whole number, got `abc`"),
        (get("/api/log?after=3"), 400, "missing argument: run"),
        (get("/api/log?run=1&limit=0"), 400, "limit must be between 1 and 5000, got 0"),
        (get("/api/log?run=1&keep=0"), 400, "keep must be at least 1"),
        (get("/api/log?run=987654321"), 404, "unknown run 987654321"),
        // a server function (its query decoded by server_fn) and a download
        (get("/api/search?run=abc&q=x"), 400, "bad query"),
        (get("/api/search?run=5&q=%20"), 400, "q must not be empty"),
        (get("/api/search?run=987654321&q=x"), 404, "unknown run 987654321"),
        (get("/api/log.txt?run=x"), 400, "bad query: run"),
        (get("/api/log.jsonl?run=987654321"), 404, "unknown run 987654321"),
        // starting runs
        (post("/api/run", &[("suite", "nope.toml")]), 404, "no suite file `nope.toml`"),
        (post("/api/run", &[("suite", "../ok.toml")]), 404, "no suite file"),
        (post("/api/run", &[("suite", "broken.toml")]), 422, "broken.toml:4:3"),
        (post("/api/run", &[("suite", "ok.toml"), ("lang", "fr")]), 400, "fr"),
    ] {
        let (got, body) = call(req).await;
        let what = format!("{body}");
        assert_eq!(got, status, "{what}");
        assert_eq!(body["status"], status, "{what}");
        assert!(body["error"].as_str().unwrap().contains(says), "expected `{says}` in {what}");
    }

    // Requests over their limits are refused before anything reads them:
    // an announced body, a chunked one, a query.
    let big = "x".repeat(100_000);
    for (path, framing, chunks, says) in [
        ("/api/run", "Content-Length: 100006", 0, "request body is 100006 bytes, more than the 65536"),
        ("/api/tokens", "Content-Length: 70000", 0, "request body is 70000 bytes"),
        ("/api/run", "Transfer-Encoding: chunked", 100, "goes on past 65536 bytes"),
    ] {
        let (got, body) = raw_post(&server.base, path, framing, chunks).await;
        assert_eq!((got, &body["status"]), (413, &Value::from(413)), "{body}");
        assert!(body["error"].as_str().unwrap().contains(says), "expected `{says}` in {body}");
    }
    for (req, status, says) in [
        (get(&format!("/api/runs?suite={}", &big[..9_000])), 400, "the query is 9006 bytes, more than the 8192"),
        (get(&format!("/api/log?run=1&q={}", &big[..9_000])), 400, "more than the 8192"),
    ] {
        let (got, body) = call(req).await;
        assert_eq!((got, &body["status"]), (status, &Value::from(status)), "{body}");
        assert!(body["error"].as_str().unwrap().contains(says), "expected `{says}` in {body}");
    }

    // And the good path answers 201, then 200 with the run's first line.
    let (status, run) = call(post("/api/run", &[("suite", "ok.toml")])).await;
    assert_eq!(status, 201, "{run}");
    let (status, page) = call(get(&format!("/api/log?run={}&limit=1", run["id"]))).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["lines"][0]["seq"], 1, "{page}");
}
