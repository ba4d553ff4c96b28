#![cfg(feature = "ssr")]
//! Nobody gets in uninvited: every endpoint and page of the router, asked
//! without a token, with a wrong one, a revoked one and each scope (one
//! table, walked whole); the page's session cookie and its CSRF guard; a
//! server that will not listen beyond loopback without auth; and a seeded
//! secret in no reply.

mod common;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use livesmoke::auth::Scope;
use livesmoke::server::config::{leptos_options, ServerConfig};
use livesmoke::server::router::router;
use livesmoke::server::state::AppState;
use std::time::Duration;
use tower::ServiceExt;

const SECRET: &str = "pw-auth-Kq92-TOPSECRET";

struct Reply {
    status: StatusCode,
    body: String,
    headers: axum::http::HeaderMap,
}

async fn call(app: &axum::Router, method: &str, uri: &str, body: &str, headers: &[(&str, &str)]) -> Reply {
    let mut req = Request::builder().method(method).uri(uri).header(header::HOST, "livesmoke.test");
    if method == "POST" {
        req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = app.clone().oneshot(req.body(Body::from(body.to_string())).unwrap()).await.unwrap();
    let (parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 24).await.unwrap();
    Reply { status: parts.status, body: String::from_utf8_lossy(&bytes).into_owned(), headers: parts.headers }
}

async fn app_with_auth(dir: &std::path::Path) -> (AppState, axum::Router) {
    let suites = dir.join("suites");
    std::fs::create_dir_all(&suites).unwrap();
    common::write(
        &suites,
        "secretive.toml",
        "[vars]\ntoken = { env = \"LS_AUTH_SECRET\", secret = true }\n[db.app]\npath = \":memory:\"\n[[case]]\nname = \"uses the secret\"\n  [[case.step]]\n  sql = \"SELECT ? AS t\"\n  params = [\"{{token}}\"]\n",
    );
    std::env::set_var("LS_AUTH_SECRET", SECRET);
    let config = ServerConfig { data_dir: dir.join("data"), suites_dir: suites, auth: true, ..Default::default() };
    let state = AppState::new(&config, leptos_options()).await.unwrap();
    let app = router(state.clone(), false);
    (state, app)
}

/// Every endpoint and page, and the scope it needs.
const TABLE: &[(&str, &str, &str, Scope)] = &[
    ("GET", "/", "", Scope::Read),
    ("GET", "/runs/1", "", Scope::Read),
    ("GET", "/compare?base=previous&head=1", "", Scope::Read),
    ("GET", "/api/log?run=1", "", Scope::Read),
    ("GET", "/api/log.txt?run=1", "", Scope::Read),
    ("GET", "/api/log.jsonl?run=1", "", Scope::Read),
    ("GET", "/api/runs", "", Scope::Read),
    ("GET", "/api/suites", "", Scope::Read),
    ("GET", "/api/search?run=1&q=secret", "", Scope::Read),
    ("GET", "/api/result?run=1", "", Scope::Read),
    ("GET", "/api/compare?base=1&head=1", "", Scope::Read),
    ("GET", "/badge/secretive.svg", "", Scope::Read),
    ("POST", "/api/run", "suite=secretive&lang=en", Scope::Run),
    ("POST", "/api/cancel", "run=1", Scope::Run),
    ("GET", "/api/tokens", "", Scope::Admin),
    ("POST", "/api/tokens", "name=made-here&scope=read", Scope::Admin),
    ("POST", "/api/tokens/revoke", "name=no-such-token", Scope::Admin),
];

#[tokio::test]
async fn every_endpoint_refuses_the_uninvited_and_the_too_small() {
    let dir = tempfile::tempdir().unwrap();
    let (state, app) = app_with_auth(dir.path()).await;
    let tokens = &state.auth.as_ref().unwrap().tokens;
    let read = tokens.create("reader", Scope::Read).await.unwrap();
    let run = tokens.create("ci", Scope::Run).await.unwrap();
    let admin = tokens.create("admin", Scope::Admin).await.unwrap();
    let revoked = tokens.create("gone", Scope::Admin).await.unwrap();
    assert!(tokens.revoke("gone").await.unwrap());
    assert!(read.starts_with("lsk_") && read.len() == 68);

    // A finished run with a secret in it, made with the run token.
    let bearer = |t: &str| format!("Bearer {t}");
    let started = call(&app, "POST", "/api/run", "suite=secretive&lang=en", &[("authorization", &bearer(&run))]).await;
    assert_eq!(started.status, StatusCode::CREATED, "{}", started.body);
    for _ in 0..100 {
        let r = call(&app, "GET", "/api/runs?id=1", "", &[("authorization", &bearer(&read))]).await;
        if r.body.contains("\"passed\"") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let who: [(&str, Option<String>, Option<Scope>); 6] = [
        ("no token", None, None),
        ("a wrong token", Some("lsk_0000".into()), None),
        ("a revoked token", Some(revoked), None),
        ("read", Some(read), Some(Scope::Read)),
        ("run", Some(run), Some(Scope::Run)),
        ("admin", Some(admin), Some(Scope::Admin)),
    ];
    for (method, uri, body, needs) in TABLE {
        for (name, token, scope) in &who {
            let auth = token.as_deref().map(bearer);
            let headers: Vec<(&str, &str)> = auth.iter().map(|a| ("authorization", a.as_str())).collect();
            let r = call(&app, method, uri, body, &headers).await;
            let page = !uri.starts_with("/api/") && !uri.starts_with("/badge/");
            match scope {
                None => {
                    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{method} {uri} with {name}");
                    if page {
                        assert!(r.body.contains("name=\"token\""), "{uri}: the page asks for a token");
                    } else {
                        let e: serde_json::Value = serde_json::from_str(&r.body).unwrap();
                        assert_eq!(e["status"], 401, "{method} {uri}: a clear JSON error");
                        assert!(e["error"].as_str().unwrap().contains("token"));
                        assert_eq!(r.headers[header::WWW_AUTHENTICATE], "Bearer");
                    }
                }
                Some(s) if s < needs => {
                    assert_eq!(r.status, StatusCode::FORBIDDEN, "{method} {uri} with {name}");
                    let e: serde_json::Value = serde_json::from_str(&r.body).unwrap();
                    assert!(e["error"].as_str().unwrap().contains(&format!("this needs {}", needs.as_str())));
                }
                Some(_) => assert!(
                    r.status != StatusCode::UNAUTHORIZED && r.status != StatusCode::FORBIDDEN,
                    "{method} {uri} with {name}: {} {}",
                    r.status,
                    r.body
                ),
            }
            if matches!(r.status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) {
                assert!(!r.body.contains("secretive") && !r.body.contains("uses the secret"), "{uri}: nothing leaks");
            }
            assert!(!r.body.contains(SECRET), "{method} {uri} with {name}: the secret leaked");
        }
    }
    // The page's static files hold nothing about runs: no token needed.
    assert_ne!(call(&app, "GET", "/pkg/livesmoke.css", "", &[]).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_page_signs_in_once_and_its_cookie_is_safe() {
    let dir = tempfile::tempdir().unwrap();
    let (state, app) = app_with_auth(dir.path()).await;
    let tokens = &state.auth.as_ref().unwrap().tokens;
    let token = tokens.create("browser", Scope::Run).await.unwrap();

    let prompt = call(&app, "GET", "/runs/3", "", &[]).await;
    assert_eq!(prompt.status, StatusCode::UNAUTHORIZED);
    assert!(prompt.body.contains("value=\"/runs/3\""), "back where the reader was headed");
    let wrong = call(&app, "POST", "/login", "token=lsk_nope&next=/runs/3", &[]).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("not valid"));
    let elsewhere = call(&app, "POST", "/login", &format!("token={token}&next=//evil.example/"), &[]).await;
    assert_eq!(elsewhere.headers[header::LOCATION], "/", "never sent to another site");
    let cross = call(&app, "POST", "/login", &format!("token={token}"), &[("origin", "https://evil.example")]).await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN, "no sign-in from another site");

    let signed = call(&app, "POST", "/login", &format!("token={token}&next=/runs/3"), &[]).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER);
    assert_eq!(signed.headers[header::LOCATION], "/runs/3");
    let set = signed.headers[header::SET_COOKIE].to_str().unwrap().to_string();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict"), "{set}");
    assert!(!set.contains(&token), "the cookie is a session, not the token");
    let cookie = set.split(';').next().unwrap().to_string();

    let page = call(&app, "GET", "/runs/3", "", &[("cookie", &cookie)]).await;
    assert_eq!(page.status, StatusCode::OK);
    // A change with only the cookie must come from this site.
    let forged = call(&app, "POST", "/api/run", "suite=secretive", &[("cookie", &cookie)]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "no Origin: refused");
    let cross =
        call(&app, "POST", "/api/run", "suite=secretive", &[("cookie", &cookie), ("origin", "https://evil.example")])
            .await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);
    let same =
        call(&app, "POST", "/api/run", "suite=secretive", &[("cookie", &cookie), ("origin", "http://livesmoke.test")])
            .await;
    assert_eq!(same.status, StatusCode::CREATED, "{}", same.body);

    // Revoked: the session ends at once.
    assert!(tokens.revoke("browser").await.unwrap());
    assert_eq!(call(&app, "GET", "/api/runs", "", &[("cookie", &cookie)]).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(call(&app, "GET", "/runs/3", "", &[("cookie", &cookie)]).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_server_beyond_loopback_needs_auth_and_tokens_come_from_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let suites = dir.path().join("suites");
    std::fs::create_dir_all(&suites).unwrap();
    let bin = env!("CARGO_BIN_EXE_livesmoke");
    let port = common::closed_port();
    let open = std::process::Command::new(bin)
        .args(["serve", "--addr", &format!("0.0.0.0:{port}"), "--data", data.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(open.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&open.stderr).contains("without auth"),
        "{}",
        String::from_utf8_lossy(&open.stderr)
    );

    let made = std::process::Command::new(bin)
        .args(["token", "create", "ci", "--scope", "run", "--data", data.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(made.status.code(), Some(0), "{}", String::from_utf8_lossy(&made.stderr));
    let token = String::from_utf8(made.stdout).unwrap().trim().to_string();
    let again = std::process::Command::new(bin)
        .args(["token", "create", "ci", "--data", data.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1), "one name, one token");

    let out = dir.path().join("out.log");
    let mut child = common::spawn_livesmoke(
        &["serve", "--addr", &format!("0.0.0.0:{port}")],
        &suites,
        &data,
        &[],
        &[("LIVESMOKE_AUTH", "1")],
        &out,
    );
    let base = format!("http://127.0.0.1:{port}");
    let mut status = None;
    for _ in 0..300 {
        if let Ok(r) = reqwest::get(format!("{base}/api/runs")).await {
            status = Some(r.status());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, Some(reqwest::StatusCode::UNAUTHORIZED), "{}", std::fs::read_to_string(&out).unwrap());
    let with = reqwest::Client::new().get(format!("{base}/api/runs")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(with.status(), 200);
    let listed =
        std::process::Command::new(bin).args(["token", "list", "--data", data.to_str().unwrap()]).output().unwrap();
    let listed = String::from_utf8(listed.stdout).unwrap();
    assert!(listed.contains("ci") && listed.contains("run") && !listed.contains(&token), "{listed}");
    let revoke = std::process::Command::new(bin)
        .args(["token", "revoke", "ci", "--data", data.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(revoke.status.code(), Some(0));
    let after = reqwest::Client::new().get(format!("{base}/api/runs")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(after.status(), 401, "revoked: refused at once");
    let _ = child.kill();
    let _ = child.wait();
}
