//! Sessions: one performance of an event, with its own sales window, status and seat map.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use service_runtime::JsonBody;
use service_runtime::auth::Authenticated;
use service_runtime::params::Path;
use uuid::Uuid;

use crate::AppState;
use crate::access::{self, Owned};
use crate::error::ApiError;
use crate::session_status::{Actor, SessionLifeCycle, SessionStatus, TransitionError};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema,
)]
#[sqlx(type_name = "session_mode", rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum SessionMode {
    Physical,
    Online,
}

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

#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Session {
    pub session_id: Uuid,
    pub event_id: Uuid,
    pub venue_id: Option<Uuid>,
    pub mode: SessionMode,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub sales_start_at: DateTime<Utc>,
    pub sales_end_at: DateTime<Utc>,
    pub status: SessionStatus,
    /// Seats plus standing places, from the session's seat map (0 until it has one).
    pub capacity: i64,
    /// True once the session's map was saved on its own: it diverges from the event's map,
    /// whose later changes no longer reach it.
    pub own_seat_map: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

const SESSION_SELECT: &str =
    "select s.session_id, s.event_id, s.venue_id, s.mode, s.starts_at, s.ends_at,
        s.sales_start_at, s.sales_end_at, s.status,
        coalesce(l.seat_count + l.standing_capacity, 0)::bigint as capacity,
        coalesce(l.diverged, false) as own_seat_map,
        s.created_at, s.updated_at, s.version
    from session s left join session_layout l using (session_id)";

async fn load_session(
    executor: impl sqlx::PgExecutor<'_>,
    session_id: Uuid,
) -> Result<Session, ApiError> {
    Ok(
        sqlx::query_as(&format!("{SESSION_SELECT} where s.session_id = $1"))
            .bind(session_id)
            .fetch_one(executor)
            .await?,
    )
}

/// Checks the times an organiser gives, naming the field at fault.
fn validated_times(
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    sales_start_at: DateTime<Utc>,
    sales_end_at: DateTime<Utc>,
) -> Result<(), ApiError> {
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
    Ok(())
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
            let ours: bool = sqlx::query_scalar(
                "select exists(select 1 from venue where venue_id = $1 and organisation_id = $2)",
            )
            .bind(venue_id)
            .bind(organisation_id)
            .fetch_one(&mut *tx)
            .await?;
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
    validated_times(
        request.starts_at,
        request.ends_at,
        request.sales_start_at,
        request.sales_end_at,
    )?;
    let mut tx = state.pool.begin().await?;
    let status: String =
        sqlx::query_scalar("select status::text from event where event_id = $1 for update")
            .bind(event_id)
            .fetch_one(&mut *tx)
            .await?;
    if status == "cancelled" || status == "completed" {
        return Err(ApiError::conflict(
            "event_closed",
            "a cancelled or completed event cannot get sessions",
        ));
    }
    check_venue(
        &mut tx,
        access.organisation_id,
        request.mode,
        request.venue_id,
    )
    .await?;
    let session_id = Uuid::now_v7();
    sqlx::query(
        "insert into session (session_id, event_id, venue_id, mode, starts_at, ends_at, sales_start_at, sales_end_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(session_id)
    .bind(event_id)
    .bind(request.venue_id)
    .bind(request.mode)
    .bind(request.starts_at)
    .bind(request.ends_at)
    .bind(request.sales_start_at)
    .bind(request.sales_end_at)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into session_layout (session_id, layout, seat_count, standing_capacity, tier_ids)
         select $1, layout, seat_count, standing_capacity, tier_ids from event_layout where event_id = $2",
    )
    .bind(session_id)
    .bind(event_id)
    .execute(&mut *tx)
    .await?;
    let session = load_session(&mut *tx, session_id).await?;
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
    let sessions = sqlx::query_as(&format!(
        "{SESSION_SELECT} where s.event_id = $1 order by s.starts_at"
    ))
    .bind(event_id)
    .fetch_all(&state.pool)
    .await?;
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
    Ok(Json(load_session(&state.pool, id).await?))
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
    sqlx::query("select 1 from session where session_id = $1 for update")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let current = load_session(&mut *tx, id).await?;
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
    validated_times(starts_at, ends_at, sales_start_at, sales_end_at)?;
    sqlx::query(
        "update session set venue_id = $2, starts_at = $3, ends_at = $4, sales_start_at = $5, sales_end_at = $6
         where session_id = $1",
    )
    .bind(id)
    .bind(venue_id)
    .bind(starts_at)
    .bind(ends_at)
    .bind(sales_start_at)
    .bind(sales_end_at)
    .execute(&mut *tx)
    .await?;
    let session = load_session(&mut *tx, id).await?;
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
    let (current, event_status, capacity): (SessionStatus, String, i64) = sqlx::query_as(
        "select s.status, e.status::text, coalesce(l.seat_count + l.standing_capacity, 0)::bigint
         from session s join event e using (event_id) left join session_layout l using (session_id)
         where s.session_id = $1 for update of s",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
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
        if event_status != "published" {
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
    sqlx::query("update session set status = $2 where session_id = $1")
        .bind(id)
        .bind(next)
        .execute(&mut *tx)
        .await?;
    let session = load_session(&mut *tx, id).await?;
    tx.commit().await?;
    Ok(Json(session))
}
