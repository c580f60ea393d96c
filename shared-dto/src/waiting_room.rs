//! The waiting room in front of a flash sale: its Redis key layout, shared by order-service
//! (which writes it: joins, the admission loop) and query-service (which reads it to push each
//! waiting visitor's place over SSE), and the settings and payloads both speak.
//!
//! Every key of one session's room carries the session id as a hash tag, so in a Redis Cluster
//! the room lives in one slot and its scripts stay atomic. Under the deployment prefix:
//!
//! - `queue:{<session>}:waiting` → sorted set of waiting visitor ids. A visitor who joined
//!   before the sale opened scores a random number in `[0, 1)`, so the early crowd is shuffled
//!   when sales open and arriving first by script gains nothing; a later visitor scores
//!   `1 + n` for the n-th arrival, behind everyone already there, first come first served.
//! - `queue:{<session>}:visitors` → hash visitor id → [`VisitorRecord`] JSON.
//! - `queue:{<session>}:buyers` → hash buyer key → visitor id: one place per buyer.
//! - `queue:{<session>}:admitted` → sorted set of admitted visitor ids scored by the moment of
//!   admission (ms); an admission pass expires `pass_minutes` after it.
//! - `queue:{<session>}:room` → hash of the room as last configured ([`RoomFields`]), written
//!   by order-service so that query-service need not read PostgreSQL.
//! - `queue:{<session>}:arrivals` → counter of arrivals after the opening.
//! - `queue:{<session>}:bucket` → hash `tokens`, `at` (ms): the admission token bucket.
//! - `queue:{<session>}:lease` → the id of the order-service replica that admits for this
//!   room, with an expiry it renews; another replica takes over when it lapses.
//! - `queue:{<session>}:stats` → hash `admitted`, `wait_ms`: totals for the organiser's view.
//! - `queue-rooms` (not a room key) → set of session ids whose rooms have visitors, so the
//!   admission loop knows which rooms to serve.
//! - `queue-joins:<client address>` (not a room key) → joins from one address in the current
//!   window, for the per-address rate limit.

use serde::{Deserialize, Serialize};

/// Builds the keys of waiting rooms under one deployment prefix (the hold key prefix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueKeys {
    prefix: String,
}

impl QueueKeys {
    pub fn new(prefix: impl Into<String>) -> Self {
        Self {
            prefix: prefix.into(),
        }
    }

    fn room_key(&self, session_id: &str, name: &str) -> String {
        format!("{}queue:{{{session_id}}}:{name}", self.prefix)
    }

    pub fn waiting(&self, session_id: &str) -> String {
        self.room_key(session_id, "waiting")
    }

    pub fn visitors(&self, session_id: &str) -> String {
        self.room_key(session_id, "visitors")
    }

    pub fn buyers(&self, session_id: &str) -> String {
        self.room_key(session_id, "buyers")
    }

    pub fn admitted(&self, session_id: &str) -> String {
        self.room_key(session_id, "admitted")
    }

    pub fn room(&self, session_id: &str) -> String {
        self.room_key(session_id, "room")
    }

    pub fn arrivals(&self, session_id: &str) -> String {
        self.room_key(session_id, "arrivals")
    }

    pub fn bucket(&self, session_id: &str) -> String {
        self.room_key(session_id, "bucket")
    }

    pub fn lease(&self, session_id: &str) -> String {
        self.room_key(session_id, "lease")
    }

    pub fn stats(&self, session_id: &str) -> String {
        self.room_key(session_id, "stats")
    }

    /// Every key of one room, for tests and tools that clear it.
    pub fn room_keys(&self, session_id: &str) -> Vec<String> {
        [
            "waiting", "visitors", "buyers", "admitted", "room", "arrivals", "bucket", "lease",
            "stats",
        ]
        .iter()
        .map(|name| self.room_key(session_id, name))
        .collect()
    }

    /// The set of sessions whose rooms the admission loop serves.
    pub fn rooms(&self) -> String {
        format!("{}queue-rooms", self.prefix)
    }

    /// The join counter of one client address.
    pub fn joins(&self, client: &str) -> String {
        format!("{}queue-joins:{client}", self.prefix)
    }
}

/// Field names of the `room` hash.
pub struct RoomFields;

impl RoomFields {
    /// When the room opens for joining (ms since the epoch).
    pub const OPENS_AT: &'static str = "opens_at";
    /// When sales open: the early crowd gets its places, admission starts (ms).
    pub const SALES_START_AT: &'static str = "sales_start_at";
    /// When sales end (ms).
    pub const SALES_END_AT: &'static str = "sales_end_at";
    pub const ADMIT_PER_MINUTE: &'static str = "admit_per_minute";
    pub const PASS_MINUTES: &'static str = "pass_minutes";
}

/// One visitor of a room: whose place it is and when they joined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitorRecord {
    /// The buyer key (`sub:<subject>` or `guest:<buyer_id>`).
    pub buyer: String,
    /// When the visitor joined (ms since the epoch).
    pub joined_at_ms: i64,
}

/// A room's settings as an organiser sets them (command-service stores them; order-service
/// enforces them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingRoomSettings {
    pub enabled: bool,
    /// Buyers let through to the seat map per minute.
    pub admit_per_minute: u32,
    /// How long before the session's `sales_start_at` the room opens for joining.
    pub opens_minutes_before_sale: u32,
    /// How long an admission pass lasts.
    pub pass_minutes: u32,
}

impl WaitingRoomSettings {
    pub const ADMIT_PER_MINUTE: std::ops::RangeInclusive<u32> = 1..=100_000;
    pub const OPENS_MINUTES_BEFORE_SALE: std::ops::RangeInclusive<u32> = 0..=1_440;
    pub const PASS_MINUTES: std::ops::RangeInclusive<u32> = 1..=120;
}

impl Default for WaitingRoomSettings {
    /// A room that is off; turned on, it admits 500 a minute, opens half an hour before the
    /// sale and gives ten minutes to pick seats.
    fn default() -> Self {
        Self {
            enabled: false,
            admit_per_minute: 500,
            opens_minutes_before_sale: 30,
            pass_minutes: 10,
        }
    }
}

/// Where a visitor stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueState {
    /// In the queue (with no position yet before the sale opens).
    Waiting,
    /// Let through: the buyer may hold seats with their admission pass until it expires.
    Admitted,
    /// The room is not active: no queue, no pass needed.
    NotRequired,
}

/// The SSE `position` event of a waiting visitor's stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuePosition {
    pub state: QueueState,
    /// 1-based; `None` before the sale opens (the early crowd is shuffled then).
    pub position: Option<u64>,
    /// Visitors ahead; `None` before the sale opens.
    pub ahead: Option<u64>,
    /// Seconds until admission at the configured rate; `None` before the sale opens.
    pub estimated_wait_seconds: Option<u64>,
}

/// The SSE event names of a visitor's stream.
pub const POSITION_EVENT: &str = "position";
pub const ADMITTED_EVENT: &str = "admitted";

/// Seconds until the visitor at `position` (1-based) is admitted at `admit_per_minute`.
pub fn estimated_wait_seconds(position: u64, admit_per_minute: u32) -> u64 {
    let rate = u64::from(admit_per_minute.max(1));
    (position * 60).div_ceil(rate)
}

/// Score of a visitor who joins after the opening as the `arrival`-th (1-based): behind every
/// visitor of the early crowd (scores in `[0, 1)`) and every earlier arrival.
pub fn arrival_score(arrival: u64) -> f64 {
    // Exact in an f64 up to 2^53 arrivals.
    1.0 + arrival as f64
}

/// Where a visitor stands, given their 0-based rank among the waiting (`None` when they no
/// longer wait) and whether the sale has opened.
pub fn waiting_position(rank: u64, opened: bool, admit_per_minute: u32) -> QueuePosition {
    if !opened {
        return QueuePosition {
            state: QueueState::Waiting,
            position: None,
            ahead: None,
            estimated_wait_seconds: None,
        };
    }
    let position = rank + 1;
    QueuePosition {
        state: QueueState::Waiting,
        position: Some(position),
        ahead: Some(rank),
        estimated_wait_seconds: Some(estimated_wait_seconds(position, admit_per_minute)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_of_a_room_is_in_the_sessions_slot() {
        let keys = QueueKeys::new("p:");
        for key in keys.room_keys("s-1") {
            assert!(key.starts_with("p:queue:{s-1}:"), "{key}");
        }
        assert_eq!(keys.room_keys("s-1").len(), 9);
    }

    #[test]
    fn later_arrivals_queue_behind_the_early_crowd_in_order() {
        assert!(arrival_score(1) >= 1.0);
        assert!(arrival_score(2) > arrival_score(1));
        assert_eq!(arrival_score(1 << 40) - arrival_score((1 << 40) - 1), 1.0);
    }

    #[test]
    fn the_wait_is_the_position_at_the_rate() {
        assert_eq!(estimated_wait_seconds(1, 60), 1);
        assert_eq!(estimated_wait_seconds(1, 6000), 1);
        assert_eq!(estimated_wait_seconds(500, 1000), 30);
        assert_eq!(waiting_position(4, true, 60).position, Some(5));
        assert_eq!(waiting_position(4, false, 60).position, None);
    }
}
