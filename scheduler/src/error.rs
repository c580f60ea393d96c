//! `ApiError`: the one error type scheduler handlers return. A 4xx says what was wrong;
//! a 5xx is logged in full and answered without internal detail.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use service_runtime::StartupError;
use shared_dto::error::ErrorBody;

/// Why the service could not be put together from its configuration.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Runtime(#[from] StartupError),
    #[error("the change feed's consumer: {0}")]
    Feed(#[from] rdkafka::error::KafkaError),
    #[error("the services' API client: {0}")]
    ServiceApi(#[from] reqwest::Error),
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("no such resource")]
    NotFound,
    #[error("internal error: {0}")]
    Internal(String),
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
        };
        (status, Json(body)).into_response()
    }
}
