//! The most a request may carry, checked before anything reads it.
//!
//! Every body the API takes is a short form (a suite's name, a token's name,
//! a few labels) and every query a few arguments, so the limits are far above
//! what a client sends and far below what could hurt: a client that sends
//! more is answered at once, with the API's JSON error, instead of being read
//! into memory by whichever handler comes next (server functions read their
//! whole body). A body that announces its length is judged by it; one sent
//! in chunks is read up to the limit and no further.

use crate::model::ApiError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{CONTENT_LENGTH, TRANSFER_ENCODING};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The largest request body taken (413 beyond).
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The longest query string taken (400 beyond).
pub const MAX_QUERY_BYTES: usize = 8 * 1024;

/// The middleware: 400 for a query, 413 for a body over its limit.
pub async fn enforce(req: Request, next: Next) -> Response {
    let query = req.uri().query().map_or(0, str::len);
    if query > MAX_QUERY_BYTES {
        return ApiError::bad_request(format!(
            "the query is {query} bytes, more than the {MAX_QUERY_BYTES} this server takes"
        ))
        .into_response();
    }
    let announced = req.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if let Some(len) = announced.filter(|&len| len > MAX_BODY_BYTES as u64) {
        return too_large(len).into_response();
    }
    if announced.is_none() && req.headers().contains_key(TRANSFER_ENCODING) {
        // Chunked: its length is known only once read, so read it here, capped.
        let (parts, body) = req.into_parts();
        let bytes = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
            Ok(bytes) => bytes,
            Err(_) => {
                return ApiError::TooLarge(format!(
                    "the request body goes on past {MAX_BODY_BYTES} bytes, the most this server takes"
                ))
                .into_response()
            }
        };
        return next.run(Request::from_parts(parts, Body::from(bytes))).await;
    }
    next.run(req).await
}

fn too_large(len: u64) -> ApiError {
    ApiError::TooLarge(format!("the request body is {len} bytes, more than the {MAX_BODY_BYTES} this server takes"))
}
