use crate::model::ApiError;
use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

/// server_fn answers every error with 500 (even a malformed query, which it
/// decodes before our code runs). Our server functions return [`ApiError`]
/// as JSON with the status it deserves; this puts that status on the wire,
/// so `?run=abc` is a 400 and an unknown run a 404, each with a message.
pub async fn api_status(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    if !res.headers().contains_key("serverfnerror") {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = to_bytes(body, 1 << 20).await.unwrap_or_default();
    if let Ok(err) = serde_json::from_slice::<ApiError>(&bytes) {
        if let Ok(status) = StatusCode::from_u16(err.status) {
            if status.is_client_error() || status.is_server_error() {
                parts.status = status;
            }
        }
    }
    parts.headers.insert("content-type", HeaderValue::from_static("application/json"));
    Response::from_parts(parts, Body::from(bytes))
}
