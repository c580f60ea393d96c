//! A session's waiting room for flash sales: on or off, how many buyers it lets through a
//! minute, how long before sales start it opens and how long an admission pass lasts.
//! order-service reads the stored row and runs the room (`order-service/src/waiting_room/`).

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use service_runtime::JsonBody;
use service_runtime::auth::Authenticated;
use service_runtime::params::Path;
use shared_dto::status::SessionStatus;
use shared_dto::waiting_room::WaitingRoomSettings;
use uuid::Uuid;

use crate::access::{self, Owned};
use crate::data::{sessions, waiting_room};
use crate::error::ApiError;
use crate::state::AppState;

/// A session's waiting room as set by its organisers.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WaitingRoom {
    pub session_id: Uuid,
    /// Whether buyers queue before they reach the seat map.
    pub enabled: bool,
    /// Buyers let through to the seat map per minute (1-100000).
    pub admit_per_minute: u32,
    /// How many minutes before the session's `sales_start_at` the room opens for joining
    /// (0-1440). Everyone who joins before `sales_start_at` gets a random place then.
    pub opens_minutes_before_sale: u32,
    /// How many minutes an admission pass lasts (1-120).
    pub pass_minutes: u32,
}

/// The whole setting; a number left out keeps its current value.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetWaitingRoom {
    pub enabled: bool,
    /// 1-100000.
    pub admit_per_minute: Option<i64>,
    /// 0-1440.
    pub opens_minutes_before_sale: Option<i64>,
    /// 1-120.
    pub pass_minutes: Option<i64>,
}

fn view(session_id: Uuid, settings: WaitingRoomSettings) -> WaitingRoom {
    WaitingRoom {
        session_id,
        enabled: settings.enabled,
        admit_per_minute: settings.admit_per_minute,
        opens_minutes_before_sale: settings.opens_minutes_before_sale,
        pass_minutes: settings.pass_minutes,
    }
}

/// `value` if given and within `range`, else the current one; out of range names the field.
fn within(
    field: &str,
    value: Option<i64>,
    range: std::ops::RangeInclusive<u32>,
    current: u32,
) -> Result<u32, ApiError> {
    let Some(value) = value else {
        return Ok(current);
    };
    u32::try_from(value)
        .ok()
        .filter(|value| range.contains(value))
        .ok_or_else(|| {
            ApiError::invalid(
                format!("/{field}"),
                format!(
                    "{field} must be between {} and {}",
                    range.start(),
                    range.end()
                ),
            )
        })
}

#[utoipa::path(get, path = "/api/manage/sessions/{id}/waiting-room", tag = "sessions",
    params(("id" = Uuid, Path, description = "session id")),
    responses(
        (status = 200, body = WaitingRoom, description = "the settings; a session never set has the room off, with defaults"),
        (status = 404, description = "no such session in the caller's organisations")),
    security(("bearer" = [])))]
pub async fn get_waiting_room(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(id): Path<Uuid>,
) -> Result<Json<WaitingRoom>, ApiError> {
    access::access(&state.pool, &principal, Owned::Session(id)).await?;
    Ok(Json(view(
        id,
        waiting_room::settings(&state.pool, id).await?,
    )))
}

#[utoipa::path(put, path = "/api/manage/sessions/{id}/waiting-room", tag = "sessions",
    params(("id" = Uuid, Path, description = "session id")),
    request_body = SetWaitingRoom,
    responses(
        (status = 200, body = WaitingRoom),
        (status = 403, description = "the caller may only read this organisation"),
        (status = 404, description = "no such session in the caller's organisations"),
        (status = 409, description = "the session is closed or cancelled"),
        (status = 422, description = "a value out of range (`field` names it)")),
    security(("bearer" = [])))]
pub async fn set_waiting_room(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(id): Path<Uuid>,
    JsonBody(request): JsonBody<SetWaitingRoom>,
) -> Result<Json<WaitingRoom>, ApiError> {
    access::writable(&state.pool, &principal, Owned::Session(id)).await?;
    let mut tx = state.pool.begin().await?;
    let status = sessions::lock_status(&mut tx, id).await?;
    if matches!(status, SessionStatus::Cancelled | SessionStatus::Closed) {
        return Err(ApiError::conflict(
            "session_closed",
            "a closed or cancelled session cannot be edited",
        ));
    }
    let current = waiting_room::settings(&mut *tx, id).await?;
    let settings = WaitingRoomSettings {
        enabled: request.enabled,
        admit_per_minute: within(
            "admit_per_minute",
            request.admit_per_minute,
            WaitingRoomSettings::ADMIT_PER_MINUTE,
            current.admit_per_minute,
        )?,
        opens_minutes_before_sale: within(
            "opens_minutes_before_sale",
            request.opens_minutes_before_sale,
            WaitingRoomSettings::OPENS_MINUTES_BEFORE_SALE,
            current.opens_minutes_before_sale,
        )?,
        pass_minutes: within(
            "pass_minutes",
            request.pass_minutes,
            WaitingRoomSettings::PASS_MINUTES,
            current.pass_minutes,
        )?,
    };
    waiting_room::store(&mut *tx, id, &settings).await?;
    tx.commit().await?;
    Ok(Json(view(id, settings)))
}
