//! The wire format of the live streams: event names, their JSON data, and event ids.
//!
//! Seat stream (`/api/catalog/sessions/{id}/seats/stream`):
//! - `snapshot`: a [`SeatMapState`](super::snapshot::SeatMapState), the whole merged seat map;
//! - `held`, `released`: a [`SeatChange`];
//! - `sold`: a [`SeatsSoldChange`];
//! - `resync` (no id): a [`Resync`]; a `snapshot` follows, replacing everything known.
//!
//! Sales stream (`/api/catalog/events/{id}/sales/stream`): `activity` with a
//! [`SalesActivity`](shared_dto::seat_hold::SalesActivity), and `resync` (refetch the totals).
//!
//! Ids are `{epoch}-{seq}`: `seq` increases by one per change of the session on this replica,
//! and `epoch` names that sequence, so an id from another replica (or from before this one
//! dropped the session) is recognised as unknown rather than misread.

use std::fmt;

use serde::{Deserialize, Serialize};
use shared_dto::seat_hold::StandingHold;
use utoipa::ToSchema;

pub const SNAPSHOT: &str = "snapshot";
pub const HELD: &str = "held";
pub const RELEASED: &str = "released";
pub const SOLD: &str = "sold";
pub const RESYNC: &str = "resync";
pub const ACTIVITY: &str = "activity";

/// Seats that became held or were released (hold expired, released or deleted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SeatChange {
    pub session_id: String,
    pub seat_ids: Vec<String>,
}

/// Seats (and standing places) that were sold: final for the life of the ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SeatsSoldChange {
    pub session_id: String,
    pub seat_ids: Vec<String>,
    /// Standing places sold by this sale, per block (increments, not totals).
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub standing: Vec<StandingHold>,
}

/// The client may have missed changes; what it knows must be replaced by what follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Resync {
    pub reason: ResyncReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResyncReason {
    /// This client fell too far behind the changes.
    Lagged,
    /// The replica lost its Redis notifications for a while.
    FeedRestarted,
    /// The client's `Last-Event-ID` names a position this replica no longer keeps (or never
    /// had: another replica, or one restarted since).
    NotResumable,
}

/// A stream event id: `{epoch}-{seq}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventId<'a> {
    pub epoch: &'a str,
    pub seq: u64,
}

impl<'a> EventId<'a> {
    pub fn parse(text: &'a str) -> Option<Self> {
        let (epoch, seq) = text.trim().rsplit_once('-')?;
        Some(Self {
            epoch,
            seq: seq.parse().ok()?,
        })
    }
}

impl fmt::Display for EventId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.epoch, self.seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_ids_round_trip() {
        let id = EventId {
            epoch: "3fa9c1d2",
            seq: 42,
        };
        assert_eq!(id.to_string(), "3fa9c1d2-42");
        assert_eq!(EventId::parse("3fa9c1d2-42"), Some(id));
        assert_eq!(EventId::parse(" 3fa9c1d2-42 "), Some(id));
    }

    #[test]
    fn malformed_event_ids_are_unknown() {
        assert_eq!(EventId::parse("42"), None);
        assert_eq!(EventId::parse("abc-"), None);
        assert_eq!(EventId::parse("abc-1x"), None);
    }
}
