//! Row types of the captured tables, as Debezium's JSON converter emits them with
//! `schemas.enable=false`: uuids and enums as strings, `timestamptz` as ISO-8601 strings,
//! `text[]` as arrays, `jsonb` as JSON *text*. Columns a consumer does not need are ignored,
//! so adding a column never breaks a consumer.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::status::{EventStatus, SessionStatus, TicketStatus, session_status_column};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganisationChangeRow {
    pub organisation_id: Uuid,
    pub name: String,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganisationMemberChangeRow {
    pub organisation_id: Uuid,
    pub email: String,
    pub user_subject: Option<String>,
    /// `organiser` or `staff`.
    pub role: String,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryChangeRow {
    pub category_id: String,
    pub name: String,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VenueChangeRow {
    pub venue_id: Uuid,
    pub organisation_id: Uuid,
    pub name: String,
    pub address_line: String,
    pub city: String,
    pub postcode: Option<String>,
    pub country: String,
    pub latitude: f64,
    pub longitude: f64,
    pub timezone: String,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventChangeRow {
    pub event_id: Uuid,
    pub organisation_id: Uuid,
    pub title: String,
    pub description: String,
    pub category_id: Option<String>,
    #[serde(default)]
    pub cover_image_urls: Vec<String>,
    pub status: EventStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TierChangeRow {
    pub tier_id: Uuid,
    pub event_id: Uuid,
    pub name: String,
    pub colour: String,
    pub price_minor: i64,
    pub currency: String,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionChangeRow {
    pub session_id: Uuid,
    pub event_id: Uuid,
    pub venue_id: Option<Uuid>,
    /// `physical` or `online`.
    pub mode: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub sales_start_at: DateTime<Utc>,
    pub sales_end_at: DateTime<Utc>,
    /// Streamed in the column's spelling (`on_sale`); older change events say `ON_SALE`.
    #[serde(with = "session_status_column")]
    pub status: SessionStatus,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionLayoutChangeRow {
    pub session_id: Uuid,
    /// The layout document as JSON text (see [`crate::layout::Layout`]).
    pub layout: String,
    pub seat_count: i64,
    pub standing_capacity: i64,
    pub version: i64,
}

/// A ticket written by order-service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketChangeRow {
    pub ticket_id: Uuid,
    pub order_id: Uuid,
    pub event_id: Uuid,
    pub session_id: Uuid,
    /// `None` for a standing place.
    pub seat_id: Option<String>,
    pub block_id: String,
    pub tier_id: Uuid,
    pub price_minor: i64,
    pub currency: String,
    pub holder_name: String,
    pub status: TicketStatus,
    pub issued_at: DateTime<Utc>,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub checked_in_gate: Option<String>,
    pub version: i64,
}

impl TicketChangeRow {
    pub fn is_valid(&self) -> bool {
        self.status == TicketStatus::Valid
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_session_row_decodes_from_debezium_json() {
        let row: SessionChangeRow = serde_json::from_value(json!({
            "session_id": "01a1ff50-7a83-73a8-8f76-d72172f151cd",
            "event_id": "01a1ff50-7a2a-7608-b8fc-2577d42992f3",
            "venue_id": null, "mode": "online",
            "starts_at": "2027-06-11T19:30:00Z", "ends_at": "2027-06-11T22:30:00.123456Z",
            "sales_start_at": "2026-01-01T09:00:00Z", "sales_end_at": "2027-06-11T19:00:00Z",
            "status": "ON_SALE", "created_at": "2026-11-21T18:13:46.668196Z", "version": 3
        }))
        .expect("decodes");
        assert_eq!(row.status, SessionStatus::OnSale);
        assert_eq!(row.ends_at.timestamp_subsec_micros(), 123_456);
        assert_eq!(row.venue_id, None);
    }

    #[test]
    fn a_session_row_reads_the_lower_case_column_spelling() {
        let row: SessionChangeRow = serde_json::from_value(json!({
            "session_id": "01a1ff50-7a83-73a8-8f76-d72172f151cd",
            "event_id": "01a1ff50-7a2a-7608-b8fc-2577d42992f3",
            "venue_id": null, "mode": "online",
            "starts_at": "2027-06-11T19:30:00Z", "ends_at": "2027-06-11T22:30:00Z",
            "sales_start_at": "2026-01-01T09:00:00Z", "sales_end_at": "2027-06-11T19:00:00Z",
            "status": "sold_out", "version": 4
        }))
        .expect("decodes");
        assert_eq!(row.status, SessionStatus::SoldOut);
    }
}
