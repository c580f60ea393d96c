//! `sales`: per-session and per-tier tickets sold, revenue and check-ins, for the organiser.

use mongodb::Database;
use shared_dto::read_model::{SessionSalesDocument, collection};
use shared_dto::rows::SessionChangeRow;

use crate::error::ProjectionError;
use crate::model::documents::{remove, store};
use crate::model::rows::row;
use crate::model::tally;

pub async fn recompute(database: &Database, session_id: &str) -> Result<(), ProjectionError> {
    let Some(session) = row::<SessionChangeRow>(database, "session", session_id).await? else {
        return remove(database, collection::SALES, session_id).await;
    };
    let sales = tally::session(database, session_id).await?;
    let document = SessionSalesDocument {
        session_id: session_id.to_owned(),
        event_id: session.event_id.to_string(),
        sold: sales.sold(),
        checked_in: sales.by_tier.values().map(|tier| tier.checked_in).sum(),
        revenue_minor: sales.by_tier.values().map(|tier| tier.revenue_minor).sum(),
        currency: sales.currency,
        by_tier: sales.by_tier,
    };
    store(database, collection::SALES, session_id, &document).await
}
