//! Orders: placed from a hold (idempotently), read back by their buyer, cancelled while
//! pending.

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use service_runtime::JsonBody;
use service_runtime::auth::{AuthError, OptionalAuthenticated, Principal};
use service_runtime::params::Path;
use sha2::{Digest, Sha256};
use shared_dto::discount::{DiscountWindow, normalise_code};
use shared_dto::money::Currency;
use shared_dto::seat_hold::HoldRecord;
use uuid::Uuid;

use crate::buyer::may_use_hold;
use crate::data::orders::{self, DiscountRow, IdempotencyRow, NewOrder, OrderRow, ReserveRefusal};
use crate::data::{payments, sessions, tickets};
use crate::error::ApiError;
use crate::fulfilment;
use crate::order_access;
use crate::pricing::{self, PlannedItem, PricingError, TierPrice};
use crate::routes::tickets::Ticket;
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

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BuyerDetails {
    /// Printed on the tickets.
    pub name: String,
    pub email: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Order {
    pub order_id: Uuid,
    pub event_id: Uuid,
    pub session_id: Uuid,
    /// `pending` → `paid` → `ticketed`; `pending` → `expired` | `cancelled`; `paid` →
    /// `refunded`. A payment that arrives after expiry completes an `expired` order when its
    /// places are still free, and refunds it otherwise.
    pub status: String,
    pub buyer: BuyerDetails,
    pub currency: String,
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    pub total_minor: i64,
    pub discount_code: Option<String>,
    /// A pending order must be paid before this.
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub paid_at: Option<DateTime<Utc>>,
    pub ticketed_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub items: Vec<OrderItem>,
    pub tickets: Vec<Ticket>,
    pub payments: Vec<Payment>,
    /// Stripe: the PaymentIntent's client secret, when the browser must finish a customer
    /// action (3-D Secure).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// A guest order's own secret: send it in the `Order-Access-Token` header to read, pay or
    /// cancel the order. Absent for orders of signed-in buyers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrderItem {
    /// Null for a standing place.
    pub seat_id: Option<String>,
    pub block_id: String,
    pub tier_id: Uuid,
    pub label: Option<String>,
    pub unit_price_minor: i64,
    pub discount_minor: i64,
    pub price_minor: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Payment {
    pub payment_id: Uuid,
    pub provider: String,
    /// `processing`, `succeeded`, `failed`, `refund_pending` or `refunded`.
    pub status: String,
    pub amount_minor: i64,
    pub currency: String,
    pub failure_code: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The order with its items, tickets (with QR codes) and payments.
pub async fn order_view(state: &AppState, order: OrderRow) -> Result<Order, ApiError> {
    let items = orders::items(&state.pool, order.order_id).await?;
    let tickets = tickets::of_order(&state.pool, order.order_id).await?;
    let payments = payments::of_order(&state.pool, order.order_id).await?;
    let map = sessions::load(&state.pool, &state.seat_maps, order.session_id)
        .await
        .ok()
        .map(|session| session.map);
    let label = |seat_id: &Option<String>| {
        let seat = map.as_ref()?.seats.get(seat_id.as_ref()?)?;
        Some(seat.label.clone())
    };
    Ok(Order {
        order_id: order.order_id,
        event_id: order.event_id,
        session_id: order.session_id,
        status: order.status,
        buyer: BuyerDetails {
            name: order.buyer_name,
            email: order.buyer_email,
        },
        currency: order.currency,
        subtotal_minor: order.subtotal_minor,
        discount_minor: order.discount_minor,
        total_minor: order.total_minor,
        discount_code: order.discount_code,
        expires_at: order.expires_at,
        created_at: order.created_at,
        paid_at: order.paid_at,
        ticketed_at: order.ticketed_at,
        closed_at: order.closed_at,
        items: items
            .iter()
            .map(|item| OrderItem {
                seat_id: item.seat_id.clone(),
                block_id: item.block_id.clone(),
                tier_id: item.tier_id,
                label: label(&item.seat_id),
                unit_price_minor: item.unit_price_minor,
                discount_minor: item.discount_minor,
                price_minor: item.unit_price_minor - item.discount_minor,
            })
            .collect(),
        tickets: tickets
            .iter()
            .map(|ticket| Ticket::new(ticket, label(&ticket.seat_id), &state.tickets))
            .collect(),
        payments: payments
            .into_iter()
            .map(|payment| Payment {
                payment_id: payment.payment_id,
                provider: payment.provider,
                status: payment.status,
                amount_minor: payment.amount_minor,
                currency: payment.currency,
                failure_code: payment.failure_code,
                created_at: payment.created_at,
            })
            .collect(),
        client_secret: None,
        access_token: order
            .customer_subject
            .is_none()
            .then(|| state.order_access.token(order.order_id)),
    })
}

/// A signed-in buyer's order is theirs (and the platform's); a guest's order belongs to
/// whoever presents its access token (and the platform).
pub fn may_act_on(
    state: &AppState,
    order: &OrderRow,
    principal: Option<&Principal>,
    headers: &HeaderMap,
) -> bool {
    if principal.is_some_and(|caller| caller.is_admin() || caller.is_service()) {
        return true;
    }
    match &order.customer_subject {
        Some(subject) => principal.is_some_and(|caller| caller.subject == *subject),
        None => order_access::presented(headers)
            .is_some_and(|token| state.order_access.verify(order.order_id, token)),
    }
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

async fn replay(
    state: &AppState,
    previous: IdempotencyRow,
    request_hash: &str,
) -> Result<(StatusCode, Json<Order>), ApiError> {
    if previous.request_hash != request_hash {
        return Err(ApiError::rejected(
            "idempotency_key_reused",
            "Idempotency-Key",
            "this Idempotency-Key was already used for a different request",
        ));
    }
    let order = orders::find(&state.pool, previous.order_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((StatusCode::OK, Json(order_view(state, order).await?)))
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

async fn tier_prices(
    state: &AppState,
    event_id: Uuid,
) -> Result<HashMap<Uuid, TierPrice>, ApiError> {
    let rows: Vec<(Uuid, i64, String)> =
        sqlx::query_as("select tier_id, price_minor, currency from tier where event_id = $1")
            .bind(event_id)
            .fetch_all(&state.pool)
            .await?;
    rows.into_iter()
        .map(|(tier_id, price_minor, currency)| {
            let currency = Currency::parse(currency.trim()).map_err(ApiError::internal)?;
            Ok((
                tier_id,
                TierPrice {
                    price_minor,
                    currency,
                },
            ))
        })
        .collect()
}

async fn usable_discount(
    state: &AppState,
    event_id: Uuid,
    code: &str,
    now: DateTime<Utc>,
) -> Result<DiscountRow, ApiError> {
    let normalised = normalise_code(code)
        .map_err(|error| ApiError::invalid("/discount_code", error.to_string()))?;
    let discount = orders::find_discount(&state.pool, event_id, &normalised)
        .await?
        .ok_or_else(|| {
            ApiError::rejected(
                "unknown_discount_code",
                "/discount_code",
                "no such discount code for this event",
            )
        })?;
    let window = DiscountWindow {
        starts_at: discount.starts_at,
        ends_at: discount.ends_at,
    };
    if !window.contains(now) {
        return Err(ApiError::rejected(
            "discount_not_active",
            "/discount_code",
            "this discount code cannot be used at this time",
        ));
    }
    Ok(discount)
}

/// One item per held seat and standing place, with its tier from the session's seat map.
fn planned_items(
    record: &HoldRecord,
    map: &sessions::SeatMap,
) -> Result<Vec<PlannedItem>, ApiError> {
    let changed = || {
        ApiError::conflict(
            "seat_map_changed",
            "the seat map changed since these places were held; hold them again",
        )
    };
    let mut items = Vec::new();
    for seat_id in &record.seat_ids {
        let seat = map.seats.get(seat_id).ok_or_else(changed)?;
        items.push(PlannedItem::seat(seat_id, &seat.block_id, seat.tier_id));
    }
    for standing in &record.standing {
        let area = map.standing.get(&standing.block_id).ok_or_else(changed)?;
        items.extend(PlannedItem::standing(
            &standing.block_id,
            area.tier_id,
            standing.quantity,
        ));
    }
    Ok(items)
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
    let key = idempotency_key(&headers)?;
    let scope = principal.as_ref().map_or_else(
        || "guest".to_owned(),
        |caller| format!("sub:{}", caller.subject),
    );
    let hash = request_hash(&request)?;
    if let Some(previous) = orders::find_idempotency(&state.pool, &scope, &key).await? {
        return replay(&state, previous, &hash).await;
    }
    check_buyer(&request.buyer)?;

    let expired = || {
        ApiError::gone(
            "hold_expired",
            "the hold has expired; hold the places again",
        )
    };
    let hold_token = shared_dto::seat_hold::HoldToken::parse(&request.hold_token)
        .ok_or_else(|| ApiError::invalid("/hold_token", "not a hold token"))?;
    let record = state.holds.get(&hold_token).await?.ok_or_else(expired)?;
    if !may_use_hold(&record.buyer, principal.as_ref()) {
        return Err(ApiError::Forbidden("this hold was taken by another user"));
    }
    let now = Utc::now();
    if record.expires_at_ms <= now.timestamp_millis() {
        return Err(expired());
    }
    let session_id: Uuid = record.session_id.parse().map_err(ApiError::internal)?;
    let session = sessions::load(&state.pool, &state.seat_maps, session_id).await?;
    session.ensure_on_sale(now)?;

    let planned = planned_items(&record, &session.map)?;
    let tiers = tier_prices(&state, session.event_id).await?;
    let discount = match request.discount_code.as_deref().map(str::trim) {
        Some(code) if !code.is_empty() => {
            Some(usable_discount(&state, session.event_id, code, now).await?)
        }
        _ => None,
    };
    let priced = pricing::price(
        session_id,
        planned,
        &tiers,
        discount.as_ref().map(|discount| &discount.rule.0),
    )
    .map_err(|error| match error {
        PricingError::Discount(reason) => {
            ApiError::rejected(reason.code(), "/discount_code", reason.to_string())
        }
        other => ApiError::Internal(other.to_string()),
    })?;

    let email = request.buyer.email.trim().to_lowercase();
    let customer_key = principal.as_ref().map_or_else(
        || format!("email:{email}"),
        |caller| format!("sub:{}", caller.subject),
    );
    let order_id = Uuid::new_v4();
    let standing_blocks: Vec<String> = record
        .standing
        .iter()
        .map(|standing| standing.block_id.clone())
        .collect();

    let mut tx = state.pool.begin().await?;
    if !orders::claim_idempotency(&mut tx, &scope, &key, &hash, order_id).await? {
        // A concurrent request with this key committed first.
        tx.rollback().await?;
        let previous = orders::find_idempotency(&state.pool, &scope, &key)
            .await?
            .ok_or_else(|| ApiError::Busy("idempotency key claimed but not found".into()))?;
        return replay(&state, previous, &hash).await;
    }
    // Orders whose holds ran out no longer keep the places this one needs.
    for stale in
        orders::overdue_holding(&mut tx, session_id, &record.seat_ids, &standing_blocks).await?
    {
        orders::close_pending(&mut tx, stale, "expired").await?;
    }
    let new_order = NewOrder {
        order_id,
        event_id: session.event_id,
        session_id,
        hold_token: &record.token,
        hold_buyer: &record.buyer,
        customer_subject: principal.as_ref().map(|caller| caller.subject.as_str()),
        customer_key: &customer_key,
        buyer_name: request.buyer.name.trim(),
        buyer_email: &email,
        priced: &priced,
        discount: discount
            .as_ref()
            .map(|discount| (discount.discount_id, discount.code.as_str())),
        expires_at: DateTime::from_timestamp_millis(record.expires_at_ms).unwrap_or(now),
    };
    let placed = place(&mut tx, &new_order, &record, &session, discount.as_ref()).await;
    match placed {
        Ok(()) => tx.commit().await?,
        Err(error) => {
            tx.rollback().await?;
            return Err(match error {
                PlaceError::Refused(error) => error,
                PlaceError::Database(error) => match ApiError::constraint(&error) {
                    Some("order_item_session_seat_key") => ApiError::unavailable(
                        orders::taken_among(&state.pool, session_id, &record.seat_ids).await?,
                    ),
                    Some("standing_allocation_within_capacity") => {
                        ApiError::unavailable(standing_blocks)
                    }
                    _ => error.into(),
                },
            });
        }
    }
    metrics::counter!("orders_placed_total").increment(1);
    tracing::info!(%order_id, total_minor = priced.total_minor, "order placed");
    let order = orders::find(&state.pool, order_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((StatusCode::CREATED, Json(order_view(&state, order).await?)))
}

enum PlaceError {
    Refused(ApiError),
    Database(sqlx::Error),
}

impl From<sqlx::Error> for PlaceError {
    fn from(error: sqlx::Error) -> Self {
        Self::Database(error)
    }
}

/// The writes of one order. The discount is reserved before the places, so orders for the
/// same code queue on its usage row before they touch any seat, which keeps lock order fixed.
async fn place(
    tx: &mut sqlx::PgConnection,
    order: &NewOrder<'_>,
    record: &HoldRecord,
    session: &sessions::SaleSession,
    discount: Option<&DiscountRow>,
) -> Result<(), PlaceError> {
    orders::insert_order(tx, order).await?;
    if let Some(discount) = discount {
        match orders::reserve_discount(
            tx,
            discount,
            order.order_id,
            order.customer_key,
            order.priced.discount_minor,
        )
        .await?
        {
            Ok(()) => {}
            Err(ReserveRefusal::UsedUp) => {
                return Err(PlaceError::Refused(ApiError::conflict(
                    "discount_used_up",
                    "this discount code has been used as many times as allowed",
                )));
            }
            Err(ReserveRefusal::CustomerLimit) => {
                return Err(PlaceError::Refused(ApiError::conflict(
                    "discount_limit_reached",
                    "you have used this discount code as many times as allowed",
                )));
            }
        }
    }
    orders::insert_items(tx, order).await?;
    let standing: Vec<(String, u32, u32)> = record
        .standing
        .iter()
        .map(|hold| {
            let capacity = session
                .map
                .standing
                .get(&hold.block_id)
                .map_or(0, |area| area.capacity);
            (hold.block_id.clone(), capacity, hold.quantity)
        })
        .collect();
    orders::reserve_standing(tx, order.session_id, &standing).await?;
    Ok(())
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
        .filter(|order| may_act_on(&state, order, principal.as_ref(), &headers))
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
        .filter(|order| may_act_on(&state, order, principal.as_ref(), &headers))
        .ok_or(ApiError::NotFound)?;
    let mut tx = state.pool.begin().await?;
    let cancelled = orders::close_pending(&mut tx, order_id, "cancelled").await?;
    tx.commit().await?;
    if !cancelled {
        return Err(ApiError::conflict(
            "not_cancellable",
            "only a pending order can be cancelled",
        ));
    }
    if let Some(token) = shared_dto::seat_hold::HoldToken::parse(&order.hold_token)
        && let Some(record) = state.holds.get(&token).await?
    {
        fulfilment::release_quietly(&state, &record, true).await;
    }
    let order = orders::find(&state.pool, order_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(order_view(&state, order).await?))
}
