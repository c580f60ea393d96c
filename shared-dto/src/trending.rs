//! Trending: what the scheduler computes every few minutes and query-service serves, and the
//! Redis keys between them.
//!
//! - `{prefix}views:{<event_id>}:<hour>` → a HyperLogLog of the visitors who opened the
//!   event's page in that hour (hours since the Unix epoch), written by query-service, kept a
//!   day and a bit. Twelve kilobytes at most per event and hour, whatever the traffic. The
//!   event id is a hash tag, so one event's hours are read in one round trip in a cluster.
//! - `{prefix}{trending}` → a sorted set of event ids by score, replaced whole by each
//!   recompute, with `{prefix}{trending}:detail` (event id → JSON [`TrendingDetail`]) beside it.
//!   Both expire if the scheduler stops recomputing, and query-service then ranks by recent
//!   sales alone. The `{trending}` hash tag keeps them in one Redis Cluster slot, so the swap is
//!   one transaction.

use serde::{Deserialize, Serialize};

/// How many hours of page views count.
pub const VIEW_HOURS: i64 = 24;
/// A view key outlives the window by an hour, so the oldest counted hour is still there.
pub const VIEW_KEY_TTL_SECS: i64 = (VIEW_HOURS + 1) * 3_600;
/// The ranking is dropped if nobody recomputes it for this long.
pub const RANKING_TTL_SECS: i64 = 3_600;

/// A ticket sold now counts this much; a visitor seen now counts [`VIEW_WEIGHT`].
pub const TICKET_WEIGHT: f64 = 1.0;
pub const VIEW_WEIGHT: f64 = 0.1;
/// An event whose upcoming places are all sold gains this much (proportionally less when
/// partly sold): scarcity draws buyers.
pub const SELL_THROUGH_WEIGHT: f64 = 5.0;
/// Tickets and views lose half their weight per this many hours.
pub const HALF_LIFE_HOURS: f64 = 24.0;

/// The weight of something that happened `age_hours` ago.
pub fn decay(age_hours: f64) -> f64 {
    0.5_f64.powf(age_hours.max(0.0) / HALF_LIFE_HOURS)
}

/// What one event's score is made of, as served beside the ranking.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TrendingDetail {
    /// Valid tickets issued in the last seven days.
    pub tickets_last_7_days: u64,
    /// Ticket sales weighted by how recent they are.
    pub recent_sales: f64,
    /// Distinct visitors of the event page per hour, summed over the last day.
    pub views_last_24_hours: u64,
    /// Page views weighted by how recent they are.
    pub recent_views: f64,
    /// Sold places of upcoming sessions over their places, 0 to 1.
    pub sell_through: f64,
}

impl TrendingDetail {
    pub fn score(&self) -> f64 {
        TICKET_WEIGHT * self.recent_sales
            + VIEW_WEIGHT * self.recent_views
            + SELL_THROUGH_WEIGHT * self.sell_through.clamp(0.0, 1.0)
    }
}

/// Builds the keys under one deployment prefix (the seat holds' prefix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrendingKeys {
    prefix: String,
}

impl TrendingKeys {
    pub fn new(prefix: impl Into<String>) -> Self {
        Self {
            prefix: prefix.into(),
        }
    }

    pub fn views(&self, event_id: &str, hour: i64) -> String {
        format!("{}views:{{{event_id}}}:{hour}", self.prefix)
    }

    pub fn ranking(&self) -> String {
        format!("{}{{trending}}", self.prefix)
    }

    pub fn details(&self) -> String {
        format!("{}{{trending}}:detail", self.prefix)
    }

    /// Where a recompute builds the next ranking before swapping it in.
    pub fn next_ranking(&self) -> String {
        format!("{}{{trending}}:next", self.prefix)
    }

    pub fn next_details(&self) -> String {
        format!("{}{{trending}}:next-detail", self.prefix)
    }
}

/// Hours since the Unix epoch of a time in milliseconds.
pub fn hour_of(ms: i64) -> i64 {
    ms.div_euclid(3_600_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weight_halves_every_half_life_and_the_future_counts_as_now() {
        assert!((decay(0.0) - 1.0).abs() < 1e-9);
        assert!((decay(24.0) - 0.5).abs() < 1e-9);
        assert!((decay(48.0) - 0.25).abs() < 1e-9);
        assert!((decay(-5.0) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn fresh_sales_outweigh_views_and_scarcity_adds_a_little() {
        let selling = TrendingDetail {
            recent_sales: 10.0,
            ..TrendingDetail::default()
        };
        let browsed = TrendingDetail {
            recent_views: 50.0,
            ..TrendingDetail::default()
        };
        let sold_out = TrendingDetail {
            sell_through: 1.0,
            ..TrendingDetail::default()
        };
        assert!(selling.score() > browsed.score());
        assert!(browsed.score() == sold_out.score());
        let overfull = TrendingDetail {
            sell_through: 3.0,
            ..TrendingDetail::default()
        };
        assert_eq!(overfull.score(), sold_out.score());
    }

    #[test]
    fn the_ranking_keys_share_one_cluster_slot() {
        let keys = TrendingKeys::new("bo:");
        for key in [
            keys.ranking(),
            keys.details(),
            keys.next_ranking(),
            keys.next_details(),
        ] {
            assert!(key.starts_with("bo:{trending}"), "{key}");
        }
        assert_eq!(keys.views("e1", 7), "bo:views:{e1}:7");
        assert_eq!(hour_of(3_600_000 * 5 + 1), 5);
        assert_eq!(hour_of(-1), -1);
    }
}
