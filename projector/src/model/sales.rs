//! `sales`: per-session and per-tier tickets sold, revenue and check-ins, for the organiser.

use std::collections::BTreeMap;

use mongodb::Database;
use mongodb::bson::doc;
use shared_dto::read_model::{SessionSalesDocument, TierSales, collection};
use shared_dto::rows::{SessionRow, TicketRow};

use crate::error::ProjectionError;
use crate::model::documents::{remove, store};
use crate::model::rows::{row, rows_matching};

pub async fn recompute(database: &Database, session_id: &str) -> Result<(), ProjectionError> {
    let Some(session) = row::<SessionRow>(database, "session", session_id).await? else {
        return remove(database, collection::SALES, session_id).await;
    };
    let tickets: Vec<TicketRow> = rows_matching(
        database,
        "ticket",
        doc! { "row.session_id": session_id, "row.status": "valid" },
    )
    .await?;
    let mut by_tier: BTreeMap<String, TierSales> = BTreeMap::new();
    for ticket in &tickets {
        let tier = by_tier.entry(ticket.tier_id.to_string()).or_default();
        tier.sold += 1;
        tier.revenue_minor += ticket.price_minor;
        if ticket.checked_in_at.is_some() {
            tier.checked_in += 1;
        }
    }
    let document = SessionSalesDocument {
        session_id: session_id.to_owned(),
        event_id: session.event_id.to_string(),
        sold: by_tier.values().map(|tier| tier.sold).sum(),
        checked_in: by_tier.values().map(|tier| tier.checked_in).sum(),
        revenue_minor: by_tier.values().map(|tier| tier.revenue_minor).sum(),
        currency: tickets.first().map(|ticket| ticket.currency.clone()),
        by_tier,
    };
    store(database, collection::SALES, session_id, &document).await
}
