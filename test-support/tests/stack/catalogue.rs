//! The whole read path: an organiser publishes through command-service, and the event becomes
//! searchable through query-service via Debezium, the broker and the projector.

use std::time::Duration;

use clap::Parser;
use serde_json::{Value, json};
use shared_dto::layout::{Block, SeatedGrid};
use test_support::mongo::TestMongo;
use test_support::oidc::{Oidc, users};
use test_support::{RunningService, StackEnv, unique_name, wait_until};
use uuid::Uuid;

/// A projector of the test's own reads the change stream from its start: on a stack that has
/// run many suites that is thousands of changes before this test's own.
const CATCH_UP: Duration = Duration::from_secs(240);

struct Client {
    http: reqwest::Client,
    token: String,
}

impl Client {
    async fn send(&self, method: reqwest::Method, url: String, body: Option<Value>) -> Value {
        let mut request = self.http.request(method, &url).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{url} answered {status}: {body}");
        body
    }
}

fn id(body: &Value, field: &str) -> String {
    body[field]
        .as_str()
        .unwrap_or_else(|| panic!("no {field} in {body}"))
        .to_owned()
}

async fn search(query: &RunningService, q: &str) -> Option<Value> {
    let response = reqwest::get(query.url(&format!("/api/catalog/events?q={q}")))
        .await
        .ok()?;
    let body: Value = response.json().await.ok()?;
    body["items"].as_array()?.first().cloned()
}

async fn detail(query: &RunningService, event: &str) -> Option<Value> {
    let response = reqwest::get(query.url(&format!("/api/catalog/events/{event}")))
        .await
        .ok()?;
    response.status().is_success().then_some(())?;
    response.json().await.ok()
}

#[tokio::test]
async fn a_published_event_becomes_searchable_and_edits_follow_it() {
    test_support::init_tracing();
    let env = StackEnv::from_env();
    let pool = sqlx::PgPool::connect(&env.database_url)
        .await
        .expect("cdc database");
    command_service::MIGRATOR
        .run(&pool)
        .await
        .expect("migrations");

    let manage = {
        let config =
            command_service::Config::try_parse_from(["command-service", "--listen", "127.0.0.1:0"])
                .expect("config");
        let app = command_service::App::build(config)
            .await
            .expect("command-service");
        RunningService::spawn(app.local_addr(), |stop| app.run_until(stop))
    };
    let mongo = TestMongo::create(&env).await.expect("read store");
    let database = mongo.database.name().to_owned();
    let group = unique_name("projector");
    let _projector = {
        let config = projector::Config::try_parse_from([
            "projector",
            "--listen",
            "127.0.0.1:0",
            "--mongo-database",
            &database,
            "--group-id",
            &group,
        ])
        .expect("config");
        let app = projector::App::build(config).await.expect("projector");
        RunningService::spawn(app.local_addr(), |stop| app.run_until(stop))
    };
    let query = {
        let config = query_service::Config::try_parse_from([
            "query-service",
            "--listen",
            "127.0.0.1:0",
            "--mongo-database",
            &database,
            "--hold-key-prefix",
            &format!("{}:", unique_name("holds")),
        ])
        .expect("config");
        let app = query_service::App::build(config)
            .await
            .expect("query-service");
        RunningService::spawn(app.local_addr(), |stop| app.run_until(stop))
    };

    let organiser = Client {
        http: reqwest::Client::new(),
        token: Oidc::new(&env)
            .user_token(users::ORGANISER, users::PASSWORD)
            .await
            .expect("token"),
    };
    let api = |path: &str| manage.url(&format!("/api/manage{path}"));
    use reqwest::Method;
    // A word no other test uses, so the search finds exactly this event.
    let word = format!("zq{}", &Uuid::new_v4().simple().to_string()[..10]);
    let organisation = id(
        &organiser
            .send(
                Method::POST,
                api("/organisations"),
                Some(json!({"name": "Pipeline Productions"})),
            )
            .await,
        "organisation_id",
    );
    let venue = id(&organiser.send(Method::POST, api("/venues"), Some(json!({
        "organisation_id": organisation, "name": "Colston Hall", "address_line": "Colston Street", "city": "Bristol",
        "country": "GB", "latitude": 51.4545, "longitude": -2.5930, "timezone": "Europe/London"}))).await, "venue_id");
    let event = id(&organiser.send(Method::POST, api("/events"), Some(json!({
        "organisation_id": organisation, "title": format!("Symphony {word}"), "category_id": "music"}))).await, "event_id");
    let tier = id(
        &organiser
            .send(
                Method::POST,
                api(&format!("/events/{event}/tiers")),
                Some(json!({
        "name": "Stalls", "colour": "#224488", "price_minor": 2500, "currency": "GBP"})),
            )
            .await,
        "tier_id",
    );
    let tier_uuid: Uuid = tier.parse().expect("uuid");
    organiser
        .send(
            Method::PUT,
            api(&format!("/events/{event}/layout")),
            Some(json!({
        "canvas": {"width": 500.0, "height": 300.0},
        "blocks": [Block::SeatedGrid(SeatedGrid::filled("stalls", 4, 5, tier_uuid))]})),
        )
        .await;
    let mut sessions = Vec::new();
    for day in ["2027-10-01", "2027-10-02"] {
        sessions.push(id(
            &organiser
                .send(
                    Method::POST,
                    api(&format!("/events/{event}/sessions")),
                    Some(json!({
            "venue_id": venue, "mode": "physical", "starts_at": format!("{day}T19:30:00Z"),
            "ends_at": format!("{day}T22:00:00Z"), "sales_start_at": "2027-01-01T00:00:00Z",
            "sales_end_at": format!("{day}T19:00:00Z")})),
                )
                .await,
            "session_id",
        ));
    }
    organiser
        .send(
            Method::POST,
            api(&format!("/events/{event}/publish")),
            Some(json!({})),
        )
        .await;

    let (found, latency) = wait_until("the published event is searchable", CATCH_UP, || async {
        search(&query, &word)
            .await
            .filter(|item| item["id"] == event || item["event_id"] == event)
    })
    .await;
    eprintln!("publish → searchable latency: {latency:?}");
    assert_eq!(
        found["price_min_minor"]
            .as_i64()
            .or(found["price"]["min_minor"].as_i64()),
        Some(2500),
        "{found}"
    );

    organiser
        .send(
            Method::PATCH,
            api(&format!("/tiers/{tier}")),
            Some(json!({"price_minor": 3100})),
        )
        .await;
    organiser
        .send(
            Method::PATCH,
            api(&format!("/venues/{venue}")),
            Some(json!({"name": "Bristol Beacon"})),
        )
        .await;
    organiser
        .send(
            Method::POST,
            api(&format!("/sessions/{}/status", sessions[1])),
            Some(json!({"status": "CANCELLED"})),
        )
        .await;
    wait_until("the edits show in the catalogue", CATCH_UP, || async {
        let detail = detail(&query, &event).await?;
        let text = detail.to_string();
        let repriced = detail["tiers"][0]["price_minor"] == 3100;
        let renamed = text.contains("Bristol Beacon") && !text.contains("Colston Hall");
        let cancelled = detail["sessions"].as_array()?.iter().any(|session| {
            session["session_id"] == sessions[1].as_str() && session["status"] == "CANCELLED"
        });
        (repriced && renamed && cancelled).then_some(())
    })
    .await;

    let draft = id(
        &organiser
            .send(
                Method::POST,
                api("/events"),
                Some(json!({
        "organisation_id": organisation, "title": format!("Draft {word}")})),
            )
            .await,
        "event_id",
    );
    organiser
        .send(Method::DELETE, api(&format!("/events/{draft}")), None)
        .await;
    // Drafts are never public; once deleted the projection removes them too.
    wait_until(
        "the deleted draft is gone from the read model",
        CATCH_UP,
        || async {
            let stored = mongo
                .database
                .collection::<mongodb::bson::Document>("events")
                .find_one(mongodb::bson::doc! { "_id": &draft })
                .await
                .ok()?;
            stored.is_none().then_some(())
        },
    )
    .await;
    assert!(detail(&query, &draft).await.is_none());
}
