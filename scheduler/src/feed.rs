//! The change stream the plan is made from: session, event and ticket changes, in the
//! scheduler's own consumer group. An offset is stored only after the job rows it led to are written, so a
//! crash replays changes rather than losing them (replays are no-ops: see `jobs`).

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use rdkafka::Message;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::error::KafkaError;
use rdkafka::message::BorrowedMessage;
use rdkafka::types::RDKafkaErrorCode;
use serde_json::Value;
use shared_dto::cdc::{Envelope, Op};
use shared_dto::rows::{EventChangeRow, SessionChangeRow};
use shared_dto::status::EventStatus;
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::clock::Clock;
use crate::jobs;
use crate::plan;

const MAX_RETRY_WAIT: Duration = Duration::from_secs(10);

/// Which sessions a replica plans for.
#[derive(Debug, Clone, Default)]
pub enum Scope {
    #[default]
    Everything,
    /// Only the sessions of these events: a scheduler that shares a change stream with other
    /// tenants' data (a test on the shared local stack) keeps to its own.
    Events(HashSet<Uuid>),
}

impl Scope {
    /// The events kept to, if any.
    pub fn events(&self) -> Option<Vec<Uuid>> {
        match self {
            Self::Everything => None,
            Self::Events(events) => Some(events.iter().copied().collect()),
        }
    }

    fn covers(&self, event_id: Option<Uuid>) -> bool {
        match self {
            Self::Everything => true,
            Self::Events(events) => event_id.is_some_and(|id| events.contains(&id)),
        }
    }
}

/// What one change record means for the plan.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Session {
        session_id: Uuid,
        lsn: u64,
        /// `None` for a delete.
        row: Option<SessionChangeRow>,
    },
    EventPublished {
        event_id: Uuid,
    },
    /// A ticket was issued, refunded or voided: the session's availability may have changed.
    Ticket {
        session_id: Uuid,
        event_id: Uuid,
    },
    Nothing,
}

/// The columns of a ticket change the scheduler reads.
#[derive(serde::Deserialize)]
struct TicketKeys {
    session_id: Uuid,
    event_id: Uuid,
}

#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("not a Debezium envelope: {0}")]
    Envelope(#[from] serde_json::Error),
    #[error("a change without source.lsn")]
    NoLsn,
    #[error("a deleted session without its id")]
    NoKey,
}

pub fn decode(key: Option<&[u8]>, value: Option<&[u8]>) -> Result<Change, DecodeError> {
    let Some(value) = value else {
        return Ok(Change::Nothing);
    };
    let envelope: Envelope<Value> = serde_json::from_slice(value)?;
    match envelope.source.table.as_str() {
        "session" => {
            let lsn = envelope.source.lsn.ok_or(DecodeError::NoLsn)?;
            match envelope.op {
                Op::Create | Op::Update | Op::Read => {
                    let row: SessionChangeRow =
                        serde_json::from_value(envelope.after.unwrap_or(Value::Null))?;
                    Ok(Change::Session {
                        session_id: row.session_id,
                        lsn,
                        row: Some(row),
                    })
                }
                Op::Delete => {
                    // With the default replica identity a delete carries the key only.
                    let id = envelope
                        .before
                        .as_ref()
                        .and_then(|before| before.get("session_id"))
                        .cloned()
                        .or_else(|| {
                            key.and_then(|key| serde_json::from_slice::<Value>(key).ok())
                                .and_then(|key| key.get("session_id").cloned())
                        })
                        .ok_or(DecodeError::NoKey)?;
                    Ok(Change::Session {
                        session_id: serde_json::from_value(id)?,
                        lsn,
                        row: None,
                    })
                }
                Op::Truncate | Op::Message => Ok(Change::Nothing),
            }
        }
        "event" => match (envelope.op, envelope.after) {
            (Op::Create | Op::Update | Op::Read, Some(after)) => {
                let row: EventChangeRow = serde_json::from_value(after)?;
                Ok(if row.status == EventStatus::Published {
                    Change::EventPublished {
                        event_id: row.event_id,
                    }
                } else {
                    Change::Nothing
                })
            }
            _ => Ok(Change::Nothing),
        },
        "ticket" => match envelope.op {
            Op::Create | Op::Update | Op::Delete => {
                // Tickets keep a full replica identity, so a delete carries its row too.
                let row = envelope.after.or(envelope.before).unwrap_or(Value::Null);
                let keys: TicketKeys = serde_json::from_value(row)?;
                Ok(Change::Ticket {
                    session_id: keys.session_id,
                    event_id: keys.event_id,
                })
            }
            // A snapshot read is no change: availability is checked when tickets move.
            Op::Read | Op::Truncate | Op::Message => Ok(Change::Nothing),
        },
        _ => Ok(Change::Nothing),
    }
}

pub fn consumer(
    brokers: &str,
    group_id: &str,
    topic_prefix: &str,
) -> Result<StreamConsumer, KafkaError> {
    let consumer: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("group.id", group_id)
        .set("enable.auto.commit", "true")
        .set("auto.commit.interval.ms", "1000")
        .set("enable.auto.offset.store", "false")
        .set("auto.offset.reset", "earliest")
        .set("topic.metadata.refresh.interval.ms", "2000")
        // Schedules are minutes to months ahead: an idle fetch may wait on the broker, which
        // keeps an idle scheduler from polling it many times a second.
        .set("fetch.wait.max.ms", "500")
        .create()?;
    let session = format!("{topic_prefix}.public.session");
    let event = format!("{topic_prefix}.public.event");
    let ticket = format!("{topic_prefix}.public.ticket");
    consumer.subscribe(&[&session, &event, &ticket])?;
    Ok(consumer)
}

pub struct ChangeFeed {
    pub consumer: StreamConsumer,
    pub pool: PgPool,
    pub clock: Arc<dyn Clock>,
    pub scope: Scope,
    pub stop: CancellationToken,
}

impl ChangeFeed {
    pub async fn run(self) {
        loop {
            let received = tokio::select! {
                () = self.stop.cancelled() => return,
                received = self.consumer.recv() => received,
            };
            match received {
                Ok(message) => {
                    if !self.apply_with_retries(&message).await {
                        return;
                    }
                    if let Err(error) = self.consumer.store_offset_from_message(&message) {
                        tracing::warn!(%error, "storing the offset failed");
                    }
                }
                // Change topics appear with their table's first change.
                Err(KafkaError::MessageConsumption(
                    RDKafkaErrorCode::UnknownTopicOrPartition | RDKafkaErrorCode::UnknownTopic,
                )) => {}
                Err(error) => {
                    metrics::counter!("scheduler_errors_total", "kind" => "consume").increment(1);
                    tracing::warn!(%error, "consuming failed; retrying");
                }
            }
        }
    }

    /// Applies one record, retrying database failures until they pass; `false` once stopped.
    async fn apply_with_retries(&self, message: &BorrowedMessage<'_>) -> bool {
        let change = match decode(message.key(), message.payload()) {
            Ok(change) => change,
            Err(error) => {
                metrics::counter!("scheduler_errors_total", "kind" => "decode").increment(1);
                tracing::warn!(%error, topic = message.topic(), offset = message.offset(), "a change record the scheduler cannot read was skipped");
                return true;
            }
        };
        let mut wait = Duration::from_millis(100);
        loop {
            match self.apply(&change).await {
                Ok(()) => return true,
                Err(error) => {
                    metrics::counter!("scheduler_errors_total", "kind" => "database").increment(1);
                    tracing::warn!(%error, "planning jobs failed; retrying");
                }
            }
            tokio::select! {
                () = self.stop.cancelled() => return false,
                () = tokio::time::sleep(wait) => {}
            }
            wait = (wait * 2).min(MAX_RETRY_WAIT);
        }
    }

    async fn apply(&self, change: &Change) -> Result<(), sqlx::Error> {
        match change {
            Change::Session {
                session_id,
                lsn,
                row,
            } => {
                let event_id = row.as_ref().map(|row| row.event_id);
                // A delete names no event; it is applied only to sessions already planned.
                if row.is_some() && !self.scope.covers(event_id) {
                    return Ok(());
                }
                let planned = plan::jobs_for(row.as_ref());
                let lsn = i64::try_from(*lsn).unwrap_or(i64::MAX);
                if row.is_none() && !jobs::is_planned(&self.pool, *session_id).await? {
                    return Ok(());
                }
                jobs::plan_session(&self.pool, *session_id, event_id, lsn, &planned).await?;
            }
            Change::EventPublished { event_id } => {
                if self.scope.covers(Some(*event_id)) {
                    jobs::rearm_event(&self.pool, *event_id, self.clock.now()).await?;
                }
            }
            Change::Ticket {
                session_id,
                event_id,
            } => {
                if self.scope.covers(Some(*event_id)) {
                    let due_at = self.clock.now() + plan::AVAILABILITY_SETTLE;
                    jobs::ask_availability_check(&self.pool, *session_id, due_at).await?;
                }
            }
            Change::Nothing => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(table: &str, op: &str, before: Value, after: Value) -> Vec<u8> {
        serde_json::json!({
            "before": before, "after": after, "op": op, "ts_ms": 1,
            "source": {"lsn": 42, "txId": 7, "db": "boxoffice", "schema": "public", "table": table, "ts_ms": 1}
        })
        .to_string()
        .into_bytes()
    }

    fn session_row() -> Value {
        serde_json::json!({
            "session_id": "0190b4a8-7a4e-7000-8000-000000000001",
            "event_id": "0190b4a8-7a4e-7000-8000-000000000002",
            "venue_id": null, "mode": "physical",
            "starts_at": "2030-05-01T20:00:00Z", "ends_at": "2030-05-01T23:00:00Z",
            "sales_start_at": "2030-03-01T10:00:00Z", "sales_end_at": "2030-05-01T18:00:00Z",
            "status": "SCHEDULED", "version": 3, "updated_at": "2030-01-01T00:00:00Z"
        })
    }

    #[test]
    fn a_session_change_carries_its_row_and_wal_position() {
        let value = envelope("session", "u", Value::Null, session_row());
        let Change::Session { lsn, row, .. } = decode(None, Some(&value)).expect("decodes") else {
            panic!("a session change");
        };
        assert_eq!(lsn, 42);
        assert_eq!(
            row.expect("a row").status,
            shared_dto::status::SessionStatus::Scheduled
        );
    }

    #[test]
    fn a_session_in_the_columns_spelling_or_an_unknown_status_is_told_apart() {
        let mut row = session_row();
        row["status"] = "on_sale".into();
        let value = envelope("session", "u", Value::Null, row.clone());
        let Change::Session {
            row: Some(read), ..
        } = decode(None, Some(&value)).expect("decodes")
        else {
            panic!("a session change");
        };
        assert_eq!(read.status, shared_dto::status::SessionStatus::OnSale);
        // An unknown status plans nothing: the record is not read (and so skipped).
        row["status"] = "SOMETHING_NEW".into();
        let value = envelope("session", "u", Value::Null, row);
        assert!(decode(None, Some(&value)).is_err());
    }

    #[test]
    fn a_deleted_session_is_named_by_its_key() {
        let key = br#"{"session_id":"0190b4a8-7a4e-7000-8000-000000000001"}"#;
        let value = envelope("session", "d", Value::Null, Value::Null);
        let change = decode(Some(key), Some(&value)).expect("decodes");
        assert_eq!(
            change,
            Change::Session {
                session_id: "0190b4a8-7a4e-7000-8000-000000000001"
                    .parse()
                    .expect("a uuid"),
                lsn: 42,
                row: None
            }
        );
    }

    #[test]
    fn only_a_published_event_matters_and_tombstones_are_nothing() {
        let event = |status: &str| {
            serde_json::json!({
                "event_id": "0190b4a8-7a4e-7000-8000-000000000002",
                "organisation_id": "0190b4a8-7a4e-7000-8000-000000000003",
                "title": "t", "description": "", "category_id": null, "cover_image_urls": [],
                "status": status, "published_at": null, "version": 1
            })
        };
        let published = envelope("event", "u", Value::Null, event("published"));
        assert!(matches!(
            decode(None, Some(&published)),
            Ok(Change::EventPublished { .. })
        ));
        let draft = envelope("event", "u", Value::Null, event("draft"));
        assert_eq!(
            decode(None, Some(&draft)).expect("decodes"),
            Change::Nothing
        );
        assert_eq!(decode(None, None).expect("decodes"), Change::Nothing);
    }

    #[test]
    fn a_ticket_change_names_its_session_and_a_snapshot_read_is_nothing() {
        let ticket = serde_json::json!({
            "ticket_id": "0190b4a8-7a4e-7000-8000-000000000004",
            "session_id": "0190b4a8-7a4e-7000-8000-000000000001",
            "event_id": "0190b4a8-7a4e-7000-8000-000000000002",
            "status": "refunded"
        });
        let refunded = envelope("ticket", "u", Value::Null, ticket.clone());
        assert_eq!(
            decode(None, Some(&refunded)).expect("decodes"),
            Change::Ticket {
                session_id: "0190b4a8-7a4e-7000-8000-000000000001"
                    .parse()
                    .expect("a uuid"),
                event_id: "0190b4a8-7a4e-7000-8000-000000000002"
                    .parse()
                    .expect("a uuid"),
            }
        );
        let deleted = envelope("ticket", "d", ticket.clone(), Value::Null);
        assert!(matches!(
            decode(None, Some(&deleted)),
            Ok(Change::Ticket { .. })
        ));
        let snapshot = envelope("ticket", "r", Value::Null, ticket);
        assert_eq!(
            decode(None, Some(&snapshot)).expect("decodes"),
            Change::Nothing
        );
    }

    #[test]
    fn a_scope_of_events_covers_only_them() {
        let mine = Uuid::new_v4();
        let scope = Scope::Events(HashSet::from([mine]));
        assert!(scope.covers(Some(mine)));
        assert!(!scope.covers(Some(Uuid::new_v4())));
        assert!(!scope.covers(None));
        assert!(Scope::Everything.covers(None));
    }
}
