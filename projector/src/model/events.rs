//! `events`: the public catalogue, one document per event drawing on the organisation,
//! category, sessions with their venues and seat-map capacity, tiers, and tickets sold.

use std::collections::BTreeMap;

use mongodb::Database;
use mongodb::bson::doc;
use serde_json::Value;
use shared_dto::read_model::{CategoryView, EventDocument, SessionView, VenueView, collection};

use crate::mirror;
use crate::model::seat_maps::tier_views;
use crate::model::{count, float, optional_text, optional_time_ms, remove, store, text, time_ms};
use crate::projection::ProjectionError;

pub async fn recompute(database: &Database, event_id: &str) -> Result<(), ProjectionError> {
    let Some(event) = mirror::row(database, "event", event_id).await? else {
        remove(database, collection::EVENTS, event_id).await?;
        return Ok(());
    };
    let organisation_id = text(&event, "organisation_id")?;
    let organisation_name = match mirror::row(database, "organisation", &organisation_id).await? {
        Some(organisation) => text(&organisation, "name")?,
        None => String::new(),
    };
    let category = match optional_text(&event, "category_id") {
        Some(category_id) => match mirror::row(database, "category", &category_id).await? {
            Some(category) => Some(CategoryView {
                name: text(&category, "name")?,
                category_id,
            }),
            None => Some(CategoryView {
                name: category_id.clone(),
                category_id,
            }),
        },
        None => None,
    };
    let tiers = tier_views(database, event_id, &mut BTreeMap::new()).await?;
    let mut sessions = Vec::new();
    for session in mirror::rows_where(database, "session", "event_id", event_id).await? {
        sessions.push(session_view(database, &session).await?);
    }
    sessions.sort_by(|left, right| {
        left.starts_at_ms
            .cmp(&right.starts_at_ms)
            .then_with(|| left.session_id.cmp(&right.session_id))
    });

    let title = text(&event, "title")?;
    let description = text(&event, "description")?;
    let live: Vec<&SessionView> = sessions
        .iter()
        .filter(|session| session.status != "CANCELLED")
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
        title.as_str(),
        description.as_str(),
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
        title,
        description,
        category,
        cover_image_urls: string_array(event.get("cover_image_urls")),
        status: text(&event, "status")?,
        published_at_ms: optional_time_ms(&event, "published_at")?,
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
    session: &serde_json::Map<String, Value>,
) -> Result<SessionView, ProjectionError> {
    let session_id = text(session, "session_id")?;
    let venue = match optional_text(session, "venue_id") {
        Some(venue_id) => match mirror::row(database, "venue", &venue_id).await? {
            Some(venue) => Some(VenueView {
                venue_id,
                name: text(&venue, "name")?,
                address_line: text(&venue, "address_line")?,
                city: text(&venue, "city")?,
                postcode: optional_text(&venue, "postcode"),
                country: text(&venue, "country")?,
                latitude: float(&venue, "latitude")?,
                longitude: float(&venue, "longitude")?,
                timezone: text(&venue, "timezone")?,
            }),
            None => None,
        },
        None => None,
    };
    let capacity = match mirror::row(database, "session_layout", &session_id).await? {
        Some(layout) => count(&layout, "seat_count")? + count(&layout, "standing_capacity")?,
        None => 0,
    };
    let sold = mirror::count_matching(
        database,
        "ticket",
        doc! { "row.session_id": &session_id, "row.status": "valid" },
    )
    .await?;
    Ok(SessionView {
        mode: text(session, "mode")?,
        status: text(session, "status")?,
        starts_at_ms: time_ms(session, "starts_at")?,
        ends_at_ms: time_ms(session, "ends_at")?,
        sales_start_ms: time_ms(session, "sales_start_at")?,
        sales_end_ms: time_ms(session, "sales_end_at")?,
        venue,
        capacity,
        sold,
        available: capacity.saturating_sub(sold),
        session_id,
    })
}

fn string_array(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|item| item.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}
