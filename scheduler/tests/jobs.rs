//! The scheduler on the real stack: jobs planned from the change stream, run by two replicas
//! on a clock the test moves, session status changed through command-service (and the change
//! reaching the catalogue through CDC), cancelled sessions refunded through order-service. Every test keeps to its own event (the change stream
//! and the captured database are shared with the other tests).

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use clap::Parser;
use mongodb::bson::{Document, doc};
use scheduler::clock::ManualClock;
use scheduler::feed::Scope;
use scheduler::jobs::JobStatus;
use serde_json::{Value, json};
use shared_dto::layout::{Block, SeatedGrid};
use shared_dto::status::SessionStatus;
use sqlx::PgPool;
use test_support::mongo::TestMongo;
use test_support::oidc::{Oidc, users};
use test_support::{RunningService, StackEnv, unique_name, wait_until};
use uuid::Uuid;

const DEADLINE: Duration = Duration::from_secs(90);
/// The catalogue is read through a projector of the test's own, which reads the change stream
/// from its start: on a stack that has run many suites, thousands of changes come first.
const CATALOGUE_DEADLINE: Duration = Duration::from_secs(240);

struct Fixture {
    env: StackEnv,
    pool: PgPool,
    command: RunningService,
    orders: RunningService,
    organiser: String,
    http: reqwest::Client,
    keys: test_support::redis_keys::KeyPrefix,
}

/// command-service over the captured database, with the scheduler's tables migrated there.
async fn fixture() -> Fixture {
    test_support::init_tracing();
    let env = StackEnv::from_env();
    let pool = PgPool::connect(&env.database_url)
        .await
        .expect("the captured database");
    command_service::MIGRATOR
        .run(&pool)
        .await
        .expect("command-service migrations");
    order_service::MIGRATOR
        .run(&pool)
        .await
        .expect("order-service migrations");
    scheduler::MIGRATOR
        .run(&pool)
        .await
        .expect("scheduler migrations");
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
        .expect("command-service builds");
    let command = RunningService::spawn(app.local_addr(), |stop| app.run_until(stop));
    let prefix = test_support::redis_keys::KeyPrefix::new();
    let config = order_service::Config::try_parse_from([
        "order-service",
        "--listen",
        "127.0.0.1:0",
        "--database-url",
        &env.database_url,
        "--redis-url",
        &env.redis_url,
        "--hold-key-prefix",
        prefix.as_str(),
        "--oidc-issuer",
        &env.oidc_issuer,
    ])
    .expect("configuration");
    let app = order_service::App::build(config)
        .await
        .expect("order-service builds");
    let orders = RunningService::spawn(app.local_addr(), |stop| app.run_until(stop));
    let organiser = Oidc::new(&env)
        .user_token(users::ORGANISER, users::PASSWORD)
        .await
        .expect("the organiser signs in");
    Fixture {
        env,
        pool,
        command,
        orders,
        organiser,
        http: reqwest::Client::new(),
        keys: test_support::redis_keys::KeyPrefix::new(),
    }
}

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2031, 3, day, hour, 0, 0)
        .single()
        .expect("a time")
}

impl Fixture {
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self
            .http
            .request(method, self.command.url(path))
            .bearer_auth(&self.organiser);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("command-service answers");
        let status = response.status().as_u16();
        let body = response.json().await.unwrap_or(Value::Null);
        (status, body)
    }

    async fn created(&self, path: &str, body: Value, id: &str) -> Uuid {
        let (status, answer) = self.call(reqwest::Method::POST, path, Some(body)).await;
        assert_eq!(status, 201, "{path}: {answer}");
        answer[id].as_str().expect("an id").parse().expect("a uuid")
    }

    /// A draft event with a venue, a tier and a seat map, ready to publish once it has a
    /// session: (event, venue).
    async fn draft_event(&self) -> (Uuid, Uuid) {
        let organisation = self
            .created(
                "/api/manage/organisations",
                json!({"name": unique_name("Scheduled Ltd")}),
                "organisation_id",
            )
            .await;
        let venue = self
            .created(
                "/api/manage/venues",
                json!({
                    "organisation_id": organisation, "name": "Clock Hall", "address_line": "1 Dial Street",
                    "city": "Bristol", "country": "GB", "latitude": 51.45, "longitude": -2.58,
                    "timezone": "Europe/London"
                }),
                "venue_id",
            )
            .await;
        let event = self
            .created(
                "/api/manage/events",
                json!({"organisation_id": organisation, "title": unique_name("Night on schedule"), "category_id": "music"}),
                "event_id",
            )
            .await;
        let tier = self
            .created(
                &format!("/api/manage/events/{event}/tiers"),
                json!({"name": "Stalls", "colour": "#3366ff", "price_minor": 2500, "currency": "EUR"}),
                "tier_id",
            )
            .await;
        let grid = Block::SeatedGrid(SeatedGrid::filled("stalls", 2, 5, tier));
        let (status, answer) = self
            .call(
                reqwest::Method::PUT,
                &format!("/api/manage/events/{event}/layout"),
                Some(json!({
                    "canvas": {"width": 1000.0, "height": 800.0},
                    "blocks": [serde_json::to_value(grid).expect("a grid")]
                })),
            )
            .await;
        assert_eq!(status, 200, "layout: {answer}");
        (event, venue)
    }

    async fn session(
        &self,
        event: Uuid,
        venue: Uuid,
        sales: (DateTime<Utc>, DateTime<Utc>),
    ) -> Uuid {
        self.created(
            &format!("/api/manage/events/{event}/sessions"),
            json!({
                "venue_id": venue, "mode": "physical",
                "starts_at": at(28, 19), "ends_at": at(28, 22),
                "sales_start_at": sales.0, "sales_end_at": sales.1
            }),
            "session_id",
        )
        .await
    }

    async fn publish(&self, event: Uuid) {
        let (status, answer) = self
            .call(
                reqwest::Method::POST,
                &format!("/api/manage/events/{event}/publish"),
                Some(json!({})),
            )
            .await;
        assert_eq!(status, 200, "publish: {answer}");
    }

    /// A scheduler replica keeping to `event`'s sessions, in consumer group `group`.
    async fn replica(&self, group: &str, event: Uuid, clock: &ManualClock) -> RunningService {
        let mut config = scheduler::Config::try_parse_from([
            "scheduler",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            &self.env.database_url,
            "--kafka-brokers",
            &self.env.kafka_brokers,
            "--oidc-issuer",
            &self.env.oidc_issuer,
            "--group-id",
            group,
            "--command-api-url",
            &self.command.url(""),
            "--order-api-url",
            &self.orders.url(""),
            "--poll-ms",
            "50",
            // Its trending ranking stays out of the stack's own.
            "--hold-key-prefix",
            self.keys.as_str(),
        ])
        .expect("configuration");
        config.jobs.scope = Scope::Events(HashSet::from([event]));
        let app = scheduler::App::build_with_clock(config, Arc::new(clock.clone()))
            .await
            .expect("the scheduler builds");
        RunningService::spawn(app.local_addr(), |stop| app.run_until(stop))
    }

    /// (kind, due_at, status, attempts) of a session's jobs, by kind.
    async fn jobs(&self, session: Uuid) -> Vec<(String, DateTime<Utc>, JobStatus, i32)> {
        let rows: Vec<(String, DateTime<Utc>, String, i32)> = sqlx::query_as(
            "select kind, due_at, status, attempts from scheduled_job
             where session_id = $1 order by kind",
        )
        .bind(session)
        .fetch_all(&self.pool)
        .await
        .expect("the job table");
        rows.into_iter()
            .map(|(kind, due_at, status, attempts)| {
                let status = status.parse().expect("a job status");
                (kind, due_at, status, attempts)
            })
            .collect()
    }

    async fn status(&self, session: Uuid) -> SessionStatus {
        sqlx::query_scalar("select status from session where session_id = $1")
            .bind(session)
            .fetch_one(&self.pool)
            .await
            .expect("the session")
    }

    async fn wait_for_status(&self, session: Uuid, wanted: SessionStatus) {
        wait_until(&format!("session {session} {wanted}"), DEADLINE, || async {
            (self.status(session).await == wanted).then_some(())
        })
        .await;
    }

    async fn wait_for_jobs(
        &self,
        session: Uuid,
        what: &str,
        accept: impl Fn(&[(String, DateTime<Utc>, JobStatus, i32)]) -> bool,
    ) -> Vec<(String, DateTime<Utc>, JobStatus, i32)> {
        wait_until(what, DEADLINE, || async {
            let jobs = self.jobs(session).await;
            accept(&jobs).then_some(jobs)
        })
        .await
        .0
    }
}

/// The catalogue's view of a session, from a projector of the test's own.
async fn catalogue_session_status(mongo: &TestMongo, event: Uuid, session: Uuid) -> Option<String> {
    let document: Document = mongo
        .database
        .collection::<Document>("events")
        .find_one(doc! { "_id": event.to_string() })
        .await
        .expect("the read store answers")?;
    document
        .get_array("sessions")
        .ok()?
        .iter()
        .filter_map(|session| session.as_document())
        .find(|view| view.get_str("session_id") == Ok(session.to_string().as_str()))
        .and_then(|view| view.get_str("status").ok().map(str::to_owned))
}

async fn projector(env: &StackEnv) -> (TestMongo, RunningService) {
    let mongo = TestMongo::create(env).await.expect("a read store");
    let group = unique_name("scheduler-projector");
    let config = projector::Config::try_parse_from([
        "projector",
        "--listen",
        "127.0.0.1:0",
        "--kafka-brokers",
        &env.kafka_brokers,
        "--mongo-url",
        &env.mongo_url,
        "--mongo-database",
        mongo.database.name(),
        "--group-id",
        &group,
    ])
    .expect("configuration");
    let app = projector::App::build(config)
        .await
        .expect("the projector builds");
    let service = RunningService::spawn(app.local_addr(), |stop| app.run_until(stop));
    (mongo, service)
}

fn kinds_due(jobs: &[(String, DateTime<Utc>, JobStatus, i32)]) -> Vec<(&str, DateTime<Utc>)> {
    jobs.iter()
        .map(|(kind, due_at, _, _)| (kind.as_str(), *due_at))
        .collect()
}

#[tokio::test]
async fn sales_open_and_close_on_time_once_across_two_replicas_and_reach_the_catalogue() {
    let fixture = fixture().await;
    let (event, venue) = fixture.draft_event().await;
    let session = fixture.session(event, venue, (at(1, 10), at(28, 18))).await;
    fixture.publish(event).await;
    let clock = ManualClock::at(at(1, 9));
    let group = unique_name("scheduler");
    let _first = fixture.replica(&group, event, &clock).await;
    let _second = fixture.replica(&group, event, &clock).await;

    let planned = fixture
        .wait_for_jobs(session, "its jobs planned from the change stream", |jobs| {
            jobs.len() == 3
        })
        .await;
    assert_eq!(
        kinds_due(&planned),
        [
            ("close_sales", at(28, 18)),
            ("open_sales", at(1, 10)),
            ("remind", at(27, 19))
        ]
    );
    // Before its time nothing happens, however often the replicas look.
    assert_eq!(fixture.status(session).await, SessionStatus::Scheduled);

    clock.set(at(1, 10));
    fixture
        .wait_for_status(session, SessionStatus::OnSale)
        .await;
    let (mongo, _projector) = projector(&fixture.env).await;
    wait_until(
        "the catalogue shows the session on sale",
        CATALOGUE_DEADLINE,
        || async {
            (catalogue_session_status(&mongo, event, session)
                .await
                .as_deref()
                == Some("ON_SALE"))
            .then_some(())
        },
    )
    .await;

    clock.set(at(28, 18));
    fixture
        .wait_for_status(session, SessionStatus::Closed)
        .await;
    let ran = fixture
        .wait_for_jobs(session, "every job done", |jobs| {
            jobs.iter()
                .all(|(_, _, status, _)| *status == JobStatus::Done)
        })
        .await;
    // Two replicas polled every 50 ms; each job was claimed and run exactly once (the reminder
    // came due on the way, the day before the performance).
    let attempts: Vec<i32> = ran.iter().map(|(_, _, _, attempts)| *attempts).collect();
    assert_eq!(attempts, [1, 1, 1], "{ran:?}");
    wait_until(
        "the catalogue shows the session closed",
        CATALOGUE_DEADLINE,
        || async {
            (catalogue_session_status(&mongo, event, session)
                .await
                .as_deref()
                == Some("CLOSED"))
            .then_some(())
        },
    )
    .await;
}

#[tokio::test]
async fn moved_times_reschedule_cancelled_sessions_are_refunded_and_publishing_rearms() {
    let fixture = fixture().await;
    let (event, venue) = fixture.draft_event().await;
    let moved = fixture.session(event, venue, (at(2, 10), at(27, 18))).await;
    let cancelled = fixture.session(event, venue, (at(2, 10), at(27, 18))).await;
    let clock = ManualClock::at(at(1, 9));
    let group = unique_name("scheduler");
    let _first = fixture.replica(&group, event, &clock).await;
    let _second = fixture.replica(&group, event, &clock).await;
    for session in [moved, cancelled] {
        fixture
            .wait_for_jobs(session, "jobs planned", |jobs| jobs.len() == 3)
            .await;
    }

    let (status, answer) = fixture
        .call(
            reqwest::Method::PATCH,
            &format!("/api/manage/sessions/{moved}"),
            Some(json!({"sales_start_at": at(3, 12)})),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let rescheduled = fixture
        .wait_for_jobs(moved, "the opening moved", |jobs| {
            kinds_due(jobs).contains(&("open_sales", at(3, 12)))
        })
        .await;
    assert_eq!(
        kinds_due(&rescheduled),
        [
            ("close_sales", at(27, 18)),
            ("open_sales", at(3, 12)),
            ("remind", at(27, 19))
        ]
    );

    let (status, answer) = fixture
        .call(
            reqwest::Method::POST,
            &format!("/api/manage/sessions/{cancelled}/status"),
            Some(json!({"status": "CANCELLED"})),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    // Its sales jobs go; refunding whatever it sold comes due at once, and runs.
    let refunded = fixture
        .wait_for_jobs(cancelled, "a cancelled session refunded", |jobs| {
            jobs.len() == 1 && jobs[0].2 == JobStatus::Done
        })
        .await;
    assert_eq!(refunded[0].0, "refund_cancelled");
    assert_eq!(refunded[0].3, 1, "run once: {refunded:?}");

    // Due at the old time: nothing (the job moved). Due at the new time while the event is a
    // draft: refused by the write model, kept as failed.
    clock.set(at(2, 11));
    clock.set(at(3, 12));
    let failed = fixture
        .wait_for_jobs(
            moved,
            "the opening refused while the event is a draft",
            |jobs| {
                jobs.iter().any(|(kind, _, status, _)| {
                    kind == "open_sales" && *status == JobStatus::Failed
                })
            },
        )
        .await;
    assert_eq!(failed.len(), 3);
    assert_eq!(fixture.status(moved).await, SessionStatus::Scheduled);

    // Publishing the event brings the failed opening back, and it runs at once.
    fixture.publish(event).await;
    fixture.wait_for_status(moved, SessionStatus::OnSale).await;
    let opened = fixture
        .wait_for_jobs(moved, "the opening done", |jobs| {
            jobs.iter()
                .any(|(kind, _, status, _)| kind == "open_sales" && *status == JobStatus::Done)
        })
        .await;
    assert!(
        opened
            .iter()
            .any(|(kind, _, _, attempts)| kind == "open_sales" && *attempts == 1),
        "{opened:?}"
    );
    assert_eq!(fixture.status(cancelled).await, SessionStatus::Cancelled);
}

/// A card number the sandbox payment provider approves at once.
const APPROVE: &str = "4242 4242 4242 4242";

impl Fixture {
    async fn tier(&self, event: Uuid) -> Uuid {
        let (status, answer) = self
            .call(
                reqwest::Method::GET,
                &format!("/api/manage/events/{event}/tiers"),
                None,
            )
            .await;
        assert_eq!(status, 200, "{answer}");
        let tiers = answer
            .as_array()
            .or_else(|| answer["items"].as_array())
            .expect("a list of tiers");
        tiers[0]["tier_id"]
            .as_str()
            .expect("a tier id")
            .parse()
            .expect("a uuid")
    }

    async fn sales_post(&self, path: &str, body: Value, headers: &[(&str, &str)]) -> (u16, Value) {
        let mut request = self.http.post(self.orders.url(path)).json(&body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("order-service answers");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// A guest buys `quantity` places of `tier` (best available): the paid order's id.
    async fn buy(&self, session: Uuid, tier: Uuid, quantity: u32, buyer: &str) -> Uuid {
        let (status, hold) = self
            .sales_post(
                &format!("/api/sales/sessions/{session}/holds"),
                json!({"tier_id": tier, "quantity": quantity, "buyer_id": buyer}),
                &[],
            )
            .await;
        assert_eq!(status, 201, "hold: {hold}");
        let key = Uuid::new_v4().to_string();
        let (status, order) = self
            .sales_post(
                "/api/sales/orders",
                json!({
                    "hold_token": hold["hold_token"],
                    "buyer": {"name": "Ada Lovelace", "email": "ada@example.com"}
                }),
                &[("Idempotency-Key", &key)],
            )
            .await;
        assert_eq!(status, 201, "order: {order}");
        let order_id = order["order_id"].as_str().expect("an order id").to_owned();
        let access = order["access_token"]
            .as_str()
            .expect("an order access token");
        let (status, paid) = self
            .sales_post(
                &format!("/api/sales/orders/{order_id}/pay"),
                json!({"payment_method": APPROVE}),
                &[("Order-Access-Token", access)],
            )
            .await;
        assert_eq!(status, 200, "pay: {paid}");
        assert_eq!(paid["status"], "ticketed", "{paid}");
        order_id.parse().expect("a uuid")
    }

    /// Waits for a status while the clock follows real time (checks come due a moment after
    /// the ticket change that asked for them).
    async fn wait_for_status_following(
        &self,
        clock: &ManualClock,
        session: Uuid,
        wanted: SessionStatus,
    ) {
        wait_until(&format!("session {session} {wanted}"), DEADLINE, || async {
            clock.set(Utc::now());
            (self.status(session).await == wanted).then_some(())
        })
        .await;
    }
}

#[tokio::test]
async fn a_session_sells_out_with_its_last_place_and_is_back_on_sale_after_a_refund() {
    let fixture = fixture().await;
    let (event, venue) = fixture.draft_event().await;
    let now = Utc::now();
    // On sale now, so order-service (on real time) sells.
    let session = fixture
        .session(event, venue, (now - chrono::Duration::hours(1), at(27, 18)))
        .await;
    fixture.publish(event).await;
    let tier = fixture.tier(event).await;
    let clock = ManualClock::at(now);
    let group = unique_name("scheduler");
    let _replica = fixture.replica(&group, event, &clock).await;
    fixture
        .wait_for_status(session, SessionStatus::OnSale)
        .await;

    // Ten places: five sold leave it on sale, the other five sell it out.
    let first = fixture.buy(session, tier, 5, &unique_name("buyer")).await;
    fixture.buy(session, tier, 4, &unique_name("buyer")).await;
    wait_until("an availability check run", DEADLINE, || async {
        clock.set(Utc::now());
        fixture
            .jobs(session)
            .await
            .iter()
            .any(|(kind, _, status, _)| kind == "check_availability" && *status == JobStatus::Done)
            .then_some(())
    })
    .await;
    assert_eq!(
        fixture.status(session).await,
        SessionStatus::OnSale,
        "one place is left"
    );
    fixture.buy(session, tier, 1, &unique_name("buyer")).await;
    fixture
        .wait_for_status_following(&clock, session, SessionStatus::SoldOut)
        .await;

    // A refund frees five places: sales are open again.
    let (status, refunded) = {
        let response = fixture
            .http
            .post(
                fixture
                    .orders
                    .url(&format!("/api/sales/orders/{first}/refunds")),
            )
            .bearer_auth(&fixture.organiser)
            .json(&json!({"reason": "the buyer cannot come"}))
            .send()
            .await
            .expect("order-service answers");
        let status = response.status().as_u16();
        (
            status,
            response.json::<Value>().await.unwrap_or(Value::Null),
        )
    };
    assert_eq!(status, 201, "refund: {refunded}");
    fixture
        .wait_for_status_following(&clock, session, SessionStatus::OnSale)
        .await;
}

#[tokio::test]
async fn trending_ranks_listed_events_by_recent_sales_page_views_and_sell_through() {
    let fixture = fixture().await;
    let now = Utc::now();
    let on_sale_now = (now - chrono::Duration::hours(1), at(27, 18));
    let (selling, venue) = fixture.draft_event().await;
    let selling_session = fixture.session(selling, venue, on_sale_now).await;
    fixture.publish(selling).await;
    let (browsed, venue) = fixture.draft_event().await;
    fixture.session(browsed, venue, on_sale_now).await;
    fixture.publish(browsed).await;
    let (draft, venue) = fixture.draft_event().await;
    fixture.session(draft, venue, on_sale_now).await;
    let clock = ManualClock::at(now);
    let _replica = fixture
        .replica(&unique_name("scheduler"), selling, &clock)
        .await;
    fixture
        .wait_for_status(selling_session, SessionStatus::OnSale)
        .await;
    let tier = fixture.tier(selling).await;
    fixture
        .buy(selling_session, tier, 3, &unique_name("buyer"))
        .await;

    // A hundred visitors on the other event's page this hour, as query-service counts them.
    let keys = shared_dto::trending::TrendingKeys::new(fixture.keys.as_str());
    let mut connection = service_runtime::redis_store::RedisStore::single(&fixture.env.redis_url)
        .expect("a Redis URL")
        .connection()
        .await
        .expect("Redis");
    let hour = shared_dto::trending::hour_of(Utc::now().timestamp_millis());
    let mut pfadd = redis::cmd("PFADD");
    pfadd.arg(keys.views(&browsed.to_string(), hour));
    for visitor in 0..100 {
        pfadd.arg(format!("203.0.113.{visitor}"));
    }
    pfadd
        .query_async::<()>(&mut connection)
        .await
        .expect("PFADD");

    let scope = [selling, browsed, draft];
    let ranked = scheduler::trending::recompute(
        &fixture.pool,
        &mut connection,
        &keys,
        Utc::now(),
        Some(&scope),
    )
    .await
    .expect("trending recomputed");
    assert_eq!(ranked, 2, "the draft is not listed");
    let ranking: Vec<(String, f64)> = redis::cmd("ZREVRANGE")
        .arg(keys.ranking())
        .arg(0)
        .arg(-1)
        .arg("WITHSCORES")
        .query_async(&mut connection)
        .await
        .expect("the ranking");
    let order: Vec<&str> = ranking.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(order, [browsed.to_string(), selling.to_string()]);
    let detail = |event: Uuid| {
        let mut connection = connection.clone();
        let keys = keys.clone();
        async move {
            let json: String = redis::cmd("HGET")
                .arg(keys.details())
                .arg(event.to_string())
                .query_async(&mut connection)
                .await
                .expect("a detail");
            serde_json::from_str::<shared_dto::trending::TrendingDetail>(&json).expect("JSON")
        }
    };
    let sold = detail(selling).await;
    assert_eq!(sold.tickets_last_7_days, 3);
    assert!((sold.sell_through - 0.3).abs() < 1e-9, "{sold:?}");
    assert!(
        sold.recent_sales > 2.9 && sold.recent_sales <= 3.0,
        "{sold:?}"
    );
    let viewed = detail(browsed).await;
    assert!(
        (95..=105).contains(&viewed.views_last_24_hours),
        "{viewed:?}"
    );
    assert_eq!(viewed.tickets_last_7_days, 0);
    let ttl: i64 = redis::cmd("TTL")
        .arg(keys.ranking())
        .query_async(&mut connection)
        .await
        .expect("TTL");
    assert!(ttl > 0, "a ranking nobody recomputes expires");
}

#[tokio::test]
async fn a_scheduler_killed_in_the_middle_of_a_job_loses_it_to_no_one_and_it_runs_once() {
    let fixture = fixture().await;
    let (event, venue) = fixture.draft_event().await;
    let now = Utc::now();
    let session = fixture
        .session(event, venue, (now - chrono::Duration::hours(1), at(27, 18)))
        .await;
    fixture.publish(event).await;
    let tier = fixture.tier(event).await;

    // The real binary, whose order-service accepts the call and never answers: a refund job
    // it claims stays in its hands until it is killed.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a listener");
    let silent_url = format!("http://{}", silent.local_addr().expect("an address"));
    let port = test_support::free_port();
    let mut doomed = tokio::process::Command::new(env!("CARGO_BIN_EXE_scheduler"))
        .args([
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database-url",
            &fixture.env.database_url,
            "--kafka-brokers",
            &fixture.env.kafka_brokers,
            "--oidc-issuer",
            &fixture.env.oidc_issuer,
            "--group-id",
            &unique_name("scheduler"),
            "--command-api-url",
            &fixture.command.url(""),
            "--order-api-url",
            &silent_url,
            "--poll-ms",
            "50",
            "--hold-key-prefix",
            fixture.keys.as_str(),
            "--only-events",
            &event.to_string(),
        ])
        .env("RUST_LOG", "warn")
        .kill_on_drop(true)
        .spawn()
        .expect("the scheduler binary starts");
    fixture
        .wait_for_status(session, SessionStatus::OnSale)
        .await;
    let first = fixture.buy(session, tier, 2, &unique_name("buyer")).await;
    let second = fixture.buy(session, tier, 3, &unique_name("buyer")).await;

    let (status, answer) = fixture
        .call(
            reqwest::Method::POST,
            &format!("/api/manage/sessions/{session}/status"),
            Some(json!({"status": "CANCELLED"})),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let (call, _) = tokio::time::timeout(DEADLINE, silent.accept())
        .await
        .expect("the binary runs the refund job")
        .expect("a connection");
    doomed.kill().await.expect("SIGKILL");
    drop(call);
    let jobs = fixture.jobs(session).await;
    let refund = jobs
        .iter()
        .find(|(kind, ..)| kind == "refund_cancelled")
        .expect("the refund job");
    assert_eq!(
        (refund.2, refund.3),
        (JobStatus::Pending, 0),
        "the killed replica's claim was undone: {jobs:?}"
    );

    // Another replica takes it over and runs it once.
    let clock = ManualClock::at(Utc::now());
    let _survivor = fixture
        .replica(&unique_name("scheduler"), event, &clock)
        .await;
    let done = fixture
        .wait_for_jobs(session, "the refund job done", |jobs| {
            jobs.iter().any(|(kind, _, status, _)| {
                kind == "refund_cancelled" && *status == JobStatus::Done
            })
        })
        .await;
    let refund = done
        .iter()
        .find(|(kind, ..)| kind == "refund_cancelled")
        .expect("the refund job");
    assert_eq!(refund.3, 1, "run once: {done:?}");
    let refunds: Vec<(Uuid, i64)> = sqlx::query_as(
        "select order_id, count(*) from refund where order_id = any($1) group by order_id order by order_id",
    )
    .bind([first, second])
    .fetch_all(&fixture.pool)
    .await
    .expect("the refunds");
    let mut expected = vec![(first, 1), (second, 1)];
    expected.sort();
    assert_eq!(refunds, expected, "each order refunded exactly once");
}
