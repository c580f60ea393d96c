//! Seat-map layouts: the event's, each session's copy, and the organisation's templates.

use chrono::{DateTime, Utc};
use serde::Serialize;
use shared_dto::layout::Layout;
use shared_dto::status::SessionStatus;
use sqlx::types::Json as Jsonb;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// What a layout write reports back (the layout itself can be megabytes, so it is not echoed).
#[derive(Debug, Serialize, utoipa::ToSchema)]
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

#[derive(Debug, Serialize, utoipa::ToSchema)]
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

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TemplateWithLayout {
    #[serde(flatten)]
    pub template: Template,
    /// The layout document (see `shared_dto::layout`); its tier ids are those of the event it
    /// was saved from.
    #[schema(value_type = Object)]
    pub layout: serde_json::Value,
}

/// A validated layout with what is stored beside it.
#[derive(Debug)]
pub struct CountedLayout<'a> {
    pub layout: &'a Layout,
    pub seat_count: i32,
    pub standing_capacity: i32,
    pub tier_ids: Vec<Uuid>,
}

/// `query_as!` for [`Template`]s: `$head`, the template's columns (the counts worked out from
/// the stored layout), then `$tail` and the query's arguments.
macro_rules! template_query {
    ($head:tt, $tail:tt $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            Template,
            $head
                + r#" seat_map_template_id, organisation_id, name,
                    (select coalesce(sum(jsonb_array_length(b->'seats')), 0) from jsonb_array_elements(layout->'blocks') b
                      where b->>'type' = 'seated_grid')::int as "seat_count!",
                    (select coalesce(sum((b->>'capacity')::int), 0) from jsonb_array_elements(layout->'blocks') b
                      where b->>'type' = 'standing')::int as "standing_capacity!",
                    created_at, version "#
                + $tail
            $(, $arg)*
        )
    };
}

/// Writes the event's layout, and that of each of its scheduled sessions that still follows it.
pub async fn store_for_event(
    tx: &mut PgConnection,
    event_id: Uuid,
    layout: &CountedLayout<'_>,
) -> Result<LayoutSummary, sqlx::Error> {
    let document = Jsonb(layout.layout);
    let summary = sqlx::query_as!(
        LayoutSummary,
        "insert into event_layout (event_id, layout, seat_count, standing_capacity, tier_ids)
         values ($1, $2, $3, $4, $5)
         on conflict (event_id) do update set layout = excluded.layout, seat_count = excluded.seat_count,
             standing_capacity = excluded.standing_capacity, tier_ids = excluded.tier_ids
         returning seat_count, standing_capacity, tier_ids, updated_at, version",
        event_id,
        document as _,
        layout.seat_count,
        layout.standing_capacity,
        &layout.tier_ids
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query!(
        "update session_layout l set layout = $2, seat_count = $3, standing_capacity = $4, tier_ids = $5
         from session s
         where s.session_id = l.session_id and s.event_id = $1 and s.status = $6 and not l.diverged",
        event_id,
        document as _,
        layout.seat_count,
        layout.standing_capacity,
        &layout.tier_ids,
        SessionStatus::Scheduled as _
    )
    .execute(&mut *tx)
    .await?;
    Ok(summary)
}

/// Gives the session a layout of its own, which the event's no longer overwrites.
pub async fn store_for_session(
    executor: impl PgExecutor<'_>,
    session_id: Uuid,
    layout: &CountedLayout<'_>,
) -> Result<LayoutSummary, sqlx::Error> {
    sqlx::query_as!(
        LayoutSummary,
        "insert into session_layout (session_id, layout, seat_count, standing_capacity, tier_ids, diverged)
         values ($1, $2, $3, $4, $5, true)
         on conflict (session_id) do update set layout = excluded.layout, seat_count = excluded.seat_count,
             standing_capacity = excluded.standing_capacity, tier_ids = excluded.tier_ids, diverged = true
         returning seat_count, standing_capacity, tier_ids, updated_at, version",
        session_id,
        Jsonb(layout.layout) as _,
        layout.seat_count,
        layout.standing_capacity,
        &layout.tier_ids
    )
    .fetch_one(executor)
    .await
}

/// Starts a new session with a copy of the event's layout, if the event has one.
pub async fn copy_event_layout_to_session(
    executor: impl PgExecutor<'_>,
    event_id: Uuid,
    session_id: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into session_layout (session_id, layout, seat_count, standing_capacity, tier_ids)
         select $1, layout, seat_count, standing_capacity, tier_ids from event_layout where event_id = $2",
        session_id,
        event_id
    )
    .execute(executor)
    .await?;
    Ok(())
}

pub async fn of_event(
    executor: impl PgExecutor<'_>,
    event_id: Uuid,
) -> Result<StoredLayout, sqlx::Error> {
    let row = sqlx::query!(
        "select layout, seat_count, standing_capacity, tier_ids, updated_at, version
         from event_layout where event_id = $1",
        event_id
    )
    .fetch_one(executor)
    .await?;
    Ok(StoredLayout {
        summary: LayoutSummary {
            seat_count: row.seat_count,
            standing_capacity: row.standing_capacity,
            tier_ids: row.tier_ids,
            updated_at: row.updated_at,
            version: row.version,
        },
        layout: row.layout,
        diverged: None,
    })
}

pub async fn of_session(
    executor: impl PgExecutor<'_>,
    session_id: Uuid,
) -> Result<StoredLayout, sqlx::Error> {
    let row = sqlx::query!(
        "select layout, seat_count, standing_capacity, tier_ids, updated_at, version, diverged
         from session_layout where session_id = $1",
        session_id
    )
    .fetch_one(executor)
    .await?;
    Ok(StoredLayout {
        summary: LayoutSummary {
            seat_count: row.seat_count,
            standing_capacity: row.standing_capacity,
            tier_ids: row.tier_ids,
            updated_at: row.updated_at,
            version: row.version,
        },
        layout: row.layout,
        diverged: Some(row.diverged),
    })
}

/// A template's layout document, if the organisation has that template.
pub async fn template_document(
    executor: impl PgExecutor<'_>,
    template_id: Uuid,
    organisation_id: Uuid,
) -> Result<Option<serde_json::Value>, sqlx::Error> {
    sqlx::query_scalar!(
        "select layout from seat_map_template where seat_map_template_id = $1 and organisation_id = $2",
        template_id,
        organisation_id
    )
    .fetch_optional(executor)
    .await
}

pub async fn insert_template(
    executor: impl PgExecutor<'_>,
    template_id: Uuid,
    organisation_id: Uuid,
    name: &str,
    layout: &Layout,
) -> Result<Template, sqlx::Error> {
    template_query!(
        "insert into seat_map_template (seat_map_template_id, organisation_id, name, layout)
         values ($1, $2, $3, $4) returning",
        "",
        template_id,
        organisation_id,
        name,
        Jsonb(layout) as _,
    )
    .fetch_one(executor)
    .await
}

pub async fn templates_of(
    executor: impl PgExecutor<'_>,
    organisation_id: Uuid,
) -> Result<Vec<Template>, sqlx::Error> {
    template_query!(
        "select",
        "from seat_map_template where organisation_id = $1 order by name",
        organisation_id
    )
    .fetch_all(executor)
    .await
}

pub async fn find_template(
    executor: impl PgExecutor<'_>,
    template_id: Uuid,
) -> Result<Option<TemplateWithLayout>, sqlx::Error> {
    let row = sqlx::query!(
        r#"select seat_map_template_id, organisation_id, name,
              (select coalesce(sum(jsonb_array_length(b->'seats')), 0) from jsonb_array_elements(layout->'blocks') b
                where b->>'type' = 'seated_grid')::int as "seat_count!",
              (select coalesce(sum((b->>'capacity')::int), 0) from jsonb_array_elements(layout->'blocks') b
                where b->>'type' = 'standing')::int as "standing_capacity!",
              created_at, version, layout
         from seat_map_template where seat_map_template_id = $1"#,
        template_id
    )
    .fetch_optional(executor)
    .await?;
    Ok(row.map(|row| TemplateWithLayout {
        template: Template {
            seat_map_template_id: row.seat_map_template_id,
            organisation_id: row.organisation_id,
            name: row.name,
            seat_count: row.seat_count,
            standing_capacity: row.standing_capacity,
            created_at: row.created_at,
            version: row.version,
        },
        layout: row.layout,
    }))
}
