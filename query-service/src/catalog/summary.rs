//! The short form of an event that lists show (search results, trending).

use chrono::{DateTime, Utc};
use serde::Serialize;
use shared_dto::read_model::CategoryView;

use super::instant;
use super::search::Match;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Category {
    pub category_id: String,
    pub name: String,
}

impl From<CategoryView> for Category {
    fn from(category: CategoryView) -> Self {
        Self {
            category_id: category.category_id,
            name: category.name,
        }
    }
}

/// An event in a list.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct EventSummary {
    pub event_id: String,
    pub title: String,
    pub category: Option<Category>,
    /// The first cover image.
    pub cover_image_url: Option<String>,
    pub organisation_name: String,
    /// The earliest session that matched (within the radius, with `near`).
    pub next_session: Option<NextSession>,
    /// Cheapest and dearest tier, in minor units of `currency`.
    pub price_min_minor: Option<i64>,
    pub price_max_minor: Option<i64>,
    pub currency: Option<String>,
    /// Places still unsold over all sessions.
    pub available: u64,
    /// To the nearest matching venue, with `near`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_km: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct NextSession {
    pub session_id: String,
    pub starts_at: DateTime<Utc>,
    pub status: String,
    pub venue_name: Option<String>,
    pub city: Option<String>,
    /// Places still unsold in this session.
    pub available: u64,
}

impl From<Match> for EventSummary {
    fn from(found: Match) -> Self {
        let next_session = found.next_session().map(|session| NextSession {
            session_id: session.session_id.clone(),
            starts_at: instant(session.starts_at_ms),
            status: session.status.to_string(),
            venue_name: session.venue.as_ref().map(|venue| venue.name.clone()),
            city: session.venue.as_ref().map(|venue| venue.city.clone()),
            available: session.available,
        });
        let event = found.event;
        Self {
            event_id: event.event_id,
            title: event.title,
            category: event.category.map(Category::from),
            cover_image_url: event.cover_image_urls.into_iter().next(),
            organisation_name: event.organisation_name,
            next_session,
            price_min_minor: event.price_min_minor,
            price_max_minor: event.price_max_minor,
            currency: event.currency,
            available: event.available,
            // Metres are precise enough, and keep the body (and its ETag) stable.
            distance_km: found
                .distance_km
                .map(|distance| (distance * 1000.0).round() / 1000.0),
        }
    }
}
