//! `spawn_app()`: order-service on port 0 over a database and a Redis key prefix of the
//! test's own, with builders that seed what command-service would have written.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::Parser;
use futures::StreamExt;
use hmac::{Hmac, Mac};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::Sha256;
use shared_dto::layout::{Block, Layout, Point, SeatedGrid, Size, StandingArea};
use shared_dto::seat_hold::HoldKeys;
use shared_dto::ticket_qr::SigningKey;
use test_support::oidc::{Oidc, users};
use test_support::postgres::TestDatabase;
use test_support::redis_keys::KeyPrefix;
use test_support::{RunningService, StackEnv};
use uuid::Uuid;

/// The seed of the ticket-signing key every test app uses, so tests can sign codes too.
pub const SIGNING_SEED: [u8; 32] = [42; 32];
pub const WEBHOOK_SECRET: &str = "whsec_test_boxoffice";
const STRIPE_SECRET_KEY: &str = "sk_test_boxoffice";

/// Sandbox test cards.
pub const APPROVE: &str = "4242 4242 4242 4242";
pub const DECLINE: &str = "4000 0000 0000 0002";
pub const SETTLES_LATER: &str = "4000 0000 0000 3220";

/// How a test wants its service.
#[derive(Clone)]
pub struct Options {
    pub hold_ttl_secs: u64,
    pub max_places_per_buyer: u32,
    pub sandbox_settle_delay_ms: u64,
    /// Payments go to this fake Stripe instead of the sandbox.
    pub stripe: Option<String>,
    /// Holds go to a three-master Redis Cluster of the test's own instead of the stack's Redis.
    pub redis_cluster: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            hold_ttl_secs: 300,
            max_places_per_buyer: 10,
            sandbox_settle_delay_ms: 3_000,
            stripe: None,
            redis_cluster: false,
        }
    }
}

pub struct TestApp {
    pub service: RunningService,
    pub pool: sqlx::PgPool,
    pub http: reqwest::Client,
    pub prefix: KeyPrefix,
    pub keys: HoldKeys,
    pub redis: redis::Client,
    pub env: StackEnv,
    /// The service's command line, so a test can also run the real binary with it.
    pub args: Vec<String>,
    /// The Redis Cluster the holds live in, when the test asked for one (stopped on drop).
    _cluster: Option<test_support::redis_cluster::RedisCluster>,
    tokens: tokio::sync::Mutex<HashMap<&'static str, String>>,
    /// The access tokens of the guest orders this app placed, as a buyer's browser keeps them.
    order_tokens: std::sync::Mutex<HashMap<Uuid, String>>,
}

/// The real order-service binary, running.
pub struct BinaryService {
    pub child: tokio::process::Child,
    pub url: String,
}

impl BinaryService {
    /// SIGKILL: no shutdown, no finishing the request in hand.
    pub async fn kill(mut self) {
        self.child.kill().await.expect("the binary is killed");
    }
}

pub struct Response {
    pub status: StatusCode,
    pub body: Value,
}

impl Response {
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }

    /// The JSON pointer an error names.
    pub fn field(&self) -> &str {
        self.body["error"]["field"].as_str().unwrap_or("")
    }

    pub fn str(&self, name: &str) -> String {
        self.body[name]
            .as_str()
            .unwrap_or_else(|| panic!("no {name} in {}", self.body))
            .to_owned()
    }

    pub fn id(&self, name: &str) -> Uuid {
        self.str(name).parse().expect("a uuid")
    }

    /// `error.unavailable` of a 409, sorted.
    pub fn unavailable(&self) -> Vec<String> {
        let mut places: Vec<String> = self.body["error"]["unavailable"]
            .as_array()
            .unwrap_or_else(|| panic!("no unavailable list in {}", self.body))
            .iter()
            .filter_map(|place| place.as_str().map(str::to_owned))
            .collect();
        places.sort();
        places
    }

    /// Seat ids of a hold response, sorted.
    pub fn seat_ids(&self) -> Vec<String> {
        let mut seats: Vec<String> = self.body["seats"]
            .as_array()
            .unwrap_or_else(|| panic!("no seats in {}", self.body))
            .iter()
            .filter_map(|seat| seat["seat_id"].as_str().map(str::to_owned))
            .collect();
        seats.sort();
        seats
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_with(Options::default()).await
}

pub async fn spawn_with(options: Options) -> TestApp {
    test_support::init_tracing();
    let env = StackEnv::from_env();
    let database = TestDatabase::create(
        &env,
        &[&command_service::MIGRATOR, &order_service::MIGRATOR],
    )
    .await
    .expect("test database");
    let prefix = KeyPrefix::new();
    let cluster = if options.redis_cluster {
        Some(test_support::redis_cluster::RedisCluster::start().await)
    } else {
        None
    };
    let redis_url = cluster
        .as_ref()
        .map_or_else(|| env.redis_url.clone(), |cluster| cluster.urls());
    let key_file = std::env::temp_dir().join(format!("boxoffice-ticket-key-{}", Uuid::new_v4()));
    std::fs::write(&key_file, hex::encode(SIGNING_SEED)).expect("key file");

    let mut args: Vec<String> = [
        "order-service",
        "--listen",
        "127.0.0.1:0",
        "--database-url",
        &database.url,
        "--database-max-connections",
        "20",
        "--redis-url",
        &redis_url,
        "--hold-key-prefix",
        prefix.as_str(),
        "--oidc-issuer",
        &env.oidc_issuer,
        "--sweep-interval-ms",
        "100",
    ]
    .iter()
    .map(|arg| (*arg).to_owned())
    .collect();
    args.extend([
        "--hold-ttl-secs".to_owned(),
        options.hold_ttl_secs.to_string(),
        "--max-seats-per-buyer".to_owned(),
        options.max_places_per_buyer.to_string(),
        "--sandbox-settle-delay-ms".to_owned(),
        options.sandbox_settle_delay_ms.to_string(),
        "--ticket-signing-key-file".to_owned(),
        key_file.display().to_string(),
        "--stripe-webhook-secret".to_owned(),
        WEBHOOK_SECRET.to_owned(),
    ]);
    if cluster.is_some() {
        args.push("--redis-cluster".to_owned());
    }
    if let Some(stripe) = &options.stripe {
        args.extend([
            "--payment-provider".to_owned(),
            "stripe".to_owned(),
            "--stripe-api-base".to_owned(),
            stripe.clone(),
            "--stripe-secret-key".to_owned(),
            STRIPE_SECRET_KEY.to_owned(),
        ]);
    }
    let config = order_service::Config::try_parse_from(&args).expect("configuration");
    let app = order_service::App::build(config).await.expect("app builds");
    let _ = std::fs::remove_file(&key_file);
    let service = RunningService::spawn(app.local_addr(), |stop| app.run_until(stop));
    TestApp {
        service,
        pool: database.pool,
        http: reqwest::Client::new(),
        keys: HoldKeys::new(prefix.as_str()),
        prefix,
        redis: redis::Client::open(redis_url.split(',').next().unwrap_or_default())
            .expect("redis url"),
        env,
        args,
        _cluster: cluster,
        tokens: tokio::sync::Mutex::new(HashMap::new()),
        order_tokens: std::sync::Mutex::new(HashMap::new()),
    }
}

/// A guest buyer id for test `n`.
pub fn guest(n: usize) -> String {
    format!("guest-buyer-{n:04}")
}

impl TestApp {
    /// A real access token of a demo user, fetched once per test.
    pub async fn token(&self, email: &'static str) -> String {
        let mut tokens = self.tokens.lock().await;
        if let Some(token) = tokens.get(email) {
            return token.clone();
        }
        let token = Oidc::new(&self.env)
            .user_token(email, users::PASSWORD)
            .await
            .expect("demo user signs in");
        tokens.insert(email, token.clone());
        token
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Response {
        let mut request = self.http.request(method, self.service.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
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

    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.call(Method::POST, path, None, Some(body), &[]).await
    }

    /// Holds named seats for a guest.
    pub async fn hold<S: serde::Serialize>(
        &self,
        session: &Seeded,
        seats: &[S],
        buyer: &str,
    ) -> Response {
        self.post(
            &format!("/api/sales/sessions/{}/holds", session.session_id),
            json!({"seats": seats, "buyer_id": buyer}),
        )
        .await
    }

    /// Places an order from a hold, as a guest.
    pub async fn order(&self, hold_token: &str, key: &str, discount: Option<&str>) -> Response {
        let response = self
            .call(
                Method::POST,
                "/api/sales/orders",
                None,
                Some(json!({
                    "hold_token": hold_token,
                    "discount_code": discount,
                    "buyer": {"name": "Grace Hopper", "email": "grace@example.com"}
                })),
                &[("Idempotency-Key", key)],
            )
            .await;
        if let (Some(order_id), Some(token)) = (
            response.body["order_id"]
                .as_str()
                .and_then(|id| id.parse().ok()),
            response.body["access_token"].as_str(),
        ) {
            self.order_tokens
                .lock()
                .expect("order tokens")
                .insert(order_id, token.to_owned());
        }
        response
    }

    /// The access token of a guest order this app placed.
    pub fn order_token(&self, order_id: Uuid) -> String {
        self.order_tokens
            .lock()
            .expect("order tokens")
            .get(&order_id)
            .cloned()
            .unwrap_or_default()
    }

    /// Pays a guest order this app placed, with its access token.
    pub async fn pay(&self, order_id: Uuid, payment_method: &str) -> Response {
        let token = self.order_token(order_id);
        self.call(
            Method::POST,
            &format!("/api/sales/orders/{order_id}/pay"),
            None,
            Some(json!({"payment_method": payment_method})),
            &[("Order-Access-Token", token.as_str())],
        )
        .await
    }

    /// Holds, orders and pays for `seats`: the tickets' response.
    pub async fn buy<S: serde::Serialize>(
        &self,
        session: &Seeded,
        seats: &[S],
        buyer: &str,
    ) -> Response {
        let hold = self.hold(session, seats, buyer).await;
        assert_eq!(hold.status, 201, "{}", hold.body);
        let order = self
            .order(&hold.str("hold_token"), &Uuid::new_v4().to_string(), None)
            .await;
        assert_eq!(order.status, 201, "{}", order.body);
        let paid = self.pay(order.id("order_id"), APPROVE).await;
        assert_eq!(paid.status, 200, "{}", paid.body);
        assert_eq!(paid.body["status"], "ticketed", "{}", paid.body);
        paid
    }

    pub async fn scan(&self, token: &str, qr: &str, gate: &str) -> Response {
        self.call(
            Method::POST,
            "/api/check-in/scans",
            Some(token),
            Some(json!({"qr": qr, "gate": gate})),
            &[],
        )
        .await
    }

    pub async fn redis(&self) -> redis::aio::MultiplexedConnection {
        self.redis
            .get_multiplexed_async_connection()
            .await
            .expect("redis")
    }

    /// The token holding a seat in Redis, if any.
    pub async fn seat_holder(&self, session: &Seeded, seat: &str) -> Option<String> {
        redis::cmd("GET")
            .arg(self.keys.seat(&session.session_id.to_string(), seat))
            .query_async(&mut self.redis().await)
            .await
            .expect("GET")
    }

    /// Every held seat of the session and its token.
    pub async fn held_seats(&self, session: &Seeded) -> HashMap<String, String> {
        let mut connection = self.redis().await;
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg(
                self.keys
                    .session_seats_pattern(&session.session_id.to_string()),
            )
            .query_async(&mut connection)
            .await
            .expect("KEYS");
        let mut held = HashMap::new();
        for key in keys {
            let token: Option<String> = redis::cmd("GET")
                .arg(&key)
                .query_async(&mut connection)
                .await
                .expect("GET");
            let (_, seat) = self.keys.parse_seat_key(&key).expect("a seat key");
            if let Some(token) = token {
                held.insert(seat.to_owned(), token);
            }
        }
        held
    }

    /// What a Redis outage that loses everything looks like to this test: every key of its
    /// prefix gone (the shared Redis itself is never flushed).
    pub async fn forget_redis(&self) {
        self.prefix
            .clear(&mut self.redis().await)
            .await
            .expect("clear the prefix");
    }

    pub async fn order_status(&self, order_id: Uuid) -> String {
        sqlx::query_scalar("select status from purchase_order where order_id = $1")
            .bind(order_id)
            .fetch_one(&self.pool)
            .await
            .expect("order status")
    }

    /// The order-service binary with this app's settings (same database, keys and signing
    /// key), on a port of its own: a second process to kill. Killed when dropped.
    pub async fn spawn_binary(&self) -> BinaryService {
        let port = test_support::free_port();
        let key_file =
            std::env::temp_dir().join(format!("boxoffice-ticket-key-{}", Uuid::new_v4()));
        std::fs::write(&key_file, hex::encode(SIGNING_SEED)).expect("key file");
        let mut args = self.args[1..].to_vec();
        for (flag, value) in [
            ("--listen", format!("127.0.0.1:{port}")),
            ("--ticket-signing-key-file", key_file.display().to_string()),
        ] {
            let at = args
                .iter()
                .position(|arg| arg == flag)
                .expect("the flag is set");
            args[at + 1] = value;
        }
        let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_order-service"))
            .args(&args)
            .env("RUST_LOG", "warn")
            .kill_on_drop(true)
            .spawn()
            .expect("the binary starts");
        let url = format!("http://127.0.0.1:{port}");
        let ready = format!("{url}/ready");
        test_support::wait_until(
            "the order-service binary is ready",
            std::time::Duration::from_secs(30),
            || async {
                let response = reqwest::get(&ready).await.ok()?;
                response.status().is_success().then_some(())
            },
        )
        .await;
        let _ = std::fs::remove_file(&key_file);
        BinaryService { child, url }
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(&self.pool)
            .await
            .unwrap_or_else(|error| panic!("{sql}: {error}"))
    }

    /// Seats with more than one valid ticket, or in more than one live order: must be zero.
    pub async fn seats_sold_twice(&self) -> i64 {
        self.count(
            "select (select count(*) from (select session_id, seat_id from ticket
                      where status = 'valid' and seat_id is not null
                      group by 1, 2 having count(*) > 1) t)
                  + (select count(*) from (select session_id, seat_id from order_item
                      where live and seat_id is not null
                      group by 1, 2 having count(*) > 1) i)",
        )
        .await
    }

    /// Subscribes to the sale announcement channels; messages arrive on the receiver.
    pub async fn listen(&self) -> tokio::sync::mpsc::UnboundedReceiver<(String, Value)> {
        let mut pubsub = self.redis.get_async_pubsub().await.expect("pubsub");
        pubsub
            .subscribe(self.keys.sales_channel())
            .await
            .expect("subscribe");
        pubsub
            .subscribe(self.keys.sales_activity_channel())
            .await
            .expect("subscribe");
        pubsub
            .subscribe(self.keys.refunds_channel())
            .await
            .expect("subscribe");
        let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut messages = pubsub.into_on_message();
            while let Some(message) = messages.next().await {
                let payload: String = message.get_payload().unwrap_or_default();
                let value = serde_json::from_str(&payload).unwrap_or(Value::Null);
                if sender
                    .send((message.get_channel_name().to_owned(), value))
                    .is_err()
                {
                    break;
                }
            }
        });
        receiver
    }

    pub async fn seed(&self, spec: SessionSpec) -> Seeded {
        spec.seed(&self.pool).await
    }

    /// Makes the demo user `email` a member of the organisation.
    pub async fn add_member(&self, organisation_id: Uuid, email: &str, role: &str) {
        sqlx::query(
            "insert into organisation_member (organisation_id, email, role)
             values ($1, $2, $3::member_role)",
        )
        .bind(organisation_id)
        .bind(email)
        .bind(role)
        .execute(&self.pool)
        .await
        .expect("member");
    }

    /// A discount code of the session's event, usable `max_uses` times in all.
    pub async fn discount(&self, session: &Seeded, code: &str, rule: Value, max_uses: Option<i32>) {
        self.discount_with_limits(session, code, rule, max_uses, None)
            .await;
    }

    pub async fn discount_with_limits(
        &self,
        session: &Seeded,
        code: &str,
        rule: Value,
        max_uses: Option<i32>,
        max_per_customer: Option<i32>,
    ) {
        sqlx::query(
            "insert into discount (discount_id, event_id, code, code_normalised, rule,
                                   max_total_uses, max_uses_per_customer)
             values ($1, $2, $3, upper($3), $4, $5, $6)",
        )
        .bind(Uuid::new_v4())
        .bind(session.event_id)
        .bind(code)
        .bind(sqlx::types::Json(rule))
        .bind(max_uses)
        .bind(max_per_customer)
        .execute(&self.pool)
        .await
        .expect("discount");
    }
}

/// A session to seed: a seated grid of one tier and optionally a standing area of another.
pub struct SessionSpec {
    rows: u32,
    columns: u32,
    standing: Option<u32>,
    status: &'static str,
    sales_open: bool,
    price_minor: i64,
}

impl SessionSpec {
    /// `rows` × `columns` seats with ids like `stalls-A-1`, on sale now.
    pub fn grid(rows: u32, columns: u32) -> Self {
        Self {
            rows,
            columns,
            standing: None,
            status: "ON_SALE",
            sales_open: true,
            price_minor: 4_500,
        }
    }

    /// Adds a standing area `floor` of `capacity` places.
    pub fn with_standing(mut self, capacity: u32) -> Self {
        self.standing = Some(capacity);
        self
    }

    pub fn status(mut self, status: &'static str) -> Self {
        self.status = status;
        self
    }

    /// The sales window closed an hour ago.
    pub fn sales_ended(mut self) -> Self {
        self.sales_open = false;
        self
    }

    async fn seed(self, pool: &sqlx::PgPool) -> Seeded {
        let organisation_id = Uuid::new_v4();
        let event_id = Uuid::new_v4();
        let session_id = Uuid::new_v4();
        let stalls = Uuid::new_v4();
        let floor = Uuid::new_v4();
        sqlx::query(
            "insert into organisation (organisation_id, name) values ($1, 'Harbour Hall Ltd')",
        )
        .bind(organisation_id)
        .execute(pool)
        .await
        .expect("organisation");
        sqlx::query(
            "insert into event (event_id, organisation_id, title, status, published_at)
             values ($1, $2, 'Night at the Harbour', 'published', now())",
        )
        .bind(event_id)
        .bind(organisation_id)
        .execute(pool)
        .await
        .expect("event");
        for (tier_id, name, price) in [
            (stalls, "Stalls", self.price_minor),
            (floor, "Floor", 3_000),
        ] {
            sqlx::query(
                "insert into tier (tier_id, event_id, name, colour, price_minor, currency)
                 values ($1, $2, $3, '#3366ff', $4, 'EUR')",
            )
            .bind(tier_id)
            .bind(event_id)
            .bind(name)
            .bind(price)
            .execute(pool)
            .await
            .expect("tier");
        }
        let (sales_start, sales_end) = if self.sales_open {
            ("now() - interval '1 day'", "now() + interval '1 day'")
        } else {
            ("now() - interval '2 days'", "now() - interval '1 hour'")
        };
        sqlx::query(&format!(
            "insert into session (session_id, event_id, mode, starts_at, ends_at, sales_start_at,
                                  sales_end_at, status)
             values ($1, $2, 'online', now() + interval '2 days', now() + interval '2 days 3 hours',
                     {sales_start}, {sales_end}, lower($3)::session_status)"
        ))
        .bind(session_id)
        .bind(event_id)
        .bind(self.status)
        .execute(pool)
        .await
        .expect("session");

        let mut blocks = vec![Block::SeatedGrid(SeatedGrid::filled(
            "stalls",
            self.rows,
            self.columns,
            stalls,
        ))];
        if let Some(capacity) = self.standing {
            blocks.push(Block::Standing(StandingArea {
                id: "floor".to_owned(),
                name: "Floor".to_owned(),
                position: Point { x: 10.0, y: 500.0 },
                rotation: 0.0,
                size: Size {
                    width: 400.0,
                    height: 200.0,
                },
                capacity,
                tier_id: floor,
            }));
        }
        let layout = Layout {
            canvas: Size {
                width: 2000.0,
                height: 1500.0,
            },
            blocks,
        };
        sqlx::query(
            "insert into session_layout (session_id, layout, seat_count, standing_capacity, tier_ids)
             values ($1, $2, $3, $4, $5)",
        )
        .bind(session_id)
        .bind(sqlx::types::Json(&layout))
        .bind(i32::try_from(layout.seat_count()).expect("seat count"))
        .bind(i32::try_from(layout.standing_capacity()).expect("capacity"))
        .bind(vec![stalls, floor])
        .execute(pool)
        .await
        .expect("session layout");
        Seeded {
            organisation_id,
            event_id,
            session_id,
            stalls,
            floor,
        }
    }
}

pub struct Seeded {
    pub organisation_id: Uuid,
    pub event_id: Uuid,
    pub session_id: Uuid,
    pub stalls: Uuid,
    pub floor: Uuid,
}

/// The key the service signs tickets with.
pub fn service_signing_key() -> SigningKey {
    SigningKey::from_bytes(&SIGNING_SEED)
}

/// `stalls-<row>-<column>`, as `SeatedGrid::filled` names seats.
pub fn seat(row: char, column: u32) -> String {
    format!("stalls-{row}-{column}")
}

/// A `Stripe-Signature` header for `payload`, made the way Stripe makes them.
pub fn stripe_signature(payload: &str, timestamp: i64) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(WEBHOOK_SECRET.as_bytes()).expect("key");
    mac.update(format!("{timestamp}.{payload}").as_bytes());
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

/// Stripe's API as far as order-service uses it, on a local port (Stripe itself is not
/// reachable from tests). Payment methods: `pm_card_visa` succeeds, `pm_card_chargeDeclined`
/// is declined, `pm_processing` stays processing until a webhook says otherwise.
pub struct FakeStripe {
    pub url: String,
    state: Arc<Mutex<FakeState>>,
    server: tokio::task::JoinHandle<()>,
}

#[derive(Default)]
struct FakeState {
    intents: HashMap<String, Value>,
    /// (payment intent, amount)
    refunds: Vec<(String, i64)>,
}

impl FakeStripe {
    pub async fn start() -> Self {
        use axum::extract::{Form, Path, State};
        use axum::http::HeaderMap;
        use axum::routing::{get, post};

        type Shared = Arc<Mutex<FakeState>>;

        fn authorised(headers: &HeaderMap) -> bool {
            headers
                .get("authorization")
                .and_then(|value| value.to_str().ok())
                == Some(&format!("Bearer {STRIPE_SECRET_KEY}"))
        }

        async fn create_intent(
            State(state): State<Shared>,
            headers: HeaderMap,
            Form(form): Form<HashMap<String, String>>,
        ) -> (StatusCode, axum::Json<Value>) {
            if !authorised(&headers) {
                return (
                    StatusCode::UNAUTHORIZED,
                    axum::Json(json!({"error": {"type": "invalid_request_error"}})),
                );
            }
            let key = headers
                .get("idempotency-key")
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let id = format!("pi_{}", key.replace('-', ""));
            let status = match form.get("payment_method").map(String::as_str) {
                Some("pm_card_visa") => "succeeded",
                Some("pm_processing") => "processing",
                _ => {
                    return (
                        StatusCode::PAYMENT_REQUIRED,
                        axum::Json(json!({"error": {
                            "type": "card_error", "code": "card_declined",
                            "decline_code": "generic_decline", "message": "Your card was declined.",
                            "payment_intent": {"id": id, "status": "requires_payment_method"}
                        }})),
                    );
                }
            };
            let intent = json!({
                "id": id, "object": "payment_intent", "status": status,
                "amount": form.get("amount").and_then(|amount| amount.parse::<i64>().ok()),
                "currency": form.get("currency"),
                "client_secret": format!("{id}_secret"),
                "metadata": {
                    "order_id": form.get("metadata[order_id]"),
                    "payment_id": form.get("metadata[payment_id]"),
                }
            });
            let mut state = state.lock().expect("fake stripe state");
            let intent = state.intents.entry(id).or_insert(intent).clone();
            (StatusCode::OK, axum::Json(intent))
        }

        async fn get_intent(
            State(state): State<Shared>,
            Path(id): Path<String>,
        ) -> (StatusCode, axum::Json<Value>) {
            let state = state.lock().expect("fake stripe state");
            match state.intents.get(&id) {
                Some(intent) => (StatusCode::OK, axum::Json(intent.clone())),
                None => (
                    StatusCode::NOT_FOUND,
                    axum::Json(json!({"error": {"type": "invalid_request_error"}})),
                ),
            }
        }

        async fn refund(
            State(state): State<Shared>,
            headers: HeaderMap,
            Form(form): Form<HashMap<String, String>>,
        ) -> (StatusCode, axum::Json<Value>) {
            if !authorised(&headers) {
                return (StatusCode::UNAUTHORIZED, axum::Json(json!({})));
            }
            let intent = form.get("payment_intent").cloned().unwrap_or_default();
            let amount = form
                .get("amount")
                .and_then(|amount| amount.parse().ok())
                .unwrap_or_default();
            let mut state = state.lock().expect("fake stripe state");
            if !state
                .refunds
                .iter()
                .any(|(refunded, _)| *refunded == intent)
            {
                state.refunds.push((intent.clone(), amount));
            }
            (
                StatusCode::OK,
                axum::Json(json!({"id": format!("re_{intent}"), "status": "succeeded"})),
            )
        }

        let state: Shared = Arc::default();
        let router = axum::Router::new()
            .route("/v1/payment_intents", post(create_intent))
            .route("/v1/payment_intents/{id}", get(get_intent))
            .route("/v1/refunds", post(refund))
            .with_state(Arc::clone(&state));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self { url, state, server }
    }

    /// Refunds made: (payment intent, amount).
    pub fn refunds(&self) -> Vec<(String, i64)> {
        self.state
            .lock()
            .expect("fake stripe state")
            .refunds
            .clone()
    }

    /// The intent succeeds on Stripe's side; returns the webhook event Stripe would send.
    pub fn succeed(&self, intent_id: &str) -> String {
        let mut state = self.state.lock().expect("fake stripe state");
        let intent = state.intents.get_mut(intent_id).expect("a known intent");
        intent["status"] = json!("succeeded");
        json!({
            "id": format!("evt_{}", Uuid::new_v4().simple()),
            "object": "event",
            "type": "payment_intent.succeeded",
            "data": {"object": intent}
        })
        .to_string()
    }
}

impl Drop for FakeStripe {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Waits up to `seconds` for `check` to hold.
pub async fn eventually<F, Fut>(what: &str, seconds: u64, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    test_support::wait_until(what, Duration::from_secs(seconds), || {
        let outcome = check();
        async move { outcome.await.then_some(()) }
    })
    .await;
}
