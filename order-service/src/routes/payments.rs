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

use crate::checkout;
use crate::error::ApiError;
use crate::fulfilment;
use crate::order_access::may_act_on;
use crate::routes::order_view::{Order, order_view};
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
    let paid = checkout::pay(&state, order_id, &request.payment_method, |order| {
        may_act_on(&state.order_access, order, principal.as_ref(), &headers)
    })
    .await?;
    let mut view = order_view(&state, paid.order).await?;
    view.client_secret = paid.client_secret;
    Ok(Json(view))
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
    let action = fulfilment::provider_event(&state, &event).await?;
    Ok(Json(WebhookReceipt {
        received: true,
        action: action.as_str(),
    }))
}
