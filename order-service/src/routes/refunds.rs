//! What an event's organisers (and the scheduler, as a service) ask of a session's sales:
//! refunds of an order, some of its tickets, or a whole cancelled session; reminders to its
//! ticket holders.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use service_runtime::JsonBody;
use service_runtime::auth::{Authenticated, Principal};
use service_runtime::params::Path;
use shared_dto::status::{OrderStatus, RefundStatus};
use uuid::Uuid;

use crate::access::may_manage_sales;
use crate::data::mail::MailKind;
use crate::data::orders;
use crate::data::refunds::{self, RefundRow};
use crate::error::ApiError;
use crate::refunds::{RefundError, RefundRequest, refund_tickets};
use crate::state::AppState;

/// Longest reason kept with a refund.
const MAX_REASON_CHARS: usize = 500;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRefund {
    /// Tickets of the order to refund; every ticket still valid when absent.
    pub ticket_ids: Option<Vec<Uuid>>,
    /// Why, in words the buyer may read (e.g. "restricted view").
    pub reason: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Refund {
    pub refund_id: Uuid,
    pub amount_minor: i64,
    pub currency: String,
    pub reason: String,
    /// `pending` until the payment provider has returned the money, then `refunded`.
    pub status: RefundStatus,
    pub ticket_ids: Vec<Uuid>,
    pub created_at: DateTime<Utc>,
    pub refunded_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrderRefunds {
    pub order_id: Uuid,
    /// `refunded` once every ticket is; `ticketed` while some still stand.
    pub order_status: OrderStatus,
    /// The refund this request made; null when there was nothing left to refund.
    pub refund: Option<Refund>,
    /// Every refund of the order, oldest first.
    pub refunds: Vec<Refund>,
}

#[utoipa::path(post, path = "/api/sales/orders/{id}/refunds", tag = "orders",
    params(("id" = Uuid, Path)),
    request_body = NewRefund,
    responses(
        (status = 201, body = OrderRefunds, description = "refunded: the tickets no longer scan, their places are for sale again, and the money goes back"),
        (status = 200, body = OrderRefunds, description = "nothing left to refund (a repeated request): nothing changed"),
        (status = 404, description = "no such order, or not an order of an event you organise"),
        (status = 409, description = "the order was never paid"),
        (status = 422, description = "a ticket that is not the order's, or no reason")),
    security(("bearer" = [])))]
pub async fn refund_order(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(order_id): Path<Uuid>,
    JsonBody(request): JsonBody<NewRefund>,
) -> Result<(StatusCode, Json<OrderRefunds>), ApiError> {
    let reason = reason(&request.reason)?;
    let organisation = orders::organisation_of(&state.pool, order_id).await?;
    organiser_of(&state, &principal, organisation).await?;
    let refund = refund_tickets(
        &state,
        order_id,
        &RefundRequest {
            ticket_ids: request.ticket_ids.as_deref(),
            reason,
            requested_by: &principal.subject,
            notice: MailKind::Refund,
        },
    )
    .await?;
    let status = if refund.is_some() {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(order_refunds(&state, order_id, refund).await?)))
}

impl From<RefundError> for ApiError {
    fn from(error: RefundError) -> Self {
        match error {
            RefundError::NoSuchOrder => Self::NotFound,
            RefundError::NotRefundable(status) => Self::conflict(
                "not_refundable",
                format!("an order that is {status} has nothing to refund"),
            ),
            RefundError::ForeignTicket(index) => {
                Self::invalid(format!("/ticket_ids/{index}"), "not a ticket of this order")
            }
            RefundError::Provider(message) => Self::Provider(message),
            RefundError::Database(error) => error.into(),
        }
    }
}

/// A reason of 1 to [`MAX_REASON_CHARS`] characters, trimmed.
fn reason(text: &str) -> Result<&str, ApiError> {
    let reason = text.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return Err(ApiError::invalid(
            "/reason",
            format!("a reason of 1 to {MAX_REASON_CHARS} characters is required"),
        ));
    }
    Ok(reason)
}

/// Passes organisers of `organisation` (the owner of what was asked for, if it exists);
/// to anyone else, other organisations' orders and sessions do not exist.
async fn organiser_of(
    state: &AppState,
    principal: &Principal,
    organisation: Option<Uuid>,
) -> Result<(), ApiError> {
    let organisation = organisation.ok_or(ApiError::NotFound)?;
    if !may_manage_sales(&state.pool, principal, organisation).await? {
        return Err(ApiError::NotFound);
    }
    Ok(())
}

async fn order_refunds(
    state: &AppState,
    order_id: Uuid,
    made: Option<RefundRow>,
) -> Result<OrderRefunds, ApiError> {
    let order = orders::find(&state.pool, order_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let tickets = refunds::refunded_tickets(&state.pool, order_id).await?;
    let view = |row: RefundRow| Refund {
        ticket_ids: tickets
            .iter()
            .filter(|ticket| ticket.refund_id == row.refund_id)
            .map(|ticket| ticket.ticket_id)
            .collect(),
        refund_id: row.refund_id,
        amount_minor: row.amount_minor,
        currency: row.currency,
        reason: row.reason,
        status: row.status,
        created_at: row.created_at,
        refunded_at: row.refunded_at,
    };
    let refunds = refunds::of_order(&state.pool, order_id)
        .await?
        .into_iter()
        .map(view)
        .collect();
    Ok(OrderRefunds {
        order_id,
        order_status: order.status,
        refund: made.map(view),
        refunds,
    })
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionRefundRequest {
    /// Why, in words the buyers may read (e.g. "the performance is cancelled").
    pub reason: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionRefundOutcome {
    pub session_id: Uuid,
    /// Orders this request refunded (0 when a previous request refunded them already).
    pub refunded_orders: u64,
    /// Paid orders still standing: 0 unless some refund failed (ask again).
    pub remaining_orders: u64,
}

#[utoipa::path(post, path = "/api/sales/sessions/{id}/refunds", tag = "orders",
    params(("id" = Uuid, Path)),
    request_body = SessionRefundRequest,
    responses(
        (status = 200, body = SessionRefundOutcome, description = "every paid order of the session refunded, each exactly once however often this is asked"),
        (status = 404, description = "no such session, or not one of an event you organise"),
        (status = 422, description = "no reason")),
    security(("bearer" = [])))]
pub async fn refund_session(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(session_id): Path<Uuid>,
    JsonBody(request): JsonBody<SessionRefundRequest>,
) -> Result<Json<SessionRefundOutcome>, ApiError> {
    let reason = reason(&request.reason)?;
    let organisation = orders::organisation_of_session(&state.pool, session_id).await?;
    organiser_of(&state, &principal, organisation).await?;
    let outcome =
        crate::refunds::refund_session(&state, session_id, reason, &principal.subject).await?;
    Ok(Json(SessionRefundOutcome {
        session_id,
        refunded_orders: outcome.refunded_orders,
        remaining_orders: outcome.remaining_orders,
    }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RemindersQueued {
    pub session_id: Uuid,
    /// Reminders queued by this request: one per order with a valid ticket not reminded yet
    /// (0 once the performance has begun).
    pub queued: u64,
}

#[utoipa::path(post, path = "/api/sales/sessions/{id}/reminders", tag = "orders",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = RemindersQueued, description = "each ticket holder is mailed their tickets once, however often this is asked"),
        (status = 404, description = "no such session, or not one of an event you organise")),
    security(("bearer" = [])))]
pub async fn remind_session(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(session_id): Path<Uuid>,
) -> Result<Json<RemindersQueued>, ApiError> {
    let organisation = orders::organisation_of_session(&state.pool, session_id).await?;
    organiser_of(&state, &principal, organisation).await?;
    let mut conn = state.pool.acquire().await?;
    let queued = crate::data::mail::enqueue_reminders(&mut conn, session_id).await?;
    Ok(Json(RemindersQueued { session_id, queued }))
}
