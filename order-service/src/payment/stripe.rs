//! Stripe: PaymentIntents over the REST API, and verification of webhook signatures.
//!
//! A charge creates and confirms a PaymentIntent in one call with the payment id as
//! idempotency key. Stripe reports the outcome at once when it can; otherwise
//! (`processing`, `requires_action`) the `payment_intent.succeeded` or
//! `payment_intent.payment_failed` webhook settles it later.

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::FutureExt;
use futures::future::BoxFuture;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;
use uuid::Uuid;

use super::{Charge, ChargeOutcome, ChargeStatus, PaymentError, PaymentProvider};
use crate::config::Secret;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Webhooks settle payments; asking Stripe is the fallback for one that never arrived.
const POLL_AFTER: Duration = Duration::from_secs(60);

pub struct Stripe {
    http: reqwest::Client,
    api_base: String,
    secret_key: Secret,
}

impl Stripe {
    pub fn new(api_base: &str, secret_key: Secret) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .build()?;
        Ok(Self {
            http,
            api_base: api_base.trim_end_matches('/').to_owned(),
            secret_key,
        })
    }

    async fn send(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<(reqwest::StatusCode, serde_json::Value), PaymentError> {
        let response = request
            .bearer_auth(self.secret_key.expose())
            .send()
            .await
            .map_err(|error| PaymentError::Unavailable(error.to_string()))?;
        let status = response.status();
        let body: serde_json::Value = response
            .json()
            .await
            .map_err(|error| PaymentError::Unavailable(error.to_string()))?;
        if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            return Err(PaymentError::Unavailable(format!(
                "stripe answered {status}"
            )));
        }
        Ok((status, body))
    }

    async fn create_intent(&self, charge: Charge<'_>) -> Result<ChargeOutcome, PaymentError> {
        let amount = charge.amount_minor.to_string();
        let currency = charge.currency.to_ascii_lowercase();
        let order_id = charge.order_id.to_string();
        let payment_id = charge.payment_id.to_string();
        let form = [
            ("amount", amount.as_str()),
            ("currency", currency.as_str()),
            ("payment_method", charge.payment_method),
            ("confirm", "true"),
            ("automatic_payment_methods[enabled]", "true"),
            ("automatic_payment_methods[allow_redirects]", "never"),
            ("metadata[order_id]", order_id.as_str()),
            ("metadata[payment_id]", payment_id.as_str()),
        ];
        let request = self
            .http
            .post(format!("{}/v1/payment_intents", self.api_base))
            .header("Idempotency-Key", &payment_id)
            .form(&form);
        let (status, body) = self.send(request).await?;
        if status.is_success() {
            let intent: PaymentIntent = serde_json::from_value(body)
                .map_err(|error| PaymentError::Rejected(error.to_string()))?;
            return Ok(intent.outcome());
        }
        let error: StripeError =
            serde_json::from_value(body.get("error").cloned().unwrap_or_default())
                .unwrap_or_default();
        if status == reqwest::StatusCode::PAYMENT_REQUIRED || error.kind == "card_error" {
            return Ok(ChargeOutcome::Declined {
                reference: error.payment_intent.map(|intent| intent.id),
                code: error
                    .decline_code
                    .or(error.code)
                    .unwrap_or_else(|| "card_declined".to_owned()),
                message: error
                    .message
                    .unwrap_or_else(|| "the card was declined".to_owned()),
            });
        }
        Err(PaymentError::Rejected(format!(
            "{status}: {}",
            error.message.unwrap_or_default()
        )))
    }
}

impl PaymentProvider for Stripe {
    fn name(&self) -> &'static str {
        "stripe"
    }

    fn charge<'a>(
        &'a self,
        charge: Charge<'a>,
    ) -> BoxFuture<'a, Result<ChargeOutcome, PaymentError>> {
        self.create_intent(charge).boxed()
    }

    fn status<'a>(
        &'a self,
        reference: &'a str,
        _started_at: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<ChargeStatus, PaymentError>> {
        async move {
            let request = self
                .http
                .get(format!("{}/v1/payment_intents/{reference}", self.api_base));
            let (status, body) = self.send(request).await?;
            if !status.is_success() {
                return Err(PaymentError::Rejected(format!("stripe answered {status}")));
            }
            let intent: PaymentIntent = serde_json::from_value(body)
                .map_err(|error| PaymentError::Rejected(error.to_string()))?;
            Ok(match intent.outcome() {
                ChargeOutcome::Succeeded { .. } => ChargeStatus::Succeeded,
                ChargeOutcome::Processing { .. } => ChargeStatus::Processing,
                ChargeOutcome::Declined { code, message, .. } => {
                    ChargeStatus::Failed { code, message }
                }
            })
        }
        .boxed()
    }

    fn refund<'a>(
        &'a self,
        key: Uuid,
        reference: &'a str,
        amount_minor: i64,
    ) -> BoxFuture<'a, Result<String, PaymentError>> {
        async move {
            let amount = amount_minor.to_string();
            let request = self
                .http
                .post(format!("{}/v1/refunds", self.api_base))
                .header("Idempotency-Key", format!("refund-{key}"))
                .form(&[("payment_intent", reference), ("amount", amount.as_str())]);
            let (status, body) = self.send(request).await?;
            if !status.is_success() {
                return Err(PaymentError::Rejected(format!("stripe answered {status}")));
            }
            body.get("id")
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| PaymentError::Rejected("a refund without an id".to_owned()))
        }
        .boxed()
    }

    fn poll_after(&self) -> Duration {
        POLL_AFTER
    }
}

#[derive(Debug, Deserialize)]
struct PaymentIntent {
    id: String,
    status: String,
    #[serde(default)]
    client_secret: Option<String>,
    #[serde(default)]
    last_payment_error: Option<StripeError>,
}

impl PaymentIntent {
    fn outcome(self) -> ChargeOutcome {
        match self.status.as_str() {
            "succeeded" => ChargeOutcome::Succeeded { reference: self.id },
            "requires_payment_method" | "canceled" => {
                let error = self.last_payment_error.unwrap_or_default();
                ChargeOutcome::Declined {
                    reference: Some(self.id),
                    code: error
                        .decline_code
                        .or(error.code)
                        .unwrap_or_else(|| self.status.clone()),
                    message: error
                        .message
                        .unwrap_or_else(|| "the payment did not go through".to_owned()),
                }
            }
            // processing, requires_action, requires_confirmation, requires_capture
            _ => ChargeOutcome::Processing {
                reference: self.id,
                client_secret: self.client_secret,
            },
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct StripeError {
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    decline_code: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    payment_intent: Option<IntentRef>,
}

#[derive(Debug, Deserialize)]
struct IntentRef {
    id: String,
}

/// A webhook event, as far as order-service reads it.
#[derive(Debug, Clone, Deserialize)]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub data: EventData,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EventData {
    pub object: serde_json::Value,
}

impl Event {
    /// The PaymentIntent id of a `payment_intent.*` event.
    pub fn intent_id(&self) -> Option<&str> {
        self.data
            .object
            .get("id")
            .and_then(serde_json::Value::as_str)
    }

    /// The payment id our charge put in the intent's metadata.
    pub fn payment_id(&self) -> Option<Uuid> {
        self.data
            .object
            .pointer("/metadata/payment_id")
            .and_then(serde_json::Value::as_str)
            .and_then(|id| id.parse().ok())
    }

    /// Why a `payment_intent.payment_failed` event failed.
    pub fn failure(&self) -> (String, String) {
        let error = self.data.object.get("last_payment_error");
        let text = |field: &str| {
            error
                .and_then(|error| error.get(field))
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
        };
        (
            text("decline_code")
                .or_else(|| text("code"))
                .unwrap_or_else(|| "payment_failed".to_owned()),
            text("message").unwrap_or_else(|| "the payment did not go through".to_owned()),
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    #[error("no Stripe-Signature header")]
    MissingSignature,
    #[error("the Stripe-Signature header is malformed")]
    MalformedSignature,
    #[error("no signature matches the payload")]
    BadSignature,
    #[error("the signature's timestamp is outside the tolerated window")]
    Stale,
    #[error("webhooks are not configured on this service")]
    NotConfigured,
    #[error("the event is not valid JSON: {0}")]
    BadPayload(String),
}

/// Checks `Stripe-Signature` headers: an HMAC-SHA256 of `"{t}.{payload}"` with the
/// endpoint's signing secret, and a timestamp within the tolerance (against replays).
#[derive(Clone)]
pub struct WebhookVerifier {
    secret: Option<Secret>,
    tolerance: Duration,
}

impl WebhookVerifier {
    pub fn new(secret: Option<Secret>, tolerance: Duration) -> Self {
        Self { secret, tolerance }
    }

    pub fn verify(
        &self,
        payload: &[u8],
        header: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Event, WebhookError> {
        let secret = self.secret.as_ref().ok_or(WebhookError::NotConfigured)?;
        let header = header.ok_or(WebhookError::MissingSignature)?;
        let mut timestamp = None;
        let mut signatures = Vec::new();
        for part in header.split(',') {
            let (name, value) = part
                .trim()
                .split_once('=')
                .ok_or(WebhookError::MalformedSignature)?;
            match name {
                "t" => {
                    timestamp = Some(
                        value
                            .parse::<i64>()
                            .map_err(|_| WebhookError::MalformedSignature)?,
                    );
                }
                // v0 is Stripe's test scheme; only v1 is trusted.
                "v1" => {
                    signatures
                        .push(hex::decode(value).map_err(|_| WebhookError::MalformedSignature)?);
                }
                _ => {}
            }
        }
        let timestamp = timestamp.ok_or(WebhookError::MalformedSignature)?;
        if signatures.is_empty() {
            return Err(WebhookError::MalformedSignature);
        }
        let matches = signatures.iter().any(|signature| {
            let mut mac = mac(secret.expose());
            mac.update(timestamp.to_string().as_bytes());
            mac.update(b".");
            mac.update(payload);
            // Constant-time comparison.
            mac.verify_slice(signature).is_ok()
        });
        if !matches {
            return Err(WebhookError::BadSignature);
        }
        let tolerance = i64::try_from(self.tolerance.as_secs()).unwrap_or(i64::MAX);
        if (now.timestamp() - timestamp).abs() > tolerance {
            return Err(WebhookError::Stale);
        }
        serde_json::from_slice(payload).map_err(|error| WebhookError::BadPayload(error.to_string()))
    }
}

fn mac(secret: &str) -> Hmac<Sha256> {
    <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .expect("HMAC accepts keys of any length")
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    const SECRET: &str = "whsec_test_fixture";
    const PAYLOAD: &str = r#"{"id":"evt_1","type":"payment_intent.succeeded","data":{"object":{"id":"pi_1","metadata":{"payment_id":"0192a0e4-0000-7000-8000-000000000001"}}}}"#;

    fn sign(payload: &str, secret: &str, timestamp: i64) -> String {
        let mut mac = mac(secret);
        mac.update(format!("{timestamp}.{payload}").as_bytes());
        format!(
            "t={timestamp},v1={}",
            hex::encode(mac.finalize().into_bytes())
        )
    }

    fn verifier() -> WebhookVerifier {
        WebhookVerifier::new(
            Some(Secret::from_str(SECRET).expect("secret")),
            Duration::from_secs(300),
        )
    }

    fn at(timestamp: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(timestamp, 0).expect("time")
    }

    #[test]
    fn a_correctly_signed_event_is_accepted() {
        let header = sign(PAYLOAD, SECRET, 1_700_000_000);
        let event = verifier()
            .verify(PAYLOAD.as_bytes(), Some(&header), at(1_700_000_100))
            .expect("verifies");
        assert_eq!(event.kind, "payment_intent.succeeded");
        assert_eq!(event.intent_id(), Some("pi_1"));
        assert!(event.payment_id().is_some());
    }

    #[test]
    fn any_of_several_v1_signatures_may_match() {
        // Stripe sends one v1 per active secret while a secret is being rolled.
        let good = sign(PAYLOAD, SECRET, 1_700_000_000);
        let other = sign(PAYLOAD, "whsec_old", 1_700_000_000);
        let v1 = good.split_once(",v1=").expect("v1").1;
        let header = format!("{other},v1={v1},v0=abcd");
        assert!(
            verifier()
                .verify(PAYLOAD.as_bytes(), Some(&header), at(1_700_000_000))
                .is_ok()
        );
    }

    #[test]
    fn a_tampered_payload_or_wrong_secret_is_refused() {
        let header = sign(PAYLOAD, SECRET, 1_700_000_000);
        let tampered = PAYLOAD.replace("pi_1", "pi_2");
        assert_eq!(
            verifier()
                .verify(tampered.as_bytes(), Some(&header), at(1_700_000_000))
                .err(),
            Some(WebhookError::BadSignature)
        );
        let header = sign(PAYLOAD, "whsec_someone_else", 1_700_000_000);
        assert_eq!(
            verifier()
                .verify(PAYLOAD.as_bytes(), Some(&header), at(1_700_000_000))
                .err(),
            Some(WebhookError::BadSignature)
        );
    }

    #[test]
    fn a_replayed_old_event_is_refused() {
        let header = sign(PAYLOAD, SECRET, 1_700_000_000);
        assert_eq!(
            verifier()
                .verify(PAYLOAD.as_bytes(), Some(&header), at(1_700_000_301))
                .err(),
            Some(WebhookError::Stale)
        );
    }

    #[test]
    fn the_timestamp_is_part_of_what_is_signed() {
        let header = sign(PAYLOAD, SECRET, 1_700_000_000).replace("t=1700000000", "t=1700000200");
        assert_eq!(
            verifier()
                .verify(PAYLOAD.as_bytes(), Some(&header), at(1_700_000_200))
                .err(),
            Some(WebhookError::BadSignature)
        );
    }

    #[test]
    fn malformed_or_missing_headers_are_refused() {
        for header in [
            "",
            "t=abc,v1=00",
            "v1=00",
            "t=1700000000",
            "t=1700000000,v1=zz",
        ] {
            assert_eq!(
                verifier()
                    .verify(PAYLOAD.as_bytes(), Some(header), at(1_700_000_000))
                    .err(),
                Some(WebhookError::MalformedSignature),
                "{header:?}"
            );
        }
        assert_eq!(
            verifier()
                .verify(PAYLOAD.as_bytes(), None, at(1_700_000_000))
                .err(),
            Some(WebhookError::MissingSignature)
        );
        let unconfigured = WebhookVerifier::new(None, Duration::from_secs(300));
        let header = sign(PAYLOAD, SECRET, 1_700_000_000);
        assert_eq!(
            unconfigured
                .verify(PAYLOAD.as_bytes(), Some(&header), at(1_700_000_000))
                .err(),
            Some(WebhookError::NotConfigured)
        );
    }

    #[test]
    fn intents_map_to_outcomes() {
        let intent = |status: &str| PaymentIntent {
            id: "pi_1".to_owned(),
            status: status.to_owned(),
            client_secret: Some("pi_1_secret".to_owned()),
            last_payment_error: None,
        };
        assert!(matches!(
            intent("succeeded").outcome(),
            ChargeOutcome::Succeeded { .. }
        ));
        assert!(matches!(
            intent("requires_action").outcome(),
            ChargeOutcome::Processing {
                client_secret: Some(_),
                ..
            }
        ));
        assert!(matches!(
            intent("requires_payment_method").outcome(),
            ChargeOutcome::Declined { .. }
        ));
    }
}
