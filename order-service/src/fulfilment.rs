//! From money received to tickets issued, or to money returned.
//!
//! A succeeded payment completes its order when the order still has its places. When the
//! hold ran out before the money arrived (a slow bank, a late webhook), the places are taken
//! back in Redis the way any new hold would take them and then made live again in
//! PostgreSQL; if someone else holds or bought any of them meanwhile, the order is refunded
//! instead. After tickets are issued the sale is announced on Redis pub/sub and the hold's
//! keys are deleted, so the seats show as sold.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use shared_dto::seat_hold::{
    HoldRecord, HoldToken, SalesActivity, SalesActivityKind, SeatsSold, StandingHold,
};
use shared_dto::status::{OrderStatus, PaymentStatus};
use uuid::Uuid;

use crate::data::holds::{HoldStoreError, TakeOutcome};
use crate::data::mail::{self, MailKind};
use crate::data::orders::{self, ItemRow, OrderRow};
use crate::data::payments::{self, PaymentRow};
use crate::data::sessions::{self, SessionError};
use crate::data::tickets::{self, StoredTicket};
use crate::payment;
use crate::state::AppState;

/// How long places taken back for a late payment stay held while its tickets are issued.
const RETAKE_TTL: Duration = Duration::from_secs(60);

/// Why money received could not be settled, or owed money not returned, now.
#[derive(Debug, thiserror::Error)]
pub enum FulfilmentError {
    #[error("no such payment")]
    NoSuchPayment,
    #[error("order {0} carries a malformed hold token")]
    MalformedHoldToken(Uuid),
    #[error("the payment provider could not return the money yet: {0}")]
    Provider(String),
    #[error("payment {payment_id}: {reason}")]
    Refund { payment_id: Uuid, reason: String },
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error(transparent)]
    Holds(#[from] HoldStoreError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// What became of an order once its payment succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settlement {
    Ticketed,
    /// The places were gone (or the order no longer wanted them); the money goes back.
    Refunded,
    /// Another call settled this payment first.
    AlreadySettled,
}

fn is_settled(status: PaymentStatus) -> bool {
    matches!(
        status,
        PaymentStatus::Succeeded | PaymentStatus::RefundPending | PaymentStatus::Refunded
    )
}

/// An order still waiting for its money: on time, or after its hold ran out.
fn awaits_payment(status: OrderStatus) -> bool {
    matches!(status, OrderStatus::Pending | OrderStatus::Expired)
}

/// Settles a payment the provider reports as succeeded. Safe to call any number of times
/// for one payment (pay response, webhook and sweeper may all report it).
///
/// On time (the usual case) this is one read and one short transaction; a late payment
/// first takes its places back in Redis.
pub async fn payment_succeeded(
    state: &AppState,
    payment_id: Uuid,
    reference: Option<&str>,
) -> Result<Settlement, FulfilmentError> {
    let paid_for = orders::paid_for(&state.pool, payment_id)
        .await?
        .ok_or(FulfilmentError::NoSuchPayment)?;
    if is_settled(paid_for.payment_status) {
        return Ok(Settlement::AlreadySettled);
    }
    let order = paid_for.order;
    let now = Utc::now();
    let token = HoldToken::parse(&order.hold_token);
    let late = order.status == OrderStatus::Expired || order.is_overdue(now);
    let mut standing_capacity = HashMap::new();
    let mut retaken = None;
    let mut places_free = true;
    if late && awaits_payment(order.status) {
        let session = sessions::load(&state.pool, &state.seat_maps, order.session_id).await?;
        standing_capacity = session
            .map
            .standing
            .iter()
            .map(|(block, area)| (block.clone(), area.capacity))
            .collect();
        let token = token
            .clone()
            .ok_or(FulfilmentError::MalformedHoldToken(order.order_id))?;
        let items = orders::items(&state.pool, order.order_id).await?;
        let record = hold_record(&order, &items, now + RETAKE_TTL);
        let unsold = unsold_for(state, order.session_id, &record, &standing_capacity).await?;
        match state
            .holds
            .take(&token, &record, &unsold, None, now.timestamp_millis())
            .await?
        {
            TakeOutcome::Held => retaken = Some((token, record)),
            outcome => {
                tracing::info!(order_id = %order.order_id, ?outcome, "late payment: places are gone");
                places_free = false;
            }
        }
    }
    let release_retaken = || async {
        if let Some((token, record)) = &retaken {
            release_quietly(state, token, record, false).await;
        }
    };

    let outcome = match settle(
        state,
        payment_id,
        reference,
        places_free,
        &standing_capacity,
    )
    .await
    {
        Ok(outcome) => outcome,
        Err(error) => {
            release_retaken().await;
            return Err(error);
        }
    };
    match &outcome {
        Outcome::Ticketed { order, tickets } => {
            metrics::counter!("tickets_issued_total").increment(tickets.len() as u64);
            if late {
                metrics::counter!("late_payments_total", "outcome" => OrderStatus::Ticketed.as_str())
                    .increment(1);
            }
            let release_hold = async {
                match (&retaken, &token) {
                    (Some(_), _) => release_retaken().await,
                    (None, Some(token)) => match state.holds.get(token).await {
                        Ok(Some(record)) => release_quietly(state, token, &record, true).await,
                        Ok(None) => {}
                        Err(error) => tracing::warn!(%error, "cannot read a sold hold"),
                    },
                    (None, None) => {}
                }
            };
            // Both are best effort and independent: announced and released at once.
            tokio::join!(announce_sale(state, order, tickets), release_hold);
            Ok(Settlement::Ticketed)
        }
        Outcome::Refund { order, payment } => {
            metrics::counter!("refunds_owed_total").increment(1);
            release_retaken().await;
            if let Err(error) = refund(state, payment).await {
                tracing::warn!(payment_id = %payment.payment_id, %error, "refund deferred to the sweeper");
            }
            if order.status == OrderStatus::Refunded {
                publish_activity(state, activity(order, SalesActivityKind::OrderRefunded)).await;
            }
            Ok(Settlement::Refunded)
        }
        Outcome::AlreadySettled => {
            release_retaken().await;
            Ok(Settlement::AlreadySettled)
        }
    }
}

enum Outcome {
    Ticketed {
        order: Box<OrderRow>,
        tickets: Vec<StoredTicket>,
    },
    Refund {
        order: Box<OrderRow>,
        payment: Box<PaymentRow>,
    },
    AlreadySettled,
}

/// The database half of [`payment_succeeded`]. When the places turn out to be taken as the
/// tickets are issued, nothing of that attempt is kept and the payment is settled again as
/// owed back.
async fn settle(
    state: &AppState,
    payment_id: Uuid,
    reference: Option<&str>,
    places_free: bool,
    standing_capacity: &HashMap<String, u32>,
) -> Result<Outcome, FulfilmentError> {
    match settle_once(state, payment_id, reference, places_free, standing_capacity).await {
        Err(FulfilmentError::Database(error)) if places_free && is_place_conflict(&error) => {
            tracing::info!(%payment_id, %error, "late payment: places were sold meanwhile");
            settle_once(state, payment_id, reference, false, standing_capacity).await
        }
        settled => settled,
    }
}

/// One transaction, payment row then order row locked, so concurrent reports of one
/// payment settle it once.
async fn settle_once(
    state: &AppState,
    payment_id: Uuid,
    reference: Option<&str>,
    places_free: bool,
    standing_capacity: &HashMap<String, u32>,
) -> Result<Outcome, FulfilmentError> {
    let mut tx = state.pool.begin().await?;
    let Some(order_id) = payments::succeed_unsettled(&mut tx, payment_id, reference).await? else {
        tx.commit().await?;
        return Ok(Outcome::AlreadySettled);
    };
    let mut order = orders::lock(&mut tx, order_id).await?;
    // Paid twice, cancelled meanwhile, or already refunded: this money goes back.
    let wanted = places_free && awaits_payment(order.status);
    let outcome = if wanted {
        if order.status == OrderStatus::Expired {
            orders::revive_places(&mut tx, order_id, standing_capacity).await?;
        }
        let tickets = tickets::issue_paid(&mut tx, order_id).await?;
        // Queued with the tickets: no confirmed purchase goes without its mail.
        mail::enqueue(&mut tx, MailKind::OrderConfirmation, order_id, None).await?;
        order.status = OrderStatus::Ticketed;
        Outcome::Ticketed {
            order: Box::new(order),
            tickets,
        }
    } else {
        payments::owe_refund(&mut tx, payment_id).await?;
        if awaits_payment(order.status) {
            orders::release_places(&mut tx, order_id).await?;
            orders::close_refunded(&mut tx, order_id).await?;
        }
        let order = Box::new(orders::lock(&mut tx, order_id).await?);
        let payment = Box::new(payments::lock(&mut tx, payment_id).await?);
        Outcome::Refund { order, payment }
    };
    tx.commit().await?;
    Ok(outcome)
}

fn is_place_conflict(error: &sqlx::Error) -> bool {
    let sqlx::Error::Database(db) = error else {
        return false;
    };
    matches!(
        db.constraint(),
        Some(
            "order_item_session_seat_key"
                | "ticket_session_seat_key"
                | "standing_allocation_within_capacity"
        )
    )
}

/// What a provider's event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventAction {
    Settled,
    Failed,
    Ignored,
}

impl EventAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Settled => "settled",
            Self::Failed => "failed",
            Self::Ignored => "ignored",
        }
    }
}

/// Applies a verified Stripe event to the payment it is about.
pub async fn provider_event(
    state: &AppState,
    event: &payment::stripe::Event,
) -> Result<EventAction, FulfilmentError> {
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
        return Ok(EventAction::Ignored);
    };
    match event.kind.as_str() {
        "payment_intent.succeeded" => {
            let settlement =
                payment_succeeded(state, payment.payment_id, event.intent_id()).await?;
            tracing::info!(payment_id = %payment.payment_id, ?settlement, "payment settled by webhook");
            Ok(EventAction::Settled)
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
            Ok(EventAction::Failed)
        }
        _ => Ok(EventAction::Ignored),
    }
}

/// Standing places without a ticket yet, per block of `record`.
async fn unsold_for(
    state: &AppState,
    session_id: Uuid,
    record: &HoldRecord,
    standing_capacity: &HashMap<String, u32>,
) -> Result<Vec<u64>, FulfilmentError> {
    if record.standing.is_empty() {
        return Ok(Vec::new());
    }
    let sold = orders::standing_sold(&state.pool, session_id).await?;
    Ok(record
        .standing
        .iter()
        .map(|standing| {
            let capacity = i64::from(
                standing_capacity
                    .get(&standing.block_id)
                    .copied()
                    .unwrap_or(0),
            );
            let sold = sold.get(&standing.block_id).copied().unwrap_or(0);
            u64::try_from(capacity - sold).unwrap_or(0)
        })
        .collect())
}

/// The hold an order's places amount to, expiring at `expires_at`.
pub fn hold_record(order: &OrderRow, items: &[ItemRow], expires_at: DateTime<Utc>) -> HoldRecord {
    let mut standing: BTreeMap<&str, u32> = BTreeMap::new();
    let mut seat_ids = Vec::new();
    for item in items {
        match &item.seat_id {
            Some(seat) => seat_ids.push(seat.clone()),
            None => *standing.entry(&item.block_id).or_default() += 1,
        }
    }
    HoldRecord {
        token: order.hold_token.clone(),
        session_id: order.session_id.to_string(),
        buyer: order.hold_buyer.clone(),
        seat_ids,
        standing: standing
            .into_iter()
            .map(|(block_id, quantity)| StandingHold {
                block_id: block_id.to_owned(),
                quantity,
            })
            .collect(),
        expires_at_ms: expires_at.timestamp_millis(),
        extended: true,
    }
}

/// Returns a payment owed back. Leaves it `refund_pending` (for the sweeper) when the
/// provider cannot be asked now.
pub async fn refund(state: &AppState, payment: &PaymentRow) -> Result<(), FulfilmentError> {
    if payment.status != PaymentStatus::RefundPending {
        return Ok(());
    }
    if payment.amount_minor > 0 {
        payments::touch(&state.pool, payment.payment_id).await?;
    }
    let reference = payment::return_money(
        state.payments.as_ref(),
        payment.payment_id,
        &payment.provider,
        payment.provider_reference.as_deref(),
        payment.amount_minor,
    )
    .await
    .map_err(|error| match error {
        payment::ReturnError::Provider(error) => FulfilmentError::Provider(error.to_string()),
        other => FulfilmentError::Refund {
            payment_id: payment.payment_id,
            reason: other.to_string(),
        },
    })?;
    if payments::refunded(&state.pool, payment.payment_id, &reference).await? {
        tracing::info!(payment_id = %payment.payment_id, refund = %reference, "payment refunded");
    }
    Ok(())
}

/// Ends an overdue pending order; `false` if it was no longer pending.
pub async fn expire(state: &AppState, order_id: Uuid) -> Result<bool, sqlx::Error> {
    let mut tx = state.pool.begin().await?;
    let expired = orders::close_pending(&mut tx, order_id, OrderStatus::Expired).await?;
    tx.commit().await?;
    Ok(expired)
}

/// Tells query-service and the organiser's live view that places were sold.
async fn announce_sale(state: &AppState, order: &OrderRow, tickets: &[StoredTicket]) {
    let mut standing: BTreeMap<&str, u32> = BTreeMap::new();
    let mut seat_ids = Vec::new();
    for ticket in tickets {
        match &ticket.seat_id {
            Some(seat) => seat_ids.push(seat.clone()),
            None => *standing.entry(&ticket.block_id).or_default() += 1,
        }
    }
    let sold = SeatsSold {
        session_id: order.session_id.to_string(),
        seat_ids,
        standing: standing
            .into_iter()
            .map(|(block_id, quantity)| StandingHold {
                block_id: block_id.to_owned(),
                quantity,
            })
            .collect(),
    };
    let mut issued = activity(order, SalesActivityKind::TicketsIssued);
    issued.quantity = u32::try_from(tickets.len()).unwrap_or(u32::MAX);
    // Sent back to back on the one multiplexed connection, not a round trip each.
    let sales_channel = state.holds.keys().sales_channel();
    tokio::join!(
        publish_activity(state, activity(order, SalesActivityKind::OrderPaid)),
        publish(state, &sales_channel, &sold),
        publish_activity(state, issued),
    );
}

/// A sales activity about a whole order.
pub fn activity(order: &OrderRow, kind: SalesActivityKind) -> SalesActivity {
    SalesActivity {
        event_id: order.event_id.to_string(),
        session_id: order.session_id.to_string(),
        kind,
        order_id: Some(order.order_id.to_string()),
        ticket_id: None,
        quantity: 0,
        amount_minor: order.total_minor,
        currency: Some(order.currency.clone()),
        gate: None,
        at_ms: Utc::now().timestamp_millis(),
    }
}

pub async fn publish_activity(state: &AppState, activity: SalesActivity) {
    publish(
        state,
        &state.holds.keys().sales_activity_channel(),
        &activity,
    )
    .await;
}

/// Announcements are best effort: the tickets are committed, and CDC brings the read models
/// up to date even if a message is lost.
pub async fn publish(state: &AppState, channel: &str, message: &impl Serialize) {
    let payload = match serde_json::to_string(message) {
        Ok(payload) => payload,
        Err(error) => {
            tracing::error!(%error, "cannot encode an announcement");
            return;
        }
    };
    if let Err(error) = state.holds.publish(channel, &payload).await {
        tracing::warn!(%channel, %error, "announcement not published");
    }
}

pub async fn release_quietly(
    state: &AppState,
    token: &HoldToken,
    record: &HoldRecord,
    counted: bool,
) {
    if let Err(error) = state.holds.release(token, record, counted).await {
        tracing::warn!(%token, %error, "hold keys left to expire");
    }
}
