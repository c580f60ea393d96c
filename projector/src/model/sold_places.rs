//! `sold_places`: one document per valid ticket, so a sale never rewrites the seat map.

use mongodb::Database;
use shared_dto::read_model::{SoldPlaceDocument, collection};
use shared_dto::rows::TicketChangeRow;

use crate::error::ProjectionError;
use crate::model::documents::{remove, store};
use crate::model::rows::row;

pub async fn recompute(database: &Database, ticket_id: &str) -> Result<(), ProjectionError> {
    let ticket = row::<TicketChangeRow>(database, "ticket", ticket_id).await?;
    let Some(ticket) = ticket.filter(TicketChangeRow::is_valid) else {
        // Refunded, voided or deleted: the place is free again.
        return remove(database, collection::SOLD_PLACES, ticket_id).await;
    };
    let document = SoldPlaceDocument {
        ticket_id: ticket_id.to_owned(),
        session_id: ticket.session_id.to_string(),
        event_id: ticket.event_id.to_string(),
        seat_id: ticket.seat_id,
        block_id: ticket.block_id,
        tier_id: ticket.tier_id.to_string(),
        issued_at_ms: ticket.issued_at.timestamp_millis(),
        version: ticket.version,
    };
    store(database, collection::SOLD_PLACES, ticket_id, &document).await
}
