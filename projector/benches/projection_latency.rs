//! Commit → read-model latency, against the running local stack.
//!
//! Organisations: each change renames one organisation and is timed from its commit until the
//! projector's `organisations` document shows it (1,000 changes unless a number is given).
//! Tickets: each change issues one ticket for a session of a 20,000-seat event and is timed
//! until the catalogue's event document counts it; measured first on a session with no tickets,
//! then again after 10,000 more were sold, to show whether the cost grows with the data.
//! The baseline, measured in the same run on the same changes, is commit → arrival at a plain
//! Kafka consumer: what Debezium and the broker cost before the projector does anything.
//! Run: `cargo bench -p projector --bench projection_latency [-- CHANGES]`.

// A benchmark's output is its figures.
#![allow(clippy::print_stdout)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Parser;
use mongodb::bson::{Document, doc};
use rdkafka::Message;
use shared_dto::layout::{Block, SeatedGrid};
use test_support::kafka::{consumer_from_earliest, next_message};
use test_support::mongo::TestMongo;
use test_support::{RunningService, StackEnv, unique_name};
use uuid::Uuid;

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn report(name: &str, mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    let p50 = percentile(&samples, 0.50);
    println!(
        "{name:<32} n={:<5} p50={:>8.2?} p99={:>8.2?} max={:>8.2?}",
        samples.len(),
        p50,
        percentile(&samples, 0.99),
        samples.last().copied().unwrap_or_default()
    );
    p50
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let changes: usize = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(1_000);
    let env = StackEnv::from_env();
    let pool = sqlx::PgPool::connect(&env.database_url)
        .await
        .context("the stack's PostgreSQL (run devstack/stack up --engines)")?;
    command_service::MIGRATOR.run(&pool).await?;
    order_service::MIGRATOR.run(&pool).await?;
    let mongo = TestMongo::create(&env).await?;
    let group = unique_name("bench-projector");
    let config = projector::Config::try_parse_from([
        "projector",
        "--listen",
        "127.0.0.1:0",
        "--mongo-database",
        mongo.database.name(),
        "--group-id",
        &group,
        // As the baseline's consumer waits, so that the two differ only by the projection.
        "--fetch-wait-ms",
        "20",
    ])?;
    let app = projector::App::build(config).await?;
    let _projector = RunningService::spawn(app.local_addr(), |stop| app.run_until(stop));

    let organisation = Uuid::now_v7();
    let key = organisation.to_string();
    let arrivals: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let consumer = consumer_from_earliest(
        &env,
        &["boxoffice.public.organisation", "boxoffice.public.ticket"],
    )?;
    let watcher = {
        let arrivals = Arc::clone(&arrivals);
        let key = key.clone();
        tokio::spawn(async move {
            loop {
                let message = next_message(&consumer).await;
                let arrived = Instant::now();
                let Some(payload) = message.payload() else {
                    continue;
                };
                let Ok(value) = serde_json::from_slice::<serde_json::Value>(payload) else {
                    continue;
                };
                let after = &value["after"];
                // An organisation's change is known by its new name, a ticket by its id.
                let name = if after["organisation_id"] == key.as_str() {
                    after["name"].as_str()
                } else {
                    after["ticket_id"].as_str()
                };
                if let Some(name) = name {
                    arrivals
                        .lock()
                        .expect("lock")
                        .insert(name.to_owned(), arrived);
                }
            }
        })
    };

    sqlx::query("insert into organisation (organisation_id, name) values ($1, 'warm-up')")
        .bind(organisation)
        .execute(&pool)
        .await?;
    let documents = mongo.database.collection::<Document>("organisations");
    let name_is = |name: String| {
        let documents = documents.clone();
        let key = key.clone();
        async move {
            documents
                .find_one(doc! { "_id": &key, "name": &name })
                .await
                .ok()
                .flatten()
                .is_some()
        }
    };
    // The new consumer group first catches up with the topics' history.
    let started = Instant::now();
    while !name_is("warm-up".into()).await {
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(300),
            "the projector did not catch up"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    while !arrivals.lock().expect("lock").contains_key("warm-up") {
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(300),
            "the baseline consumer did not catch up"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    println!(
        "projector and baseline consumer caught up with the change history in {:.1?}",
        started.elapsed()
    );

    let mut projected = Vec::with_capacity(changes);
    let mut committed_at = Vec::with_capacity(changes);
    for index in 0..changes {
        let name = format!("rename-{index}");
        sqlx::query("update organisation set name = $2 where organisation_id = $1")
            .bind(organisation)
            .bind(&name)
            .execute(&pool)
            .await?;
        let committed = Instant::now();
        while !name_is(name.clone()).await {
            anyhow::ensure!(
                committed.elapsed() < Duration::from_secs(30),
                "change {index} was not projected"
            );
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        projected.push(committed.elapsed());
        committed_at.push((name, committed));
    }
    println!("commit → read model, {changes} sequential organisation renames");
    compare(&arrivals, committed_at, projected).await;

    let tickets = TicketBench::create(&pool, &mongo.database, organisation).await?;
    for (label, preloaded) in [("an empty session", 0), ("10,000 tickets sold", 10_000)] {
        tickets.sell_in_bulk(&pool, preloaded).await?;
        let (committed_at, projected) = tickets.sell_one_by_one(&pool, TICKET_CHANGES).await?;
        println!("commit → catalogue, {TICKET_CHANGES} sequential tickets, {label}");
        compare(&arrivals, committed_at, projected).await;
    }
    watcher.abort();
    mongo.drop().await?;
    Ok(())
}

/// Tickets issued one at a time per measurement.
const TICKET_CHANGES: usize = 100;

/// Prints read-model latency beside the same changes' arrival at the raw consumer.
async fn compare(
    arrivals: &Mutex<HashMap<String, Instant>>,
    committed_at: Vec<(String, Instant)>,
    projected: Vec<Duration>,
) {
    // Every change has reached the read model, so it has reached the raw consumer too (or soon).
    let deadline = Instant::now() + Duration::from_secs(10);
    while committed_at
        .iter()
        .any(|(name, _)| !arrivals.lock().expect("lock").contains_key(name))
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let arrivals = arrivals.lock().expect("lock").clone();
    let baseline: Vec<Duration> = committed_at
        .iter()
        .filter_map(|(name, committed)| {
            arrivals
                .get(name)
                .map(|arrived| arrived.saturating_duration_since(*committed))
        })
        .collect();
    let cdc = report("baseline: commit → Kafka consumer", baseline);
    let read_model = report("commit → read model (projector)", projected);
    println!(
        "ratio p50 read model / baseline: {:.2}",
        read_model.as_secs_f64() / cdc.as_secs_f64().max(f64::EPSILON)
    );
}

/// A published event with one 20,000-seat session, an order to hang tickets on, and the
/// number of tickets sold so far.
struct TicketBench {
    event: Uuid,
    session: Uuid,
    tier: Uuid,
    order: Uuid,
    events: mongodb::Collection<Document>,
    sold: std::sync::atomic::AtomicUsize,
}

impl TicketBench {
    async fn create(
        pool: &sqlx::PgPool,
        database: &mongodb::Database,
        organisation: Uuid,
    ) -> anyhow::Result<Self> {
        let (event, session, tier, order) = (
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
        );
        let layout = serde_json::json!({
            "canvas": {"width": 4000.0, "height": 3000.0},
            "blocks": [Block::SeatedGrid(SeatedGrid::filled("stalls", 100, 200, tier))]
        });
        let mut tx = pool.begin().await?;
        sqlx::query(
            "insert into event (event_id, organisation_id, title, status, published_at)
             values ($1, $2, 'Bench Night', 'published', now())",
        )
        .bind(event)
        .bind(organisation)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "insert into tier (tier_id, event_id, name, colour, price_minor, currency)
             values ($1, $2, 'Stalls', '#3366ff', 3000, 'GBP')",
        )
        .bind(tier)
        .bind(event)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "insert into session (session_id, event_id, mode, starts_at, ends_at, sales_start_at, sales_end_at)
             values ($1, $2, 'online', '2027-09-01T19:00:00Z', '2027-09-01T22:00:00Z',
                     '2027-01-01T00:00:00Z', '2027-09-01T18:00:00Z')",
        )
        .bind(session)
        .bind(event)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "insert into session_layout (session_id, layout, seat_count, standing_capacity, tier_ids)
             values ($1, $2, 20000, 0, array[$3]::uuid[])",
        )
        .bind(session)
        .bind(&layout)
        .bind(tier)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "insert into purchase_order (order_id, event_id, session_id, hold_token, hold_buyer, customer_key,
                                         buyer_name, buyer_email, status, currency, subtotal_minor, total_minor, expires_at)
             values ($1, $2, $3, $4, 'guest:bench', 'email:bench@example.com', 'Bench Buyer', 'bench@example.com',
                     'ticketed', 'GBP', 0, 0, now() + interval '1 hour')",
        )
        .bind(order)
        .bind(event)
        .bind(session)
        .bind(Uuid::new_v4().to_string())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        let bench = Self {
            event,
            session,
            tier,
            order,
            events: database.collection("events"),
            sold: 0.into(),
        };
        bench
            .wait_for_sold(0, Duration::from_secs(120))
            .await
            .context("the bench event was not projected")?;
        Ok(bench)
    }

    /// Whether the catalogue counts exactly `sold` tickets for the session.
    async fn shows_sold(&self, sold: usize) -> bool {
        let Ok(Some(event)) = self
            .events
            .find_one(doc! { "_id": self.event.to_string() })
            .await
        else {
            return false;
        };
        let counted = event
            .get_array("sessions")
            .ok()
            .and_then(|sessions| sessions.first()?.as_document().cloned())
            .and_then(|session| match session.get("sold")? {
                mongodb::bson::Bson::Int32(value) => usize::try_from(*value).ok(),
                mongodb::bson::Bson::Int64(value) => usize::try_from(*value).ok(),
                _ => None,
            });
        counted == Some(sold)
    }

    async fn wait_for_sold(&self, sold: usize, within: Duration) -> anyhow::Result<()> {
        let started = Instant::now();
        while !self.shows_sold(sold).await {
            anyhow::ensure!(
                started.elapsed() < within,
                "the catalogue never counted {sold} tickets"
            );
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        Ok(())
    }

    /// Sells `count` tickets in one statement and waits until the catalogue counts them.
    async fn sell_in_bulk(&self, pool: &sqlx::PgPool, count: usize) -> anyhow::Result<()> {
        if count == 0 {
            return Ok(());
        }
        let started = Instant::now();
        sqlx::query(
            "insert into ticket (ticket_id, order_id, event_id, session_id, seat_id, block_id, tier_id,
                                 price_minor, currency, holder_name)
             select gen_random_uuid(), $1, $2, $3, 'bulk-' || n, 'stalls', $4, 3000, 'GBP', 'Bench Buyer'
             from generate_series(1, $5) as n",
        )
        .bind(self.order)
        .bind(self.event)
        .bind(self.session)
        .bind(self.tier)
        .bind(i64::try_from(count)?)
        .execute(pool)
        .await?;
        let sold = self
            .sold
            .fetch_add(count, std::sync::atomic::Ordering::Relaxed)
            + count;
        self.wait_for_sold(sold, Duration::from_secs(600)).await?;
        println!(
            "{count} tickets sold in one transaction reached the catalogue in {:.1?}",
            started.elapsed()
        );
        Ok(())
    }

    /// Sells `count` tickets one at a time, timing each from commit until the catalogue counts it.
    async fn sell_one_by_one(
        &self,
        pool: &sqlx::PgPool,
        count: usize,
    ) -> anyhow::Result<(Vec<(String, Instant)>, Vec<Duration>)> {
        let mut committed_at = Vec::with_capacity(count);
        let mut projected = Vec::with_capacity(count);
        for _ in 0..count {
            let ticket = Uuid::now_v7();
            sqlx::query(
                "insert into ticket (ticket_id, order_id, event_id, session_id, seat_id, block_id, tier_id,
                                     price_minor, currency, holder_name)
                 values ($1, $2, $3, $4, $5, 'stalls', $6, 3000, 'GBP', 'Bench Buyer')",
            )
            .bind(ticket)
            .bind(self.order)
            .bind(self.event)
            .bind(self.session)
            .bind(format!("one-{ticket}"))
            .bind(self.tier)
            .execute(pool)
            .await?;
            let committed = Instant::now();
            let sold = self.sold.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            self.wait_for_sold(sold, Duration::from_secs(30)).await?;
            projected.push(committed.elapsed());
            committed_at.push((ticket.to_string(), committed));
        }
        Ok((committed_at, projected))
    }
}
