//! Seat-map layouts: the event's, each session's copy of it, and reusable templates.
//!
//! Layouts are validated in full before anything is written (every problem is reported with
//! its JSON pointer) and stored as JSONB. A session copies the event's layout when it is
//! created and keeps following it while it is scheduled and has not been edited on its own.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use service_runtime::JsonBody;
use service_runtime::auth::Authenticated;
use service_runtime::json_body::JsonBytes;
use service_runtime::params::Path;
use shared_dto::layout::Layout;
use shared_dto::status::SessionStatus;
use uuid::Uuid;

use crate::access::{self, Owned};
use crate::data::layouts::{self, CountedLayout};
pub use crate::data::layouts::{LayoutSummary, StoredLayout, Template, TemplateWithLayout};
use crate::data::{events, sessions, tiers};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyTemplate {
    pub template_id: Uuid,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTemplate {
    pub name: String,
    #[schema(value_type = Object)]
    pub layout: serde_json::Value,
}

/// Parses and validates a layout against the tiers that exist for the event.
fn checked_layout(
    bytes: &[u8],
    known_tiers: &std::collections::HashSet<Uuid>,
) -> Result<Layout, ApiError> {
    let layout = Layout::parse(bytes).map_err(ApiError::Layout)?;
    layout
        .validate(|tier| known_tiers.contains(&tier))
        .map_err(ApiError::Layout)?;
    Ok(layout)
}

fn counted(layout: &Layout) -> Result<CountedLayout<'_>, ApiError> {
    let seat_count = i32::try_from(layout.seat_count())
        .map_err(|_| ApiError::Internal("seat count overflow".into()))?;
    let standing_capacity = i32::try_from(layout.standing_capacity())
        .map_err(|_| ApiError::Internal("standing capacity overflow".into()))?;
    Ok(CountedLayout {
        layout,
        seat_count,
        standing_capacity,
        tier_ids: layout.tier_ids().into_iter().collect(),
    })
}

/// Replaces the event's layout, and the layouts of its scheduled sessions that still follow it.
#[utoipa::path(put, path = "/api/manage/events/{id}/layout", tag = "layouts", params(("id" = Uuid, Path)),
    request_body(content = Object, description = "a seat-map layout", content_type = "application/json"),
    responses((status = 200, body = LayoutSummary), (status = 403), (status = 404),
              (status = 413), (status = 422, description = "errors with JSON pointers")),
    security(("bearer" = [])))]
pub async fn put_event_layout(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(event_id): Path<Uuid>,
    JsonBytes(bytes): JsonBytes,
) -> Result<Json<LayoutSummary>, ApiError> {
    access::writable(&state.pool, &principal, Owned::Event(event_id)).await?;
    store_event_layout(&state, event_id, &bytes).await.map(Json)
}

/// Copies a saved template of the organisation into the event's layout.
#[utoipa::path(post, path = "/api/manage/events/{id}/layout/from-template", tag = "layouts",
    params(("id" = Uuid, Path)), request_body = ApplyTemplate,
    responses((status = 200, body = LayoutSummary), (status = 403), (status = 404), (status = 422)),
    security(("bearer" = [])))]
pub async fn apply_template(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(event_id): Path<Uuid>,
    JsonBody(request): JsonBody<ApplyTemplate>,
) -> Result<Json<LayoutSummary>, ApiError> {
    let access = access::writable(&state.pool, &principal, Owned::Event(event_id)).await?;
    let layout =
        layouts::template_document(&state.pool, request.template_id, access.organisation_id)
            .await?
            .ok_or_else(|| ApiError::invalid("/template_id", "no such template"))?;
    let bytes =
        serde_json::to_vec(&layout).map_err(|error| ApiError::Internal(error.to_string()))?;
    store_event_layout(&state, event_id, &bytes).await.map(Json)
}

async fn store_event_layout(
    state: &AppState,
    event_id: Uuid,
    bytes: &[u8],
) -> Result<LayoutSummary, ApiError> {
    let mut tx = state.pool.begin().await?;
    // Locks the event: tier deletion takes the same lock, so a tier cannot vanish mid-write.
    events::lock_editable(&mut tx, event_id)
        .await
        .map_err(|error| {
            ApiError::event_locked(error, "a cancelled or completed event cannot be edited")
        })?;
    let known_tiers = tiers::ids_of_event(&mut *tx, event_id).await?;
    let layout = checked_layout(bytes, &known_tiers)?;
    let summary = layouts::store_for_event(&mut tx, event_id, &counted(&layout)?).await?;
    tx.commit().await?;
    Ok(summary)
}

#[utoipa::path(get, path = "/api/manage/events/{id}/layout", tag = "layouts", params(("id" = Uuid, Path)),
    responses((status = 200, body = StoredLayout), (status = 404)), security(("bearer" = [])))]
pub async fn get_event_layout(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(event_id): Path<Uuid>,
) -> Result<Json<StoredLayout>, ApiError> {
    access::access(&state.pool, &principal, Owned::Event(event_id)).await?;
    Ok(Json(layouts::of_event(&state.pool, event_id).await?))
}

/// Gives one session a layout of its own; it stops following the event's from then on.
#[utoipa::path(put, path = "/api/manage/sessions/{id}/layout", tag = "layouts", params(("id" = Uuid, Path)),
    request_body(content = Object, description = "a seat-map layout", content_type = "application/json"),
    responses((status = 200, body = LayoutSummary), (status = 403), (status = 404), (status = 409),
              (status = 413), (status = 422)),
    security(("bearer" = [])))]
pub async fn put_session_layout(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(session_id): Path<Uuid>,
    JsonBytes(bytes): JsonBytes,
) -> Result<Json<LayoutSummary>, ApiError> {
    access::writable(&state.pool, &principal, Owned::Session(session_id)).await?;
    let mut tx = state.pool.begin().await?;
    let (event_id, status) = sessions::lock_with_event(&mut tx, session_id).await?;
    if status != SessionStatus::Scheduled {
        return Err(ApiError::conflict(
            "session_not_scheduled",
            "the seat map of a session can only change before it goes on sale",
        ));
    }
    let known_tiers = tiers::ids_of_event(&mut *tx, event_id).await?;
    let layout = checked_layout(&bytes, &known_tiers)?;
    let summary = layouts::store_for_session(&mut *tx, session_id, &counted(&layout)?).await?;
    tx.commit().await?;
    Ok(Json(summary))
}

#[utoipa::path(get, path = "/api/manage/sessions/{id}/layout", tag = "layouts", params(("id" = Uuid, Path)),
    responses((status = 200, body = StoredLayout), (status = 404)), security(("bearer" = [])))]
pub async fn get_session_layout(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(session_id): Path<Uuid>,
) -> Result<Json<StoredLayout>, ApiError> {
    access::access(&state.pool, &principal, Owned::Session(session_id)).await?;
    Ok(Json(layouts::of_session(&state.pool, session_id).await?))
}

/// Saves a reusable layout for the organisation. Tiers are per event, so a template's tier
/// ids are only checked when it is applied to an event.
#[utoipa::path(post, path = "/api/manage/organisations/{id}/seat-map-templates", tag = "layouts",
    params(("id" = Uuid, Path)), request_body = CreateTemplate,
    responses((status = 201, body = Template), (status = 403), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn create_template(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(organisation_id): Path<Uuid>,
    JsonBody(request): JsonBody<CreateTemplate>,
) -> Result<(StatusCode, Json<Template>), ApiError> {
    access::writable(
        &state.pool,
        &principal,
        Owned::Organisation(organisation_id),
    )
    .await?;
    let name = request.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::invalid(
            "/name",
            "a name of 1 to 200 characters is required",
        ));
    }
    let bytes = serde_json::to_vec(&request.layout)
        .map_err(|error| ApiError::Internal(error.to_string()))?;
    let layout =
        Layout::parse(&bytes).map_err(|errors| ApiError::Layout(prefixed(errors, "/layout")))?;
    let template =
        layouts::insert_template(&state.pool, Uuid::now_v7(), organisation_id, name, &layout)
            .await?;
    Ok((StatusCode::CREATED, Json(template)))
}

fn prefixed(
    mut errors: Vec<shared_dto::layout::LayoutError>,
    prefix: &str,
) -> Vec<shared_dto::layout::LayoutError> {
    for error in &mut errors {
        error.pointer = format!("{prefix}{}", error.pointer);
    }
    errors
}

#[utoipa::path(get, path = "/api/manage/organisations/{id}/seat-map-templates", tag = "layouts",
    params(("id" = Uuid, Path)), responses((status = 200, body = Vec<Template>), (status = 404)),
    security(("bearer" = [])))]
pub async fn list_templates(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(organisation_id): Path<Uuid>,
) -> Result<Json<Vec<Template>>, ApiError> {
    access::access(
        &state.pool,
        &principal,
        Owned::Organisation(organisation_id),
    )
    .await?;
    let templates = layouts::templates_of(&state.pool, organisation_id).await?;
    Ok(Json(templates))
}

/// One template with its layout, for a designer to start from.
#[utoipa::path(get, path = "/api/manage/seat-map-templates/{id}", tag = "layouts",
    params(("id" = Uuid, Path)), responses((status = 200, body = TemplateWithLayout), (status = 404)),
    security(("bearer" = [])))]
pub async fn get_template(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(template_id): Path<Uuid>,
) -> Result<Json<TemplateWithLayout>, ApiError> {
    access::access(&state.pool, &principal, Owned::Template(template_id)).await?;
    let template = layouts::find_template(&state.pool, template_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(template))
}
