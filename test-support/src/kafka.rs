//! Consumers on the stack's broker, each in a consumer group of its own.

use rdkafka::ClientConfig;
use rdkafka::consumer::StreamConsumer;

use crate::stack::StackEnv;

/// A consumer in a fresh group that reads `topics` from the earliest offset.
///
/// `session.timeout.ms` is short because the local broker delays JoinGroup by about half of it.
pub fn consumer_from_earliest(env: &StackEnv, topics: &[&str]) -> anyhow::Result<StreamConsumer> {
    use rdkafka::consumer::Consumer;
    let consumer: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", &env.kafka_brokers)
        .set("group.id", crate::unique_name("group"))
        .set("auto.offset.reset", "earliest")
        .set("enable.auto.commit", "false")
        .set("session.timeout.ms", "6000")
        .set("topic.metadata.refresh.interval.ms", "500")
        .set("fetch.wait.max.ms", "20")
        .create()?;
    consumer.subscribe(topics)?;
    Ok(consumer)
}

/// The next message, skipping the "unknown topic" errors a subscription reports until the
/// topic's first record creates it (change topics appear with their table's first change).
pub async fn next_message(consumer: &StreamConsumer) -> rdkafka::message::BorrowedMessage<'_> {
    use rdkafka::error::KafkaError;
    use rdkafka::types::RDKafkaErrorCode;
    loop {
        match consumer.recv().await {
            Ok(message) => return message,
            Err(KafkaError::MessageConsumption(RDKafkaErrorCode::UnknownTopicOrPartition)) => {}
            Err(KafkaError::MessageConsumption(RDKafkaErrorCode::UnknownTopic)) => {}
            Err(error) => panic!("consuming from the broker failed: {error}"),
        }
    }
}
