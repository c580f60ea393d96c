//! Checkout: placing an order from a live hold (idempotently, priced at today's prices), and
//! paying it.
//!
//! Both are counted in round trips, because a flash sale waits on them: placing an order is
//! one read of the key and the hold (at once), one of prices and discount (at once), and one
//! transaction of four statements; paying is one read, one statement that starts the payment
//! under the order's lock, the provider, and the settlement (see `fulfilment`). No
//! transaction is open while the provider, Redis or mail is waited on.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use service_runtime::auth::Principal;
use shared_dto::discount::{DiscountWindow, normalise_code};
use shared_dto::money::Currency;
use shared_dto::seat_hold::{HoldRecord, HoldToken};
use shared_dto::status::OrderStatus;
use uuid::Uuid;

use crate::data::orders::{self, DiscountRow, IdempotencyRow, NewOrder, OrderRow, ReserveRefusal};
use crate::data::payments;
use crate::data::sessions::{self, SaleSession, SeatMap};
use crate::error::ApiError;
use crate::fulfilment::{self, Settlement};
use crate::payment::{Charge, ChargeOutcome};
use crate::pricing::{self, PlannedItem, PricingError, TierPrice};
use crate::seat_hold::{self, Refusal};
use crate::state::AppState;

/// The caller's `Idempotency-Key`, scoped to the caller, with the hash of what it asked.
pub struct Idempotency {
    pub scope: String,
    pub key: String,
    pub request_hash: String,
}

/// An order to place from a hold.
pub struct OrderRequest<'a> {
    pub hold_token: &'a HoldToken,
    pub discount_code: Option<&'a str>,
    pub buyer_name: &'a str,
    pub buyer_email: &'a str,
    pub caller: Option<&'a Principal>,
    pub idempotency: Idempotency,
}

/// An order placed now, or the one an earlier request with the same key placed.
pub enum Placed {
    New(OrderRow),
    Repeated(OrderRow),
}

/// Places an order for a live hold, or returns the order an earlier request with the same
/// key placed.
pub async fn place(state: &AppState, request: OrderRequest<'_>) -> Result<Placed, ApiError> {
    let idempotency = &request.idempotency;
    let now = Utc::now();
    let (previous, hold) = tokio::join!(
        orders::find_idempotency(&state.pool, &idempotency.scope, &idempotency.key),
        seat_hold::usable(state, request.hold_token, request.caller, now),
    );
    if let Some(previous) = previous? {
        return repeated(state, previous, &idempotency.request_hash).await;
    }
    let record = match hold? {
        Ok(record) => record,
        Err(Refusal::NotYours) => {
            return Err(ApiError::Forbidden("this hold was taken by another user"));
        }
        Err(Refusal::Missing) => {
            return Err(ApiError::gone(
                "hold_expired",
                "the hold has expired; hold the places again",
            ));
        }
    };
    let session_id = request.hold_token.session_id();
    let session = sessions::load(&state.pool, &state.seat_maps, session_id).await?;
    session.ensure_on_sale(now)?;
    let planned = planned_items(&record, &session.map)?;
    let code = request
        .discount_code
        .map(str::trim)
        .filter(|code| !code.is_empty());
    // The order pays today's prices, so they are read now, not cached with the session.
    let (tiers, discount) = tokio::join!(tier_prices(state, session.event_id), async {
        match code {
            Some(code) => usable_discount(state, session.event_id, code, now)
                .await
                .map(Some),
            None => Ok(None),
        }
    });
    let (tiers, discount) = (tiers?, discount?);
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

    let email = request.buyer_email.trim().to_lowercase();
    let customer_key = request.caller.map_or_else(
        || format!("email:{email}"),
        |caller| format!("sub:{}", caller.subject),
    );
    let new_order = NewOrder {
        order_id: Uuid::new_v4(),
        event_id: session.event_id,
        session_id,
        hold_token: &record.token,
        hold_buyer: &record.buyer,
        customer_subject: request.caller.map(|caller| caller.subject.as_str()),
        customer_key: &customer_key,
        buyer_name: request.buyer_name.trim(),
        buyer_email: &email,
        priced: &priced,
        discount: discount
            .as_ref()
            .map(|discount| (discount.discount_id, discount.code.as_str())),
        expires_at: DateTime::from_timestamp_millis(record.expires_at_ms).unwrap_or(now),
    };
    let placed = write_order(
        state,
        &new_order,
        &record,
        &session,
        discount.as_ref(),
        idempotency,
    )
    .await?;
    if let Placed::New(order) = &placed {
        metrics::counter!("orders_placed_total").increment(1);
        tracing::info!(order_id = %order.order_id, total_minor = priced.total_minor, "order placed");
    }
    Ok(placed)
}

/// The order an earlier request with this key placed, when it asked the same.
async fn repeated(
    state: &AppState,
    previous: IdempotencyRow,
    request_hash: &str,
) -> Result<Placed, ApiError> {
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
    Ok(Placed::Repeated(order))
}

/// The transaction that places the order: the key claimed, overdue orders on its places
/// closed, then the order with its items and standing places.
async fn write_order(
    state: &AppState,
    order: &NewOrder<'_>,
    record: &HoldRecord,
    session: &SaleSession,
    discount: Option<&DiscountRow>,
    idempotency: &Idempotency,
) -> Result<Placed, ApiError> {
    let standing_blocks: Vec<String> = record
        .standing
        .iter()
        .map(|standing| standing.block_id.clone())
        .collect();
    let mut tx = state.pool.begin().await?;
    let claimed = orders::claim_idempotency(
        &mut tx,
        &idempotency.scope,
        &idempotency.key,
        &idempotency.request_hash,
        order.order_id,
    )
    .await?;
    if !claimed {
        // A concurrent request with this key committed first.
        tx.rollback().await?;
        let previous = orders::find_idempotency(&state.pool, &idempotency.scope, &idempotency.key)
            .await?
            .ok_or_else(|| ApiError::Busy("idempotency key claimed but not found".into()))?;
        return repeated(state, previous, &idempotency.request_hash).await;
    }
    // Orders whose holds ran out no longer keep the places this one needs.
    for stale in orders::overdue_holding(
        &mut tx,
        order.session_id,
        &record.seat_ids,
        &standing_blocks,
    )
    .await?
    {
        orders::close_pending(&mut tx, stale, OrderStatus::Expired).await?;
    }
    match write_places(&mut tx, order, record, session, discount).await {
        Ok(placed) => {
            tx.commit().await?;
            Ok(Placed::New(placed))
        }
        Err(error) => {
            tx.rollback().await?;
            Err(match error {
                PlaceError::Refused(error) => error,
                PlaceError::Database(error) => match ApiError::constraint(&error) {
                    Some("order_item_session_seat_key") => ApiError::unavailable(
                        orders::taken_among(&state.pool, order.session_id, &record.seat_ids)
                            .await?,
                    ),
                    Some("standing_allocation_within_capacity") => {
                        ApiError::unavailable(standing_blocks)
                    }
                    _ => error.into(),
                },
            })
        }
    }
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
/// same code queue on its usage row before they touch any seat, which keeps lock order fixed;
/// without a discount the order and its items are one statement.
async fn write_places(
    tx: &mut sqlx::PgConnection,
    order: &NewOrder<'_>,
    record: &HoldRecord,
    session: &SaleSession,
    discount: Option<&DiscountRow>,
) -> Result<OrderRow, PlaceError> {
    let placed = match discount {
        None => orders::insert_order_with_items(tx, order).await?,
        Some(discount) => {
            let placed = orders::insert_order(tx, order).await?;
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
            orders::insert_items(tx, order).await?;
            placed
        }
    };
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
    Ok(placed)
}

async fn tier_prices(
    state: &AppState,
    event_id: Uuid,
) -> Result<HashMap<Uuid, TierPrice>, ApiError> {
    orders::tier_prices(&state.pool, event_id)
        .await?
        .into_iter()
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
fn planned_items(record: &HoldRecord, map: &SeatMap) -> Result<Vec<PlannedItem>, ApiError> {
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

/// A payment asked for, and what became of the order.
pub struct Paid {
    pub order: OrderRow,
    /// Stripe: the PaymentIntent's client secret, when the browser must finish a customer
    /// action.
    pub client_secret: Option<String>,
}

/// Pays an order the caller may act on (`may_act_on` says whether they may). A paid order
/// is returned as it is; the money of a payment that succeeded after the places were sold
/// goes back (409).
pub async fn pay(
    state: &AppState,
    order_id: Uuid,
    payment_method: &str,
    may_act_on: impl Fn(&OrderRow) -> bool,
) -> Result<Paid, ApiError> {
    let payment_id = Uuid::new_v4();
    let mut order = orders::find(&state.pool, order_id)
        .await?
        .filter(|order| may_act_on(order))
        .ok_or(ApiError::NotFound)?;
    // The payment starts under the order's lock, only while the order is still pending and
    // in time; a concurrent cancel, expiry or payment changes the answer, read again then.
    for _ in 0..3 {
        match payable(state, order).await? {
            Payable::Settled(order) => {
                return Ok(Paid {
                    order,
                    client_secret: None,
                });
            }
            Payable::Pending(pending) => {
                let provider = state.payments.name();
                if payments::start_for_pending(&state.pool, payment_id, order_id, provider).await? {
                    return charge(state, pending, payment_id, payment_method).await;
                }
            }
        }
        order = orders::find(&state.pool, order_id)
            .await?
            .ok_or(ApiError::NotFound)?;
    }
    Err(ApiError::Busy(format!(
        "order {order_id} changed under every attempt to pay it"
    )))
}

enum Payable {
    Pending(OrderRow),
    /// Paid already: answered as it is.
    Settled(OrderRow),
}

/// Whether an order can be paid now; an order that cannot says why.
async fn payable(state: &AppState, order: OrderRow) -> Result<Payable, ApiError> {
    match order.status {
        OrderStatus::Paid | OrderStatus::Ticketed => Ok(Payable::Settled(order)),
        OrderStatus::Refunded => Err(ApiError::conflict(
            "order_refunded",
            "this order was refunded",
        )),
        OrderStatus::Cancelled => Err(ApiError::gone(
            "order_cancelled",
            "this order was cancelled",
        )),
        OrderStatus::Expired => Err(order_expired()),
        OrderStatus::Pending if order.is_overdue(Utc::now()) => {
            let mut tx = state.pool.begin().await?;
            orders::close_pending(&mut tx, order.order_id, OrderStatus::Expired).await?;
            tx.commit().await?;
            Err(order_expired())
        }
        OrderStatus::Pending => Ok(Payable::Pending(order)),
    }
}

/// Asks the provider for the money of a started payment, then settles what it said.
async fn charge(
    state: &AppState,
    order: OrderRow,
    payment_id: Uuid,
    payment_method: &str,
) -> Result<Paid, ApiError> {
    let order_id = order.order_id;
    let outcome = if order.total_minor == 0 {
        Ok(ChargeOutcome::Succeeded {
            reference: format!("free_{}", payment_id.simple()),
        })
    } else {
        state
            .payments
            .charge(Charge {
                payment_id,
                order_id,
                amount_minor: order.total_minor,
                currency: order.currency.trim(),
                payment_method: payment_method.trim(),
            })
            .await
    };
    let label = match &outcome {
        Err(_) => "provider_error",
        Ok(ChargeOutcome::Declined { .. }) => "declined",
        Ok(ChargeOutcome::Processing { .. }) => "processing",
        Ok(ChargeOutcome::Succeeded { .. }) => "succeeded",
    };
    metrics::counter!("payments_total", "outcome" => label).increment(1);
    let mut client_secret = None;
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
            // Settling records the provider's reference with the success.
            let settlement =
                match fulfilment::payment_succeeded(state, payment_id, Some(&reference)).await {
                    Ok(settlement) => settlement,
                    Err(error) => {
                        // Kept, so the sweeper can ask the provider and settle it later.
                        if let Err(error) =
                            payments::set_reference(&state.pool, payment_id, &reference).await
                        {
                            tracing::warn!(%payment_id, %error, "payment reference not recorded");
                        }
                        return Err(error.into());
                    }
                };
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
    Ok(Paid {
        order,
        client_secret,
    })
}

fn order_expired() -> ApiError {
    ApiError::gone(
        "order_expired",
        "the order's hold ran out before payment; hold the places again",
    )
}

/// Cancels a pending order the caller may act on, giving its places back at once.
pub async fn cancel(state: &AppState, order: OrderRow) -> Result<OrderRow, ApiError> {
    let mut tx = state.pool.begin().await?;
    let cancelled = orders::close_pending(&mut tx, order.order_id, OrderStatus::Cancelled).await?;
    tx.commit().await?;
    if !cancelled {
        return Err(ApiError::conflict(
            "not_cancellable",
            "only a pending order can be cancelled",
        ));
    }
    if let Some(token) = HoldToken::parse(&order.hold_token)
        && let Some(record) = state.holds.get(&token).await?
    {
        fulfilment::release_quietly(state, &token, &record, true).await;
    }
    orders::find(&state.pool, order.order_id)
        .await?
        .ok_or(ApiError::NotFound)
}
