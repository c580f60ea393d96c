//! An order as its buyer sees it: items with their labels, tickets with their QR codes,
//! payments. Shown by the order and payment routes alike.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use shared_dto::status::{OrderStatus, PaymentStatus};
use uuid::Uuid;

use crate::data::orders::{self, OrderRow};
use crate::data::{payments, sessions, tickets};
use crate::error::ApiError;
use crate::routes::tickets::Ticket;
use crate::state::AppState;

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
    pub status: OrderStatus,
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
    pub status: PaymentStatus,
    pub amount_minor: i64,
    pub currency: String,
    pub failure_code: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The order with its items, tickets (with QR codes) and payments, read at once.
pub async fn order_view(state: &AppState, order: OrderRow) -> Result<Order, ApiError> {
    let (items, tickets, payments, session) = tokio::join!(
        orders::items(&state.pool, order.order_id),
        tickets::of_order(&state.pool, order.order_id),
        payments::of_order(&state.pool, order.order_id),
        sessions::load(&state.pool, &state.seat_maps, order.session_id),
    );
    let (items, tickets, payments) = (items?, tickets?, payments?);
    let map = session.ok().map(|session| session.map);
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
