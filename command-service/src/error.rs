//! `ApiError`: the one error type command-service handlers return. A 4xx says what was wrong
//! and, where it can, which field; a 5xx is logged in full and answered without detail.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use service_runtime::auth::AuthError;
use service_runtime::json_body::JsonBodyError;
use shared_dto::error::ErrorBody;
use shared_dto::layout::LayoutError;

use crate::data::events::LockError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("no such resource")]
    NotFound,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Body(#[from] JsonBodyError),
    #[error("{message}")]
    Invalid { field: String, message: String },
    #[error("the seat-map layout is invalid")]
    Layout(Vec<LayoutError>),
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("the event is not ready to publish")]
    Incomplete { missing: Vec<String> },
    /// 503: the database could not be reached now (every connection busy, or one that died);
    /// nothing was written, a retry may pass.
    #[error("the service is busy; try again shortly")]
    Busy(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// A refused [`lock_editable`](crate::data::events::lock_editable): `closed` says what a
    /// cancelled or completed event cannot have done to it.
    pub fn event_locked(error: LockError, closed: &'static str) -> Self {
        match error {
            LockError::Closed(_) => Self::conflict("event_closed", closed),
            LockError::Database(error) => error.into(),
        }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::RowNotFound => Self::NotFound,
            // Pooled connections are not pinged before use: one that died fails its query once.
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) => Self::Busy(error.to_string()),
            sqlx::Error::Database(db) => match db.constraint() {
                Some("discount_event_code_key") => Self::conflict(
                    "duplicate_code",
                    "this event already has a discount with that code",
                ),
                Some("tier_event_name_key") => Self::conflict(
                    "duplicate_tier",
                    "this event already has a tier with that name",
                ),
                Some("organisation_member_pkey") => {
                    Self::conflict("already_member", "that person is already a member")
                }
                Some("seat_map_template_name_key") => Self::conflict(
                    "duplicate_template",
                    "a template with that name already exists",
                ),
                Some("session_ends_after_start") => {
                    Self::invalid("/ends_at", "a session must end after it starts")
                }
                Some("session_sales_window") => Self::invalid(
                    "/sales_end_at",
                    "sales must end after they start and no later than the session ends",
                ),
                Some("session_physical_has_venue") => {
                    Self::invalid("/venue_id", "a physical session needs a venue")
                }
                _ => Self::Internal(error.to_string()),
            },
            _ => Self::Internal(error.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let message = self.to_string();
        let (status, body) = match self {
            Self::NotFound => (StatusCode::NOT_FOUND, ErrorBody::new("not_found", message)),
            Self::Forbidden(_) => (StatusCode::FORBIDDEN, ErrorBody::new("forbidden", message)),
            Self::Auth(error) => return error.into_response(),
            Self::Body(error) => return error.into_response(),
            Self::Invalid { field, .. } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorBody::new("invalid_field", message).with_field(field),
            ),
            Self::Layout(errors) => {
                let first = errors.first().map(|error| error.pointer.clone());
                let mut body = ErrorBody::new("invalid_layout", message)
                    .with_detail("errors", serde_json::to_value(&errors).unwrap_or_default());
                if let Some(pointer) = first {
                    body = body.with_field(pointer);
                }
                (StatusCode::UNPROCESSABLE_ENTITY, body)
            }
            Self::Conflict { code, .. } => (StatusCode::CONFLICT, ErrorBody::new(code, message)),
            Self::Incomplete { missing } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorBody::new("incomplete", message).with_detail("missing", missing),
            ),
            Self::Busy(detail) => {
                tracing::warn!(error = %detail, "request could not be served now");
                // Momentary: a second spreads the retries of a peak without losing the client.
                let body = ErrorBody::new("unavailable", message);
                let retry = [(axum::http::header::RETRY_AFTER, "1")];
                return (StatusCode::SERVICE_UNAVAILABLE, retry, Json(body)).into_response();
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreachable_database_is_busy_not_a_fault() {
        for error in [
            sqlx::Error::PoolTimedOut,
            sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionReset)),
        ] {
            let response = ApiError::from(error).into_response();
            assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert!(
                response
                    .headers()
                    .contains_key(axum::http::header::RETRY_AFTER)
            );
        }
    }
}
