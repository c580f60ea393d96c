//! Money back for sold tickets: an organiser refunds a whole order or some of its tickets, and
//! a cancelled session refunds every order it sold.
//!
//! One transaction marks the tickets refunded, frees their places and records the refund as
//! pending; only then is the payment provider asked, keyed by the refund's id, so a retry (the
//! sweeper's, or a repeated request) never returns the money twice. A refunded ticket stops
//! scanning at once; its seat is announced free on the live map.

use std::collections::{BTreeMap, HashSet};

use chrono::Utc;
use shared_dto::seat_hold::{SalesActivity, SalesActivityKind, SeatsRefunded, StandingHold};
use shared_dto::status::{OrderStatus, RefundStatus};
use uuid::Uuid;

use crate::data::mail::{self, MailKind};
use crate::data::refunds::{self, NewRefund, RefundRow, RefundableTicket};
use crate::data::{orders, payments, tickets};
use crate::fulfilment::{publish, publish_activity};
use crate::payment::return_money as return_money_through;
use crate::state::AppState;

#[derive(Debug, thiserror::Error)]
pub enum RefundError {
    #[error("no such order")]
    NoSuchOrder,
    /// The order's status, or `unpaid` when no payment of it succeeded.
    #[error("an order that is {0} has nothing to refund")]
    NotRefundable(&'static str),
    #[error("ticket {0} is not a ticket of this order")]
    ForeignTicket(usize),
    #[error("the payment provider could not return the money yet: {0}")]
    Provider(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// What to refund.
pub struct RefundRequest<'a> {
    /// Some tickets of the order; `None` for every ticket still valid.
    pub ticket_ids: Option<&'a [Uuid]>,
    pub reason: &'a str,
    /// Who asked: a user's subject, or `session-cancelled`.
    pub requested_by: &'a str,
    /// What the buyer is told: a refund, or that the performance was cancelled.
    pub notice: MailKind,
}

/// Refunds the request's tickets that are still valid. `None` when none is (a repeated
/// request, or an order refunded already): nothing happens twice.
pub async fn refund_tickets(
    state: &AppState,
    order_id: Uuid,
    request: &RefundRequest<'_>,
) -> Result<Option<RefundRow>, RefundError> {
    let mut tx = state.pool.begin().await?;
    let order = match orders::lock(&mut tx, order_id).await {
        Ok(order) => order,
        Err(sqlx::Error::RowNotFound) => return Err(RefundError::NoSuchOrder),
        Err(error) => return Err(error.into()),
    };
    match order.status {
        OrderStatus::Paid | OrderStatus::Ticketed => {}
        OrderStatus::Refunded => return Ok(None),
        other => return Err(RefundError::NotRefundable(other.as_str())),
    }
    let valid = refunds::lock_valid_tickets(&mut tx, order_id).await?;
    let chosen: Vec<RefundableTicket> = match request.ticket_ids {
        None => valid.clone(),
        Some(wanted) => {
            let of_order: HashSet<Uuid> = tickets::of_order(&mut *tx, order_id)
                .await?
                .into_iter()
                .map(|ticket| ticket.ticket_id)
                .collect();
            if let Some(position) = wanted.iter().position(|id| !of_order.contains(id)) {
                return Err(RefundError::ForeignTicket(position));
            }
            valid
                .iter()
                .filter(|ticket| wanted.contains(&ticket.ticket_id))
                .cloned()
                .collect()
        }
    };
    if chosen.is_empty() {
        tx.commit().await?;
        return Ok(None);
    }
    let Some(payment_id) = refunds::lock_settled_payment(&mut tx, order_id).await? else {
        return Err(RefundError::NotRefundable("unpaid"));
    };
    let refund_id = Uuid::now_v7();
    let amount_minor = chosen.iter().map(|ticket| ticket.price_minor).sum();
    let ticket_ids: Vec<Uuid> = chosen.iter().map(|ticket| ticket.ticket_id).collect();
    refunds::record(
        &mut tx,
        &NewRefund {
            refund_id,
            order_id,
            payment_id,
            amount_minor,
            currency: &order.currency,
            reason: request.reason,
            requested_by: request.requested_by,
        },
        &ticket_ids,
    )
    .await?;
    refunds::free_places(&mut tx, order_id, &chosen).await?;
    mail::enqueue(&mut tx, request.notice, order_id, Some(refund_id)).await?;
    if chosen.len() == valid.len() {
        orders::set_status(&mut tx, order_id, OrderStatus::Refunded).await?;
        orders::release_discount(&mut tx, order_id).await?;
    }
    tx.commit().await?;
    metrics::counter!("refunds_total").increment(1);

    announce(state, &order, &chosen, amount_minor).await;
    let refund = refunds::find(&state.pool, refund_id)
        .await?
        .ok_or(RefundError::NoSuchOrder)?;
    // The refund stands whatever the provider says now; the sweeper retries what is owed.
    if let Err(error) = return_money(state, &refund).await {
        tracing::warn!(%refund_id, %error, "refund recorded; the money goes back on a retry");
    }
    Ok(refunds::find(&state.pool, refund_id)
        .await?
        .or(Some(refund)))
}

/// Asks the provider to return a pending refund's money.
pub async fn return_money(state: &AppState, refund: &RefundRow) -> Result<(), RefundError> {
    if refund.status != RefundStatus::Pending {
        return Ok(());
    }
    let payment = payments::find(&state.pool, refund.payment_id)
        .await?
        .ok_or_else(|| RefundError::Provider("the refund's payment is gone".to_owned()))?;
    let reference = return_money_through(
        state.payments.as_ref(),
        refund.refund_id,
        &payment.provider,
        payment.provider_reference.as_deref(),
        refund.amount_minor,
    )
    .await
    .map_err(|error| RefundError::Provider(error.to_string()))?;
    if refunds::returned(&state.pool, refund.refund_id, &reference).await? {
        tracing::info!(refund_id = %refund.refund_id, %reference, "refund paid back");
    }
    Ok(())
}

/// Tells the live seat maps the places are free again, and the organiser's dashboard that
/// money went back.
async fn announce(
    state: &AppState,
    order: &orders::OrderRow,
    refunded: &[RefundableTicket],
    amount_minor: i64,
) {
    let mut standing: BTreeMap<&str, u32> = BTreeMap::new();
    for ticket in refunded.iter().filter(|ticket| ticket.seat_id.is_none()) {
        *standing.entry(ticket.block_id.as_str()).or_default() += 1;
    }
    let freed = SeatsRefunded {
        session_id: order.session_id.to_string(),
        seat_ids: refunded
            .iter()
            .filter_map(|ticket| ticket.seat_id.clone())
            .collect(),
        standing: standing
            .into_iter()
            .map(|(block_id, quantity)| StandingHold {
                block_id: block_id.to_owned(),
                quantity,
            })
            .collect(),
    };
    publish(state, &state.holds.keys().refunds_channel(), &freed).await;
    publish_activity(
        state,
        SalesActivity {
            event_id: order.event_id.to_string(),
            session_id: order.session_id.to_string(),
            kind: SalesActivityKind::OrderRefunded,
            order_id: Some(order.order_id.to_string()),
            ticket_id: None,
            quantity: u32::try_from(refunded.len()).unwrap_or(u32::MAX),
            amount_minor,
            currency: Some(order.currency.clone()),
            gate: None,
            at_ms: Utc::now().timestamp_millis(),
        },
    )
    .await;
}

/// Orders of a session refunded together, in batches this size.
const SESSION_BATCH: i64 = 50;

/// What refunding a cancelled session did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionRefunds {
    /// Orders refunded by this call.
    pub refunded_orders: u64,
    /// Paid orders of the session still standing afterwards (0 unless something failed).
    pub remaining_orders: u64,
}

/// Refunds every paid order of a session (it was cancelled). Each order is refunded under
/// its own row lock and only while it has valid tickets, so calls racing each other, or a
/// call repeated after a crash halfway, refund each order exactly once.
pub async fn refund_session(
    state: &AppState,
    session_id: Uuid,
    reason: &str,
    requested_by: &str,
) -> Result<SessionRefunds, RefundError> {
    let mut outcome = SessionRefunds::default();
    let mut after = Uuid::nil();
    loop {
        let batch = orders::paid_of_session(&state.pool, session_id, after, SESSION_BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = *last;
        for order_id in batch {
            let request = RefundRequest {
                ticket_ids: None,
                reason,
                requested_by,
                notice: MailKind::Cancellation,
            };
            if refund_tickets(state, order_id, &request).await?.is_some() {
                outcome.refunded_orders += 1;
            }
        }
    }
    outcome.remaining_orders = orders::paid_of_session(&state.pool, session_id, Uuid::nil(), 1)
        .await?
        .len() as u64;
    Ok(outcome)
}
