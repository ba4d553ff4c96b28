#![cfg(feature = "ssr")]
//! A target that puts 9 MB on one line (a JSON value an expectation quotes):
//! every place a person reads it — the live poll, from memory and, after a
//! restart, from the run's file; the run's result; the terminal; JUnit —
//! shows its head and a marker with the whole line's byte count, and the raw
//! downloads keep every byte.

mod common;
use common::team::{follow, queue_run, wait_finished};
use common::{spawn_server, write};
use livesmoke::model::long_line::{marker, SHOWN_BYTES};
use std::process::Command;
use std::time::Duration;

const VALUE_BYTES: usize = 9 * 1024 * 1024;

/// Serves `{"data": "<9 MB of x>"}`.
async fn huge_value_target() -> String {
    let body = format!("{{\"data\":\"{}\"}}", "x".repeat(VALUE_BYTES));
    let app = axum::Router::new().route(
        "/",
        axum::routing::get(move || {
            let body = body.clone();
            async move { ([("content-type", "application/json")], body) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

fn suite(base: &str) -> String {
    format!(
        "suite = \"long\"\n[[case]]\nname = \"huge value\"\n  [[case.step]]\n  http = \"GET {base}/\"\n  \
         expect.json = [{{ path = \"$.data\", eq = \"short\" }}]\n"
    )
}

/// The message of the failing expectation, as the target's value makes it.
fn is_failure(msg: &str) -> bool {
    msg.contains("expected \"short\", got \"xxxx")
}

/// Shown cut: the head, then the marker with the whole message's length.
fn assert_cut(msg: &str) {
    assert!(msg.len() < SHOWN_BYTES + 200, "{} bytes shown", msg.len());
    let (head, tail) = msg.split_at(msg.find("… [line cut: ").expect("a marker"));
    assert!(head.len() <= SHOWN_BYTES && head.ends_with("xxxx"), "{}", &head[..80]);
    let whole: usize = tail["… [line cut: ".len()..].split(' ').next().unwrap().parse().unwrap();
    assert!(whole > VALUE_BYTES, "{tail}");
    assert_eq!(tail, marker(whole));
}

#[tokio::test]
async fn a_nine_megabyte_line_is_shown_cut_and_downloaded_whole() {
    let base = huge_value_target().await;
    let dir = tempfile::tempdir().unwrap();
    let suites = dir.path().join("suites");
    std::fs::create_dir_all(&suites).unwrap();
    write(&suites, "long.toml", &suite(&base));
    let data = dir.path().join("data");

    let server = spawn_server(&suites, &data, &[]).await;
    let run = queue_run(&server.base, &[("suite", "long.toml")]).await["id"].as_u64().unwrap();
    assert_eq!(wait_finished(&server.base, run, Duration::from_secs(60)).await["status"], "failed");

    // Live, from memory.
    let lines = follow(&server.base, run, 500).await;
    let failures: Vec<_> = lines.iter().filter(|l| is_failure(&l.msg)).collect();
    assert!(!failures.is_empty(), "{:#?}", lines.iter().map(|l| &l.msg[..l.msg.len().min(200)]).collect::<Vec<_>>());
    failures.iter().for_each(|l| assert_cut(&l.msg));

    // The result a pipeline reads.
    let result: serde_json::Value =
        reqwest::get(format!("{}/api/result?run={run}", server.base)).await.unwrap().json().await.unwrap();
    assert_cut(result["result"]["cases"][0]["reason"].as_str().unwrap());

    // The raw downloads: every byte.
    let txt = reqwest::get(format!("{}/api/log.txt?run={run}", server.base)).await.unwrap().text().await.unwrap();
    let whole = txt.lines().find(|l| is_failure(l)).expect("the line in log.txt");
    assert!(whole.contains(&format!("got \"{}\"", "x".repeat(VALUE_BYTES))) && !whole.contains("[line cut"));
    let jsonl = reqwest::get(format!("{}/api/log.jsonl?run={run}", server.base)).await.unwrap().text().await.unwrap();
    let msgs: Vec<String> = jsonl
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["msg"].as_str().unwrap().to_string())
        .filter(|m| is_failure(m))
        .collect();
    assert_eq!(msgs.len(), failures.len());
    assert!(msgs.iter().all(|m| m.len() > VALUE_BYTES && !m.contains("[line cut")));
    drop(server);

    // After a restart the lines come from the run's file: cut the same way.
    let server = spawn_server(&suites, &data, &[]).await;
    let again = follow(&server.base, run, 500).await;
    assert_eq!(again.len(), lines.len());
    again.iter().filter(|l| is_failure(&l.msg)).for_each(|l| assert_cut(&l.msg));
}

#[tokio::test]
async fn the_terminal_and_junit_show_the_line_cut() {
    let base = huge_value_target().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();
    let file = write(&d, "long.toml", &suite(&base));
    let (out, junit) = tokio::task::spawn_blocking(move || {
        let out = Command::new(env!("CARGO_BIN_EXE_livesmoke"))
            .args(["run", "--lang", "en", "--junit"])
            .arg(d.join("j.xml"))
            .arg(&file)
            .arg("--data")
            .arg(d.join("data"))
            .output()
            .unwrap();
        (out, std::fs::read_to_string(d.join("j.xml")).unwrap())
    })
    .await
    .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", &stdout[..stdout.len().min(2000)]);
    assert!(stdout.len() < 8 * SHOWN_BYTES, "{} bytes printed", stdout.len());
    assert!(stdout.contains("… [line cut: "), "{stdout}");
    assert!(junit.len() < 8 * SHOWN_BYTES && junit.contains("… [line cut: "), "{} bytes of JUnit", junit.len());
}
