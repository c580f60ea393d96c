//! Events: created as drafts, completed step by step (venue, sessions, tiers, layout,
//! discounts), published once complete, cancelled with all their sessions.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use service_runtime::JsonBody;
use service_runtime::auth::Authenticated;
use service_runtime::params::{Path, Query};
use shared_dto::status::{EventStatus, SessionStatus};
use uuid::Uuid;

use crate::AppState;
use crate::access::{self, Owned};
use crate::error::ApiError;
use crate::routes::{Page, PageQuery};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEvent {
    pub organisation_id: Uuid,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub category_id: Option<String>,
    #[serde(default)]
    pub cover_image_urls: Vec<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateEvent {
    pub title: Option<String>,
    pub description: Option<String>,
    pub category_id: Option<String>,
    pub cover_image_urls: Option<Vec<String>>,
}

#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
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

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct EventFilter {
    pub organisation_id: Option<Uuid>,
    pub status: Option<EventStatus>,
}

const EVENT_COLUMNS: &str = "event_id, organisation_id, title, description, category_id, \
    cover_image_urls, status, published_at, created_at, updated_at, version";

fn validated_title(title: &str) -> Result<String, ApiError> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        return Err(ApiError::invalid(
            "/title",
            "a title of 1 to 200 characters is required",
        ));
    }
    Ok(title.to_owned())
}

fn validated_description(description: &str) -> Result<String, ApiError> {
    if description.chars().count() > 20_000 {
        return Err(ApiError::invalid(
            "/description",
            "the description is longer than 20,000 characters",
        ));
    }
    Ok(description.to_owned())
}

fn validated_cover_urls(urls: Vec<String>) -> Result<Vec<String>, ApiError> {
    if urls.len() > 10 {
        return Err(ApiError::invalid(
            "/cover_image_urls",
            "at most 10 cover images",
        ));
    }
    for (index, url) in urls.iter().enumerate() {
        if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() > 2048 {
            return Err(ApiError::invalid(
                format!("/cover_image_urls/{index}"),
                "cover images must be http(s) URLs of at most 2048 characters",
            ));
        }
    }
    Ok(urls)
}

async fn validated_category(
    state: &AppState,
    category: Option<String>,
) -> Result<Option<String>, ApiError> {
    let Some(category) = category else {
        return Ok(None);
    };
    let known: bool =
        sqlx::query_scalar("select exists(select 1 from category where category_id = $1)")
            .bind(&category)
            .fetch_one(&state.pool)
            .await?;
    if known {
        Ok(Some(category))
    } else {
        Err(ApiError::invalid(
            "/category_id",
            format!("unknown category {category:?}"),
        ))
    }
}

pub(crate) async fn load_event(
    executor: impl sqlx::PgExecutor<'_>,
    event_id: Uuid,
) -> Result<Event, ApiError> {
    Ok(sqlx::query_as(&format!(
        "select {EVENT_COLUMNS} from event where event_id = $1"
    ))
    .bind(event_id)
    .fetch_one(executor)
    .await?)
}

#[utoipa::path(post, path = "/api/manage/events", tag = "events", request_body = CreateEvent,
    responses((status = 201, body = Event), (status = 403), (status = 404), (status = 422)),
    security(("bearer" = [])))]
pub async fn create_event(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    JsonBody(request): JsonBody<CreateEvent>,
) -> Result<(StatusCode, Json<Event>), ApiError> {
    access::writable(
        &state.pool,
        &principal,
        Owned::Organisation(request.organisation_id),
    )
    .await?;
    let title = validated_title(&request.title)?;
    let description = validated_description(&request.description)?;
    let covers = validated_cover_urls(request.cover_image_urls)?;
    let category = validated_category(&state, request.category_id).await?;
    let event: Event = sqlx::query_as(&format!(
        "insert into event (event_id, organisation_id, title, description, category_id, cover_image_urls)
         values ($1, $2, $3, $4, $5, $6) returning {EVENT_COLUMNS}"
    ))
    .bind(Uuid::now_v7())
    .bind(request.organisation_id)
    .bind(title)
    .bind(description)
    .bind(category)
    .bind(covers)
    .fetch_one(&state.pool)
    .await?;
    Ok((StatusCode::CREATED, Json(event)))
}

/// Events of the organisations the caller belongs to, newest first.
#[utoipa::path(get, path = "/api/manage/events", tag = "events", params(PageQuery, EventFilter),
    responses((status = 200, body = Page<Event>)), security(("bearer" = [])))]
pub async fn list_events(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Query(page): Query<PageQuery>,
    Query(filter): Query<EventFilter>,
) -> Result<Json<Page<Event>>, ApiError> {
    let everything = principal.is_admin() || principal.is_service();
    let email = principal.email.as_deref().map(str::to_lowercase);
    let condition = "($1 or exists (select 1 from organisation_member m where m.organisation_id = e.organisation_id
                       and (m.user_subject = $2 or m.email = $3)))
                     and ($4::uuid is null or e.organisation_id = $4)
                     and ($5::event_status is null or e.status = $5)";
    let items: Vec<Event> = sqlx::query_as(&format!(
        "select {EVENT_COLUMNS} from event e where {condition} order by created_at desc limit $6 offset $7"
    ))
    .bind(everything)
    .bind(&principal.subject)
    .bind(&email)
    .bind(filter.organisation_id)
    .bind(filter.status)
    .bind(page.limit())
    .bind(page.offset())
    .fetch_all(&state.pool)
    .await?;
    let total: i64 = sqlx::query_scalar(&format!("select count(*) from event e where {condition}"))
        .bind(everything)
        .bind(&principal.subject)
        .bind(&email)
        .bind(filter.organisation_id)
        .bind(filter.status)
        .fetch_one(&state.pool)
        .await?;
    Ok(Json(Page::new(items, page, total)))
}

#[utoipa::path(get, path = "/api/manage/events/{id}", tag = "events", params(("id" = Uuid, Path)),
    responses((status = 200, body = Event), (status = 404)), security(("bearer" = [])))]
pub async fn get_event(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(id): Path<Uuid>,
) -> Result<Json<Event>, ApiError> {
    access::access(&state.pool, &principal, Owned::Event(id)).await?;
    Ok(Json(load_event(&state.pool, id).await?))
}

#[utoipa::path(patch, path = "/api/manage/events/{id}", tag = "events", params(("id" = Uuid, Path)),
    request_body = UpdateEvent,
    responses((status = 200, body = Event), (status = 403), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn update_event(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(id): Path<Uuid>,
    JsonBody(request): JsonBody<UpdateEvent>,
) -> Result<Json<Event>, ApiError> {
    access::writable(&state.pool, &principal, Owned::Event(id)).await?;
    let category = validated_category(&state, request.category_id).await?;
    let mut tx = state.pool.begin().await?;
    let current: Event = sqlx::query_as(&format!(
        "select {EVENT_COLUMNS} from event where event_id = $1 for update"
    ))
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    if matches!(
        current.status,
        EventStatus::Cancelled | EventStatus::Completed
    ) {
        return Err(ApiError::conflict(
            "event_closed",
            "a cancelled or completed event cannot be edited",
        ));
    }
    let event: Event = sqlx::query_as(&format!(
        "update event set title = $2, description = $3, category_id = $4, cover_image_urls = $5
         where event_id = $1 returning {EVENT_COLUMNS}"
    ))
    .bind(id)
    .bind(validated_title(
        request.title.as_deref().unwrap_or(&current.title),
    )?)
    .bind(validated_description(
        request
            .description
            .as_deref()
            .unwrap_or(&current.description),
    )?)
    .bind(category.or(current.category_id))
    .bind(validated_cover_urls(
        request.cover_image_urls.unwrap_or(current.cover_image_urls),
    )?)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Json(event))
}

/// Deletes a draft; published events are cancelled instead, never deleted.
#[utoipa::path(delete, path = "/api/manage/events/{id}", tag = "events", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403), (status = 404), (status = 409)), security(("bearer" = [])))]
pub async fn delete_event(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    access::writable(&state.pool, &principal, Owned::Event(id)).await?;
    let deleted = sqlx::query("delete from event where event_id = $1 and status = 'draft'")
        .bind(id)
        .execute(&state.pool)
        .await?;
    if deleted.rows_affected() == 0 {
        return Err(ApiError::conflict(
            "not_a_draft",
            "only draft events can be deleted; cancel it instead",
        ));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// What an event still lacks before it can go on sale; empty when it is complete.
async fn missing_for_publication(
    tx: &mut sqlx::PgConnection,
    event: &Event,
) -> Result<Vec<String>, ApiError> {
    let mut missing = Vec::new();
    if event.category_id.is_none() {
        missing.push("category".to_owned());
    }
    let tiers: i64 = sqlx::query_scalar("select count(*) from tier where event_id = $1")
        .bind(event.event_id)
        .fetch_one(&mut *tx)
        .await?;
    if tiers == 0 {
        missing.push("tiers".to_owned());
    }
    let capacity: Option<i64> = sqlx::query_scalar(
        "select (seat_count + standing_capacity)::bigint from event_layout where event_id = $1",
    )
    .bind(event.event_id)
    .fetch_optional(&mut *tx)
    .await?;
    if capacity.unwrap_or(0) == 0 {
        missing.push("layout".to_owned());
    }
    let sessions: Vec<(Uuid, Option<i64>)> = sqlx::query_as(
        "select s.session_id, (l.seat_count + l.standing_capacity)::bigint
         from session s left join session_layout l using (session_id)
         where s.event_id = $1 and s.status <> $2 order by s.starts_at",
    )
    .bind(event.event_id)
    .bind(SessionStatus::Cancelled)
    .fetch_all(&mut *tx)
    .await?;
    if sessions.is_empty() {
        missing.push("sessions".to_owned());
    }
    for (session_id, capacity) in sessions {
        if capacity.unwrap_or(0) == 0 {
            missing.push(format!("sessions/{session_id}/layout"));
        }
    }
    Ok(missing)
}

/// Publishes a complete draft; says what is missing otherwise. Publishing twice is harmless.
#[utoipa::path(post, path = "/api/manage/events/{id}/publish", tag = "events", params(("id" = Uuid, Path)),
    responses((status = 200, body = Event), (status = 403), (status = 404), (status = 409),
              (status = 422, description = "incomplete: `missing` lists what to add")),
    security(("bearer" = [])))]
pub async fn publish_event(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(id): Path<Uuid>,
) -> Result<Json<Event>, ApiError> {
    access::writable(&state.pool, &principal, Owned::Event(id)).await?;
    let mut tx = state.pool.begin().await?;
    let event: Event = sqlx::query_as(&format!(
        "select {EVENT_COLUMNS} from event where event_id = $1 for update"
    ))
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    match event.status {
        EventStatus::Published => return Ok(Json(event)),
        EventStatus::Cancelled | EventStatus::Completed => {
            return Err(ApiError::conflict(
                "event_closed",
                "a cancelled or completed event cannot be published",
            ));
        }
        EventStatus::Draft => {}
    }
    let missing = missing_for_publication(&mut tx, &event).await?;
    if !missing.is_empty() {
        return Err(ApiError::Incomplete { missing });
    }
    let event: Event = sqlx::query_as(&format!(
        "update event set status = 'published', published_at = now() where event_id = $1 returning {EVENT_COLUMNS}"
    ))
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Json(event))
}

/// Cancels an event and every session of it that has not already been cancelled.
#[utoipa::path(post, path = "/api/manage/events/{id}/cancel", tag = "events", params(("id" = Uuid, Path)),
    responses((status = 200, body = Event), (status = 403), (status = 404), (status = 409)),
    security(("bearer" = [])))]
pub async fn cancel_event(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(id): Path<Uuid>,
) -> Result<Json<Event>, ApiError> {
    access::writable(&state.pool, &principal, Owned::Event(id)).await?;
    let mut tx = state.pool.begin().await?;
    let event = load_event(&mut *tx, id).await?;
    match event.status {
        EventStatus::Cancelled => return Ok(Json(event)),
        EventStatus::Completed => {
            return Err(ApiError::conflict(
                "event_closed",
                "a completed event cannot be cancelled",
            ));
        }
        EventStatus::Draft | EventStatus::Published => {}
    }
    sqlx::query("update session set status = $2 where event_id = $1 and status <> $2")
        .bind(id)
        .bind(SessionStatus::Cancelled)
        .execute(&mut *tx)
        .await?;
    let event: Event = sqlx::query_as(&format!(
        "update event set status = 'cancelled' where event_id = $1 returning {EVENT_COLUMNS}"
    ))
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Json(event))
}
