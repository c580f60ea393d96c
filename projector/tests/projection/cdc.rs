//! Writes through command-service's API reach the broker as Debezium change events (the real
//! CDC runner). They live here, beside the projector that consumes those topics, so
//! command-service's own tests need no broker client.

use std::time::Duration;

use clap::Parser;
use rdkafka::Message;
use serde_json::{Value, json};
use shared_dto::cdc::{ChangeRecord, Op};
use shared_dto::layout::{Block, SeatedGrid};
use shared_dto::topic::table_topic;
use test_support::kafka::{consumer_from_earliest, next_message};
use test_support::oidc::{Oidc, users};
use test_support::{RunningService, StackEnv};
use uuid::Uuid;

use crate::fixtures::cdc_database;

/// command-service over the database Debezium captures, signed in as the demo organiser;
/// tests there tell their rows apart by id.
struct CommandApi {
    service: RunningService,
    http: reqwest::Client,
    organiser: String,
}

impl CommandApi {
    async fn spawn(env: &StackEnv) -> Self {
        test_support::init_tracing();
        // Migrated before the service starts, as the stack's command-service would have.
        cdc_database(env).await;
        let config = command_service::Config::try_parse_from([
            "command-service",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            &env.database_url,
            "--oidc-issuer",
            &env.oidc_issuer,
        ])
        .expect("configuration");
        let app = command_service::App::build(config)
            .await
            .expect("app builds");
        let service = RunningService::spawn(app.local_addr(), |stop| app.run_until(stop));
        let organiser = Oidc::new(env)
            .user_token(users::ORGANISER, users::PASSWORD)
            .await
            .expect("the demo organiser can sign in");
        Self {
            service,
            http: reqwest::Client::new(),
            organiser,
        }
    }

    /// The status and JSON body of an organiser's request.
    async fn send(&self, method: reqwest::Method, path: &str, body: Value) -> (u16, Value) {
        let response = self
            .http
            .request(method, self.service.url(path))
            .bearer_auth(&self.organiser)
            .json(&body)
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        let bytes = response.bytes().await.expect("body");
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
        (status, body)
    }

    /// Creates something and returns the id its answer names.
    async fn create(&self, path: &str, body: Value, id: &str) -> Uuid {
        let (status, body) = self.send(reqwest::Method::POST, path, body).await;
        assert_eq!(status, 201, "{body}");
        body[id]
            .as_str()
            .and_then(|id| id.parse().ok())
            .unwrap_or_else(|| panic!("no {id} in {body}"))
    }

    async fn organisation(&self) -> Uuid {
        self.create(
            "/api/manage/organisations",
            json!({"name": "Harbour Hall Ltd"}),
            "organisation_id",
        )
        .await
    }

    async fn draft_event(&self, organisation: Uuid) -> Uuid {
        self.create(
            "/api/manage/events",
            json!({"organisation_id": organisation, "title": "Night at the Harbour", "category_id": "music"}),
            "event_id",
        )
        .await
    }

    async fn tier(&self, event: Uuid, name: &str, price_minor: i64) -> Uuid {
        self.create(
            &format!("/api/manage/events/{event}/tiers"),
            json!({"name": name, "colour": "#3366ff", "price_minor": price_minor, "currency": "EUR"}),
            "tier_id",
        )
        .await
    }

    async fn rename(&self, event: Uuid, title: &str) -> (u16, Value) {
        self.send(
            reqwest::Method::PATCH,
            &format!("/api/manage/events/{event}"),
            json!({"title": title}),
        )
        .await
    }
}

/// A `rows` × `columns` seated layout in one tier, plus a stage.
fn grid_layout(rows: u32, columns: u32, tier: Uuid) -> Value {
    let grid = Block::SeatedGrid(SeatedGrid::filled("stalls", rows, columns, tier));
    json!({
        "canvas": {"width": 2000.0, "height": 1500.0},
        "blocks": [
            serde_json::to_value(grid).expect("grid serialises"),
            {"type": "non_sellable", "id": "stage", "kind": "stage", "label": "Stage",
             "position": {"x": 100.0, "y": 10.0}, "size": {"width": 800.0, "height": 80.0}}
        ]
    })
}

#[tokio::test]
async fn a_published_event_appears_as_change_events_with_increasing_versions() {
    let env = StackEnv::from_env();
    let app = CommandApi::spawn(&env).await;

    let organisation = app.organisation().await;
    let event = app.draft_event(organisation).await;
    let (renamed, _) = app.rename(event, "Renamed night").await;
    assert_eq!(renamed, 200);

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
    let env = StackEnv::from_env();
    let app = CommandApi::spawn(&env).await;
    let organisation = app.organisation().await;
    let event = app.draft_event(organisation).await;
    let tier = app.tier(event, "Arena", 5000).await;

    // 316 × 316 = 99,856 seats: just under the limit.
    let (stored, body) = app
        .send(
            reqwest::Method::PUT,
            &format!("/api/manage/events/{event}/layout"),
            grid_layout(316, 316, tier),
        )
        .await;
    assert_eq!(stored, 200, "{body}");
    // A small change after the big one: it must arrive too, proving the stream did not stall.
    let (renamed, _) = app.rename(event, "After the big map").await;
    assert_eq!(renamed, 200);

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
