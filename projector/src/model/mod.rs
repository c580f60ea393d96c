//! The read models, one module each. Every document is recomputed whole from the row mirrors
//! and the sales tallies (`tally`), so the same state always yields the same document; `rows`
//! reads the mirrors typed and `documents` writes the results.

pub mod documents;
pub mod events;
pub mod organisations;
pub mod rows;
pub mod sales;
pub mod seat_maps;
pub mod sold_places;
pub mod tally;

use std::collections::BTreeSet;

use mongodb::Database;
use shared_dto::rows::{
    EventChangeRow, OrganisationMemberChangeRow, SessionChangeRow, TicketChangeRow, TierChangeRow,
};

use crate::change::RowChange;
use crate::error::ProjectionError;
use crate::model::rows::{decode, row, rows_where};

/// A read-model document to recompute.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    Event(String),
    SeatMap(String),
    SoldPlace(String),
    Sales(String),
    Organisation(String),
}

/// Tables whose changes are judged against the row as it was (see [`affected`]).
pub const NEEDS_PREVIOUS_ROW: &[&str] = &["organisation"];

/// The documents a change can affect. `previous` is the row as mirrored before the change
/// (read only for tables whose dependants care which columns changed).
pub async fn affected(
    database: &Database,
    change: &RowChange,
    previous: Option<&serde_json::Map<String, serde_json::Value>>,
) -> Result<BTreeSet<Target>, ProjectionError> {
    let mut targets = BTreeSet::new();
    match change.table.as_str() {
        "organisation" => {
            targets.insert(Target::Organisation(change.key.clone()));
            // Events show only the organisation's name: an organisation of many events
            // changing anything else (its members, its version) must not recompute them all.
            let renamed = change.deleted
                || previous.is_none_or(|before| before.get("name") != change.row.get("name"));
            if renamed {
                for event in
                    rows_where::<EventChangeRow>(database, "event", "organisation_id", &change.key)
                        .await?
                {
                    targets.insert(Target::Event(event.event_id.to_string()));
                }
            }
        }
        "organisation_member" => {
            let member: OrganisationMemberChangeRow = decode(&change.row)?;
            targets.insert(Target::Organisation(member.organisation_id.to_string()));
        }
        "category" => {
            for event in
                rows_where::<EventChangeRow>(database, "event", "category_id", &change.key).await?
            {
                targets.insert(Target::Event(event.event_id.to_string()));
            }
        }
        "venue" => {
            for session in
                rows_where::<SessionChangeRow>(database, "session", "venue_id", &change.key).await?
            {
                targets.insert(Target::Event(session.event_id.to_string()));
            }
        }
        "event" => {
            targets.insert(Target::Event(change.key.clone()));
        }
        "tier" => {
            let tier: TierChangeRow = decode(&change.row)?;
            let event_id = tier.event_id.to_string();
            for session in
                rows_where::<SessionChangeRow>(database, "session", "event_id", &event_id).await?
            {
                targets.insert(Target::SeatMap(session.session_id.to_string()));
            }
            targets.insert(Target::Event(event_id));
        }
        "session" => {
            let session: SessionChangeRow = decode(&change.row)?;
            targets.insert(Target::Event(session.event_id.to_string()));
            targets.insert(Target::SeatMap(change.key.clone()));
            targets.insert(Target::Sales(change.key.clone()));
        }
        "session_layout" => {
            targets.insert(Target::SeatMap(change.key.clone()));
            if let Some(session) = row::<SessionChangeRow>(database, "session", &change.key).await?
            {
                targets.insert(Target::Event(session.event_id.to_string()));
            }
        }
        "ticket" => {
            let ticket: TicketChangeRow = decode(&change.row)?;
            targets.insert(Target::SoldPlace(change.key.clone()));
            targets.insert(Target::Sales(ticket.session_id.to_string()));
            targets.insert(Target::Event(ticket.event_id.to_string()));
        }
        _ => {}
    }
    Ok(targets)
}

/// Rebuilds one document from the mirrors.
pub async fn recompute(database: &Database, target: &Target) -> Result<(), ProjectionError> {
    match target {
        Target::Event(id) => events::recompute(database, id).await,
        Target::SeatMap(id) => seat_maps::recompute(database, id).await,
        Target::SoldPlace(id) => sold_places::recompute(database, id).await,
        Target::Sales(id) => sales::recompute(database, id).await,
        Target::Organisation(id) => organisations::recompute(database, id).await,
    }
}
