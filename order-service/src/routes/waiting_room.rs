//! The waiting room's queue: its public state, joining it, a buyer's place (with their
//! admission pass once admitted) and the organisers' figures. The room itself is in
//! `waiting_room`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use service_runtime::JsonBody;
use service_runtime::auth::{Authenticated, OptionalAuthenticated};
use service_runtime::params::{Path, Query};
use shared_dto::waiting_room::QueueState;
use uuid::Uuid;

use crate::buyer::Buyer;
use crate::error::ApiError;
use crate::state::AppState;
use crate::waiting_room::{self, JoinOutcome, Ticket};
use service_runtime::ClientIp;

/// A session's waiting room as anyone may see it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QueueRoom {
    pub session_id: Uuid,
    /// Whether buyers must queue now: the room is on, has opened and sales have not ended.
    pub active: bool,
    /// Whether the session has a waiting room at all.
    pub enabled: bool,
    /// When the room opens for joining.
    pub opens_at: DateTime<Utc>,
    /// When sales open: everyone who joined before gets a random place, admission starts.
    pub sales_start_at: DateTime<Utc>,
    pub sales_end_at: DateTime<Utc>,
    /// Buyers let through per minute.
    pub admit_per_minute: u32,
    /// How long an admission pass lasts.
    pub pass_minutes: u32,
    /// Visitors waiting now.
    pub waiting: u64,
}

/// Whose place: a signed-in buyer is their token's subject, a guest their browser's id.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinQueue {
    /// Required without a bearer token: the id the guest's browser made up for the visit
    /// (8-64 characters of A-Z, a-z, 0-9, `-`, `_`), the same one its holds carry. Ignored when
    /// signed in.
    pub buyer_id: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct BuyerQuery {
    /// Without a bearer token: the guest's buyer id.
    pub buyer_id: Option<String>,
}

/// A buyer's place in the queue.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QueueTicket {
    /// The place's id: follow it live at query-service's
    /// `/api/catalog/sessions/{id}/queue/stream?visitor=`. `null` when no queue is needed.
    pub visitor_id: Option<String>,
    /// `waiting`, `admitted` (hold seats with `pass` until `pass_expires_at`) or
    /// `not_required` (the room is not active: hold without a pass).
    #[schema(value_type = String, example = "waiting")]
    pub state: QueueState,
    /// 1-based; `null` before sales open (the early crowd is shuffled then) and once admitted.
    pub position: Option<u64>,
    /// Visitors ahead; `null` when `position` is.
    pub ahead: Option<u64>,
    /// Seconds until admission at the room's rate; `null` when `position` is.
    pub estimated_wait_seconds: Option<u64>,
    pub opens_at: DateTime<Utc>,
    pub sales_start_at: DateTime<Utc>,
    /// The admission pass, once admitted: send it as `admission_pass` with each hold.
    pub pass: Option<String>,
    /// When the pass expires (the same on every read); after it, queue again.
    pub pass_expires_at: Option<DateTime<Utc>>,
}

impl From<Ticket> for QueueTicket {
    fn from(ticket: Ticket) -> Self {
        Self {
            visitor_id: ticket.visitor_id,
            state: ticket.state,
            position: ticket.position,
            ahead: ticket.ahead,
            estimated_wait_seconds: ticket.estimated_wait_seconds,
            opens_at: ticket.room.opens_at(),
            sales_start_at: ticket.room.sales_start_at,
            pass: ticket.pass,
            pass_expires_at: ticket.pass_expires_at,
        }
    }
}

/// The room as its organisers watch it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QueueStats {
    pub active: bool,
    pub waiting: u64,
    pub admitted_total: u64,
    pub admitted_last_minute: u64,
    /// Mean time from joining (or from the sales start, for the early crowd) to admission.
    pub average_wait_seconds: f64,
    pub admit_per_minute: u32,
}

#[utoipa::path(get, path = "/api/sales/sessions/{id}/queue", tag = "waiting room",
    params(("id" = Uuid, Path, description = "session id")),
    responses(
        (status = 200, body = QueueRoom),
        (status = 404, description = "no such session")),
    security(()))]
pub async fn room_state(
    State(state): State<AppState>,
    Path(session_id): Path<Uuid>,
) -> Result<Json<QueueRoom>, ApiError> {
    let current = waiting_room::room_state(&state, session_id).await?;
    let room = current.room;
    Ok(Json(QueueRoom {
        session_id,
        active: current.active,
        enabled: room.settings.enabled,
        opens_at: room.opens_at(),
        sales_start_at: room.sales_start_at,
        sales_end_at: room.sales_end_at,
        admit_per_minute: room.settings.admit_per_minute,
        pass_minutes: room.settings.pass_minutes,
        waiting: current.waiting,
    }))
}

#[utoipa::path(post, path = "/api/sales/sessions/{id}/queue", tag = "waiting room",
    params(("id" = Uuid, Path, description = "session id")),
    request_body = JoinQueue,
    responses(
        (status = 201, body = QueueTicket, description = "a new place"),
        (status = 200, body = QueueTicket, description = "the buyer already has a place (another tab's): the same one"),
        (status = 404, description = "no such session"),
        (status = 409, description = "the room is not open for joining (`queue_not_open`: no waiting room, not yet open — see `opens_at` — or sales over)"),
        (status = 422, description = "no bearer token and no valid `buyer_id`"),
        (status = 429, description = "too many joins from this client address (`too_many_joins`)")),
    security((), ("bearer" = [])))]
pub async fn join_queue(
    State(state): State<AppState>,
    OptionalAuthenticated(principal): OptionalAuthenticated,
    ClientIp(client): ClientIp,
    Path(session_id): Path<Uuid>,
    JsonBody(request): JsonBody<JoinQueue>,
) -> Result<(StatusCode, Json<QueueTicket>), ApiError> {
    let buyer = Buyer::resolve(principal.as_ref(), request.buyer_id.as_deref())?;
    Ok(
        match waiting_room::join(&state, session_id, &buyer, &client.to_string()).await? {
            JoinOutcome::New(ticket) => (StatusCode::CREATED, Json(ticket.into())),
            JoinOutcome::Existing(ticket) => (StatusCode::OK, Json(ticket.into())),
        },
    )
}

#[utoipa::path(get, path = "/api/sales/sessions/{id}/queue/me", tag = "waiting room",
    params(("id" = Uuid, Path, description = "session id"), BuyerQuery),
    responses(
        (status = 200, body = QueueTicket, description = "the buyer's place; once admitted with `pass` and `pass_expires_at`; `not_required` while the room is not active"),
        (status = 404, description = "no such session, or the buyer has no place (never joined, or their pass expired: join again)"),
        (status = 422, description = "no bearer token and no valid `buyer_id`")),
    security((), ("bearer" = [])))]
pub async fn my_place(
    State(state): State<AppState>,
    OptionalAuthenticated(principal): OptionalAuthenticated,
    Path(session_id): Path<Uuid>,
    Query(query): Query<BuyerQuery>,
) -> Result<Json<QueueTicket>, ApiError> {
    let buyer = Buyer::resolve(principal.as_ref(), query.buyer_id.as_deref())?;
    let ticket = waiting_room::my_place(&state, session_id, &buyer).await?;
    Ok(Json(ticket.into()))
}

#[utoipa::path(get, path = "/api/sales/sessions/{id}/queue/stats", tag = "waiting room",
    params(("id" = Uuid, Path, description = "session id")),
    responses(
        (status = 200, body = QueueStats),
        (status = 403, description = "staff of the event's organisation: the figures are for its organisers"),
        (status = 404, description = "no such session, or not one of an organisation you belong to")),
    security(("bearer" = [])))]
pub async fn queue_stats(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(session_id): Path<Uuid>,
) -> Result<Json<QueueStats>, ApiError> {
    let stats = waiting_room::stats(&state, session_id, &principal).await?;
    Ok(Json(QueueStats {
        active: stats.active,
        waiting: stats.waiting,
        admitted_total: stats.admitted_total,
        admitted_last_minute: stats.admitted_last_minute,
        average_wait_seconds: stats.average_wait_seconds,
        admit_per_minute: stats.room.settings.admit_per_minute,
    }))
}
