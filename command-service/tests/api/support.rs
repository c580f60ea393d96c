//! `spawn_app()`: command-service on port 0 over a database of the test's own.

use clap::Parser;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use shared_dto::layout::{Block, SeatedGrid};
use test_support::oidc::{Oidc, users};
use test_support::postgres::TestDatabase;
use test_support::{RunningService, StackEnv};
use uuid::Uuid;

pub struct TestApp {
    pub service: RunningService,
    pub pool: sqlx::PgPool,
    pub http: reqwest::Client,
    pub organiser: String,
    pub organiser_2: String,
    pub staff: String,
    pub admin: String,
}

pub struct Response {
    pub status: StatusCode,
    pub body: Value,
}

impl Response {
    /// The JSON pointer an error names.
    pub fn field(&self) -> &str {
        self.body["error"]["field"].as_str().unwrap_or("")
    }

    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }

    pub fn id(&self, name: &str) -> Uuid {
        self.body[name]
            .as_str()
            .and_then(|id| id.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in {}", self.body))
    }
}

/// Starts command-service over a fresh database (the real CDC database when `database_url` is
/// given), with real tokens for the demo users.
pub async fn spawn_app() -> TestApp {
    let env = StackEnv::from_env();
    let database = TestDatabase::create(&env, &[&command_service::MIGRATOR])
        .await
        .expect("test database");
    spawn_on(&env, &database.url, database.pool).await
}

pub async fn spawn_on(env: &StackEnv, database_url: &str, pool: sqlx::PgPool) -> TestApp {
    test_support::init_tracing();
    let config = command_service::Config::try_parse_from([
        "command-service",
        "--listen",
        "127.0.0.1:0",
        "--database-url",
        database_url,
        "--oidc-issuer",
        &env.oidc_issuer,
    ])
    .expect("configuration");
    let app = command_service::App::build(config)
        .await
        .expect("app builds");
    let service = RunningService::spawn(app.local_addr(), |stop| app.run_until(stop));
    let oidc = Oidc::new(env);
    let (organiser, organiser_2, staff, admin) = tokio::try_join!(
        oidc.user_token(users::ORGANISER, users::PASSWORD),
        oidc.user_token(users::ORGANISER_2, users::PASSWORD),
        oidc.user_token(users::STAFF, users::PASSWORD),
        oidc.user_token(users::ADMIN, users::PASSWORD),
    )
    .expect("demo users can sign in");
    TestApp {
        service,
        pool,
        http: reqwest::Client::new(),
        organiser,
        organiser_2,
        staff,
        admin,
    }
}

impl TestApp {
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let mut request = self.http.request(method, self.service.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status();
        let bytes = response.bytes().await.expect("body");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        Response { status, body }
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Response {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Response {
        self.call(Method::PATCH, path, Some(token), Some(body))
            .await
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> Response {
        self.call(Method::PUT, path, Some(token), Some(body)).await
    }

    pub async fn count(&self, table: &str) -> i64 {
        sqlx::query_scalar(&format!("select count(*) from {table}"))
            .fetch_one(&self.pool)
            .await
            .expect("count")
    }

    /// An organisation owned by `token`'s user.
    pub async fn organisation(&self, token: &str) -> Uuid {
        let response = self
            .post(
                "/api/manage/organisations",
                token,
                json!({"name": "Harbour Hall Ltd"}),
            )
            .await;
        assert_eq!(response.status, 201, "{}", response.body);
        response.id("organisation_id")
    }

    pub async fn venue(&self, token: &str, organisation: Uuid) -> Uuid {
        let response = self
            .post(
                "/api/manage/venues",
                token,
                json!({
                    "organisation_id": organisation, "name": "Harbour Hall", "address_line": "1 Quay Street",
                    "city": "Bristol", "postcode": "BS1 4DJ", "country": "GB",
                    "latitude": 51.4545, "longitude": -2.5879, "timezone": "Europe/London"
                }),
            )
            .await;
        assert_eq!(response.status, 201, "{}", response.body);
        response.id("venue_id")
    }

    pub async fn draft_event(&self, token: &str, organisation: Uuid) -> Uuid {
        let response = self
            .post(
                "/api/manage/events",
                token,
                json!({"organisation_id": organisation, "title": "Night at the Harbour", "category_id": "music"}),
            )
            .await;
        assert_eq!(response.status, 201, "{}", response.body);
        response.id("event_id")
    }

    pub async fn tier(&self, token: &str, event: Uuid, name: &str, price_minor: i64) -> Uuid {
        let response = self
            .post(
                &format!("/api/manage/events/{event}/tiers"),
                token,
                json!({"name": name, "colour": "#3366ff", "price_minor": price_minor, "currency": "EUR"}),
            )
            .await;
        assert_eq!(response.status, 201, "{}", response.body);
        response.id("tier_id")
    }

    pub async fn session(&self, token: &str, event: Uuid, venue: Uuid, day: u32) -> Response {
        self.post(
            &format!("/api/manage/events/{event}/sessions"),
            token,
            json!({
                "venue_id": venue, "mode": "physical",
                "starts_at": format!("2027-06-{day:02}T19:30:00Z"), "ends_at": format!("2027-06-{day:02}T22:00:00Z"),
                "sales_start_at": "2027-01-01T09:00:00Z", "sales_end_at": format!("2027-06-{day:02}T19:00:00Z")
            }),
        )
        .await
    }
}

/// A `rows` × `columns` seated layout in one tier, plus a stage.
pub fn grid_layout(rows: u32, columns: u32, tier: Uuid) -> Value {
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
