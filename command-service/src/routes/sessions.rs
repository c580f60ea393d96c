//! Sessions: one performance of an event, with its own sales window, status and seat map.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use service_runtime::JsonBody;
use service_runtime::auth::Authenticated;
use service_runtime::params::Path;
use shared_dto::status::EventStatus;
use uuid::Uuid;

use crate::access::{self, Owned};
use crate::data::sessions::{self, SessionTimes};
pub use crate::data::sessions::{Session, SessionMode};
use crate::data::{events, layouts, venues};
use crate::error::ApiError;
use crate::session_status::{Actor, SessionLifeCycle, SessionStatus, TransitionError};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSession {
    /// Required for physical sessions.
    pub venue_id: Option<Uuid>,
    pub mode: SessionMode,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub sales_start_at: DateTime<Utc>,
    pub sales_end_at: DateTime<Utc>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSession {
    pub venue_id: Option<Uuid>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub sales_start_at: Option<DateTime<Utc>>,
    pub sales_end_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeStatus {
    pub status: SessionStatus,
}

/// Checks the times an organiser gives, naming the field at fault.
fn validated_times(
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    sales_start_at: DateTime<Utc>,
    sales_end_at: DateTime<Utc>,
) -> Result<SessionTimes, ApiError> {
    if ends_at <= starts_at {
        return Err(ApiError::invalid(
            "/ends_at",
            "a session must end after it starts",
        ));
    }
    if sales_end_at <= sales_start_at {
        return Err(ApiError::invalid(
            "/sales_end_at",
            "sales must end after they start",
        ));
    }
    if sales_end_at > ends_at {
        return Err(ApiError::invalid(
            "/sales_end_at",
            "sales cannot end after the session ends",
        ));
    }
    Ok(SessionTimes {
        starts_at,
        ends_at,
        sales_start_at,
        sales_end_at,
    })
}

async fn check_venue(
    tx: &mut sqlx::PgConnection,
    organisation_id: Uuid,
    mode: SessionMode,
    venue_id: Option<Uuid>,
) -> Result<(), ApiError> {
    match (mode, venue_id) {
        (SessionMode::Physical, None) => Err(ApiError::invalid(
            "/venue_id",
            "a physical session needs a venue",
        )),
        (_, Some(venue_id)) => {
            let ours = venues::belongs_to(&mut *tx, venue_id, organisation_id).await?;
            if ours {
                Ok(())
            } else {
                Err(ApiError::invalid(
                    "/venue_id",
                    "no such venue in this organisation",
                ))
            }
        }
        (SessionMode::Online, None) => Ok(()),
    }
}

/// Adds a session; it starts with a copy of the event's seat map, if the event has one yet.
#[utoipa::path(post, path = "/api/manage/events/{id}/sessions", tag = "sessions", params(("id" = Uuid, Path)),
    request_body = CreateSession,
    responses((status = 201, body = Session), (status = 403), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn create_session(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(event_id): Path<Uuid>,
    JsonBody(request): JsonBody<CreateSession>,
) -> Result<(StatusCode, Json<Session>), ApiError> {
    let access = access::writable(&state.pool, &principal, Owned::Event(event_id)).await?;
    let times = validated_times(
        request.starts_at,
        request.ends_at,
        request.sales_start_at,
        request.sales_end_at,
    )?;
    let mut tx = state.pool.begin().await?;
    events::lock_editable(&mut tx, event_id)
        .await
        .map_err(|error| {
            ApiError::event_locked(error, "a cancelled or completed event cannot get sessions")
        })?;
    check_venue(
        &mut tx,
        access.organisation_id,
        request.mode,
        request.venue_id,
    )
    .await?;
    let session_id = Uuid::now_v7();
    sessions::insert(
        &mut *tx,
        session_id,
        event_id,
        request.venue_id,
        request.mode,
        times,
    )
    .await?;
    layouts::copy_event_layout_to_session(&mut *tx, event_id, session_id).await?;
    let session = sessions::find(&mut *tx, session_id).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(session)))
}

#[utoipa::path(get, path = "/api/manage/events/{id}/sessions", tag = "sessions", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<Session>), (status = 404)), security(("bearer" = [])))]
pub async fn list_sessions(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(event_id): Path<Uuid>,
) -> Result<Json<Vec<Session>>, ApiError> {
    access::access(&state.pool, &principal, Owned::Event(event_id)).await?;
    let sessions = sessions::list_of_event(&state.pool, event_id).await?;
    Ok(Json(sessions))
}

#[utoipa::path(get, path = "/api/manage/sessions/{id}", tag = "sessions", params(("id" = Uuid, Path)),
    responses((status = 200, body = Session), (status = 404)), security(("bearer" = [])))]
pub async fn get_session(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(id): Path<Uuid>,
) -> Result<Json<Session>, ApiError> {
    access::access(&state.pool, &principal, Owned::Session(id)).await?;
    Ok(Json(sessions::find(&state.pool, id).await?))
}

#[utoipa::path(patch, path = "/api/manage/sessions/{id}", tag = "sessions", params(("id" = Uuid, Path)),
    request_body = UpdateSession,
    responses((status = 200, body = Session), (status = 403), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn update_session(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(id): Path<Uuid>,
    JsonBody(request): JsonBody<UpdateSession>,
) -> Result<Json<Session>, ApiError> {
    let access = access::writable(&state.pool, &principal, Owned::Session(id)).await?;
    let mut tx = state.pool.begin().await?;
    let current = sessions::lock(&mut tx, id).await?;
    if matches!(
        current.status,
        SessionStatus::Cancelled | SessionStatus::Closed
    ) {
        return Err(ApiError::conflict(
            "session_closed",
            "a closed or cancelled session cannot be edited",
        ));
    }
    if request
        .venue_id
        .is_some_and(|venue| Some(venue) != current.venue_id)
        && current.status != SessionStatus::Scheduled
    {
        return Err(ApiError::conflict(
            "session_on_sale",
            "the venue cannot change once sales have opened",
        ));
    }
    let venue_id = request.venue_id.or(current.venue_id);
    check_venue(&mut tx, access.organisation_id, current.mode, venue_id).await?;
    let starts_at = request.starts_at.unwrap_or(current.starts_at);
    let ends_at = request.ends_at.unwrap_or(current.ends_at);
    let sales_start_at = request.sales_start_at.unwrap_or(current.sales_start_at);
    let sales_end_at = request.sales_end_at.unwrap_or(current.sales_end_at);
    let times = validated_times(starts_at, ends_at, sales_start_at, sales_end_at)?;
    sessions::update_place_and_times(&mut *tx, id, venue_id, times).await?;
    let session = sessions::find(&mut *tx, id).await?;
    tx.commit().await?;
    Ok(Json(session))
}

/// Moves a session through its life cycle; an illegal transition is a 409 naming both states.
#[utoipa::path(post, path = "/api/manage/sessions/{id}/status", tag = "sessions", params(("id" = Uuid, Path)),
    request_body = ChangeStatus,
    responses((status = 200, body = Session), (status = 403), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn change_session_status(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(id): Path<Uuid>,
    JsonBody(request): JsonBody<ChangeStatus>,
) -> Result<Json<Session>, ApiError> {
    let access = access::writable(&state.pool, &principal, Owned::Session(id)).await?;
    let actor = if access.is_system() {
        Actor::System
    } else {
        Actor::Organiser
    };
    let mut tx = state.pool.begin().await?;
    let sessions::StatusContext {
        status: current,
        event_status,
        capacity,
    } = sessions::lock_for_status_change(&mut tx, id).await?;
    let next = current
        .transition(request.status, actor)
        .map_err(|error| match error {
            TransitionError::Illegal { .. } => {
                ApiError::conflict("illegal_transition", error.to_string())
            }
            TransitionError::SystemOnly => {
                ApiError::Forbidden("only the system marks a session sold out")
            }
        })?;
    if next == SessionStatus::OnSale && current == SessionStatus::Scheduled {
        if event_status != EventStatus::Published {
            return Err(ApiError::conflict(
                "event_not_published",
                "publish the event before opening sales",
            ));
        }
        if capacity == 0 {
            return Err(ApiError::conflict(
                "no_capacity",
                "the session's seat map has nothing to sell",
            ));
        }
    }
    sessions::set_status(&mut *tx, id, next).await?;
    let session = sessions::find(&mut *tx, id).await?;
    tx.commit().await?;
    Ok(Json(session))
}
