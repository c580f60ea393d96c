//! Documents of the MongoDB read models: written by the projector, read by query-service.
//!
//! Read models are shaped for whole-document upserts (the local MongoDB-protocol server does
//! not support `arrayFilters`). The projector writes them encoded through JSON, so ids are
//! strings in BSON (a `Uuid` serialised straight to BSON would be binary): read them back the
//! same way (BSON → `serde_json::Value` → type) or as strings.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::layout::Layout;
use crate::status::{EventStatus, SessionStatus, session_status_column};

/// Collection names.
pub mod collection {
    /// One [`EventDocument`](super::EventDocument) per event.
    pub const EVENTS: &str = "events";
    /// One [`SeatMapDocument`](super::SeatMapDocument) per session.
    pub const SEAT_MAPS: &str = "seat_maps";
    /// One [`SoldPlaceDocument`](super::SoldPlaceDocument) per valid ticket.
    pub const SOLD_PLACES: &str = "sold_places";
    /// One [`SessionSalesDocument`](super::SessionSalesDocument) per session.
    pub const SALES: &str = "sales";
    /// One [`OrganisationDocument`](super::OrganisationDocument) per organisation.
    pub const ORGANISATIONS: &str = "organisations";
}

/// An organisation and its members, so reads that need "organiser of this event" can be
/// authorised without the write store. Events documents carry `organisation_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationDocument {
    #[serde(rename = "_id")]
    pub organisation_id: String,
    pub name: String,
    pub members: Vec<MemberView>,
    pub versions: BTreeMap<String, i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    /// Lower case.
    pub email: String,
    pub user_subject: Option<String>,
    /// `organiser` or `staff`.
    pub role: String,
}

impl OrganisationDocument {
    /// Whether a caller (by token subject and email) is a member with one of `roles`.
    pub fn has_member(&self, subject: &str, email: Option<&str>, roles: &[&str]) -> bool {
        let email = email.map(str::to_lowercase);
        self.members.iter().any(|member| {
            roles.contains(&member.role.as_str())
                && (member.user_subject.as_deref() == Some(subject)
                    || email.as_deref() == Some(member.email.as_str()))
        })
    }
}

/// One event of the public catalogue, denormalised from every table it draws on
/// (event, organisation, category, venues, sessions, session layouts, tiers, tickets).
/// Times are ms since the epoch (UTC) so range queries compare numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventDocument {
    #[serde(rename = "_id")]
    pub event_id: String,
    pub organisation_id: String,
    pub organisation_name: String,
    pub title: String,
    pub description: String,
    pub category: Option<CategoryView>,
    pub cover_image_urls: Vec<String>,
    /// The public catalogue shows published, cancelled and completed events.
    pub status: EventStatus,
    pub published_at_ms: Option<i64>,
    pub sessions: Vec<SessionView>,
    pub tiers: Vec<TierView>,
    /// Cheapest and dearest tier, for price filters.
    pub price_min_minor: Option<i64>,
    pub price_max_minor: Option<i64>,
    pub currency: Option<String>,
    /// Lower-cased cities of the sessions' venues, for the city filter.
    pub cities: Vec<String>,
    /// Start of the earliest and latest session that is not cancelled.
    pub first_start_ms: Option<i64>,
    pub last_start_ms: Option<i64>,
    /// Lower-cased title, description, organisation, category, venue names and cities.
    pub search_text: String,
    /// Seats and standing places still unsold, over all sessions.
    pub available: u64,
    pub sold: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryView {
    pub category_id: String,
    pub name: String,
}

/// A session inside an [`EventDocument`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionView {
    pub session_id: String,
    pub mode: String,
    /// Written upper case; a lower-case status (the column's spelling) still reads.
    #[serde(deserialize_with = "session_status_column::deserialize")]
    pub status: SessionStatus,
    pub starts_at_ms: i64,
    pub ends_at_ms: i64,
    pub sales_start_ms: i64,
    pub sales_end_ms: i64,
    pub venue: Option<VenueView>,
    pub capacity: u64,
    pub sold: u64,
    pub available: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VenueView {
    pub venue_id: String,
    pub name: String,
    pub address_line: String,
    pub city: String,
    pub postcode: Option<String>,
    pub country: String,
    pub latitude: f64,
    pub longitude: f64,
    pub timezone: String,
}

/// A tier as shown to attendees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TierView {
    pub tier_id: String,
    pub name: String,
    pub colour: String,
    pub price_minor: i64,
    pub currency: String,
}

/// A session's seat map without its live state: the layout and what it costs.
/// Sold places are separate documents ([`SoldPlaceDocument`]) so a sale never rewrites the map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeatMapDocument {
    #[serde(rename = "_id")]
    pub session_id: String,
    pub event_id: String,
    /// Written upper case; a lower-case status (the column's spelling) still reads.
    #[serde(deserialize_with = "session_status_column::deserialize")]
    pub session_status: SessionStatus,
    pub layout: Layout,
    pub tiers: Vec<TierView>,
    /// Seats plus standing places.
    pub capacity: u64,
    /// Standing capacity per standing block id.
    pub standing_capacity: BTreeMap<String, u64>,
    /// Source row versions this document was built from (`session`, `session_layout`, `tier:<id>`).
    pub versions: BTreeMap<String, i64>,
}

/// A place (seat, or one standing place) covered by a valid ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SoldPlaceDocument {
    /// The ticket id.
    #[serde(rename = "_id")]
    pub ticket_id: String,
    pub session_id: String,
    pub event_id: String,
    /// The seat, for seated blocks; `None` for a standing place.
    pub seat_id: Option<String>,
    pub block_id: String,
    pub tier_id: String,
    /// When the ticket was issued (ms since the epoch), for trending.
    #[serde(default)]
    pub issued_at_ms: i64,
    /// The ticket row's version, for the replay guard.
    pub version: i64,
}

/// Per-session sales figures for the organiser dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionSalesDocument {
    #[serde(rename = "_id")]
    pub session_id: String,
    pub event_id: String,
    pub sold: u64,
    pub checked_in: u64,
    pub revenue_minor: i64,
    pub currency: Option<String>,
    pub by_tier: BTreeMap<String, TierSales>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierSales {
    pub sold: u64,
    pub checked_in: u64,
    pub revenue_minor: i64,
}
