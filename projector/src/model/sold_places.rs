//! `sold_places`: one document per valid ticket, so a sale never rewrites the seat map.

use mongodb::Database;
use shared_dto::read_model::{SoldPlaceDocument, collection};

use crate::mirror;
use crate::model::{integer, optional_text, remove, store, text, time_ms};
use crate::projection::ProjectionError;

pub async fn recompute(database: &Database, ticket_id: &str) -> Result<(), ProjectionError> {
    let ticket = mirror::row(database, "ticket", ticket_id).await?;
    let Some(ticket) =
        ticket.filter(|ticket| ticket.get("status").and_then(|s| s.as_str()) == Some("valid"))
    else {
        // Refunded, voided or deleted: the place is free again.
        remove(database, collection::SOLD_PLACES, ticket_id).await?;
        return Ok(());
    };
    let document = SoldPlaceDocument {
        ticket_id: ticket_id.to_owned(),
        session_id: text(&ticket, "session_id")?,
        event_id: text(&ticket, "event_id")?,
        seat_id: optional_text(&ticket, "seat_id"),
        block_id: text(&ticket, "block_id")?,
        tier_id: text(&ticket, "tier_id")?,
        issued_at_ms: time_ms(&ticket, "issued_at")?,
        version: integer(&ticket, "version")?,
    };
    store(database, collection::SOLD_PLACES, ticket_id, &document).await
}
