//! A message that cannot be projected goes to the dead-letter topic; the projector goes on.

use std::time::Duration;

use rdkafka::ClientConfig;
use rdkafka::Message;
use rdkafka::message::Headers;
use rdkafka::producer::{FutureProducer, FutureRecord};
use serde_json::json;
use shared_dto::read_model::collection;
use test_support::kafka::{consumer_from_earliest, next_message};
use test_support::mongo::TestMongo;
use test_support::{StackEnv, unique_name};
use uuid::Uuid;

use crate::fixtures::{Projection, projector_args, spawn_projector};

#[tokio::test]
async fn a_malformed_message_is_dead_lettered_and_later_ones_are_projected() {
    let env = StackEnv::from_env();
    let prefix = unique_name("cdc");
    let dead_letter_topic = unique_name("dead-letter");
    let mongo = TestMongo::create(&env).await.expect("read store");
    let group = unique_name("projector");
    let mut args = projector_args(&env, &group, mongo.database.name());
    args.extend([
        "--topic-prefix".into(),
        prefix.clone(),
        "--dead-letter-topic".into(),
        dead_letter_topic.clone(),
    ]);
    let _projector = spawn_projector(args).await;

    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", &env.kafka_brokers)
        .create()
        .expect("producer");
    let topic = format!("{prefix}.public.organisation");
    let organisation = Uuid::now_v7();
    let good = json!({
        "before": null, "op": "c", "ts_ms": 1,
        "after": {"organisation_id": organisation, "name": "After The Poison", "version": 1},
        "source": {"lsn": 1, "txId": 1, "db": "boxoffice", "schema": "public", "table": "organisation", "ts_ms": 1}
    })
    .to_string();
    let key = json!({"organisation_id": organisation}).to_string();
    for payload in ["{ this is not json", good.as_str()] {
        producer
            .send(
                FutureRecord::to(&topic).key(&key).payload(payload),
                Duration::from_secs(10),
            )
            .await
            .expect("sent");
    }

    let projection = Projection {
        mongo,
        group,
        service: None,
    };
    projection
        .wait_for(
            collection::ORGANISATIONS,
            &organisation.to_string(),
            "the message after the poison one",
            |doc| doc.get_str("name") == Ok("After The Poison"),
        )
        .await;

    let consumer = consumer_from_earliest(&env, &[&dead_letter_topic]).expect("consumer");
    let message = tokio::time::timeout(Duration::from_secs(30), next_message(&consumer))
        .await
        .expect("a dead letter arrives");
    assert_eq!(message.payload(), Some("{ this is not json".as_bytes()));
    let headers = message.headers().expect("headers");
    let header = |name: &str| {
        headers
            .iter()
            .find(|header| header.key == name)
            .and_then(|header| header.value)
            .map(|value| String::from_utf8_lossy(value).into_owned())
    };
    assert_eq!(header("source_topic"), Some(topic));
    assert!(
        header("error").is_some_and(|error| error.contains("envelope")),
        "{:?}",
        header("error")
    );
}
