//! Seat-map layouts: the event's, each session's copy of it, and reusable templates.
//!
//! Layouts are validated in full before anything is written (every problem is reported with
//! its JSON pointer) and stored as JSONB. A session copies the event's layout when it is
//! created and keeps following it while it is scheduled and has not been edited on its own.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use service_runtime::JsonBody;
use service_runtime::auth::Authenticated;
use service_runtime::json_body::JsonBytes;
use service_runtime::params::Path;
use shared_dto::layout::Layout;
use shared_dto::status::SessionStatus;
use sqlx::types::Json as Jsonb;
use uuid::Uuid;

use crate::AppState;
use crate::access::{self, Owned};
use crate::error::ApiError;
use crate::routes::tiers::event_tier_ids;

/// What a layout write reports back (the layout itself can be megabytes, so it is not echoed).
#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct LayoutSummary {
    pub seat_count: i32,
    pub standing_capacity: i32,
    pub tier_ids: Vec<Uuid>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StoredLayout {
    #[serde(flatten)]
    pub summary: LayoutSummary,
    /// The layout document (see `shared_dto::layout`).
    #[schema(value_type = Object)]
    pub layout: serde_json::Value,
    /// A session's layout only: true once the session has a map of its own, which changes to
    /// the event's map no longer reach.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diverged: Option<bool>,
}

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

#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Template {
    pub seat_map_template_id: Uuid,
    pub organisation_id: Uuid,
    pub name: String,
    /// Seats in the template, so a list can tell templates apart without loading them.
    pub seat_count: i32,
    pub standing_capacity: i32,
    pub created_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct TemplateWithLayout {
    #[serde(flatten)]
    #[sqlx(flatten)]
    pub template: Template,
    /// The layout document (see `shared_dto::layout`); its tier ids are those of the event it
    /// was saved from.
    #[schema(value_type = Object)]
    pub layout: Jsonb<serde_json::Value>,
}

/// The columns of `Template`, the counts worked out from the stored layout.
const TEMPLATE_COLUMNS: &str = "seat_map_template_id, organisation_id, name,
    (select coalesce(sum(jsonb_array_length(b->'seats')), 0) from jsonb_array_elements(layout->'blocks') b
      where b->>'type' = 'seated_grid')::int as seat_count,
    (select coalesce(sum((b->>'capacity')::int), 0) from jsonb_array_elements(layout->'blocks') b
      where b->>'type' = 'standing')::int as standing_capacity,
    created_at, version";

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

fn counts(layout: &Layout) -> Result<(i32, i32, Vec<Uuid>), ApiError> {
    let seats = i32::try_from(layout.seat_count())
        .map_err(|_| ApiError::Internal("seat count overflow".into()))?;
    let standing = i32::try_from(layout.standing_capacity())
        .map_err(|_| ApiError::Internal("standing capacity overflow".into()))?;
    Ok((seats, standing, layout.tier_ids().into_iter().collect()))
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
    let layout: Option<Jsonb<serde_json::Value>> = sqlx::query_scalar(
        "select layout from seat_map_template where seat_map_template_id = $1 and organisation_id = $2",
    )
    .bind(request.template_id)
    .bind(access.organisation_id)
    .fetch_optional(&state.pool)
    .await?;
    let layout = layout.ok_or_else(|| ApiError::invalid("/template_id", "no such template"))?;
    let bytes =
        serde_json::to_vec(&layout.0).map_err(|error| ApiError::Internal(error.to_string()))?;
    store_event_layout(&state, event_id, &bytes).await.map(Json)
}

async fn store_event_layout(
    state: &AppState,
    event_id: Uuid,
    bytes: &[u8],
) -> Result<LayoutSummary, ApiError> {
    let mut tx = state.pool.begin().await?;
    // Locks the event: tier deletion takes the same lock, so a tier cannot vanish mid-write.
    let status: String =
        sqlx::query_scalar("select status::text from event where event_id = $1 for update")
            .bind(event_id)
            .fetch_one(&mut *tx)
            .await?;
    if status == "cancelled" || status == "completed" {
        return Err(ApiError::conflict(
            "event_closed",
            "a cancelled or completed event cannot be edited",
        ));
    }
    let known_tiers = event_tier_ids(&mut *tx, event_id).await?;
    let layout = checked_layout(bytes, &known_tiers)?;
    let (seats, standing, tier_ids) = counts(&layout)?;
    let document = Jsonb(&layout);
    let summary: LayoutSummary = sqlx::query_as(
        "insert into event_layout (event_id, layout, seat_count, standing_capacity, tier_ids)
         values ($1, $2, $3, $4, $5)
         on conflict (event_id) do update set layout = excluded.layout, seat_count = excluded.seat_count,
             standing_capacity = excluded.standing_capacity, tier_ids = excluded.tier_ids
         returning seat_count, standing_capacity, tier_ids, updated_at, version",
    )
    .bind(event_id)
    .bind(document)
    .bind(seats)
    .bind(standing)
    .bind(&tier_ids)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "update session_layout l set layout = $2, seat_count = $3, standing_capacity = $4, tier_ids = $5
         from session s
         where s.session_id = l.session_id and s.event_id = $1 and s.status = $6 and not l.diverged",
    )
    .bind(event_id)
    .bind(document)
    .bind(seats)
    .bind(standing)
    .bind(&tier_ids)
    .bind(SessionStatus::Scheduled)
    .execute(&mut *tx)
    .await?;
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
    stored_layout(
        &state,
        "select layout, seat_count, standing_capacity, tier_ids, updated_at, version
         from event_layout where event_id = $1",
        event_id,
    )
    .await
}

async fn stored_layout(
    state: &AppState,
    sql: &str,
    id: Uuid,
) -> Result<Json<StoredLayout>, ApiError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        layout: Jsonb<serde_json::Value>,
        #[sqlx(flatten)]
        summary: LayoutSummary,
        #[sqlx(default)]
        diverged: Option<bool>,
    }
    let row: Row = sqlx::query_as(sql).bind(id).fetch_one(&state.pool).await?;
    Ok(Json(StoredLayout {
        summary: row.summary,
        layout: row.layout.0,
        diverged: row.diverged,
    }))
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
    let (event_id, status): (Uuid, SessionStatus) = sqlx::query_as(
        "select e.event_id, s.status from session s join event e using (event_id)
         where s.session_id = $1 for update of e, s",
    )
    .bind(session_id)
    .fetch_one(&mut *tx)
    .await?;
    if status != SessionStatus::Scheduled {
        return Err(ApiError::conflict(
            "session_not_scheduled",
            "the seat map of a session can only change before it goes on sale",
        ));
    }
    let known_tiers = event_tier_ids(&mut *tx, event_id).await?;
    let layout = checked_layout(&bytes, &known_tiers)?;
    let (seats, standing, tier_ids) = counts(&layout)?;
    let summary: LayoutSummary = sqlx::query_as(
        "insert into session_layout (session_id, layout, seat_count, standing_capacity, tier_ids, diverged)
         values ($1, $2, $3, $4, $5, true)
         on conflict (session_id) do update set layout = excluded.layout, seat_count = excluded.seat_count,
             standing_capacity = excluded.standing_capacity, tier_ids = excluded.tier_ids, diverged = true
         returning seat_count, standing_capacity, tier_ids, updated_at, version",
    )
    .bind(session_id)
    .bind(Jsonb(&layout))
    .bind(seats)
    .bind(standing)
    .bind(&tier_ids)
    .fetch_one(&mut *tx)
    .await?;
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
    stored_layout(
        &state,
        "select layout, seat_count, standing_capacity, tier_ids, updated_at, version, diverged
         from session_layout where session_id = $1",
        session_id,
    )
    .await
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
    let template: Template = sqlx::query_as(&format!(
        "insert into seat_map_template (seat_map_template_id, organisation_id, name, layout)
         values ($1, $2, $3, $4) returning {TEMPLATE_COLUMNS}"
    ))
    .bind(Uuid::now_v7())
    .bind(organisation_id)
    .bind(name)
    .bind(Jsonb(&layout))
    .fetch_one(&state.pool)
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
    let templates = sqlx::query_as(&format!(
        "select {TEMPLATE_COLUMNS} from seat_map_template where organisation_id = $1 order by name"
    ))
    .bind(organisation_id)
    .fetch_all(&state.pool)
    .await?;
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
    let template = sqlx::query_as(&format!(
        "select {TEMPLATE_COLUMNS}, layout from seat_map_template where seat_map_template_id = $1"
    ))
    .bind(template_id)
    .fetch_optional(&state.pool)
    .await?
    .ok_or(ApiError::NotFound)?;
    Ok(Json(template))
}
