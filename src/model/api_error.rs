use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The error every server function returns. It travels as JSON
/// (`{"status":404,"error":"unknown run 42"}`) and the server's `api_status`
/// middleware turns `status` into the HTTP status, so curl users see a 4xx
/// with a readable message instead of server_fn's blanket 500.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub status: u16,
    pub error: String,
}

impl ApiError {
    pub fn bad_request(msg: impl Into<String>) -> Self {
        ApiError { status: 400, error: msg.into() }
    }
    pub fn not_found(msg: impl Into<String>) -> Self {
        ApiError { status: 404, error: msg.into() }
    }
    pub fn unprocessable(msg: impl Into<String>) -> Self {
        ApiError { status: 422, error: msg.into() }
    }
    pub fn internal(msg: impl Into<String>) -> Self {
        ApiError { status: 500, error: msg.into() }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.error, self.status)
    }
}

impl std::error::Error for ApiError {}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(msg) => ApiError::bad_request(format!("bad query: {msg}")),
            ServerFnErrorErr::MissingArg(msg) => ApiError::bad_request(format!("missing argument: {msg}")),
            ServerFnErrorErr::Request(msg) => ApiError { status: 0, error: format!("network: {msg}") },
            other => ApiError::internal(other.to_string()),
        }
    }
}
