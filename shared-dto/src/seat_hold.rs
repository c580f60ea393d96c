//! The Redis key layout of seat holds, shared by order-service (which writes it) and
//! query-service (which watches it through keyspace notifications).
//!
//! Every key starts with a deployment-wide prefix (`boxoffice:` in production; a fresh one per
//! test), so several tests, or several environments, can share one Redis. Every key of one
//! session carries the session id as a hash tag (`{<session_id>}`), so in a Redis Cluster they
//! all live in one slot and the hold scripts, which touch many of them at once, stay atomic.
//!
//! - `{prefix}seat:{<session_id>}:<seat_id>` → the hold token, with the hold's TTL. Its
//!   keyspace events are the live seat map: `set` = held, `expired`/`del` = released.
//! - `{prefix}held-seats:{<session_id>}` → a sorted set of the session's held seat ids scored
//!   by hold expiry (ms), kept in the same scripts as the seat keys, so a seat map reads only
//!   its own session's holds instead of scanning the keyspace. Members past their score are
//!   stale (trimmed by the next hold); the seat key stays the truth, the index only says where
//!   to look.
//! - `{prefix}hold:{<session_id>}:<token>` → the hold record (JSON [`HoldRecord`]), same TTL.
//!   A token names its session ([`HoldToken`]), so the record is found from the token alone.
//! - `{prefix}buyer:{<session_id>}:<buyer>` → the buyer's currently held place count.
//! - `{prefix}standing:{<session_id>}:<block_id>` → a sorted set of hold tokens scored by
//!   expiry (ms), and `{prefix}standing-qty:{<session_id>}:<block_id>` → token → quantity.
//! - channel `{prefix}seat-sales` → JSON [`SeatsSold`] when tickets are issued, so every
//!   query-service replica can tell its clients at once, before the projection catches up.
//! - channel `{prefix}seat-refunds` → JSON [`SeatsRefunded`] when sold places are for sale again.
//! - channel `{prefix}sales-activity` → JSON [`SalesActivity`]: orders, tickets and check-ins
//!   as they happen, for the organiser's live sales view.

use serde::{Deserialize, Serialize};

/// The default deployment prefix.
pub const DEFAULT_PREFIX: &str = "boxoffice:";

/// Builds and parses the keys under one prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoldKeys {
    prefix: String,
}

impl HoldKeys {
    pub fn new(prefix: impl Into<String>) -> Self {
        Self {
            prefix: prefix.into(),
        }
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    pub fn seat(&self, session_id: &str, seat_id: &str) -> String {
        format!("{}seat:{{{session_id}}}:{seat_id}", self.prefix)
    }

    /// The sorted set of one session's held seat ids, scored by expiry (ms).
    pub fn held_seats(&self, session_id: &str) -> String {
        format!("{}held-seats:{{{session_id}}}", self.prefix)
    }

    pub fn hold(&self, token: &HoldToken) -> String {
        format!(
            "{}hold:{{{}}}:{}",
            self.prefix,
            token.session_id(),
            token.as_str()
        )
    }

    pub fn buyer(&self, session_id: &str, buyer: &str) -> String {
        format!("{}buyer:{{{session_id}}}:{buyer}", self.prefix)
    }

    pub fn standing(&self, session_id: &str, block_id: &str) -> String {
        format!("{}standing:{{{session_id}}}:{block_id}", self.prefix)
    }

    pub fn standing_quantities(&self, session_id: &str, block_id: &str) -> String {
        format!("{}standing-qty:{{{session_id}}}:{block_id}", self.prefix)
    }

    /// The pub/sub channel on which sold seats are announced.
    pub fn sales_channel(&self) -> String {
        format!("{}seat-sales", self.prefix)
    }

    /// The pub/sub channel on which refunded places are announced ([`SeatsRefunded`]).
    pub fn refunds_channel(&self) -> String {
        format!("{}seat-refunds", self.prefix)
    }

    /// The pub/sub channel of [`SalesActivity`].
    pub fn sales_activity_channel(&self) -> String {
        format!("{}sales-activity", self.prefix)
    }

    /// The `PSUBSCRIBE` pattern for keyspace events of every seat key, in any database.
    pub fn seat_keyspace_pattern(&self) -> String {
        format!("__keyspace@*__:{}seat:*", self.prefix)
    }

    /// The `KEYS`/`SCAN MATCH` pattern for the held seats of one session (tests and tools; the
    /// seat map reads [`Self::held_seats`] instead).
    pub fn session_seats_pattern(&self, session_id: &str) -> String {
        // `{` and `}` are not special in Redis glob patterns.
        format!("{}seat:{{{session_id}}}:*", self.prefix)
    }

    /// Splits a keyspace channel (`__keyspace@0__:{prefix}seat:{<session>}:<seat>`) or a plain
    /// seat key into `(session_id, seat_id)`; seat ids may contain `:` and braces themselves.
    pub fn parse_seat_key<'a>(&self, key_or_channel: &'a str) -> Option<(&'a str, &'a str)> {
        let key = match key_or_channel.strip_prefix("__keyspace@") {
            Some(rest) => rest.split_once("__:")?.1,
            None => key_or_channel,
        };
        let rest = key
            .strip_prefix(&self.prefix)?
            .strip_prefix("seat:")?
            .strip_prefix('{')?;
        rest.split_once("}:")
    }
}

impl Default for HoldKeys {
    fn default() -> Self {
        Self::new(DEFAULT_PREFIX)
    }
}

/// A hold token: the session's id and 16 random bytes, as 64 hex characters. Unguessable,
/// safe in a URL path and a Redis key, and it names the session, so the hold record's key (in
/// the session's hash slot) is known from the token alone.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HoldToken(String);

impl HoldToken {
    const LEN: usize = 64;

    /// A new token for a hold of `session_id`, from 16 bytes the caller drew at random.
    pub fn new(session_id: uuid::Uuid, random: [u8; 16]) -> Self {
        let mut text = session_id.simple().to_string();
        for byte in random {
            text.push_str(&format!("{byte:02x}"));
        }
        Self(text)
    }

    /// `None` for anything that is not a well-formed token (so bad input never reaches Redis).
    pub fn parse(text: &str) -> Option<Self> {
        let well_formed = text.len() == Self::LEN
            && text
                .bytes()
                .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte));
        well_formed.then(|| Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The session the hold is for, as its id is written in keys (hyphenated).
    pub fn session_id(&self) -> uuid::Uuid {
        uuid::Uuid::parse_str(&self.0[..32]).unwrap_or_default()
    }
}

impl std::fmt::Display for HoldToken {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.0)
    }
}

/// What `{prefix}hold:{<session_id>}:<token>` stores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldRecord {
    pub token: String,
    pub session_id: String,
    pub buyer: String,
    /// Held seat ids (seated blocks).
    #[serde(default)]
    pub seat_ids: Vec<String>,
    /// Held standing places per standing block id.
    #[serde(default)]
    pub standing: Vec<StandingHold>,
    /// Expiry in ms since the epoch.
    pub expires_at_ms: i64,
    /// Whether the one allowed extension has been used.
    #[serde(default)]
    pub extended: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandingHold {
    pub block_id: String,
    pub quantity: u32,
}

/// Published on [`HoldKeys::sales_channel`] when seats of a session are sold (ticketed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatsSold {
    pub session_id: String,
    pub seat_ids: Vec<String>,
    #[serde(default)]
    pub standing: Vec<StandingHold>,
}

/// Published on [`HoldKeys::refunds_channel`] when sold places of a session are refunded and
/// for sale again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatsRefunded {
    pub session_id: String,
    pub seat_ids: Vec<String>,
    #[serde(default)]
    pub standing: Vec<StandingHold>,
}

/// One thing that happened to an event's sales, published on
/// [`HoldKeys::sales_activity_channel`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesActivity {
    pub event_id: String,
    pub session_id: String,
    pub kind: SalesActivityKind,
    pub order_id: Option<String>,
    pub ticket_id: Option<String>,
    /// Tickets concerned (e.g. issued by one order).
    pub quantity: u32,
    pub amount_minor: i64,
    pub currency: Option<String>,
    /// Gate of a check-in.
    pub gate: Option<String>,
    pub at_ms: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SalesActivityKind {
    OrderPaid,
    TicketsIssued,
    OrderRefunded,
    CheckedIn,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seat_keys_round_trip_through_keyspace_channels() {
        let keys = HoldKeys::new("test:ab12:");
        let key = keys.seat("0192-session", "stalls-A-1");
        assert_eq!(key, "test:ab12:seat:{0192-session}:stalls-A-1");
        assert_eq!(
            keys.parse_seat_key(&format!("__keyspace@0__:{key}")),
            Some(("0192-session", "stalls-A-1"))
        );
        assert_eq!(
            keys.parse_seat_key(&key),
            Some(("0192-session", "stalls-A-1"))
        );
    }

    #[test]
    fn the_held_seat_index_is_not_mistaken_for_a_seat_key() {
        let keys = HoldKeys::new("test:ab12:");
        let index = keys.held_seats("0192-session");
        assert_eq!(index, "test:ab12:held-seats:{0192-session}");
        assert_eq!(keys.parse_seat_key(&index), None);
    }

    #[test]
    fn seat_ids_may_contain_colons() {
        let keys = HoldKeys::default();
        let key = keys.seat("s1", "block:A:1");
        assert_eq!(keys.parse_seat_key(&key), Some(("s1", "block:A:1")));
        let key = keys.seat("s1", "x}:y");
        assert_eq!(keys.parse_seat_key(&key), Some(("s1", "x}:y")));
    }

    #[test]
    fn keys_of_another_prefix_are_not_ours() {
        let keys = HoldKeys::new("test:one:");
        assert_eq!(keys.parse_seat_key("test:two:seat:{s1}:A1"), None);
        assert_eq!(
            keys.parse_seat_key("__keyspace@0__:test:two:seat:{s1}:A1"),
            None
        );
    }

    #[test]
    fn every_key_of_a_session_hashes_to_the_sessions_slot() {
        let keys = HoldKeys::new("bo:");
        let session = uuid::Uuid::new_v4();
        let id = session.to_string();
        let token = HoldToken::new(session, [7; 16]);
        let tag = format!("{{{id}}}");
        for key in [
            keys.seat(&id, "A1"),
            keys.held_seats(&id),
            keys.hold(&token),
            keys.buyer(&id, "guest-1"),
            keys.standing(&id, "floor"),
            keys.standing_quantities(&id, "floor"),
        ] {
            // Redis hashes the part between the first `{` and the next `}`.
            let start = key.find('{').expect("a hash tag");
            let end = key[start..].find('}').expect("a closed hash tag") + start;
            assert_eq!(&key[start..=end], tag, "{key}");
        }
    }

    #[test]
    fn a_hold_token_names_its_session_and_only_well_formed_tokens_parse() {
        let session = uuid::Uuid::new_v4();
        let token = HoldToken::new(session, [0xab; 16]);
        assert_eq!(token.as_str().len(), 64);
        assert_eq!(token.session_id(), session);
        assert_eq!(HoldToken::parse(token.as_str()), Some(token.clone()));
        for bad in [
            "",
            "0".repeat(32).as_str(),
            &token.as_str().to_uppercase(),
            &format!("{}g", &token.as_str()[..63]),
        ] {
            assert_eq!(HoldToken::parse(bad), None, "{bad}");
        }
    }
}
