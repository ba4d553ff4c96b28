#![cfg(feature = "ssr")]
//! A target whose answer carries markup, ANSI escapes, a carriage return and
//! a newline that would forge a log line, NUL, DEL and a bidi override, run
//! with the real binary: the terminal, JUnit (valid XML 1.0) and the HTML
//! report show it as inert text with the controls made visible; the JSON
//! Lines report keeps it exactly (JSON escapes it).

mod common;
use common::write;
use std::process::Command;

const HOSTILE: &str = "<script>alert(1)</script><img src=x onerror=alert(2)>\x1b[31mRED\x1b[0m\r\n\
                       2026-01-01 00:00:00[INFO]: forged\0nul\x7f\u{202e}exe.txt";

async fn hostile_target() -> String {
    let app = axum::Router::new()
        .route("/", axum::routing::get(|| async { (axum::http::StatusCode::INTERNAL_SERVER_ERROR, HOSTILE) }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

/// Characters XML 1.0 allows.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

#[tokio::test]
async fn a_hostile_answer_is_inert_text_in_the_terminal_junit_html_and_exact_in_jsonl() {
    let base = hostile_target().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();
    let suite =
        write(&d, "s.toml", &format!("[[case]]\nname = \"hostile\"\n  [[case.step]]\n  http = \"GET {base}/\"\n"));
    let out = tokio::task::spawn_blocking(move || {
        let p = |name: &str| d.join(name).to_string_lossy().into_owned();
        let args = ["run", "--lang", "en", "--junit", &p("j.xml"), "--jsonl", &p("l.jsonl"), "--html", &p("r.html")];
        let out = Command::new(env!("CARGO_BIN_EXE_livesmoke"))
            .args(args)
            .arg(&suite)
            .arg("--data")
            .arg(d.join("data"))
            .output()
            .unwrap();
        let read = |name: &str| std::fs::read_to_string(d.join(name)).unwrap();
        (out, read("j.xml"), read("l.jsonl"), read("r.html"))
    })
    .await
    .unwrap();
    let (out, junit, jsonl, html) = out;
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(4), "{stdout}");

    // The terminal: every control made visible; the forged line is no line of its own.
    let acting = |c: char| (c.is_control() && c != '\n') || c == '\u{202e}';
    assert!(!stdout.chars().any(acting), "{stdout:?}");
    assert!(
        stdout.contains("\\x1b[31mRED\\x1b[0m\\x0d\\x0a2026-01-01 00:00:00[INFO]: forged\\x00nul\\x7f\\u{202e}exe.txt")
    );
    assert!(!stdout.lines().any(|l| l.starts_with("2026-01-01 00:00:00[INFO]: forged")), "{stdout}");

    // JUnit: well-formed characters only, the markup escaped, the controls visible.
    assert!(junit.chars().all(xml_char), "{junit:?}");
    assert!(!junit.contains("<script>") && junit.contains("&lt;script&gt;"), "{junit}");
    assert!(junit.contains("\\x1b[31mRED"), "{junit}");

    // The HTML report: no element from the answer, no raw control or override.
    assert!(!html.contains("<script>alert") && !html.contains("<img src=x"), "{html}");
    assert!(!html.chars().any(acting) && html.contains("\\u{202e}exe.txt"));

    // JSON Lines keep what the target said, exactly.
    let messages: Vec<String> = jsonl
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("each line is JSON"))
        .filter_map(|v| v["msg"].as_str().map(str::to_string))
        .collect();
    assert!(messages.iter().any(|m| m.contains(HOSTILE)), "{messages:#?}");
}
