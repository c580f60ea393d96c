//! The Kafka side: a consumer group over the change topics with at-least-once delivery.
//!
//! Offsets are stored only after the read store acknowledged every write of a batch
//! (`enable.auto.offset.store=false`; the stored offsets are committed periodically and on
//! shutdown). Changes are applied in the order received, which keeps per-key order (a key
//! always lands on one partition). A read-store failure is retried with backoff without moving
//! on; a message that cannot be projected goes to the dead-letter topic and the stream goes on.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::future::BoxFuture;

use mongodb::Database;
use rdkafka::client::ClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{
    BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance, StreamConsumer,
};
use rdkafka::error::KafkaError;
use rdkafka::message::{Header, OwnedHeaders, OwnedMessage};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::statistics::Statistics;
use rdkafka::types::RDKafkaErrorCode;
use rdkafka::{Message, TopicPartitionList};
use service_runtime::{Probe, ProbeError};
use tokio_util::sync::CancellationToken;

use crate::change::{self, Decoded, Position, RowChange};
use crate::config::ProjectionArgs;
use crate::error::ProjectionError;
use crate::mirror::MIRRORED;
use crate::projection;

/// Upper bound on changes projected together.
const MAX_BATCH: usize = 500;
/// How long a batch waits for more messages once it has one.
const BATCH_LINGER: Duration = Duration::from_millis(5);

fn record_projected(changes: &[RowChange]) {
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
        });
    for change in changes {
        metrics::histogram!("projector_latency_seconds", "table" => change.table.clone())
            .record((now_ms - change.committed_ms).max(0) as f64 / 1000.0);
        metrics::counter!("projector_changes_total", "table" => change.table.clone()).increment(1);
    }
}

/// The consumer's view of its group: reports lag per partition from librdkafka's statistics
/// and keeps the number of partitions assigned, for readiness.
#[derive(Clone, Default)]
pub struct GroupContext {
    assigned: Arc<AtomicUsize>,
}

impl GroupContext {
    /// A readiness probe that fails while this consumer holds no partitions (still joining the
    /// group, or left without an assignment), so a stalled projector shows as not ready.
    pub fn assignment_probe(&self) -> AssignmentProbe {
        AssignmentProbe(Arc::clone(&self.assigned))
    }
}

pub struct AssignmentProbe(Arc<AtomicUsize>);

impl Probe for AssignmentProbe {
    fn name(&self) -> &str {
        "kafka-assignment"
    }

    fn check(&self) -> BoxFuture<'_, Result<(), ProbeError>> {
        let assigned = self.0.load(Ordering::Relaxed);
        Box::pin(async move {
            if assigned > 0 {
                Ok(())
            } else {
                Err(ProbeError::new(
                    "no partitions assigned to this consumer yet",
                ))
            }
        })
    }
}

impl ClientContext for GroupContext {
    fn stats(&self, statistics: Statistics) {
        for (topic, details) in statistics.topics {
            for (partition, stats) in details.partitions {
                if partition >= 0 && stats.consumer_lag >= 0 {
                    metrics::gauge!("projector_consumer_lag", "topic" => topic.clone(), "partition" => partition.to_string())
                        .set(stats.consumer_lag as f64);
                }
            }
        }
    }
}

impl ConsumerContext for GroupContext {
    fn post_rebalance(&self, _consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        let assigned = match rebalance {
            Rebalance::Assign(partitions) => partitions.count(),
            Rebalance::Revoke(_) | Rebalance::Error(_) => 0,
        };
        tracing::info!(partitions = assigned, "consumer group rebalanced");
        self.assigned.store(assigned, Ordering::Relaxed);
    }
}

/// The change topics the read models need.
pub fn topics(prefix: &str) -> Vec<String> {
    MIRRORED
        .iter()
        .map(|(table, _)| format!("{prefix}.public.{table}"))
        .collect()
}

pub fn consumer(
    brokers: &str,
    args: &ProjectionArgs,
    context: GroupContext,
) -> Result<StreamConsumer<GroupContext>, KafkaError> {
    let consumer: StreamConsumer<GroupContext> = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("group.id", &args.group_id)
        .set("enable.auto.commit", "true")
        .set("auto.commit.interval.ms", "1000")
        .set("enable.auto.offset.store", "false")
        .set("auto.offset.reset", "earliest")
        .set("session.timeout.ms", args.session_timeout_ms.to_string())
        .set("topic.metadata.refresh.interval.ms", "2000")
        // How long a fetch may wait on the broker for changes. Kafka answers as soon as one
        // arrives, so there it only sets how often an idle consumer asks. The local broker
        // (tansu) answers only when the wait is over, so there it also delays every change by
        // up to this much: 20 ms kept it busy at ~5% of a core answering empty fetches of the
        // nine topics; 250 ms (the default) costs ~1% (load-tests/README.md, idle stack).
        .set("fetch.wait.max.ms", args.fetch_wait_ms.to_string())
        .set("statistics.interval.ms", "5000")
        .create_with_context(context)?;
    let topics = topics(&args.topic_prefix);
    let names: Vec<&str> = topics.iter().map(String::as_str).collect();
    consumer.subscribe(&names)?;
    Ok(consumer)
}

pub fn dead_letter_producer(brokers: &str) -> Result<FutureProducer, KafkaError> {
    ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("message.timeout.ms", "30000")
        .create()
}

/// Consumes until `stop` is cancelled.
pub struct ChangeConsumer {
    pub consumer: StreamConsumer<GroupContext>,
    pub dead_letters: FutureProducer,
    pub dead_letter_topic: String,
    pub database: Database,
    /// Told after each stored batch, so readers drop their cached copies.
    pub notices: crate::read_model_notice::Notices,
    pub stop: CancellationToken,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Handled {
    Done,
    Stopped,
}

impl ChangeConsumer {
    pub async fn run(self) {
        while let Some(batch) = self.next_batch().await {
            match self.handle_batch(&batch).await {
                Handled::Done => {
                    for message in &batch {
                        if let Err(error) = self.consumer.store_offset(
                            message.topic(),
                            message.partition(),
                            message.offset(),
                        ) {
                            tracing::warn!(%error, "storing the offset failed");
                        }
                    }
                }
                Handled::Stopped => break,
            }
        }
        self.shut_down().await;
    }

    /// Waits for a message, then takes whatever else is already there, up to [`MAX_BATCH`].
    async fn next_batch(&self) -> Option<Vec<OwnedMessage>> {
        let mut batch = Vec::new();
        loop {
            let received = if batch.is_empty() {
                tokio::select! {
                    () = self.stop.cancelled() => return None,
                    received = self.consumer.recv() => received,
                }
            } else {
                match tokio::time::timeout(BATCH_LINGER, self.consumer.recv()).await {
                    Ok(received) => received,
                    Err(_) => return Some(batch),
                }
            };
            match received {
                Ok(message) => batch.push(message.detach()),
                // Change topics appear with their table's first change.
                Err(KafkaError::MessageConsumption(
                    RDKafkaErrorCode::UnknownTopicOrPartition | RDKafkaErrorCode::UnknownTopic,
                )) => {}
                Err(error) => {
                    metrics::counter!("projector_errors_total", "kind" => "consume").increment(1);
                    tracing::warn!(%error, "consuming failed; retrying");
                }
            }
            if batch.len() >= MAX_BATCH {
                return Some(batch);
            }
        }
    }

    async fn handle_batch(&self, batch: &[OwnedMessage]) -> Handled {
        let mut changes = Vec::with_capacity(batch.len());
        for message in batch {
            match change::decode(message.key(), message.payload()) {
                Ok(Decoded::Change(mut change)) => {
                    change.position = Some(Position {
                        partition: message.partition(),
                        offset: message.offset(),
                    });
                    changes.push((message, change));
                }
                Ok(Decoded::Nothing) => {}
                Err(error) => {
                    if let Handled::Stopped = self.dead_letter(message, &error.to_string()).await {
                        return Handled::Stopped;
                    }
                }
            }
        }
        let rows: Vec<RowChange> = changes.iter().map(|(_, change)| change.clone()).collect();
        match self.project_with_retries(&rows).await {
            Ok(true) => {
                record_projected(&rows);
                Handled::Done
            }
            Ok(false) => Handled::Stopped,
            // Something in the batch cannot be projected: find which, one change at a time.
            Err(_) => {
                for (message, change) in &changes {
                    match self
                        .project_with_retries(std::slice::from_ref(change))
                        .await
                    {
                        Ok(true) => record_projected(std::slice::from_ref(change)),
                        Ok(false) => return Handled::Stopped,
                        Err(error) => {
                            if let Handled::Stopped =
                                self.dead_letter(*message, &error.to_string()).await
                            {
                                return Handled::Stopped;
                            }
                        }
                    }
                }
                Handled::Done
            }
        }
    }

    /// Projects `changes`, retrying read-store failures with backoff. `Ok(false)` means
    /// shutdown came first; `Err` is a change that cannot be projected.
    async fn project_with_retries(&self, changes: &[RowChange]) -> Result<bool, ProjectionError> {
        let mut backoff = Duration::from_millis(100);
        loop {
            match projection::project_batch(&self.database, changes).await {
                Ok(()) => {
                    self.notices.publish(changes).await;
                    return Ok(true);
                }
                Err(error) if error.is_retryable() => {
                    metrics::counter!("projector_errors_total", "kind" => "store").increment(1);
                    tracing::warn!(%error, retry_in = ?backoff, "projection failed; retrying");
                    tokio::select! {
                        () = self.stop.cancelled() => return Ok(false),
                        () = tokio::time::sleep(backoff) => {}
                    }
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// Sends the record with its error to the dead-letter topic, retrying until the broker
    /// acknowledges, so a poison message is never silently dropped.
    async fn dead_letter(&self, message: &impl Message, error: &str) -> Handled {
        metrics::counter!("projector_dead_letters_total").increment(1);
        tracing::error!(topic = message.topic(), partition = message.partition(), offset = message.offset(), %error,
            "message cannot be projected; sending it to the dead-letter topic");
        let offset = message.offset().to_string();
        let partition = message.partition().to_string();
        loop {
            let headers = OwnedHeaders::new()
                .insert(Header {
                    key: "error",
                    value: Some(error),
                })
                .insert(Header {
                    key: "source_topic",
                    value: Some(message.topic()),
                })
                .insert(Header {
                    key: "source_partition",
                    value: Some(&partition),
                })
                .insert(Header {
                    key: "source_offset",
                    value: Some(&offset),
                });
            let mut record = FutureRecord::to(&self.dead_letter_topic).headers(headers);
            if let Some(key) = message.key() {
                record = record.key(key);
            }
            if let Some(payload) = message.payload() {
                record = record.payload(payload);
            }
            let sent = tokio::select! {
                () = self.stop.cancelled() => return Handled::Stopped,
                sent = self.dead_letters.send(record, Duration::from_secs(10)) => sent,
            };
            match sent {
                Ok(_) => return Handled::Done,
                Err((error, _)) => {
                    tracing::warn!(%error, "dead-letter send failed; retrying");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
            }
        }
    }

    /// Commits what was stored and leaves the group. librdkafka's destroy can hang after
    /// LeaveGroup, so dropping the consumer happens off the runtime and is not waited on forever.
    async fn shut_down(self) {
        if let Err(error) = self.consumer.commit_consumer_state(CommitMode::Sync) {
            tracing::debug!(%error, "final commit");
        }
        self.consumer.unsubscribe();
        let consumer = self.consumer;
        let dropped = tokio::task::spawn_blocking(move || drop(consumer));
        if tokio::time::timeout(Duration::from_secs(5), dropped)
            .await
            .is_err()
        {
            tracing::warn!("the Kafka consumer did not close within 5s");
        }
    }
}

/// Points the group at the earliest offset of every partition of the change topics, so the
/// next run replays everything.
pub fn rewind_group(brokers: &str, args: &ProjectionArgs) -> Result<usize, KafkaError> {
    let consumer: rdkafka::consumer::BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("group.id", &args.group_id)
        .set("enable.auto.commit", "false")
        .create()?;
    let mut positions = TopicPartitionList::new();
    for topic in topics(&args.topic_prefix) {
        let metadata = match consumer.fetch_metadata(Some(&topic), Duration::from_secs(5)) {
            Ok(metadata) => metadata,
            Err(error) => {
                tracing::warn!(%error, topic, "no metadata; skipping");
                continue;
            }
        };
        for partition in metadata
            .topics()
            .iter()
            .flat_map(|topic| topic.partitions())
        {
            let (low, _) = consumer
                .fetch_watermarks(&topic, partition.id(), Duration::from_secs(5))
                .unwrap_or((0, 0));
            positions.add_partition_offset(&topic, partition.id(), rdkafka::Offset::Offset(low))?;
        }
    }
    let count = positions.count();
    if count > 0 {
        consumer.commit(&positions, CommitMode::Sync)?;
    }
    Ok(count)
}
