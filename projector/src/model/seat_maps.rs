//! `seat_maps`: each session's layout with its tiers and capacities. Sold places and live
//! holds are merged in by query-service at read time.

use std::collections::BTreeMap;

use mongodb::Database;
use shared_dto::layout::Layout;
use shared_dto::read_model::{SeatMapDocument, TierView, collection};
use shared_dto::rows::{SessionChangeRow, SessionLayoutChangeRow, TierChangeRow};

use crate::error::ProjectionError;
use crate::model::documents::{remove, store};
use crate::model::rows::{row, rows_where};

pub async fn recompute(database: &Database, session_id: &str) -> Result<(), ProjectionError> {
    let session = row::<SessionChangeRow>(database, "session", session_id).await?;
    let layout_row = row::<SessionLayoutChangeRow>(database, "session_layout", session_id).await?;
    let (Some(session), Some(layout_row)) = (session, layout_row) else {
        return remove(database, collection::SEAT_MAPS, session_id).await;
    };
    let layout: Layout = serde_json::from_str(&layout_row.layout)
        .map_err(|error| ProjectionError::shape(format!("session_layout.layout: {error}")))?;
    let event_id = session.event_id.to_string();
    let mut versions = BTreeMap::from([
        ("session".to_owned(), session.version),
        ("session_layout".to_owned(), layout_row.version),
    ]);
    let tiers = tier_views(database, &event_id, &mut versions).await?;
    let standing_capacity = layout
        .standing_areas()
        .map(|area| (area.id.clone(), u64::from(area.capacity)))
        .collect();
    let document = SeatMapDocument {
        session_id: session_id.to_owned(),
        event_id,
        session_status: session.status,
        capacity: layout.sellable_capacity(),
        standing_capacity,
        layout,
        tiers,
        versions,
    };
    store(database, collection::SEAT_MAPS, session_id, &document).await
}

/// The event's tiers, dearest first, recording each row's version.
pub async fn tier_views(
    database: &Database,
    event_id: &str,
    versions: &mut BTreeMap<String, i64>,
) -> Result<Vec<TierView>, ProjectionError> {
    let mut tiers: Vec<TierView> =
        rows_where::<TierChangeRow>(database, "tier", "event_id", event_id)
            .await?
            .into_iter()
            .map(|tier| {
                versions.insert(format!("tier:{}", tier.tier_id), tier.version);
                TierView {
                    tier_id: tier.tier_id.to_string(),
                    name: tier.name,
                    colour: tier.colour,
                    price_minor: tier.price_minor,
                    currency: tier.currency,
                }
            })
            .collect();
    tiers.sort_by(|left, right| {
        right
            .price_minor
            .cmp(&left.price_minor)
            .then_with(|| left.name.cmp(&right.name))
    });
    Ok(tiers)
}
