//! Tells the readers what a stored batch changed (`shared_dto::read_model_change`), so every
//! query-service replica drops its cached copies at once instead of serving them until their
//! TTL. Published after the batch is stored, never before: a reader that reloads on the
//! notice must find the change.
//!
//! Best effort: a notice that cannot be sent (Redis down) is logged and skipped; the readers'
//! TTL bounds how long they may then serve the old document. Projection never waits on it
//! for longer than [`PUBLISH_TIMEOUT`].

use std::collections::BTreeSet;
use std::time::Duration;

use redis::aio::MultiplexedConnection;
use shared_dto::read_model_change::{ReadModelChange, channel};
use tokio::sync::Mutex;

use crate::change::RowChange;

const PUBLISH_TIMEOUT: Duration = Duration::from_millis(500);

/// Where the notices go: the Redis the readers subscribe to, under their key prefix.
#[derive(Clone, clap::Args)]
pub struct NoticeArgs {
    /// Redis URL (with a cluster, its seed nodes, comma-separated: the first is used, and
    /// a published message reaches every node). May carry a password: never logged.
    #[arg(
        long = "redis-url",
        env = "REDIS_URL",
        default_value = "redis://127.0.0.1:16379/",
        hide_env_values = true
    )]
    pub redis_url: String,
    /// Prefix of every Redis key and channel (see `shared_dto::seat_hold`); the readers
    /// listen under the same one.
    #[arg(long, env = "HOLD_KEY_PREFIX", default_value = shared_dto::seat_hold::DEFAULT_PREFIX)]
    pub hold_key_prefix: String,
}

impl std::fmt::Debug for NoticeArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NoticeArgs")
            .field("hold_key_prefix", &self.hold_key_prefix)
            .finish_non_exhaustive()
    }
}

/// Publishes read-model change notices on the deployment's channel.
pub struct Notices {
    url: String,
    channel: String,
    connection: Mutex<Option<MultiplexedConnection>>,
}

impl Notices {
    pub fn new(args: &NoticeArgs) -> Self {
        let url = args.redis_url.split(',').next().unwrap_or_default().trim();
        Self {
            url: url.to_owned(),
            channel: channel(&args.hold_key_prefix),
            connection: Mutex::new(None),
        }
    }

    /// Announces what `changes` (just stored) changed.
    pub async fn publish(&self, changes: &[RowChange]) {
        let change = affected(
            changes
                .iter()
                .map(|change| (change.table.as_str(), change.key.as_str(), &change.row)),
        );
        if change.is_empty() {
            return;
        }
        let Ok(payload) = serde_json::to_string(&change) else {
            return;
        };
        let sent = tokio::time::timeout(PUBLISH_TIMEOUT, async {
            let mut connection = self.connection.lock().await;
            if connection.is_none() {
                let client = redis::Client::open(self.url.as_str())?;
                *connection = Some(client.get_multiplexed_async_connection().await?);
            }
            let Some(open) = connection.as_mut() else {
                return Ok(());
            };
            let published = redis::cmd("PUBLISH")
                .arg(&self.channel)
                .arg(&payload)
                .query_async::<i64>(open)
                .await;
            if published.is_err() {
                *connection = None;
            }
            published.map(|_| ())
        })
        .await;
        match sent {
            Ok(Ok(())) => {}
            Ok(Err(error)) => {
                tracing::warn!(%error, "cannot publish a read-model change notice");
            }
            Err(_) => tracing::warn!("publishing a read-model change notice timed out"),
        }
    }
}

type Row = serde_json::Map<String, serde_json::Value>;

fn text(row: &Row, field: &str) -> Option<String> {
    row.get(field)?.as_str().map(str::to_owned)
}

/// The events and sessions whose read models `changes` touch. Changes whose dependants are
/// not in the row (a venue, a category, an organisation) ask readers to drop everything:
/// they are rare and the alternative is a lookup per change.
pub fn affected<'a>(
    changes: impl IntoIterator<Item = (&'a str, &'a str, &'a Row)>,
) -> ReadModelChange {
    let mut events = BTreeSet::new();
    let mut sessions = BTreeSet::new();
    let mut everything = false;
    for (table, key, row) in changes {
        match table {
            "event" => {
                events.insert(key.to_owned());
            }
            "session" => {
                sessions.insert(key.to_owned());
                events.extend(text(row, "event_id"));
            }
            // Readers map the session to its event themselves.
            "session_layout" => {
                sessions.insert(key.to_owned());
            }
            "tier" => {
                events.extend(text(row, "event_id"));
            }
            "ticket" => {
                sessions.extend(text(row, "session_id"));
                events.extend(text(row, "event_id"));
            }
            "organisation" | "category" | "venue" => everything = true,
            _ => {}
        }
    }
    ReadModelChange {
        events: events.into_iter().collect(),
        sessions: sessions.into_iter().collect(),
        everything,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn row(value: serde_json::Value) -> Row {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn a_batch_names_the_events_and_sessions_it_touched() {
        let ticket = row(json!({ "session_id": "s1", "event_id": "e1" }));
        let session = row(json!({ "event_id": "e2" }));
        let tier = row(json!({ "event_id": "e3" }));
        let empty = row(json!({}));
        let batch = [
            ("ticket", "t1", &ticket),
            ("ticket", "t2", &ticket),
            ("session", "s2", &session),
            ("tier", "x", &tier),
            ("order", "o", &empty),
        ];
        assert_eq!(
            affected(batch),
            ReadModelChange {
                events: vec!["e1".into(), "e2".into(), "e3".into()],
                sessions: vec!["s1".into(), "s2".into()],
                everything: false,
            }
        );
        assert!(affected([("order", "o", &empty)]).is_empty());
        assert!(affected([("venue", "v", &empty)]).everything);
    }
}
