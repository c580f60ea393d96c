//! `sales`: per-session and per-tier tickets sold, revenue and check-ins, for the organiser.

use std::collections::BTreeMap;

use mongodb::Database;
use mongodb::bson::doc;
use shared_dto::read_model::{SessionSalesDocument, TierSales, collection};

use crate::mirror;
use crate::model::{integer, optional_text, remove, store, text};
use crate::projection::ProjectionError;

pub async fn recompute(database: &Database, session_id: &str) -> Result<(), ProjectionError> {
    let Some(session) = mirror::row(database, "session", session_id).await? else {
        remove(database, collection::SALES, session_id).await?;
        return Ok(());
    };
    let tickets = mirror::rows_matching(
        database,
        "ticket",
        doc! { "row.session_id": session_id, "row.status": "valid" },
    )
    .await?;
    let mut by_tier: BTreeMap<String, TierSales> = BTreeMap::new();
    let mut currency = None;
    for ticket in &tickets {
        let tier = by_tier.entry(text(ticket, "tier_id")?).or_default();
        let price = integer(ticket, "price_minor")?;
        tier.sold += 1;
        tier.revenue_minor += price;
        if optional_text(ticket, "checked_in_at").is_some() {
            tier.checked_in += 1;
        }
        currency = currency.or_else(|| optional_text(ticket, "currency"));
    }
    let document = SessionSalesDocument {
        session_id: session_id.to_owned(),
        event_id: text(&session, "event_id")?,
        sold: by_tier.values().map(|tier| tier.sold).sum(),
        checked_in: by_tier.values().map(|tier| tier.checked_in).sum(),
        revenue_minor: by_tier.values().map(|tier| tier.revenue_minor).sum(),
        currency,
        by_tier,
    };
    store(database, collection::SALES, session_id, &document).await
}
