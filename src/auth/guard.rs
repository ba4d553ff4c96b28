//! The one gate every request passes when auth is on: [`need`] says which
//! scope a request needs (one table, which the tests walk), [`guard`] finds
//! the caller's token or session and lets it through, or answers 401 (no
//! valid credentials: JSON for the API, the login page for a page) or 403
//! (too small a scope). It runs before any handler, so a refused request
//! learns nothing about any run.
//!
//! The page's session is a cookie (HttpOnly, SameSite=Strict) made on the
//! login page from a token. A request that changes something and comes with
//! only the cookie must also come from this site (its `Origin`, or
//! `Sec-Fetch-Site: same-origin`): SameSite alone leaves out older browsers
//! and same-site subdomains. A bearer token is never sent by a browser on
//! its own, so it needs no such check.

use super::{Auth, Grant, Scope};
use crate::model::ApiError;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use std::sync::Arc;

/// The session cookie's name.
pub const COOKIE: &str = "livesmoke_session";

/// What a request needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Public,
    Scope(Scope),
}

/// The scope each request needs: the login page and the page's static files
/// (the wasm and CSS hold nothing about any run) need none; badges none when
/// the server says they are public; token management `admin`; any other API
/// call `read` to look and `run` to change anything; every page `read`.
pub fn need(method: &Method, path: &str, public_badges: bool) -> Need {
    let looks = matches!(*method, Method::GET | Method::HEAD);
    if path == "/login" || path == "/logout" || path.starts_with("/pkg/") {
        Need::Public
    } else if path.starts_with("/badge/") {
        if public_badges {
            Need::Public
        } else {
            Need::Scope(Scope::Read)
        }
    } else if path == "/api/tokens" || path.starts_with("/api/tokens/") {
        Need::Scope(Scope::Admin)
    } else if path.starts_with("/api/") && !looks {
        Need::Scope(Scope::Run)
    } else {
        Need::Scope(Scope::Read)
    }
}

pub async fn guard(State(auth): State<Arc<Auth>>, mut req: Request, next: Next) -> Response {
    let Need::Scope(scope) = need(req.method(), req.uri().path(), auth.public_badges) else {
        return next.run(req).await;
    };
    let page = !req.uri().path().starts_with("/api/") && !req.uri().path().starts_with("/badge/");
    let grant = match credentials(req.headers()) {
        Credentials::Bearer(token) => match auth.tokens.verify(&token).await {
            Ok(Some(g)) => g,
            Ok(None) => return refused(page, req.uri(), "the token is not valid (unknown or revoked)"),
            Err(e) => return ApiError::internal(e.to_string()).into_response(),
        },
        Credentials::Session(session) => match auth.tokens.session(&session).await {
            Ok(Some(g)) => {
                if !same_site(req.method(), req.headers()) {
                    return ApiError::forbidden("a cross-site request with the session cookie is refused")
                        .into_response();
                }
                g
            }
            Ok(None) => return refused(page, req.uri(), "the session has ended; sign in again"),
            Err(e) => return ApiError::internal(e.to_string()).into_response(),
        },
        Credentials::None => {
            return refused(page, req.uri(), "this server needs a token: send `Authorization: Bearer <token>`")
        }
    };
    if grant.scope < scope {
        return ApiError::forbidden(format!(
            "the token `{}` has scope {}; this needs {scope}",
            grant.name, grant.scope
        ))
        .into_response();
    }
    req.extensions_mut().insert(grant);
    next.run(req).await
}

enum Credentials {
    Bearer(String),
    Session(String),
    None,
}

fn credentials(headers: &HeaderMap) -> Credentials {
    if let Some(v) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        let token = v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")).unwrap_or("").trim();
        return Credentials::Bearer(token.to_string());
    }
    match session_cookie(headers) {
        Some(s) => Credentials::Session(s),
        None => Credentials::None,
    }
}

fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
}

/// A request that only looks may come from anywhere; one that changes
/// something must come from this site.
fn same_site(method: &Method, headers: &HeaderMap) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    let text = |h| headers.get(h).and_then(|v: &HeaderValue| v.to_str().ok());
    match (text(header::ORIGIN), text(header::HOST)) {
        (Some(origin), Some(host)) => origin.split_once("://").is_some_and(|(_, h)| h == host),
        _ => text(header::HeaderName::from_static("sec-fetch-site")) == Some("same-origin"),
    }
}

/// 401: JSON for the API and badges, the login page for a page (which
/// brings the reader back here once signed in).
fn refused(page: bool, uri: &axum::http::Uri, why: &str) -> Response {
    if page {
        let next = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
        return (StatusCode::UNAUTHORIZED, login_page(next, None)).into_response();
    }
    let mut res = ApiError::unauthorized(why).into_response();
    res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    res
}

#[derive(serde::Deserialize)]
pub struct LoginForm {
    token: String,
    #[serde(default)]
    next: String,
}

/// `GET /login`: the token prompt.
pub async fn login_form() -> Html<String> {
    login_page("/", None)
}

/// `POST /login`: a valid token becomes a session cookie, and the reader
/// goes back where they were headed.
pub async fn login(State(auth): State<Arc<Auth>>, headers: HeaderMap, Form(form): Form<LoginForm>) -> Response {
    let next = local_path(&form.next);
    // A browser always says where a form came from; a client that says
    // nothing (curl) is not a browser another site could drive.
    if headers.contains_key(header::ORIGIN) && !same_site(&Method::POST, &headers) {
        return ApiError::forbidden("a cross-site sign-in is refused").into_response();
    }
    let grant: Grant = match auth.tokens.verify(form.token.trim()).await {
        Ok(Some(g)) => g,
        Ok(None) => {
            return (StatusCode::UNAUTHORIZED, login_page(next, Some("That token is not valid (unknown or revoked).")))
                .into_response()
        }
        Err(e) => return ApiError::internal(e.to_string()).into_response(),
    };
    match auth.tokens.open_session(&grant).await {
        Ok(session) => {
            let cookie = format!(
                "{COOKIE}={session}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}",
                super::token_store::SESSION_SECS
            );
            let mut res = (StatusCode::SEE_OTHER, [(header::LOCATION, next.to_string())]).into_response();
            res.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).expect("cookie is ASCII"));
            res
        }
        Err(e) => ApiError::internal(e.to_string()).into_response(),
    }
}

/// `POST /logout`: ends the session and forgets the cookie.
pub async fn logout(State(auth): State<Arc<Auth>>, headers: HeaderMap) -> Response {
    if let Some(s) = session_cookie(&headers) {
        let _ = auth.tokens.close_session(&s).await;
    }
    let mut res = (StatusCode::SEE_OTHER, [(header::LOCATION, "/login")]).into_response();
    let clear = format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    res.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&clear).expect("cookie is ASCII"));
    res
}

/// Where to go after signing in: a path on this server, never elsewhere.
fn local_path(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next
    } else {
        "/"
    }
}

fn login_page(next: &str, problem: Option<&str>) -> Html<String> {
    let esc = crate::app::log_view::render::escaped;
    let problem = problem.map(|p| format!("<p class=\"problem\" role=\"alert\">{}</p>", esc(p))).unwrap_or_default();
    Html(format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>livesmoke · sign in</title><link rel="stylesheet" href="/pkg/livesmoke.css"></head>
<body class="login"><main class="login-box">
<h1>livesmoke</h1>
<p>This server needs a token. Ask an admin for one (<code>livesmoke token create NAME --scope read</code>).</p>
{problem}
<form method="post" action="/login">
<label for="token">Token</label>
<input id="token" name="token" type="password" autocomplete="off" autofocus required placeholder="lsk_…">
<input type="hidden" name="next" value="{}">
<button type="submit">Sign in</button>
</form></main></body></html>"#,
        esc(local_path(next))
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_never_sends_the_reader_elsewhere() {
        assert_eq!(local_path("/runs/3?x=1"), "/runs/3?x=1");
        assert_eq!(local_path("//evil.example/"), "/");
        assert_eq!(local_path("https://evil.example/"), "/");
        assert_eq!(local_path("/\\evil.example"), "/");
    }
}
