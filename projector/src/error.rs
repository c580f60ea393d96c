//! The projector's error types: `ProjectionError` for a change that could not be projected
//! (sorted into retryable and poison), and `ApiError`, the one error type its operational
//! handlers return (a 4xx says what was wrong; a 5xx is logged in full and answered without
//! internal detail).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use shared_dto::error::ErrorBody;

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

/// Why a change could not be projected.
#[derive(Debug, thiserror::Error)]
pub enum ProjectionError {
    /// The read store could not be reached or answered; retrying later can succeed.
    #[error("read store: {0}")]
    Store(mongodb::error::Error),
    /// The change itself cannot be projected (an unexpected row shape); retrying cannot help,
    /// so it goes to the dead-letter topic.
    #[error("cannot project: {0}")]
    Shape(String),
}

impl From<mongodb::error::Error> for ProjectionError {
    /// A refused write or a document that cannot be encoded fails the same way every time, so
    /// it is a poison message rather than an outage to wait out.
    fn from(error: mongodb::error::Error) -> Self {
        use mongodb::error::{ErrorKind, WriteFailure};
        match error.kind.as_ref() {
            ErrorKind::Write(WriteFailure::WriteError(_))
            | ErrorKind::InvalidArgument { .. }
            | ErrorKind::BsonSerialization(_)
            | ErrorKind::BsonDeserialization(_) => Self::Shape(error.to_string()),
            _ => Self::Store(error),
        }
    }
}

impl ProjectionError {
    pub fn shape(message: impl Into<String>) -> Self {
        Self::Shape(message.into())
    }

    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Store(_))
    }
}
