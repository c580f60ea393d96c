//! Events, and the lock every change to an event's parts (sessions, tiers, layout) takes.

use chrono::{DateTime, Utc};
use serde::Serialize;
use shared_dto::status::{EventStatus, SessionStatus};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

pub use crate::data::organisations::Visibility;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Event {
    pub event_id: Uuid,
    pub organisation_id: Uuid,
    pub title: String,
    pub description: String,
    pub category_id: Option<String>,
    pub cover_image_urls: Vec<String>,
    pub status: EventStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Event {
    /// Cancelled and completed events are closed: nothing of them changes any more.
    pub fn is_closed(&self) -> bool {
        matches!(self.status, EventStatus::Cancelled | EventStatus::Completed)
    }
}

/// An event's editable details, already validated.
#[derive(Debug)]
pub struct EventDetails {
    pub title: String,
    pub description: String,
    pub category_id: Option<String>,
    pub cover_image_urls: Vec<String>,
}

/// Why an event's parts cannot change now.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("the event is {0}")]
    Closed(EventStatus),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// `query_as!` for an [`Event`]: `$head`, every column of `event`, then `$tail` and the
/// query's arguments.
macro_rules! event_query {
    ($head:tt, $tail:tt $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            Event,
            $head
                + r#" event_id, organisation_id, title, description, category_id, cover_image_urls,
                      status as "status: EventStatus", published_at, created_at, updated_at, version "#
                + $tail
            $(, $arg)*
        )
    };
}

pub async fn category_exists(
    executor: impl PgExecutor<'_>,
    category_id: &str,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select exists(select 1 from category where category_id = $1) as "exists!""#,
        category_id
    )
    .fetch_one(executor)
    .await
}

pub async fn find(executor: impl PgExecutor<'_>, event_id: Uuid) -> Result<Event, sqlx::Error> {
    event_query!("select", "from event where event_id = $1", event_id)
        .fetch_one(executor)
        .await
}

/// The event, its row locked for the rest of the transaction: writes to its sessions, tiers
/// and layout take the same lock, so none of them changes under another.
pub async fn lock(tx: &mut PgConnection, event_id: Uuid) -> Result<Event, sqlx::Error> {
    event_query!(
        "select",
        "from event where event_id = $1 for update",
        event_id
    )
    .fetch_one(tx)
    .await
}

/// [`lock`], refusing a cancelled or completed event.
pub async fn lock_editable(tx: &mut PgConnection, event_id: Uuid) -> Result<Event, LockError> {
    let event = lock(tx, event_id).await?;
    if event.is_closed() {
        return Err(LockError::Closed(event.status));
    }
    Ok(event)
}

/// Locks the event a tier belongs to (see [`lock`]).
pub async fn lock_of_tier(tx: &mut PgConnection, tier_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "select 1 as locked from event e join tier t using (event_id) where t.tier_id = $1 for update of e",
        tier_id
    )
    .fetch_optional(tx)
    .await?;
    Ok(())
}

pub async fn insert(
    executor: impl PgExecutor<'_>,
    event_id: Uuid,
    organisation_id: Uuid,
    details: &EventDetails,
) -> Result<Event, sqlx::Error> {
    event_query!(
        "insert into event (event_id, organisation_id, title, description, category_id, cover_image_urls)
         values ($1, $2, $3, $4, $5, $6) returning",
        "",
        event_id,
        organisation_id,
        details.title,
        details.description,
        details.category_id,
        &details.cover_image_urls,
    )
    .fetch_one(executor)
    .await
}

/// One page of the visible events, newest first, optionally of one organisation or status.
pub async fn list_visible(
    executor: impl PgExecutor<'_>,
    visibility: Visibility<'_>,
    organisation_id: Option<Uuid>,
    status: Option<EventStatus>,
    limit: i64,
    offset: i64,
) -> Result<Vec<Event>, sqlx::Error> {
    event_query!(
        "select",
        "from event e
         where ($1 or exists (select 1 from organisation_member m where m.organisation_id = e.organisation_id
                and (m.user_subject = $2 or m.email = $3)))
           and ($4::uuid is null or e.organisation_id = $4)
           and ($5::event_status is null or e.status = $5)
         order by created_at desc limit $6 offset $7",
        visibility.everything,
        visibility.subject,
        visibility.email,
        organisation_id,
        status as _,
        limit,
        offset,
    )
    .fetch_all(executor)
    .await
}

pub async fn count_visible(
    executor: impl PgExecutor<'_>,
    visibility: Visibility<'_>,
    organisation_id: Option<Uuid>,
    status: Option<EventStatus>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select count(*) as "count!" from event e
         where ($1 or exists (select 1 from organisation_member m where m.organisation_id = e.organisation_id
                and (m.user_subject = $2 or m.email = $3)))
           and ($4::uuid is null or e.organisation_id = $4)
           and ($5::event_status is null or e.status = $5)"#,
        visibility.everything,
        visibility.subject,
        visibility.email,
        organisation_id,
        status as _
    )
    .fetch_one(executor)
    .await
}

pub async fn update_details(
    executor: impl PgExecutor<'_>,
    event_id: Uuid,
    details: &EventDetails,
) -> Result<Event, sqlx::Error> {
    event_query!(
        "update event set title = $2, description = $3, category_id = $4, cover_image_urls = $5
         where event_id = $1 returning",
        "",
        event_id,
        details.title,
        details.description,
        details.category_id,
        &details.cover_image_urls,
    )
    .fetch_one(executor)
    .await
}

/// Deletes the event if it is a draft; whether it did.
pub async fn delete_draft(
    executor: impl PgExecutor<'_>,
    event_id: Uuid,
) -> Result<bool, sqlx::Error> {
    let deleted = sqlx::query!(
        "delete from event where event_id = $1 and status = $2",
        event_id,
        EventStatus::Draft as _
    )
    .execute(executor)
    .await?;
    Ok(deleted.rows_affected() > 0)
}

/// What publication checks an event for.
#[derive(Debug)]
pub struct PublicationParts {
    pub tiers: i64,
    /// Seats plus standing places of the event's layout, if it has one.
    pub layout_capacity: Option<i64>,
    /// The sessions not cancelled, by start, with the capacity of their layouts.
    pub sessions: Vec<(Uuid, Option<i64>)>,
}

pub async fn publication_parts(
    tx: &mut PgConnection,
    event_id: Uuid,
) -> Result<PublicationParts, sqlx::Error> {
    let tiers = sqlx::query_scalar!(
        r#"select count(*) as "count!" from tier where event_id = $1"#,
        event_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let layout_capacity = sqlx::query_scalar!(
        "select (seat_count + standing_capacity)::bigint from event_layout where event_id = $1",
        event_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .flatten();
    let sessions = sqlx::query!(
        r#"select s.session_id, (l.seat_count + l.standing_capacity)::bigint as "capacity?"
         from session s left join session_layout l using (session_id)
         where s.event_id = $1 and s.status <> $2 order by s.starts_at"#,
        event_id,
        SessionStatus::Cancelled as _
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|row| (row.session_id, row.capacity))
    .collect();
    Ok(PublicationParts {
        tiers,
        layout_capacity,
        sessions,
    })
}

pub async fn publish(executor: impl PgExecutor<'_>, event_id: Uuid) -> Result<Event, sqlx::Error> {
    event_query!(
        "update event set status = $2, published_at = now() where event_id = $1 returning",
        "",
        event_id,
        EventStatus::Published as _,
    )
    .fetch_one(executor)
    .await
}

/// Marks the event cancelled; its sessions are cancelled separately, in the same transaction.
pub async fn cancel(executor: impl PgExecutor<'_>, event_id: Uuid) -> Result<Event, sqlx::Error> {
    event_query!(
        "update event set status = $2 where event_id = $1 returning",
        "",
        event_id,
        EventStatus::Cancelled as _,
    )
    .fetch_one(executor)
    .await
}
