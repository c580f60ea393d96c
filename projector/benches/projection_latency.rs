//! Commit → read-model latency over 1,000 changes, against the running local stack.
//!
//! Each change renames one organisation and is timed from its commit until the projector's
//! `organisations` document shows it. The baseline, measured in the same run on the same
//! changes, is commit → arrival at a plain Kafka consumer: what Debezium and the broker cost
//! before the projector does anything. Run: `cargo bench -p projector --bench projection_latency
//! [-- CHANGES]`.

// A benchmark's output is its figures.
#![allow(clippy::print_stdout)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Parser;
use mongodb::bson::{Document, doc};
use rdkafka::Message;
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
    ])?;
    let app = projector::App::build(config).await?;
    let _projector = RunningService::spawn(app.local_addr(), |stop| app.run_until(stop));

    let organisation = Uuid::now_v7();
    let key = organisation.to_string();
    let arrivals: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let consumer = consumer_from_earliest(&env, &["boxoffice.public.organisation"])?;
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
                if value["after"]["organisation_id"] == key.as_str()
                    && let Some(name) = value["after"]["name"].as_str()
                {
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
    // Every change has reached the read model, so it has reached the raw consumer too (or soon).
    let deadline = Instant::now() + Duration::from_secs(10);
    while arrivals.lock().expect("lock").len() < changes && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    watcher.abort();
    let arrivals = arrivals.lock().expect("lock").clone();
    let baseline: Vec<Duration> = committed_at
        .iter()
        .filter_map(|(name, committed)| {
            arrivals
                .get(name)
                .map(|arrived| arrived.saturating_duration_since(*committed))
        })
        .collect();

    println!("commit → read model, {changes} sequential changes");
    let cdc = report("baseline: commit → Kafka consumer", baseline);
    let read_model = report("commit → read model (projector)", projected);
    println!(
        "ratio p50 read model / baseline: {:.2}",
        read_model.as_secs_f64() / cdc.as_secs_f64().max(f64::EPSILON)
    );
    mongo.drop().await?;
    Ok(())
}
