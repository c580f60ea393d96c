//! `ApiError`: the one error type query-service handlers return. A 4xx says what was wrong;
//! a 5xx is logged in full and answered without internal detail.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use service_runtime::auth::AuthError;
use shared_dto::error::ErrorBody;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("no such resource")]
    NotFound,
    #[error("internal error: {0}")]
    Internal(String),
    /// A request parameter that cannot be used; `field` names it.
    #[error("{message}")]
    Invalid { field: String, message: String },
    #[error(transparent)]
    Unauthorized(#[from] AuthError),
    /// The read store did not answer in time, or is unreachable: worth retrying shortly.
    #[error("unavailable: {0}")]
    Unavailable(String),
}

impl ApiError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl From<mongodb::error::Error> for ApiError {
    fn from(error: mongodb::error::Error) -> Self {
        Self::Internal(format!("read store: {error}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match &self {
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                ErrorBody::new("not_found", self.to_string()),
            ),
            Self::Internal(detail) => {
                tracing::error!(error = %detail, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorBody::new("internal", "the request could not be completed"),
                )
            }
            Self::Unavailable(detail) => {
                tracing::warn!(error = %detail, "read store unavailable");
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [(axum::http::header::RETRY_AFTER, "1")],
                    Json(ErrorBody::new(
                        "unavailable",
                        "the catalogue is temporarily unavailable; retry shortly",
                    )),
                )
                    .into_response();
            }
            Self::Invalid { field, message } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorBody::new("invalid_field", message.clone()).with_field(field.clone()),
            ),
            // 401 with the `WWW-Authenticate` challenge, or 503 when the provider is down.
            Self::Unauthorized(error) => return error.clone().into_response(),
        };
        (status, Json(body)).into_response()
    }
}
