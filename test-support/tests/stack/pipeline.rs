//! PostgreSQL → Debezium → broker, end to end, read by an rdkafka consumer group.

use std::time::{Duration, Instant};

use rdkafka::Message;
use serde::Deserialize;
use shared_dto::cdc::{ChangeRecord, Envelope, Op};
use shared_dto::topic::table_topic;
use test_support::StackEnv;
use test_support::kafka::{consumer_from_earliest, next_message};
use uuid::Uuid;

#[derive(Debug, Deserialize, PartialEq)]
struct ProbeRow {
    pipeline_probe_id: Uuid,
    note: String,
}

#[tokio::test]
async fn a_row_inserted_updated_and_deleted_reaches_a_consumer_group_as_debezium_changes() {
    test_support::init_tracing();
    let env = StackEnv::from_env();
    let pool = sqlx::PgPool::connect(&env.database_url)
        .await
        .expect("the stack's boxoffice database is reachable");
    let id = Uuid::new_v4();

    let written = Instant::now();
    sqlx::query("insert into pipeline_probe (pipeline_probe_id, note) values ($1, 'inserted')")
        .bind(id)
        .execute(&pool)
        .await
        .expect("insert");
    sqlx::query("update pipeline_probe set note = 'updated', updated_at = now() where pipeline_probe_id = $1")
        .bind(id)
        .execute(&pool)
        .await
        .expect("update");
    sqlx::query("delete from pipeline_probe where pipeline_probe_id = $1")
        .bind(id)
        .execute(&pool)
        .await
        .expect("delete");

    let topic = table_topic("pipeline_probe");
    let consumer = consumer_from_earliest(&env, &[&topic]).expect("consumer");
    let mut changes: Vec<Envelope<ProbeRow>> = Vec::new();
    let mut first_seen = None;
    let mut tombstone_seen = false;
    // Other tests write probe rows too: keep only this test's key.
    let key_fragment = id.to_string();
    tokio::time::timeout(Duration::from_secs(60), async {
        while !(changes.len() == 3 && tombstone_seen) {
            let message = next_message(&consumer).await;
            let key = message
                .key()
                .map(String::from_utf8_lossy)
                .unwrap_or_default();
            if !key.contains(&key_fragment) {
                continue;
            }
            first_seen.get_or_insert_with(|| written.elapsed());
            match ChangeRecord::<ProbeRow>::decode(message.payload()).expect("a Debezium envelope")
            {
                ChangeRecord::Change(envelope) => changes.push(*envelope),
                ChangeRecord::Tombstone => tombstone_seen = true,
            }
        }
    })
    .await
    .unwrap_or_else(|_| {
        panic!("within 60s expected 3 changes and a tombstone for {id}, got {changes:#?}")
    });

    let ops: Vec<Op> = changes.iter().map(|change| change.op).collect();
    assert_eq!(ops, [Op::Create, Op::Update, Op::Delete]);
    let [insert, update, delete] = &changes[..] else {
        unreachable!()
    };
    assert_eq!(
        insert.after.as_ref().map(|row| row.note.as_str()),
        Some("inserted")
    );
    assert_eq!(
        update.before.as_ref().map(|row| row.note.as_str()),
        Some("inserted")
    );
    assert_eq!(
        update.after.as_ref().map(|row| row.note.as_str()),
        Some("updated")
    );
    assert_eq!(
        delete.before.as_ref().map(|row| row.pipeline_probe_id),
        Some(id)
    );
    assert_eq!(delete.after, None);
    for change in &changes {
        assert_eq!(change.source.table, "pipeline_probe");
        assert_eq!(change.source.db, "boxoffice");
    }
    let lsns: Vec<u64> = changes
        .iter()
        .map(|change| change.source.lsn.expect("streamed changes carry an LSN"))
        .collect();
    assert!(
        lsns.windows(2).all(|pair| pair[0] < pair[1]),
        "LSNs increase: {lsns:?}"
    );
    eprintln!(
        "commit → consumer latency for the first change: {:?}",
        first_seen.unwrap_or_default()
    );
}
