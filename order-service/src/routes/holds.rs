//! Seat holds: take seats (named, or best available of a tier) and standing places for a few
//! minutes while the buyer checks out; release them; extend once. The workflow is in
//! `seat_hold`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use service_runtime::JsonBody;
use service_runtime::auth::OptionalAuthenticated;
use service_runtime::params::Path;
use shared_dto::seat_hold::{HoldToken, StandingHold};
use uuid::Uuid;

use crate::buyer::Buyer;
use crate::error::ApiError;
use crate::seat_hold::{self, Asked, Taken};
use crate::state::AppState;
use crate::waiting_room;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoldSeats {
    /// Seats to hold by id: all of them or none.
    pub seats: Option<Vec<String>>,
    /// Standing places to hold, per standing area.
    pub standing: Option<Vec<StandingRequest>>,
    /// Best available: the tier to pick from (with `quantity`, instead of `seats`/`standing`).
    /// Seats go adjacent in one row where any row has room, without stranding single seats.
    pub tier_id: Option<Uuid>,
    /// Best available: how many places.
    pub quantity: Option<u32>,
    /// Required without a bearer token: an id the guest's browser made up and keeps for the
    /// visit (8-64 characters of A-Z, a-z, 0-9, `-`, `_`). Ignored when signed in.
    pub buyer_id: Option<String>,
    /// While the session's waiting room is active: the admission pass the queue gave this
    /// buyer (`/api/sales/sessions/{id}/queue/me`); without a valid one the hold is refused.
    pub admission_pass: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StandingRequest {
    pub block_id: String,
    pub quantity: u32,
}

/// A live hold.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Hold {
    /// The hold's secret: order, extend or release with it.
    pub hold_token: String,
    pub session_id: Uuid,
    pub seats: Vec<HeldSeat>,
    pub standing: Vec<HeldStanding>,
    pub expires_at: DateTime<Utc>,
    /// Whether the one extension has been used.
    pub extended: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HeldSeat {
    pub seat_id: String,
    pub block_id: String,
    pub tier_id: Uuid,
    pub label: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HeldStanding {
    pub block_id: String,
    pub tier_id: Uuid,
    pub quantity: u32,
}

#[utoipa::path(post, path = "/api/sales/sessions/{id}/holds", tag = "holds",
    params(("id" = Uuid, Path, description = "session id")),
    request_body = HoldSeats,
    responses(
        (status = 201, body = Hold),
        (status = 403, description = "the session's waiting room is active and the request has no valid `admission_pass` for this buyer (`admission_pass_required`; `queue` is where to join)"),
        (status = 404, description = "no such session"),
        (status = 409, description = "places held or sold (`unavailable` lists them), or the session is not on sale"),
        (status = 422, description = "unknown seat or area, or an invalid request"),
        (status = 429, description = "the buyer would hold more than the per-buyer cap")),
    security((), ("bearer" = [])))]
pub async fn hold_seats(
    State(state): State<AppState>,
    OptionalAuthenticated(principal): OptionalAuthenticated,
    Path(session_id): Path<Uuid>,
    JsonBody(request): JsonBody<HoldSeats>,
) -> Result<(StatusCode, Json<Hold>), ApiError> {
    let buyer = Buyer::resolve(principal.as_ref(), request.buyer_id.as_deref())?;
    let pass = request.admission_pass.as_deref();
    waiting_room::require_pass(&state, session_id, &buyer, pass).await?;
    let standing: Option<Vec<StandingHold>> = request.standing.as_ref().map(|areas| {
        areas
            .iter()
            .map(|area| StandingHold {
                block_id: area.block_id.clone(),
                quantity: area.quantity,
            })
            .collect()
    });
    let asked = Asked {
        seats: request.seats.as_deref(),
        standing: standing.as_deref(),
        tier_id: request.tier_id,
        quantity: request.quantity,
    };
    let taken = seat_hold::take(&state, session_id, &buyer, asked).await?;
    Ok((StatusCode::CREATED, Json(view(&taken))))
}

fn view(Taken { record, map }: &Taken) -> Hold {
    Hold {
        hold_token: record.token.clone(),
        session_id: record.session_id.parse().unwrap_or_default(),
        seats: record
            .seat_ids
            .iter()
            .filter_map(|seat_id| {
                let seat = map.seats.get(seat_id)?;
                Some(HeldSeat {
                    seat_id: seat_id.clone(),
                    block_id: seat.block_id.clone(),
                    tier_id: seat.tier_id,
                    label: seat.label.clone(),
                })
            })
            .collect(),
        standing: record
            .standing
            .iter()
            .filter_map(|hold| {
                Some(HeldStanding {
                    block_id: hold.block_id.clone(),
                    tier_id: map.standing.get(&hold.block_id)?.tier_id,
                    quantity: hold.quantity,
                })
            })
            .collect(),
        expires_at: DateTime::from_timestamp_millis(record.expires_at_ms).unwrap_or_default(),
        extended: record.extended,
    }
}

/// The token a path names, parsed once here; a malformed one names no hold (404).
fn named_hold(raw: &str) -> Result<HoldToken, ApiError> {
    HoldToken::parse(raw).ok_or(ApiError::NotFound)
}

#[utoipa::path(delete, path = "/api/sales/holds/{token}", tag = "holds",
    params(("token" = String, Path, description = "the hold token")),
    responses(
        (status = 204, description = "released; a pending order placed from the hold is cancelled"),
        (status = 404, description = "no such live hold"),
        (status = 409, description = "the hold's order is paid")),
    security((), ("bearer" = [])))]
pub async fn release_hold(
    State(state): State<AppState>,
    OptionalAuthenticated(principal): OptionalAuthenticated,
    Path(token): Path<String>,
) -> Result<StatusCode, ApiError> {
    let token = named_hold(&token)?;
    seat_hold::release(&state, &token, principal.as_ref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/sales/holds/{token}/extend", tag = "holds",
    params(("token" = String, Path, description = "the hold token")),
    responses(
        (status = 200, body = Hold, description = "extended by the configured extension, once"),
        (status = 404, description = "no such live hold"),
        (status = 409, description = "already extended")),
    security((), ("bearer" = [])))]
pub async fn extend_hold(
    State(state): State<AppState>,
    OptionalAuthenticated(principal): OptionalAuthenticated,
    Path(token): Path<String>,
) -> Result<Json<Hold>, ApiError> {
    let token = named_hold(&token)?;
    let extended = seat_hold::extend(&state, &token, principal.as_ref()).await?;
    Ok(Json(view(&extended)))
}
