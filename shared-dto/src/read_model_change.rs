//! What the projector tells the readers after it stored a batch of read-model changes, so
//! every query-service replica can drop what it caches of them.
//!
//! Channel `{prefix}read-model-changes` (the deployment prefix of `seat_hold`) carries JSON
//! [`ReadModelChange`]. Pub/sub is fire-and-forget: a reader that was not subscribed misses
//! notices, so readers drop everything when they (re)subscribe and keep a short TTL besides.

use serde::{Deserialize, Serialize};

/// The channel under a deployment prefix.
pub fn channel(prefix: &str) -> String {
    format!("{prefix}read-model-changes")
}

/// Read models the projector has just changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadModelChange {
    /// Events whose document (detail, sessions, search fields) changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<String>,
    /// Sessions whose seat map or sold places changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sessions: Vec<String>,
    /// Something changed whose dependants are not listed (a venue, a category, an
    /// organisation's name): drop everything.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub everything: bool,
}

impl ReadModelChange {
    pub fn is_empty(&self) -> bool {
        self.events.is_empty() && self.sessions.is_empty() && !self.everything
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_lists_are_left_out_and_read_back_as_empty() {
        let change = ReadModelChange {
            events: vec!["e".to_owned()],
            ..ReadModelChange::default()
        };
        let json = serde_json::to_string(&change).expect("json");
        assert_eq!(json, r#"{"events":["e"]}"#);
        assert_eq!(
            serde_json::from_str::<ReadModelChange>(&json).expect("parsed"),
            change
        );
        assert!(ReadModelChange::default().is_empty());
    }
}
