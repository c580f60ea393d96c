//! Events: created as drafts, completed step by step (venue, sessions, tiers, layout,
//! discounts), published once complete, cancelled with all their sessions.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use service_runtime::JsonBody;
use service_runtime::auth::Authenticated;
use service_runtime::params::{Path, Query};
use shared_dto::status::EventStatus;
use uuid::Uuid;

use crate::access::{self, Owned};
pub use crate::data::events::Event;
use crate::data::events::{self, EventDetails, PublicationParts, Visibility};
use crate::data::sessions;
use crate::error::ApiError;
use crate::routes::{Page, PageQuery};
use crate::state::AppState;

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

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct EventFilter {
    pub organisation_id: Option<Uuid>,
    pub status: Option<EventStatus>,
}

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
    let known = events::category_exists(&state.pool, &category).await?;
    if known {
        Ok(Some(category))
    } else {
        Err(ApiError::invalid(
            "/category_id",
            format!("unknown category {category:?}"),
        ))
    }
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
    let details = EventDetails {
        title: validated_title(&request.title)?,
        description: validated_description(&request.description)?,
        cover_image_urls: validated_cover_urls(request.cover_image_urls)?,
        category_id: validated_category(&state, request.category_id).await?,
    };
    let event = events::insert(
        &state.pool,
        Uuid::now_v7(),
        request.organisation_id,
        &details,
    )
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
    let email = principal.email.as_deref().map(str::to_lowercase);
    let visibility = Visibility {
        everything: principal.is_admin() || principal.is_service(),
        subject: &principal.subject,
        email: email.as_deref(),
    };
    let items = events::list_visible(
        &state.pool,
        visibility,
        filter.organisation_id,
        filter.status,
        page.limit(),
        page.offset(),
    )
    .await?;
    let total = events::count_visible(
        &state.pool,
        visibility,
        filter.organisation_id,
        filter.status,
    )
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
    Ok(Json(events::find(&state.pool, id).await?))
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
    let current = events::lock_editable(&mut tx, id).await.map_err(|error| {
        ApiError::event_locked(error, "a cancelled or completed event cannot be edited")
    })?;
    let details = EventDetails {
        title: validated_title(request.title.as_deref().unwrap_or(&current.title))?,
        description: validated_description(
            request
                .description
                .as_deref()
                .unwrap_or(&current.description),
        )?,
        category_id: category.or(current.category_id),
        cover_image_urls: validated_cover_urls(
            request.cover_image_urls.unwrap_or(current.cover_image_urls),
        )?,
    };
    let event = events::update_details(&mut *tx, id, &details).await?;
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
    if !events::delete_draft(&state.pool, id).await? {
        return Err(ApiError::conflict(
            "not_a_draft",
            "only draft events can be deleted; cancel it instead",
        ));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// What an event still lacks before it can go on sale; empty when it is complete.
fn missing_for_publication(event: &Event, parts: PublicationParts) -> Vec<String> {
    let mut missing = Vec::new();
    if event.category_id.is_none() {
        missing.push("category".to_owned());
    }
    if parts.tiers == 0 {
        missing.push("tiers".to_owned());
    }
    if parts.layout_capacity.unwrap_or(0) == 0 {
        missing.push("layout".to_owned());
    }
    if parts.sessions.is_empty() {
        missing.push("sessions".to_owned());
    }
    for (session_id, capacity) in parts.sessions {
        if capacity.unwrap_or(0) == 0 {
            missing.push(format!("sessions/{session_id}/layout"));
        }
    }
    missing
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
    let event = events::lock_editable(&mut tx, id).await.map_err(|error| {
        ApiError::event_locked(error, "a cancelled or completed event cannot be published")
    })?;
    if event.status == EventStatus::Published {
        return Ok(Json(event));
    }
    let parts = events::publication_parts(&mut tx, id).await?;
    let missing = missing_for_publication(&event, parts);
    if !missing.is_empty() {
        return Err(ApiError::Incomplete { missing });
    }
    let event = events::publish(&mut *tx, id).await?;
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
    let event = events::lock(&mut tx, id).await?;
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
    sessions::cancel_all_of_event(&mut *tx, id).await?;
    let event = events::cancel(&mut *tx, id).await?;
    tx.commit().await?;
    Ok(Json(event))
}
