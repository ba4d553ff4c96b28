//! Token management over HTTP (`admin` scope): `GET /api/tokens` lists them
//! (never the tokens themselves), `POST /api/tokens` (`name`, `scope`)
//! makes one and answers it once, `POST /api/tokens/revoke` (`name`) revokes
//! one, ending its sessions. `livesmoke token …` does the same on the
//! database directly, which is how the first admin token is made.

use super::extract::ApiForm;
use super::state::AppState;
use crate::auth::token_store::{TokenError, TokenInfo};
use crate::auth::Scope;
use crate::model::ApiError;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

impl From<TokenError> for ApiError {
    fn from(e: TokenError) -> Self {
        match e {
            TokenError::NameTaken(_) | TokenError::BadName(_) => ApiError::bad_request(e.to_string()),
            TokenError::Db(_) => ApiError::internal(e.to_string()),
        }
    }
}

fn store(state: &AppState) -> Result<&crate::auth::TokenStore, ApiError> {
    state
        .auth
        .as_ref()
        .map(|a| &a.tokens)
        .ok_or_else(|| ApiError::not_found("tokens are off on this server (start it with --auth to use them)"))
}

pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<TokenInfo>>, ApiError> {
    Ok(Json(store(&state)?.list().await?))
}

#[derive(Deserialize)]
pub struct NewToken {
    name: String,
    scope: String,
}

pub async fn create(State(state): State<AppState>, ApiForm(form): ApiForm<NewToken>) -> Result<Response, ApiError> {
    let scope: Scope = form.scope.parse().map_err(ApiError::bad_request)?;
    let token = store(&state)?.create(&form.name, scope).await?;
    let body = serde_json::json!({ "name": form.name, "scope": scope, "token": token });
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

#[derive(Deserialize)]
pub struct Revoke {
    name: String,
}

pub async fn revoke(State(state): State<AppState>, ApiForm(form): ApiForm<Revoke>) -> Result<Response, ApiError> {
    match store(&state)?.revoke(&form.name).await? {
        true => Ok(Json(serde_json::json!({ "name": form.name, "revoked": true })).into_response()),
        false => Err(ApiError::not_found(format!("no valid token named `{}`", form.name))),
    }
}
