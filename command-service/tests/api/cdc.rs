//! Writes through the API reach the broker as Debezium change events (the real CDC runner).

use std::time::Duration;

use rdkafka::Message;
use serde_json::{Value, json};
use shared_dto::cdc::{ChangeRecord, Op};
use shared_dto::topic::table_topic;
use test_support::StackEnv;
use test_support::kafka::{consumer_from_earliest, next_message};
use uuid::Uuid;

use crate::support::{TestApp, spawn_on};

/// command-service over the database Debezium captures; tests there tell their rows apart by id.
async fn spawn_on_cdc_database() -> (StackEnv, TestApp) {
    let env = StackEnv::from_env();
    let pool = sqlx::PgPool::connect(&env.database_url)
        .await
        .expect("cdc database");
    command_service::MIGRATOR
        .run(&pool)
        .await
        .expect("migrations");
    let app = spawn_on(&env, &env.database_url, pool).await;
    (env, app)
}

#[tokio::test]
async fn a_published_event_appears_as_change_events_with_increasing_versions() {
    let (env, app) = spawn_on_cdc_database().await;

    let organisation = app.organisation(&app.organiser).await;
    let event = app.draft_event(&app.organiser, organisation).await;
    let renamed = app
        .patch(
            &format!("/api/manage/events/{event}"),
            &app.organiser,
            json!({"title": "Renamed night"}),
        )
        .await;
    assert_eq!(renamed.status, 200);

    let consumer = consumer_from_earliest(&env, &[&table_topic("event")]).expect("consumer");
    let wanted = event.to_string();
    let mut changes: Vec<(Op, Value)> = Vec::new();
    tokio::time::timeout(Duration::from_secs(60), async {
        while changes.len() < 2 {
            let message = next_message(&consumer).await;
            let key = message
                .key()
                .map(String::from_utf8_lossy)
                .unwrap_or_default();
            if !key.contains(&wanted) {
                continue;
            }
            if let ChangeRecord::Change(envelope) =
                ChangeRecord::<Value>::decode(message.payload()).expect("an envelope")
            {
                changes.push((envelope.op, envelope.after.unwrap_or(Value::Null)));
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("the event's changes did not arrive within 60s: {changes:?}"));

    assert_eq!(changes[0].0, Op::Create);
    assert_eq!(changes[0].1["title"], "Night at the Harbour");
    assert_eq!(changes[0].1["version"], 1);
    assert_eq!(changes[1].0, Op::Update);
    assert_eq!(changes[1].1["title"], "Renamed night");
    assert_eq!(changes[1].1["version"], 2);
    assert_eq!(changes[1].1["organisation_id"], organisation.to_string());
    assert!(Uuid::parse_str(changes[1].1["event_id"].as_str().unwrap_or("")).is_ok());
}

#[tokio::test]
async fn a_maximum_size_seat_map_streams_through_cdc_without_stalling_it() {
    let (env, app) = spawn_on_cdc_database().await;
    let organisation = app.organisation(&app.organiser).await;
    let event = app.draft_event(&app.organiser, organisation).await;
    let tier = app.tier(&app.organiser, event, "Arena", 5000).await;

    // 316 × 316 = 99,856 seats: just under the limit.
    let layout = crate::support::grid_layout(316, 316, tier);
    let stored = app
        .put(
            &format!("/api/manage/events/{event}/layout"),
            &app.organiser,
            layout,
        )
        .await;
    assert_eq!(stored.status, 200, "{}", stored.body);
    // A small change after the big one: it must arrive too, proving the stream did not stall.
    let renamed = app
        .patch(
            &format!("/api/manage/events/{event}"),
            &app.organiser,
            json!({"title": "After the big map"}),
        )
        .await;
    assert_eq!(renamed.status, 200);

    let consumer =
        consumer_from_earliest(&env, &[&table_topic("event_layout"), &table_topic("event")])
            .expect("consumer");
    let wanted = event.to_string();
    let (mut layout_seats, mut renamed_seen) = (None, false);
    tokio::time::timeout(Duration::from_secs(90), async {
        while layout_seats.is_none() || !renamed_seen {
            let message = next_message(&consumer).await;
            let key = message
                .key()
                .map(String::from_utf8_lossy)
                .unwrap_or_default();
            if !key.contains(&wanted) {
                continue;
            }
            let Ok(ChangeRecord::Change(envelope)) =
                ChangeRecord::<Value>::decode(message.payload())
            else {
                continue;
            };
            let after = envelope.after.unwrap_or(Value::Null);
            if message.topic().ends_with("event_layout") {
                layout_seats = after["seat_count"].as_i64();
            } else if after["title"] == "After the big map" {
                renamed_seen = true;
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("big layout {layout_seats:?}, later change {renamed_seen}"));
    assert_eq!(layout_seats, Some(99_856));
}
