//! Metrics of the live streams.

use std::time::Instant;

use metrics::{Counter, Histogram};

/// Streams open now, by `stream` (`seats`, `sales`).
const OPEN_STREAMS: &str = "sse_open_streams";
/// Events written to streams, by `stream` and `event`.
const EVENTS_SENT: &str = "sse_events_sent_total";
/// Streams that fell behind their channel and were resynchronised, by `stream`.
const LAGGED_CLIENTS: &str = "sse_lagged_clients_total";
/// From receiving a Redis notification to handing its event to a stream, by `stream`.
const NOTIFICATION_TO_SEND: &str = "sse_notification_to_send_seconds";
/// 1 while this replica is subscribed to Redis notifications.
const FEED_CONNECTED: &str = "live_redis_feed_connected";
/// Times the notification feed was lost.
const FEED_LOST: &str = "live_redis_feed_lost_total";

/// Counts one open stream for as long as it lives, and what it sends. Handles are resolved
/// once per stream: a label lookup for every event of every stream would cost more than the
/// event itself.
pub(crate) struct OpenStream {
    kind: &'static str,
    sent: Vec<(&'static str, Counter)>,
    latency: Histogram,
}

impl OpenStream {
    pub fn new(kind: &'static str) -> Self {
        metrics::gauge!(OPEN_STREAMS, "stream" => kind).increment(1.0);
        Self {
            kind,
            sent: Vec::new(),
            latency: metrics::histogram!(NOTIFICATION_TO_SEND, "stream" => kind),
        }
    }

    pub fn sent(&mut self, event: &'static str, noticed_at: Option<Instant>) {
        let kind = self.kind;
        match self.sent.iter().find(|(name, _)| *name == event) {
            Some((_, counter)) => counter.increment(1),
            None => {
                let counter = metrics::counter!(EVENTS_SENT, "stream" => kind, "event" => event);
                counter.increment(1);
                self.sent.push((event, counter));
            }
        }
        if let Some(noticed_at) = noticed_at {
            self.latency.record(noticed_at.elapsed().as_secs_f64());
        }
    }

    pub fn lagged(&self) {
        metrics::counter!(LAGGED_CLIENTS, "stream" => self.kind).increment(1);
    }
}

impl Drop for OpenStream {
    fn drop(&mut self) {
        metrics::gauge!(OPEN_STREAMS, "stream" => self.kind).decrement(1.0);
    }
}

pub(crate) fn feed_connected(connected: bool) {
    metrics::gauge!(FEED_CONNECTED).set(if connected { 1.0 } else { 0.0 });
}

pub(crate) fn feed_lost() {
    metrics::counter!(FEED_LOST).increment(1);
}
