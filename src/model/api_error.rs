use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The one error of the HTTP API: what every server function and every
/// plain axum handler answers with when it cannot do what was asked.
///
/// On the wire it is `{"status":404,"error":"unknown run 42"}`, the same for
/// server functions and handlers, with `status` also the HTTP status. Each
/// variant's status is decided here, in [`ApiError::status`], and put on the
/// response here too (below, `ssr` only): server functions through
/// [`FromServerFnError::ser`], which server_fn calls for every error reply
/// (its own decoding errors included, which happen before our code runs),
/// and handlers through `IntoResponse`. So no layer has to re-read a body to
/// find out what went wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "WireError", from = "WireError")]
pub enum ApiError {
    /// A query the endpoint cannot take (missing, malformed, out of range): 400.
    BadRequest(String),
    /// No token, or one that is wrong, expired or revoked: 401.
    Unauthorized(String),
    /// A token whose scope does not allow this: 403.
    Forbidden(String),
    /// No such run or suite file: 404.
    NotFound(String),
    /// A request body larger than the server takes: 413.
    TooLarge(String),
    /// A suite file that exists but cannot run (invalid, with file:line:col): 422.
    Unprocessable(String),
    /// Our fault (storage, registry): 500.
    Internal(String),
    /// The page could not reach the server at all (never sent by the server).
    Network(String),
}

impl ApiError {
    pub fn bad_request(msg: impl Into<String>) -> Self {
        ApiError::BadRequest(msg.into())
    }
    pub fn unauthorized(msg: impl Into<String>) -> Self {
        ApiError::Unauthorized(msg.into())
    }
    pub fn forbidden(msg: impl Into<String>) -> Self {
        ApiError::Forbidden(msg.into())
    }
    pub fn not_found(msg: impl Into<String>) -> Self {
        ApiError::NotFound(msg.into())
    }
    pub fn unprocessable(msg: impl Into<String>) -> Self {
        ApiError::Unprocessable(msg.into())
    }
    pub fn internal(msg: impl Into<String>) -> Self {
        ApiError::Internal(msg.into())
    }

    /// The HTTP status each kind of error is answered with (0: no reply).
    pub fn status(&self) -> u16 {
        match self {
            ApiError::BadRequest(_) => 400,
            ApiError::Unauthorized(_) => 401,
            ApiError::Forbidden(_) => 403,
            ApiError::NotFound(_) => 404,
            ApiError::TooLarge(_) => 413,
            ApiError::Unprocessable(_) => 422,
            ApiError::Internal(_) => 500,
            ApiError::Network(_) => 0,
        }
    }

    /// What went wrong, for a person.
    pub fn message(&self) -> &str {
        match self {
            ApiError::BadRequest(m)
            | ApiError::Unauthorized(m)
            | ApiError::Forbidden(m)
            | ApiError::NotFound(m)
            | ApiError::TooLarge(m)
            | ApiError::Unprocessable(m)
            | ApiError::Internal(m)
            | ApiError::Network(m) => m,
        }
    }
}

/// The JSON body of an error reply (named `ApiError` in the OpenAPI document).
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema), schema(as = ApiError))]
pub struct WireError {
    /// The reply's HTTP status.
    status: u16,
    /// What went wrong, for a person: the argument, file:line:col or run at fault.
    error: String,
}

impl From<ApiError> for WireError {
    fn from(e: ApiError) -> Self {
        WireError { status: e.status(), error: e.message().to_string() }
    }
}

impl From<WireError> for ApiError {
    fn from(w: WireError) -> Self {
        match w.status {
            400 => ApiError::BadRequest(w.error),
            401 => ApiError::Unauthorized(w.error),
            403 => ApiError::Forbidden(w.error),
            404 => ApiError::NotFound(w.error),
            413 => ApiError::TooLarge(w.error),
            422 => ApiError::Unprocessable(w.error),
            0 => ApiError::Network(w.error),
            _ => ApiError::Internal(w.error),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message(), self.status())
    }
}

impl std::error::Error for ApiError {}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(msg) => ApiError::bad_request(format!("bad query: {msg}")),
            ServerFnErrorErr::MissingArg(msg) => ApiError::bad_request(format!("missing argument: {msg}")),
            ServerFnErrorErr::Request(msg) => ApiError::Network(format!("network: {msg}")),
            other => ApiError::internal(other.to_string()),
        }
    }

    /// The error reply's body; on the server, also its HTTP status (server_fn
    /// would answer every error with 500).
    fn ser(&self) -> leptos::server_fn::Bytes {
        #[cfg(feature = "ssr")]
        http::set_status(self.status());
        let body = serde_json::to_vec(self).expect("an ApiError always serialises");
        body.into()
    }
}

#[cfg(feature = "ssr")]
mod http {
    use super::ApiError;
    use axum::http::StatusCode;
    use axum::response::{IntoResponse, Response};

    /// Puts `status` on the reply of the server function being answered.
    pub(super) fn set_status(status: u16) {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(status);
        }
    }

    /// The same reply from a plain axum handler.
    impl IntoResponse for ApiError {
        fn into_response(self) -> Response {
            let status = StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, axum::Json(self)).into_response()
        }
    }
}
