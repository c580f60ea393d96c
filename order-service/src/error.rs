//! `ApiError`: the one error type order-service handlers return. A 4xx says what was wrong
//! and, where it can, which field; a 5xx is logged in full and answered without detail.
//!
//! Named database constraints are the last word on the invariants of a sale, so their
//! violations become the same conflicts the fast paths report.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};
use service_runtime::auth::AuthError;
use service_runtime::json_body::JsonBodyError;
use shared_dto::error::ErrorBody;

use crate::data::holds::HoldStoreError;
use crate::data::sessions::{NotOnSale, SessionError};
use crate::fulfilment::FulfilmentError;

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
    /// 422: a value the request carried cannot be used.
    #[error("{message}")]
    Invalid {
        code: &'static str,
        field: String,
        message: String,
    },
    /// 409: the request clashes with the current state; `details` say with what.
    #[error("{message}")]
    Conflict {
        code: &'static str,
        message: String,
        details: Map<String, Value>,
    },
    /// 403 saying what to do instead (`details`), e.g. where a waiting room's queue is.
    #[error("{message}")]
    Refused {
        code: &'static str,
        message: String,
        details: Map<String, Value>,
    },
    /// 410: the hold or order has run out.
    #[error("{message}")]
    Gone { code: &'static str, message: String },
    /// 429: the buyer already holds as many places as allowed.
    #[error("{message}")]
    TooMany { code: &'static str, message: String },
    /// 402: the payment provider declined the payment.
    #[error("{message}")]
    PaymentDeclined {
        decline_code: String,
        message: String,
    },
    /// 400: a webhook whose signature or content cannot be trusted.
    #[error("{0}")]
    BadWebhook(String),
    /// 502: the payment provider could not be asked.
    #[error("the payment provider could not be reached; try again shortly")]
    Provider(String),
    /// 503: an engine is down or a transaction lost a race it may win on a retry.
    #[error("the service is busy; try again shortly")]
    Busy(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            code: "invalid_field",
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn rejected(
        code: &'static str,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::Invalid {
            code,
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
            details: Map::new(),
        }
    }

    /// 403 with details that say what to do instead.
    pub fn refused(code: &'static str, message: impl Into<String>) -> Self {
        Self::Refused {
            code,
            message: message.into(),
            details: Map::new(),
        }
    }

    /// Adds a detail to a conflict or a refusal; other errors are returned unchanged.
    pub fn with(mut self, name: &str, value: impl Into<Value>) -> Self {
        if let Self::Conflict { details, .. } | Self::Refused { details, .. } = &mut self {
            details.insert(name.to_owned(), value.into());
        }
        self
    }

    /// 409 listing the seats (or standing blocks) someone else has.
    pub fn unavailable(places: Vec<String>) -> Self {
        Self::conflict(
            "seats_unavailable",
            "some of the requested places are held or sold",
        )
        .with("unavailable", places)
    }

    pub fn gone(code: &'static str, message: impl Into<String>) -> Self {
        Self::Gone {
            code,
            message: message.into(),
        }
    }

    pub fn internal(error: impl std::fmt::Display) -> Self {
        Self::Internal(error.to_string())
    }

    /// The named constraint a database error violated, if any.
    pub fn constraint(error: &sqlx::Error) -> Option<&str> {
        match error {
            sqlx::Error::Database(db) => db.constraint(),
            _ => None,
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::RowNotFound => return Self::NotFound,
            // Every connection busy past the pool's timeout: a flash sale's peak, not a fault of
            // the request; 503 tells the buyer's app to retry.
            sqlx::Error::PoolTimedOut => return Self::Busy(error.to_string()),
            // A pooled connection that died (PostgreSQL restarted) fails its query once and is
            // closed (connections are not pinged before use); the retry gets a live one.
            sqlx::Error::Io(_) => return Self::Busy(error.to_string()),
            _ => {}
        }
        let sqlx::Error::Database(db) = &error else {
            return Self::Internal(error.to_string());
        };
        match db.constraint() {
            Some("order_item_session_seat_key") => Self::unavailable(Vec::new()),
            Some("ticket_session_seat_key") => {
                Self::conflict("seat_already_sold", "a seat of this order is already sold")
            }
            Some("standing_allocation_within_capacity") => {
                Self::conflict("standing_sold_out", "the standing area has no places left")
            }
            Some("purchase_order_live_hold_key") => Self::conflict(
                "hold_already_ordered",
                "an order has already been placed for this hold",
            ),
            Some("payment_one_active_per_order") => Self::conflict(
                "payment_in_progress",
                "a payment for this order is already being processed",
            ),
            _ => match db.code().as_deref() {
                // Deadlock and serialisation failures: nothing was written, a retry may pass.
                Some("40P01" | "40001") => Self::Busy(error.to_string()),
                _ => Self::Internal(error.to_string()),
            },
        }
    }
}

impl From<redis::RedisError> for ApiError {
    fn from(error: redis::RedisError) -> Self {
        Self::Busy(format!("redis: {error}"))
    }
}

impl From<HoldStoreError> for ApiError {
    fn from(error: HoldStoreError) -> Self {
        match error {
            HoldStoreError::Redis(error) => error.into(),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<SessionError> for ApiError {
    fn from(error: SessionError) -> Self {
        match error {
            SessionError::NotFound => Self::NotFound,
            SessionError::NoSeatMap => Self::conflict("no_seat_map", error.to_string()),
            SessionError::Database(error) => error.into(),
        }
    }
}

impl From<NotOnSale> for ApiError {
    fn from(error: NotOnSale) -> Self {
        let conflict = Self::conflict("not_on_sale", error.to_string());
        match error {
            NotOnSale::Status(status) => conflict.with("status", status.as_str()),
            NotOnSale::NotStarted(at) => conflict.with("sales_start_at", at.to_rfc3339()),
            NotOnSale::Ended(at) => conflict.with("sales_end_at", at.to_rfc3339()),
        }
    }
}

impl From<FulfilmentError> for ApiError {
    fn from(error: FulfilmentError) -> Self {
        match error {
            FulfilmentError::NoSuchPayment => Self::NotFound,
            FulfilmentError::Provider(message) => Self::Provider(message),
            FulfilmentError::Session(error) => error.into(),
            FulfilmentError::Holds(error) => error.into(),
            FulfilmentError::Database(error) => error.into(),
            other @ (FulfilmentError::MalformedHoldToken(_) | FulfilmentError::Refund { .. }) => {
                Self::internal(other)
            }
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
            Self::Invalid { code, field, .. } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorBody::new(code, message).with_field(field),
            ),
            Self::Conflict { code, details, .. } => {
                let mut body = ErrorBody::new(code, message);
                body.error.details = details;
                (StatusCode::CONFLICT, body)
            }
            Self::Refused { code, details, .. } => {
                let mut body = ErrorBody::new(code, message);
                body.error.details = details;
                (StatusCode::FORBIDDEN, body)
            }
            Self::Gone { code, .. } => (StatusCode::GONE, ErrorBody::new(code, message)),
            Self::TooMany { code, .. } => {
                (StatusCode::TOO_MANY_REQUESTS, ErrorBody::new(code, message))
            }
            Self::PaymentDeclined { decline_code, .. } => (
                StatusCode::PAYMENT_REQUIRED,
                ErrorBody::new("payment_declined", message)
                    .with_detail("decline_code", decline_code),
            ),
            Self::BadWebhook(_) => (
                StatusCode::BAD_REQUEST,
                ErrorBody::new("invalid_webhook", message),
            ),
            Self::Provider(detail) => {
                tracing::warn!(error = %detail, "payment provider unavailable");
                (
                    StatusCode::BAD_GATEWAY,
                    ErrorBody::new("payment_provider_unavailable", message),
                )
            }
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
    fn a_dead_connection_is_busy_not_a_fault() {
        let closed = std::io::Error::from(std::io::ErrorKind::ConnectionReset);
        let response = ApiError::from(sqlx::Error::Io(closed)).into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    }

    #[test]
    fn a_pool_with_no_free_connection_is_busy_not_a_fault() {
        let response = ApiError::from(sqlx::Error::PoolTimedOut).into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            response.headers().get(axum::http::header::RETRY_AFTER),
            Some(&axum::http::HeaderValue::from_static("1"))
        );
    }
}
