//! `LiveError`: how the live endpoints refuse a request.

use axum::Json;
use axum::http::StatusCode;
use axum::http::header::RETRY_AFTER;
use axum::response::{IntoResponse, Response};
use shared_dto::error::ErrorBody;

use super::snapshot::SnapshotError;
use crate::error::ApiError;

#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error("no such resource")]
    NotFound,
    #[error("too many open streams from this address (at most {limit})")]
    TooManyStreams { limit: usize },
    /// This replica carries as many streams as it is configured for.
    #[error("this replica serves as many streams as it may")]
    ReplicaFull,
    /// Redis or the read store cannot be read right now.
    #[error("live seat state is unavailable: {0}")]
    Unavailable(String),
}

impl From<SnapshotError> for LiveError {
    fn from(error: SnapshotError) -> Self {
        match error {
            SnapshotError::NotFound => Self::NotFound,
            other => Self::Unavailable(other.to_string()),
        }
    }
}

impl IntoResponse for LiveError {
    fn into_response(self) -> Response {
        match self {
            Self::NotFound => ApiError::NotFound.into_response(),
            Self::TooManyStreams { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                [(RETRY_AFTER, "5")],
                Json(ErrorBody::new("too_many_streams", self.to_string())),
            )
                .into_response(),
            Self::ReplicaFull => (
                StatusCode::SERVICE_UNAVAILABLE,
                [(RETRY_AFTER, "5")],
                Json(ErrorBody::new(
                    "too_many_streams",
                    "no more live streams can be opened right now; retry shortly",
                )),
            )
                .into_response(),
            Self::Unavailable(detail) => {
                tracing::warn!(error = %detail, "live seat state unavailable");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [(RETRY_AFTER, "1")],
                    Json(ErrorBody::new(
                        "unavailable",
                        "live seat state is temporarily unavailable; retry shortly",
                    )),
                )
                    .into_response()
            }
        }
    }
}
