//! Extractors whose rejections are the app's own error, so malformed input gets the
//! standard envelope; and the bearer-token extractor.

use crate::app::AppState;
use crate::app::sessions::verify_bearer;
use crate::auth::AuthUser;
use crate::error::AppError;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// `Json<T>` with the envelope on every rejection.
pub struct AppJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for AppJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(AppJson(v)),
            Err(rej) => Err(json_rejection(rej)),
        }
    }
}

fn json_rejection(rej: JsonRejection) -> AppError {
    match rej {
        JsonRejection::JsonDataError(e) => {
            AppError::bad_request("invalid_body", strip_serde_noise(&e.body_text()))
        }
        JsonRejection::JsonSyntaxError(_) => {
            AppError::bad_request("malformed_json", "The request body is not valid JSON.")
        }
        JsonRejection::MissingJsonContentType(_) => AppError::UnsupportedMediaType,
        r if r.status() == StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
        _ => AppError::bad_request("invalid_body", "The request body could not be read."),
    }
}

/// axum prefixes serde's message with a generic sentence; keep serde's part, which
/// names the field and the problem ("unknown field `isAdmin`", "missing field `email`").
fn strip_serde_noise(text: &str) -> String {
    let msg = text
        .strip_prefix("Failed to deserialize the JSON body into the target type: ")
        .unwrap_or(text);
    format!("Invalid request body: {msg}")
}

/// `Query<T>` with the envelope on rejection.
pub struct AppQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for AppQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(AppQuery(v)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => Err(AppError::bad_request(
                "invalid_query",
                e.body_text()
                    .replace("Failed to deserialize query string: ", "Invalid query: "),
            )),
            Err(_) => Err(AppError::bad_request(
                "invalid_query",
                "The query string is invalid.",
            )),
        }
    }
}

/// `Path<T>` with the envelope on rejection.
pub struct AppPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for AppPath<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(AppPath(v)),
            Err(PathRejection::FailedToDeserializePathParams(_)) => Err(AppError::bad_request(
                "invalid_path",
                "A path parameter is invalid.",
            )),
            Err(_) => Err(AppError::Internal(anyhow::anyhow!(
                "path extraction misconfigured"
            ))),
        }
    }
}

/// The bearer token of a request, if it has one.
pub fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts
        .headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if let Some(user) = parts.extensions.get::<AuthUser>() {
            return Ok(user.clone());
        }
        let token = bearer(parts).ok_or_else(|| {
            AppError::unauthorized(
                "missing_token",
                "Sign in first: send `Authorization: Bearer <token>`.",
            )
        })?;
        let user = verify_bearer(state, token).await?;
        parts.extensions.insert(user.clone());
        Ok(user)
    }
}
