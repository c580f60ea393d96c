//! Taking the money: the [`PaymentProvider`] trait and its two implementations, a sandbox
//! with test card numbers and Stripe PaymentIntents.
//!
//! Providers answer a charge with success, a decline, or "still processing" (3-D Secure, a
//! slow bank); the last is settled later by a webhook or by the sweeper asking
//! [`PaymentProvider::status`]. Every call carries the payment id as idempotency key, so a
//! retried call never charges twice.

pub mod sandbox;
pub mod stripe;

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use uuid::Uuid;

/// One charge to make.
#[derive(Debug, Clone)]
pub struct Charge<'a> {
    pub payment_id: Uuid,
    pub order_id: Uuid,
    pub amount_minor: i64,
    /// ISO 4217, upper case.
    pub currency: &'a str,
    /// Provider-specific: a sandbox test card number, a Stripe PaymentMethod id.
    pub payment_method: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChargeOutcome {
    Succeeded {
        reference: String,
    },
    /// Not settled yet; `client_secret` lets a browser finish a customer action (3-D Secure).
    Processing {
        reference: String,
        client_secret: Option<String>,
    },
    Declined {
        reference: Option<String>,
        code: String,
        message: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChargeStatus {
    Succeeded,
    Processing,
    Failed { code: String, message: String },
}

#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
    /// The provider may or may not have acted; retry with the same idempotency key.
    #[error("the payment provider could not be reached: {0}")]
    Unavailable(String),
    /// The provider refused the request itself (bad parameters, bad credentials).
    #[error("the payment provider refused the request: {0}")]
    Rejected(String),
}

pub trait PaymentProvider: Send + Sync {
    /// Stored with each payment, so a payment is always followed up with its own provider.
    fn name(&self) -> &'static str;

    fn charge<'a>(
        &'a self,
        charge: Charge<'a>,
    ) -> BoxFuture<'a, Result<ChargeOutcome, PaymentError>>;

    /// Where a processing payment stands now.
    fn status<'a>(
        &'a self,
        reference: &'a str,
        started_at: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<ChargeStatus, PaymentError>>;

    /// Returns `amount_minor` of a succeeded payment (all of it, or the price of the tickets
    /// refunded); the result is the refund's reference. `key` makes the call idempotent: the
    /// payment's id for a whole-payment refund, the refund's id for an organiser's refund.
    fn refund<'a>(
        &'a self,
        key: Uuid,
        reference: &'a str,
        amount_minor: i64,
    ) -> BoxFuture<'a, Result<String, PaymentError>>;

    /// How old a processing payment must be before the sweeper asks about it; webhooks
    /// usually settle it sooner.
    fn poll_after(&self) -> Duration;
}

/// Why money could not be returned.
#[derive(Debug, thiserror::Error)]
pub enum ReturnError {
    #[error("paid through {0}, which this service does not use")]
    OtherProvider(String),
    #[error(transparent)]
    Provider(#[from] PaymentError),
}

/// Returns `amount_minor` of a charge made through `charged_by` with reference `charge`,
/// keyed by `key` (the same key never returns money twice); the refund's reference. Nothing
/// goes back through the provider for a free order.
pub async fn return_money(
    provider: &dyn PaymentProvider,
    key: Uuid,
    charged_by: &str,
    charge: Option<&str>,
    amount_minor: i64,
) -> Result<String, ReturnError> {
    match charge {
        _ if amount_minor == 0 => Ok(format!("free_{}", key.simple())),
        Some(charge) if charged_by == provider.name() => {
            Ok(provider.refund(key, charge, amount_minor).await?)
        }
        _ => Err(ReturnError::OtherProvider(charged_by.to_owned())),
    }
}
