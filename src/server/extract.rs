//! Query and form extractors whose rejections are the API's own errors.
//!
//! axum's `Query` and `Form` answer a malformed request with a plain-text
//! 400 or 422 before the handler runs; every other error of the API is the
//! JSON [`ApiError`]. These wrap them so a client parses one kind of error
//! body whatever went wrong, and a missing field is a 400 like everywhere else.

use crate::model::ApiError;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::Form;
use serde::de::DeserializeOwned;

/// `Query<T>`, rejected with a 400 [`ApiError`].
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(q)) => Ok(ApiQuery(q)),
            Err(e) => Err(ApiError::bad_request(e.body_text())),
        }
    }
}

/// `Form<T>`, rejected with a 400 [`ApiError`].
pub struct ApiForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiForm<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match Form::<T>::from_request(req, state).await {
            Ok(Form(f)) => Ok(ApiForm(f)),
            Err(e) => Err(ApiError::bad_request(e.body_text())),
        }
    }
}
