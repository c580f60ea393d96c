//! `seat_maps`: each session's layout with its tiers and capacities. Sold places and live
//! holds are merged in by query-service at read time.

use std::collections::BTreeMap;

use mongodb::Database;
use shared_dto::layout::Layout;
use shared_dto::read_model::{SeatMapDocument, TierView, collection};

use crate::mirror;
use crate::model::{integer, remove, store, text};
use crate::projection::ProjectionError;

pub async fn recompute(database: &Database, session_id: &str) -> Result<(), ProjectionError> {
    let session = mirror::row(database, "session", session_id).await?;
    let layout_row = mirror::row(database, "session_layout", session_id).await?;
    let (Some(session), Some(layout_row)) = (session, layout_row) else {
        remove(database, collection::SEAT_MAPS, session_id).await?;
        return Ok(());
    };
    // jsonb arrives from Debezium as JSON text.
    let layout: Layout = serde_json::from_str(&text(&layout_row, "layout")?)
        .map_err(|error| ProjectionError::shape(format!("session_layout.layout: {error}")))?;
    let event_id = text(&session, "event_id")?;
    let mut versions = BTreeMap::from([
        ("session".to_owned(), integer(&session, "version")?),
        (
            "session_layout".to_owned(),
            integer(&layout_row, "version")?,
        ),
    ]);
    let tiers = tier_views(database, &event_id, &mut versions).await?;
    let standing_capacity = layout
        .standing_areas()
        .map(|area| (area.id.clone(), u64::from(area.capacity)))
        .collect();
    let document = SeatMapDocument {
        session_id: session_id.to_owned(),
        event_id,
        session_status: text(&session, "status")?,
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
    let mut tiers = Vec::new();
    for tier in mirror::rows_where(database, "tier", "event_id", event_id).await? {
        let tier_id = text(&tier, "tier_id")?;
        versions.insert(format!("tier:{tier_id}"), integer(&tier, "version")?);
        tiers.push(TierView {
            tier_id,
            name: text(&tier, "name")?,
            colour: text(&tier, "colour")?,
            price_minor: integer(&tier, "price_minor")?,
            currency: text(&tier, "currency")?,
        });
    }
    tiers.sort_by(|left, right| {
        right
            .price_minor
            .cmp(&left.price_minor)
            .then_with(|| left.name.cmp(&right.name))
    });
    Ok(tiers)
}
