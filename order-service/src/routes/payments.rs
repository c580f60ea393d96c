//! Paying for an order, and Stripe's webhook that settles payments it could not settle at
//! once.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use service_runtime::JsonBody;
use service_runtime::auth::OptionalAuthenticated;
use service_runtime::params::Path;
use uuid::Uuid;

use crate::data::{orders, payments};
use crate::error::ApiError;
use crate::fulfilment::{self, Settlement};
use crate::payment::{Charge, ChargeOutcome};
use crate::routes::orders::{Order, may_act_on, order_view};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayOrder {
    /// Sandbox: a test card number — `4242 4242 4242 4242` approves, `4000 0000 0000 0002`
    /// declines, `4000 0000 0000 9995` declines for insufficient funds, `4000 0000 0000 3220`
    /// settles after a delay (the order stays `pending` with a `processing` payment until
    /// then). Stripe: a PaymentMethod id (`pm_…`).
    pub payment_method: String,
}

#[utoipa::path(post, path = "/api/sales/orders/{id}/pay", tag = "payments",
    params(("id" = Uuid, Path),
        ("Order-Access-Token" = Option<String>, Header, description = "a guest order's `access_token`")),
    request_body = PayOrder,
    responses(
        (status = 200, body = Order, description = "paid and ticketed, or still processing (see the payment)"),
        (status = 402, description = "declined; the order stays pending and can be paid with another method"),
        (status = 404),
        (status = 409, description = "a payment is already processing, or the places were sold while the payment was processed (it is refunded)"),
        (status = 410, description = "the order has expired or was cancelled"),
        (status = 502, description = "the payment provider could not be reached")),
    security((), ("bearer" = [])))]
pub async fn pay_order(
    State(state): State<AppState>,
    OptionalAuthenticated(principal): OptionalAuthenticated,
    headers: HeaderMap,
    Path(order_id): Path<Uuid>,
    JsonBody(request): JsonBody<PayOrder>,
) -> Result<Json<Order>, ApiError> {
    if request.payment_method.trim().is_empty() {
        return Err(ApiError::invalid(
            "/payment_method",
            "a payment method is required",
        ));
    }
    let provider = &state.payments;
    let payment_id = Uuid::new_v4();
    let mut tx = state.pool.begin().await?;
    let order = orders::lock(&mut tx, order_id)
        .await
        .map_err(ApiError::from)?;
    if !may_act_on(&state, &order, principal.as_ref(), &headers) {
        return Err(ApiError::NotFound);
    }
    match order.status.as_str() {
        "paid" | "ticketed" => {
            tx.commit().await?;
            return Ok(Json(order_view(&state, order).await?));
        }
        "refunded" => {
            return Err(ApiError::conflict(
                "order_refunded",
                "this order was refunded",
            ));
        }
        "cancelled" => {
            return Err(ApiError::gone(
                "order_cancelled",
                "this order was cancelled",
            ));
        }
        "expired" => return Err(order_expired()),
        _ if order.is_overdue(Utc::now()) => {
            orders::close_pending(&mut tx, order_id, "expired").await?;
            tx.commit().await?;
            return Err(order_expired());
        }
        _ => {}
    }
    payments::start(
        &mut tx,
        payment_id,
        order_id,
        provider.name(),
        order.total_minor,
        &order.currency,
    )
    .await?;
    tx.commit().await?;

    let outcome = if order.total_minor == 0 {
        Ok(ChargeOutcome::Succeeded {
            reference: format!("free_{}", payment_id.simple()),
        })
    } else {
        provider
            .charge(Charge {
                payment_id,
                order_id,
                amount_minor: order.total_minor,
                currency: order.currency.trim(),
                payment_method: request.payment_method.trim(),
            })
            .await
    };
    let mut client_secret = None;
    let label = match &outcome {
        Err(_) => "provider_error",
        Ok(ChargeOutcome::Declined { .. }) => "declined",
        Ok(ChargeOutcome::Processing { .. }) => "processing",
        Ok(ChargeOutcome::Succeeded { .. }) => "succeeded",
    };
    metrics::counter!("payments_total", "outcome" => label).increment(1);
    match outcome {
        Err(error) => {
            // The provider may yet report success through its webhook, which settles it.
            payments::fail(
                &state.pool,
                payment_id,
                None,
                "provider_unavailable",
                &error.to_string(),
            )
            .await?;
            return Err(ApiError::Provider(error.to_string()));
        }
        Ok(ChargeOutcome::Declined {
            reference,
            code,
            message,
        }) => {
            payments::fail(
                &state.pool,
                payment_id,
                reference.as_deref(),
                &code,
                &message,
            )
            .await?;
            return Err(ApiError::PaymentDeclined {
                decline_code: code,
                message,
            });
        }
        Ok(ChargeOutcome::Processing {
            reference,
            client_secret: secret,
        }) => {
            payments::set_reference(&state.pool, payment_id, &reference).await?;
            client_secret = secret;
        }
        Ok(ChargeOutcome::Succeeded { reference }) => {
            payments::set_reference(&state.pool, payment_id, &reference).await?;
            let settlement =
                fulfilment::payment_succeeded(&state, payment_id, Some(&reference)).await?;
            tracing::info!(%order_id, %payment_id, ?settlement, "payment settled");
            if settlement == Settlement::Refunded {
                return Err(ApiError::conflict(
                    "seats_unavailable",
                    "the places were sold while the payment was processed; it has been refunded",
                )
                .with("unavailable", Vec::<String>::new()));
            }
        }
    }
    let order = orders::find(&state.pool, order_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut view = order_view(&state, order).await?;
    view.client_secret = client_secret;
    Ok(Json(view))
}

fn order_expired() -> ApiError {
    ApiError::gone(
        "order_expired",
        "the order's hold ran out before payment; hold the places again",
    )
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WebhookReceipt {
    pub received: bool,
    /// What the event did: `settled`, `failed`, or `ignored`.
    pub action: &'static str,
}

#[utoipa::path(post, path = "/api/sales/payments/stripe/webhook", tag = "payments",
    request_body(content = String, description = "a Stripe event, signed in the Stripe-Signature header"),
    responses(
        (status = 200, body = WebhookReceipt),
        (status = 400, description = "missing, malformed, stale or wrong signature")))]
pub async fn stripe_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<WebhookReceipt>, ApiError> {
    let signature = headers
        .get("stripe-signature")
        .and_then(|value| value.to_str().ok());
    let event = state
        .webhooks
        .verify(&body, signature, Utc::now())
        .map_err(|error| ApiError::BadWebhook(error.to_string()))?;
    let receipt = |action| {
        Json(WebhookReceipt {
            received: true,
            action,
        })
    };
    let payment = match event.payment_id() {
        Some(payment_id) => payments::find(&state.pool, payment_id).await?,
        None => match event.intent_id() {
            Some(intent) => payments::find_by_reference(&state.pool, "stripe", intent).await?,
            None => None,
        },
    };
    // An event about a payment this deployment did not make is acknowledged, or Stripe
    // would retry it for days.
    let Some(payment) = payment.filter(|payment| payment.provider == "stripe") else {
        tracing::info!(event_id = %event.id, kind = %event.kind, "webhook for an unknown payment");
        return Ok(receipt("ignored"));
    };
    match event.kind.as_str() {
        "payment_intent.succeeded" => {
            let settlement =
                fulfilment::payment_succeeded(&state, payment.payment_id, event.intent_id())
                    .await?;
            tracing::info!(payment_id = %payment.payment_id, ?settlement, "payment settled by webhook");
            Ok(receipt("settled"))
        }
        "payment_intent.payment_failed" => {
            let (code, message) = event.failure();
            payments::fail(
                &state.pool,
                payment.payment_id,
                event.intent_id(),
                &code,
                &message,
            )
            .await?;
            Ok(receipt("failed"))
        }
        _ => Ok(receipt("ignored")),
    }
}
