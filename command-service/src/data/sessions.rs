//! Sessions, read with the capacity of their seat maps.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use shared_dto::status::{EventStatus, SessionStatus};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema,
)]
#[sqlx(type_name = "session_mode", rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum SessionMode {
    Physical,
    Online,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
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

/// When a session happens and sells, already validated.
#[derive(Debug, Clone, Copy)]
pub struct SessionTimes {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub sales_start_at: DateTime<Utc>,
    pub sales_end_at: DateTime<Utc>,
}

/// What a status change is decided on.
#[derive(Debug)]
pub struct StatusContext {
    pub status: SessionStatus,
    pub event_status: EventStatus,
    /// Seats plus standing places of the session's seat map.
    pub capacity: i64,
}

/// `query_as!` for [`Session`]s, followed by `$tail` (the `where`/`order by`) and its arguments.
macro_rules! session_query {
    ($tail:tt $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            Session,
            r#"select s.session_id, s.event_id, s.venue_id, s.mode as "mode: SessionMode",
                  s.starts_at, s.ends_at, s.sales_start_at, s.sales_end_at,
                  s.status as "status: SessionStatus",
                  coalesce(l.seat_count + l.standing_capacity, 0)::bigint as "capacity!",
                  coalesce(l.diverged, false) as "own_seat_map!",
                  s.created_at, s.updated_at, s.version
               from session s left join session_layout l using (session_id) "#
                + $tail
            $(, $arg)*
        )
    };
}

pub async fn find(executor: impl PgExecutor<'_>, session_id: Uuid) -> Result<Session, sqlx::Error> {
    session_query!("where s.session_id = $1", session_id)
        .fetch_one(executor)
        .await
}

pub async fn list_of_event(
    executor: impl PgExecutor<'_>,
    event_id: Uuid,
) -> Result<Vec<Session>, sqlx::Error> {
    session_query!("where s.event_id = $1 order by s.starts_at", event_id)
        .fetch_all(executor)
        .await
}

/// The session, its row locked for the rest of the transaction.
pub async fn lock(tx: &mut PgConnection, session_id: Uuid) -> Result<Session, sqlx::Error> {
    sqlx::query!(
        "select 1 as locked from session where session_id = $1 for update",
        session_id
    )
    .fetch_optional(&mut *tx)
    .await?;
    find(&mut *tx, session_id).await
}

/// The session's status, its row locked for the rest of the transaction.
pub async fn lock_status(
    tx: &mut PgConnection,
    session_id: Uuid,
) -> Result<SessionStatus, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select status as "status: SessionStatus" from session where session_id = $1 for update"#,
        session_id
    )
    .fetch_one(tx)
    .await
}

/// The session's event and status, both rows locked for the rest of the transaction (the
/// event's first, as every write to an event's parts takes it).
pub async fn lock_with_event(
    tx: &mut PgConnection,
    session_id: Uuid,
) -> Result<(Uuid, SessionStatus), sqlx::Error> {
    let row = sqlx::query!(
        r#"select e.event_id, s.status as "status: SessionStatus"
         from session s join event e using (event_id)
         where s.session_id = $1 for update of e, s"#,
        session_id
    )
    .fetch_one(tx)
    .await?;
    Ok((row.event_id, row.status))
}

/// The session's status, its event's and its capacity; the session row locked.
pub async fn lock_for_status_change(
    tx: &mut PgConnection,
    session_id: Uuid,
) -> Result<StatusContext, sqlx::Error> {
    sqlx::query_as!(
        StatusContext,
        r#"select s.status as "status: SessionStatus", e.status as "event_status: EventStatus",
                  coalesce(l.seat_count + l.standing_capacity, 0)::bigint as "capacity!"
         from session s join event e using (event_id) left join session_layout l using (session_id)
         where s.session_id = $1 for update of s"#,
        session_id
    )
    .fetch_one(tx)
    .await
}

pub async fn insert(
    executor: impl PgExecutor<'_>,
    session_id: Uuid,
    event_id: Uuid,
    venue_id: Option<Uuid>,
    mode: SessionMode,
    times: SessionTimes,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into session (session_id, event_id, venue_id, mode, starts_at, ends_at, sales_start_at, sales_end_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
        session_id,
        event_id,
        venue_id,
        mode as _,
        times.starts_at,
        times.ends_at,
        times.sales_start_at,
        times.sales_end_at
    )
    .execute(executor)
    .await?;
    Ok(())
}

pub async fn update_place_and_times(
    executor: impl PgExecutor<'_>,
    session_id: Uuid,
    venue_id: Option<Uuid>,
    times: SessionTimes,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update session set venue_id = $2, starts_at = $3, ends_at = $4, sales_start_at = $5, sales_end_at = $6
         where session_id = $1",
        session_id,
        venue_id,
        times.starts_at,
        times.ends_at,
        times.sales_start_at,
        times.sales_end_at
    )
    .execute(executor)
    .await?;
    Ok(())
}

pub async fn set_status(
    executor: impl PgExecutor<'_>,
    session_id: Uuid,
    status: SessionStatus,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update session set status = $2 where session_id = $1",
        session_id,
        status as _
    )
    .execute(executor)
    .await?;
    Ok(())
}

/// Cancels every session of the event not already cancelled.
pub async fn cancel_all_of_event(
    executor: impl PgExecutor<'_>,
    event_id: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update session set status = $2 where event_id = $1 and status <> $2",
        event_id,
        SessionStatus::Cancelled as _
    )
    .execute(executor)
    .await?;
    Ok(())
}

/// How many of `session_ids` are sessions of the event.
pub async fn count_of_event(
    executor: impl PgExecutor<'_>,
    event_id: Uuid,
    session_ids: &[Uuid],
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select count(*) as "count!" from session where event_id = $1 and session_id = any($2)"#,
        event_id,
        session_ids
    )
    .fetch_one(executor)
    .await
}
