//! `events`: the public catalogue, one document per event drawing on the organisation,
//! category, sessions with their venues and seat-map capacity, tiers, and tickets sold.

use std::collections::{BTreeMap, HashMap};

use mongodb::Database;
use shared_dto::read_model::{CategoryView, EventDocument, SessionView, VenueView, collection};
use shared_dto::rows::{
    CategoryChangeRow, EventChangeRow, OrganisationChangeRow, SessionChangeRow, VenueChangeRow,
};
use shared_dto::status::SessionStatus;

use crate::error::ProjectionError;
use crate::mirror;
use crate::model::documents::{remove, store};
use crate::model::rows::{decode, row, rows_where};
use crate::model::seat_maps::tier_views;
use crate::model::tally::{self, SessionSales};

pub async fn recompute(database: &Database, event_id: &str) -> Result<(), ProjectionError> {
    let Some(event) = row::<EventChangeRow>(database, "event", event_id).await? else {
        return remove(database, collection::EVENTS, event_id).await;
    };
    let organisation_id = event.organisation_id.to_string();
    let organisation_name =
        row::<OrganisationChangeRow>(database, "organisation", &organisation_id)
            .await?
            .map(|organisation| organisation.name)
            .unwrap_or_default();
    let category = match &event.category_id {
        Some(category_id) => Some(CategoryView {
            name: row::<CategoryChangeRow>(database, "category", category_id)
                .await?
                .map_or_else(|| category_id.clone(), |category| category.name),
            category_id: category_id.clone(),
        }),
        None => None,
    };
    let tiers = tier_views(database, event_id, &mut BTreeMap::new()).await?;
    let session_rows =
        rows_where::<SessionChangeRow>(database, "session", "event_id", event_id).await?;
    let session_ids: Vec<String> = session_rows
        .iter()
        .map(|session| session.session_id.to_string())
        .collect();
    let session_ids: Vec<&str> = session_ids.iter().map(String::as_str).collect();
    let sales = tally::sessions(database, &session_ids).await?;
    let mut sessions = Vec::new();
    for session in session_rows {
        sessions.push(session_view(database, session, &sales).await?);
    }
    sessions.sort_by(|left, right| {
        left.starts_at_ms
            .cmp(&right.starts_at_ms)
            .then_with(|| left.session_id.cmp(&right.session_id))
    });

    let live: Vec<&SessionView> = sessions
        .iter()
        .filter(|session| !matches!(session.status, SessionStatus::Cancelled))
        .collect();
    let mut cities: Vec<String> = sessions
        .iter()
        .filter_map(|session| {
            session
                .venue
                .as_ref()
                .map(|venue| venue.city.to_lowercase())
        })
        .collect();
    cities.sort();
    cities.dedup();
    let search_text = [
        event.title.as_str(),
        event.description.as_str(),
        organisation_name.as_str(),
        category
            .as_ref()
            .map_or("", |category| category.name.as_str()),
    ]
    .into_iter()
    .map(str::to_owned)
    .chain(sessions.iter().filter_map(|session| {
        session
            .venue
            .as_ref()
            .map(|venue| format!("{} {}", venue.name, venue.city))
    }))
    .collect::<Vec<_>>()
    .join(" ")
    .to_lowercase();
    let document = EventDocument {
        event_id: event_id.to_owned(),
        organisation_id,
        organisation_name,
        title: event.title,
        description: event.description,
        category,
        cover_image_urls: event.cover_image_urls,
        status: event.status,
        published_at_ms: event.published_at.map(|time| time.timestamp_millis()),
        price_min_minor: tiers.iter().map(|tier| tier.price_minor).min(),
        price_max_minor: tiers.iter().map(|tier| tier.price_minor).max(),
        currency: tiers.first().map(|tier| tier.currency.clone()),
        cities,
        first_start_ms: live.iter().map(|session| session.starts_at_ms).min(),
        last_start_ms: live.iter().map(|session| session.starts_at_ms).max(),
        search_text,
        available: live.iter().map(|session| session.available).sum(),
        sold: sessions.iter().map(|session| session.sold).sum(),
        sessions,
        tiers,
    };
    store(database, collection::EVENTS, event_id, &document).await
}

async fn session_view(
    database: &Database,
    session: SessionChangeRow,
    sales: &HashMap<String, SessionSales>,
) -> Result<SessionView, ProjectionError> {
    let session_id = session.session_id.to_string();
    let venue = match session.venue_id {
        Some(venue_id) => row::<VenueChangeRow>(database, "venue", &venue_id.to_string())
            .await?
            .map(|venue| VenueView {
                venue_id: venue.venue_id.to_string(),
                name: venue.name,
                address_line: venue.address_line,
                city: venue.city,
                postcode: venue.postcode,
                country: venue.country,
                latitude: venue.latitude,
                longitude: venue.longitude,
                timezone: venue.timezone,
            }),
        None => None,
    };
    let capacity = layout_capacity(database, &session_id).await?;
    let sold = sales.get(&session_id).map_or(0, SessionSales::sold);
    Ok(SessionView {
        mode: session.mode,
        status: session.status,
        starts_at_ms: session.starts_at.timestamp_millis(),
        ends_at_ms: session.ends_at.timestamp_millis(),
        sales_start_ms: session.sales_start_at.timestamp_millis(),
        sales_end_ms: session.sales_end_at.timestamp_millis(),
        venue,
        capacity,
        sold,
        available: capacity.saturating_sub(sold),
        session_id,
    })
}

/// What a session's layout holds: its seats and standing places.
#[derive(serde::Deserialize)]
struct LayoutCapacity {
    seat_count: i64,
    standing_capacity: i64,
}

/// A session's capacity, read without its layout document (megabytes for a large venue).
async fn layout_capacity(database: &Database, session_id: &str) -> Result<u64, ProjectionError> {
    let Some(row) = mirror::row_fields(
        database,
        "session_layout",
        session_id,
        &["seat_count", "standing_capacity"],
    )
    .await?
    else {
        return Ok(0);
    };
    let capacity: LayoutCapacity = decode(&row)?;
    Ok(u64::try_from(capacity.seat_count + capacity.standing_capacity).unwrap_or(0))
}
