//! The one error type of the server and its JSON envelope:
//! `{"success": false, "error": {"code": "snake_case", "message": "…", "details"?: …}}`.
//!
//! Internal errors are logged with their cause and answered with an opaque message.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use qc_domain::ValidationErrors;
use qc_store::StoreError;
use serde::Serialize;
use serde_json::Value;

pub type Result<T, E = AppError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("validation failed: {0}")]
    Validation(ValidationErrors),
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    #[error("{message}")]
    Unauthorized { code: &'static str, message: String },
    #[error("{message}")]
    Forbidden { code: &'static str, message: String },
    #[error("{message}")]
    NotFound { code: &'static str, message: String },
    #[error("{message}")]
    Conflict {
        code: &'static str,
        message: String,
        details: Option<Value>,
    },
    #[error("{message}")]
    Unprocessable { code: &'static str, message: String },
    /// The resource is locked (e.g. confirmation after too many wrong codes).
    #[error("{message}")]
    Locked { code: &'static str, message: String },
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    /// A limit that is not about time (too many open orders): 429 with its own code.
    #[error("{message}")]
    Limited { code: &'static str, message: String },
    #[error("service unavailable")]
    Unavailable,
    /// The instance is behind and refuses new work for now (see `pressure`): 503
    /// `overloaded` with `Retry-After`.
    #[error("overloaded")]
    Overloaded { retry_after_secs: u64 },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        AppError::BadRequest {
            code,
            message: message.into(),
        }
    }
    pub fn unauthorized(code: &'static str, message: impl Into<String>) -> Self {
        AppError::Unauthorized {
            code,
            message: message.into(),
        }
    }
    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        AppError::Forbidden {
            code,
            message: message.into(),
        }
    }
    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        AppError::NotFound {
            code,
            message: message.into(),
        }
    }
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        AppError::Conflict {
            code,
            message: message.into(),
            details: None,
        }
    }
    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> Self {
        AppError::Unprocessable {
            code,
            message: message.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Validation(_) | AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            AppError::Forbidden { .. } => StatusCode::FORBIDDEN,
            AppError::NotFound { .. } => StatusCode::NOT_FOUND,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Locked { .. } => StatusCode::LOCKED,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::TooManyRequests { .. } | AppError::Limited { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            AppError::Unavailable | AppError::Overloaded { .. } => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable, machine-readable code clients branch on.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Validation(_) => "validation_error",
            AppError::BadRequest { code, .. }
            | AppError::Unauthorized { code, .. }
            | AppError::Forbidden { code, .. }
            | AppError::NotFound { code, .. }
            | AppError::Conflict { code, .. }
            | AppError::Unprocessable { code, .. }
            | AppError::Limited { code, .. }
            | AppError::Locked { code, .. } => code,
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::UnsupportedMediaType => "unsupported_media_type",
            AppError::TooManyRequests { .. } => "too_many_requests",
            AppError::Unavailable => "service_unavailable",
            AppError::Overloaded { .. } => "overloaded",
            AppError::Internal(_) => "internal_error",
        }
    }

    /// The message shown to the client: never internal text.
    pub fn public_message(&self) -> String {
        match self {
            AppError::Validation(v) => v.summary(),
            AppError::PayloadTooLarge => "The request body is too large.".into(),
            AppError::UnsupportedMediaType => {
                "Send the body as JSON with `Content-Type: application/json`.".into()
            }
            AppError::TooManyRequests { retry_after_secs } => {
                format!(
                    "Too many attempts. Try again {}.",
                    in_human_time(*retry_after_secs)
                )
            }
            AppError::Unavailable => {
                "The service is temporarily unavailable. Please retry shortly.".into()
            }
            AppError::Overloaded { retry_after_secs } => format!(
                "We are very busy right now. Please try again {}.",
                in_human_time(*retry_after_secs)
            ),
            AppError::Internal(_) => "Something went wrong on our side.".into(),
            other => other.to_string(),
        }
    }

    fn details(&self) -> Option<Value> {
        match self {
            AppError::Validation(v) => serde_json::to_value(&v.0).ok(),
            AppError::Conflict { details, .. } => details.clone(),
            _ => None,
        }
    }

    /// The envelope body, shared with the Socket.io acknowledgements.
    pub fn envelope(&self) -> ErrorEnvelope {
        ErrorEnvelope {
            success: false,
            error: ErrorBody {
                code: self.code().to_owned(),
                message: self.public_message(),
                details: self.details(),
            },
        }
    }
}

/// "in 15 minutes", "in 40 seconds", "in about 2 hours": a wait as people say it.
pub fn in_human_time(secs: u64) -> String {
    match secs {
        0..=1 => "in a moment".to_owned(),
        2..=90 => format!("in {secs} seconds"),
        91..=5_399 => format!("in {} minutes", secs.div_ceil(60)),
        _ => format!("in about {} hours", secs.div_ceil(3_600)),
    }
}

/// `{"success": false, "error": {...}}`
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorEnvelope {
    /// Always `false`.
    pub success: bool,
    pub error: ErrorBody,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable snake_case code, e.g. `invalid_credentials`, `validation_error`.
    pub code: String,
    /// Human-readable, safe to show.
    pub message: String,
    /// Extra structured detail (field errors, short items), when there is any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        match &self {
            AppError::Internal(e) => tracing::error!(error = ?e, "internal error"),
            AppError::Unavailable => tracing::warn!("answered 503: dependency unavailable"),
            _ => tracing::debug!(code = self.code(), "request refused"),
        }
        let mut res = (status, axum::Json(self.envelope())).into_response();
        if let AppError::TooManyRequests { retry_after_secs }
        | AppError::Overloaded { retry_after_secs } = self
            && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res
    }
}

/// Why a partner may not take orders now, as the partner app shows it.
pub fn partner_ineligible(code: &str) -> AppError {
    match code {
        "partner_not_verified" => AppError::forbidden(
            "partner_not_verified",
            "Your account is waiting for verification by our team. You can take orders once it \
             is verified.",
        ),
        "partner_suspended" => {
            AppError::forbidden("partner_suspended", "This partner account is suspended.")
        }
        "not_offered" => AppError::conflict(
            "not_offered",
            "This order is being offered to another partner right now. It reaches everyone \
             if nobody takes it.",
        ),
        _ => AppError::conflict(
            "partner_unavailable",
            "Turn availability on to receive and accept orders.",
        ),
    }
}

impl From<ValidationErrors> for AppError {
    fn from(v: ValidationErrors) -> Self {
        AppError::Validation(v)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::not_found("not_found", "Not found."),
            StoreError::Conflict(what) => AppError::conflict("conflict", what),
            StoreError::LimitReached(what) => AppError::conflict("limit_reached", what),
            StoreError::Refused(code, what) => AppError::conflict(code, what),
            StoreError::InvalidState(state) => AppError::conflict(
                "invalid_state",
                format!("Not possible while the order is {state}."),
            ),
            StoreError::OutOfStock(short) => AppError::Conflict {
                code: "insufficient_stock",
                message: short
                    .iter()
                    .map(|s| {
                        format!(
                            "{}: {} requested, {} left",
                            s.name, s.requested, s.available
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
                details: serde_json::to_value(&short).ok(),
            },
            StoreError::TooManyOpenOrders(n) => AppError::Limited {
                code: "too_many_open_orders",
                message: format!(
                    "You already have {n} orders on their way. Place a new one when one of them \
                     is delivered or cancelled."
                ),
            },
            StoreError::Ineligible(code) => partner_ineligible(code),
            StoreError::CheckViolation => AppError::conflict(
                "constraint_violated",
                "The values break a rule of the catalog.",
            ),
            StoreError::StaleProducts(ids) => AppError::Conflict {
                code: "products_changed",
                message:
                    "Prices or availability changed while ordering. Review the cart and retry."
                        .into(),
                details: Some(serde_json::json!(ids)),
            },
            StoreError::Unavailable(e) | StoreError::Transient(e) => {
                tracing::warn!(error = %e, "database unavailable");
                AppError::Unavailable
            }
            StoreError::Other(e) => AppError::Internal(e),
        }
    }
}
