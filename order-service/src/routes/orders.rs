//! Orders: placed from a hold (idempotently), read back by their buyer, cancelled while
//! pending. The workflow is in `checkout`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use service_runtime::JsonBody;
use service_runtime::auth::{AuthError, OptionalAuthenticated};
use service_runtime::params::Path;
use sha2::{Digest, Sha256};
use shared_dto::seat_hold::HoldToken;
use uuid::Uuid;

use crate::checkout::{self, Idempotency, OrderRequest, Placed};
use crate::data::orders;
use crate::error::ApiError;
use crate::order_access::{self, may_act_on};
use crate::routes::order_view::order_view;
pub use crate::routes::order_view::{BuyerDetails, Order, OrderItem, Payment};
use crate::state::AppState;

const IDEMPOTENCY_HEADER: &str = "idempotency-key";

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrder {
    pub hold_token: String,
    /// Case-insensitive.
    pub discount_code: Option<String>,
    pub buyer: BuyerDetails,
}

fn idempotency_key(headers: &HeaderMap) -> Result<String, ApiError> {
    let key = headers
        .get(IDEMPOTENCY_HEADER)
        .ok_or_else(|| {
            ApiError::invalid(
                "Idempotency-Key",
                "an Idempotency-Key header is required, so a retried request cannot buy twice",
            )
        })?
        .to_str()
        .map_err(|_| ApiError::invalid("Idempotency-Key", "must be printable ASCII"))?
        .trim();
    if key.is_empty() || key.len() > 255 {
        return Err(ApiError::invalid(
            "Idempotency-Key",
            "must be 1 to 255 characters (a UUID is a good choice)",
        ));
    }
    Ok(key.to_owned())
}

/// Equal for requests that mean the same, whatever their formatting or field order.
fn request_hash(request: &CreateOrder) -> Result<String, ApiError> {
    let canonical = serde_json::to_vec(request).map_err(ApiError::internal)?;
    Ok(hex::encode(Sha256::digest(canonical)))
}

fn check_buyer(buyer: &BuyerDetails) -> Result<(), ApiError> {
    let name = buyer.name.trim();
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            "/buyer/name",
            "a name of 1 to 200 printable characters is required",
        ));
    }
    let email = buyer.email.trim();
    let valid_email = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
    if !valid_email {
        return Err(ApiError::invalid(
            "/buyer/email",
            "an email address is required",
        ));
    }
    Ok(())
}

#[utoipa::path(post, path = "/api/sales/orders", tag = "orders",
    params(("Idempotency-Key" = String, Header,
        description = "required; the same key with the same body returns the same order (200), with another body 422")),
    request_body = CreateOrder,
    responses(
        (status = 201, body = Order, description = "placed, pending payment"),
        (status = 200, body = Order, description = "a repeat of an earlier request with this key"),
        (status = 403, description = "the hold was taken by another signed-in user"),
        (status = 409, description = "a place was sold meanwhile (`unavailable`), the discount is used up, or the hold already has an order"),
        (status = 410, description = "the hold has expired"),
        (status = 422, description = "invalid buyer details or discount code, or the key was used for another request")),
    security((), ("bearer" = [])))]
pub async fn create_order(
    State(state): State<AppState>,
    OptionalAuthenticated(principal): OptionalAuthenticated,
    headers: HeaderMap,
    JsonBody(request): JsonBody<CreateOrder>,
) -> Result<(StatusCode, Json<Order>), ApiError> {
    let idempotency = Idempotency {
        scope: principal.as_ref().map_or_else(
            || "guest".to_owned(),
            |caller| format!("sub:{}", caller.subject),
        ),
        key: idempotency_key(&headers)?,
        request_hash: request_hash(&request)?,
    };
    check_buyer(&request.buyer)?;
    let hold_token = HoldToken::parse(&request.hold_token)
        .ok_or_else(|| ApiError::invalid("/hold_token", "not a hold token"))?;
    let placed = checkout::place(
        &state,
        OrderRequest {
            hold_token: &hold_token,
            discount_code: request.discount_code.as_deref(),
            buyer_name: &request.buyer.name,
            buyer_email: &request.buyer.email,
            caller: principal.as_ref(),
            idempotency,
        },
    )
    .await?;
    let (status, order) = match placed {
        Placed::New(order) => (StatusCode::CREATED, order),
        Placed::Repeated(order) => (StatusCode::OK, order),
    };
    Ok((status, Json(order_view(&state, order).await?)))
}

#[utoipa::path(get, path = "/api/sales/orders/{id}", tag = "orders",
    params(("id" = Uuid, Path),
        ("Order-Access-Token" = Option<String>, Header, description = "a guest order's `access_token`")),
    responses((status = 200, body = Order),
        (status = 401, description = "neither a bearer token nor an order access token"),
        (status = 404, description = "no such order, or not yours: a guest order needs its access token")),
    security((), ("bearer" = [])))]
pub async fn get_order(
    State(state): State<AppState>,
    OptionalAuthenticated(principal): OptionalAuthenticated,
    headers: HeaderMap,
    Path(order_id): Path<Uuid>,
) -> Result<Json<Order>, ApiError> {
    if principal.is_none() && order_access::presented(&headers).is_none() {
        return Err(AuthError::MissingToken.into());
    }
    let order = orders::find(&state.pool, order_id)
        .await?
        .filter(|order| may_act_on(&state.order_access, order, principal.as_ref(), &headers))
        .ok_or(ApiError::NotFound)?;
    Ok(Json(order_view(&state, order).await?))
}

#[utoipa::path(post, path = "/api/sales/orders/{id}/cancel", tag = "orders",
    params(("id" = Uuid, Path),
        ("Order-Access-Token" = Option<String>, Header, description = "a guest order's `access_token`")),
    responses(
        (status = 200, body = Order, description = "cancelled; its places and discount use are released"),
        (status = 404, description = "no such order, or not yours: a guest order needs its access token"),
        (status = 409, description = "the order is no longer pending")),
    security((), ("bearer" = [])))]
pub async fn cancel_order(
    State(state): State<AppState>,
    OptionalAuthenticated(principal): OptionalAuthenticated,
    headers: HeaderMap,
    Path(order_id): Path<Uuid>,
) -> Result<Json<Order>, ApiError> {
    let order = orders::find(&state.pool, order_id)
        .await?
        .filter(|order| may_act_on(&state.order_access, order, principal.as_ref(), &headers))
        .ok_or(ApiError::NotFound)?;
    let order = checkout::cancel(&state, order).await?;
    Ok(Json(order_view(&state, order).await?))
}
