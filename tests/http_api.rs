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

    // And the good path answers 201, then 200 with the run's first line.
    let (status, run) = call(post("/api/run", &[("suite", "ok.toml")])).await;
    assert_eq!(status, 201, "{run}");
    let (status, page) = call(get(&format!("/api/log?run={}&limit=1", run["id"]))).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["lines"][0]["seq"], 1, "{page}");
}
