//! The catalogue: search, event detail, sessions, trending, organiser sales, all read from
//! the read models the projector maintains.

pub mod caching;
pub mod events;
pub mod geo;
pub mod hot;
pub mod popularity;
pub mod sales;
pub mod search;
pub mod summary;
pub mod trending;

use chrono::{DateTime, Utc};
use mongodb::bson::{Document, doc};
use mongodb::{Database, IndexModel};
use service_runtime::openapi::BearerAuth;
use shared_dto::read_model::collection;
use shared_dto::status::EventStatus;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

/// Event statuses with a public page; drafts are never shown.
pub const PUBLIC_STATUSES: [EventStatus; 3] = [
    EventStatus::Published,
    EventStatus::Cancelled,
    EventStatus::Completed,
];

/// [`PUBLIC_STATUSES`] as the read model spells them.
pub(crate) fn public_statuses() -> Vec<&'static str> {
    PUBLIC_STATUSES
        .iter()
        .map(|status| status.as_str())
        .collect()
}

pub(crate) fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// A read-model timestamp (ms since the epoch) as an instant.
pub(crate) fn instant(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

#[derive(OpenApi)]
#[openapi(modifiers(&BearerAuth))]
struct CatalogDoc;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(CatalogDoc::openapi())
        .routes(routes!(events::search_events))
        .routes(routes!(events::get_event))
        .routes(routes!(events::list_event_sessions))
        .routes(routes!(sales::get_event_sales))
        .routes(routes!(trending::trending_events))
}

fn index(keys: Document) -> IndexModel {
    IndexModel::builder().keys(keys).build()
}

/// Creates the indexes the catalogue's queries use. Idempotent: creating an index that
/// exists with the same keys is a no-op, so every replica may call it at startup.
pub async fn indexes(read_store: &Database) -> mongodb::error::Result<()> {
    read_store
        .collection::<Document>(collection::EVENTS)
        .create_indexes([
            // Listing: status equality, then the soonest sessions (candidate order).
            index(doc! { "status": 1, "first_start_ms": 1 }),
            index(doc! { "status": 1, "price_min_minor": 1 }),
            index(doc! { "category.category_id": 1 }),
            index(doc! { "cities": 1 }),
            // Radius search: the bounding box over the sessions' venues.
            index(doc! { "sessions.venue.latitude": 1, "sessions.venue.longitude": 1 }),
        ])
        .await?;
    read_store
        .collection::<Document>(collection::SOLD_PLACES)
        .create_indexes([index(doc! { "issued_at_ms": 1, "event_id": 1 })])
        .await?;
    read_store
        .collection::<Document>(collection::SALES)
        .create_index(index(doc! { "event_id": 1 }))
        .await?;
    Ok(())
}
