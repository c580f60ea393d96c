//! Replayed and out-of-order change events leave the read models exactly as they were.

use futures::TryStreamExt;
use mongodb::Database;
use mongodb::bson::{self, Document, doc};
use projector::change::{Decoded, decode};
use projector::projection::project;
use serde_json::{Value, json};
use shared_dto::layout::{Block, SeatedGrid};
use test_support::StackEnv;
use test_support::mongo::TestMongo;
use uuid::Uuid;

use crate::fixtures::number;

fn record(table: &str, key: Value, op: &str, lsn: u64, row: Value) -> projector::change::RowChange {
    let (before, after) = if op == "d" {
        (row, Value::Null)
    } else {
        (Value::Null, row)
    };
    let value = json!({
        "before": before, "after": after, "op": op, "ts_ms": 1,
        "source": {"lsn": lsn, "txId": 1, "db": "boxoffice", "schema": "public", "table": table, "ts_ms": 1}
    });
    let key = serde_json::to_vec(&key).expect("key");
    let value = serde_json::to_vec(&value).expect("value");
    match decode(Some(&key), Some(&value)).expect("decodes") {
        Decoded::Change(change) => change,
        Decoded::Nothing => panic!("a change"),
    }
}

/// Every document of every collection the projector owns, as BSON bytes, in a stable order.
async fn snapshot(database: &Database) -> Vec<(String, Vec<u8>)> {
    let mut all = Vec::new();
    for name in projector::owned_collections() {
        let documents: Vec<Document> = database
            .collection::<Document>(&name)
            .find(doc! {})
            .sort(doc! { "_id": 1 })
            .await
            .expect("find")
            .try_collect()
            .await
            .expect("collect");
        for document in documents {
            all.push((name.clone(), bson::to_vec(&document).expect("bson")));
        }
    }
    all
}

#[tokio::test]
async fn replaying_changes_or_delivering_older_ones_changes_nothing() {
    let mongo = TestMongo::create(&StackEnv::from_env())
        .await
        .expect("read store");
    replay_scenario(&mongo.database).await;
    mongo.drop().await.expect("drop");
}

/// The same read-model scenario on a real MongoDB, which production runs; the local stack has
/// none, so it runs only where `MONGODB_URI` names one.
#[tokio::test]
async fn replaying_changes_on_a_real_mongodb_changes_nothing() {
    let Ok(uri) = std::env::var("MONGODB_URI") else {
        eprintln!(
            "skipped: MONGODB_URI is not set, so the read models were not checked on a real MongoDB"
        );
        return;
    };
    let mongo = TestMongo::create_at(&uri).await.expect("real MongoDB");
    replay_scenario(&mongo.database).await;
    mongo.drop().await.expect("drop");
}

async fn replay_scenario(database: &Database) {
    let (organisation, event, tier, session) = (
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
    );
    let layout = json!({"canvas": {"width": 10.0, "height": 10.0},
                        "blocks": [Block::SeatedGrid(SeatedGrid::filled("a", 1, 3, tier))]})
    .to_string();
    let tier_row = |price: i64, version: i64| {
        json!({"tier_id": tier, "event_id": event, "name": "Stalls",
        "colour": "#000000", "price_minor": price, "currency": "EUR", "version": version})
    };
    let batch = vec![
        record(
            "organisation",
            json!({"organisation_id": organisation}),
            "c",
            10,
            json!({"organisation_id": organisation, "name": "Replay Co", "version": 1}),
        ),
        record(
            "event",
            json!({"event_id": event}),
            "c",
            11,
            json!({"event_id": event, "organisation_id": organisation, "title": "Replayed", "description": "",
                      "category_id": null, "cover_image_urls": [], "status": "published",
                      "published_at": "2026-11-21T10:00:00Z", "version": 2}),
        ),
        record("tier", json!({"tier_id": tier}), "c", 12, tier_row(3000, 1)),
        record(
            "session",
            json!({"session_id": session}),
            "c",
            13,
            json!({"session_id": session, "event_id": event, "venue_id": null, "mode": "online",
                      "starts_at": "2027-01-01T19:00:00Z", "ends_at": "2027-01-01T21:00:00Z",
                      "sales_start_at": "2026-01-01T00:00:00Z", "sales_end_at": "2027-01-01T18:00:00Z",
                      "status": "ON_SALE", "version": 3}),
        ),
        record(
            "session_layout",
            json!({"session_id": session}),
            "c",
            14,
            json!({"session_id": session, "layout": layout, "seat_count": 3, "standing_capacity": 0, "version": 1}),
        ),
        record("tier", json!({"tier_id": tier}), "u", 20, tier_row(5000, 2)),
    ];

    for change in &batch {
        project(database, change).await.expect("projects");
    }
    let first = snapshot(database).await;
    assert!(
        first.iter().any(|(name, _)| name == "events"),
        "the event was projected"
    );

    for change in &batch {
        project(database, change).await.expect("projects again");
    }
    assert_eq!(
        snapshot(database).await,
        first,
        "a replayed batch changes nothing"
    );

    project(
        database,
        &record("tier", json!({"tier_id": tier}), "u", 15, tier_row(1, 9)),
    )
    .await
    .expect("projects");
    assert_eq!(
        snapshot(database).await,
        first,
        "an older change after a newer one changes nothing"
    );

    let event_document = database
        .collection::<Document>("events")
        .find_one(doc! { "_id": event.to_string() })
        .await
        .expect("find")
        .expect("event document");
    assert_eq!(number(&event_document, "price_min_minor"), Some(5000));
}
