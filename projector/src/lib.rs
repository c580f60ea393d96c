//! Consumes Debezium change topics and maintains the denormalised MongoDB read models.
//!
//! `change` decodes records, `mirror` keeps the latest state of every captured row (guarded by
//! LSN), `model` recomputes read-model documents from the mirrors and the sales tallies,
//! `projection` applies a batch of changes to both, `consumer` runs the consumer group with
//! at-least-once delivery and a dead-letter topic.

pub mod change;
pub mod config;
pub mod consumer;
pub mod error;
pub mod mirror;
pub mod model;
pub mod projection;
pub mod read_model_notice;

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use mongodb::Database;
use service_runtime::probe::MongoProbe;
use service_runtime::{Backoff, HttpServer, Readiness, StartupError, operations_router};
use shared_dto::read_model::collection;
use tokio_util::sync::CancellationToken;

pub use config::Config;
use error::ApiError;

/// The name this service reports in `/health` and logs.
pub const SERVICE: &str = "projector";

/// Every collection the projector owns: read models and row mirrors.
pub fn owned_collections() -> Vec<String> {
    [
        collection::EVENTS,
        collection::SEAT_MAPS,
        collection::SOLD_PLACES,
        collection::SALES,
        collection::ORGANISATIONS,
        model::tally::COLLECTION,
    ]
    .into_iter()
    .map(str::to_owned)
    .chain(
        mirror::MIRRORED
            .iter()
            .map(|(table, _)| mirror::collection_name(table)),
    )
    .collect()
}

/// Drops every read model and mirror (the first half of a rebuild).
pub async fn drop_read_models(database: &Database) -> mongodb::error::Result<()> {
    for name in owned_collections() {
        database
            .collection::<mongodb::bson::Document>(&name)
            .drop()
            .await?;
    }
    Ok(())
}

/// Lookup indexes, and tallies of the tickets a read store mirrored before tallies existed.
async fn prepare(database: &Database) -> Result<(), error::ProjectionError> {
    mirror::create_indexes(database).await?;
    model::tally::create_indexes(database).await?;
    model::tally::backfill(database).await
}

/// A built projector: consumer configured, operational endpoints bound.
pub struct App {
    server: HttpServer,
    router: Router,
    changes: consumer::ChangeConsumer,
    stop: CancellationToken,
}

impl App {
    pub async fn build(config: Config) -> Result<Self, StartupError> {
        let mongo = config.mongo.client().await?;
        let database = mongo.database(&config.mongo.mongo_database);
        let group = consumer::GroupContext::default();
        let readiness = Readiness::new()
            .with(config.kafka.probe()?)
            .with(group.assignment_probe())
            .with(MongoProbe(mongo.clone()));
        let kafka_error =
            |error: rdkafka::error::KafkaError| service_runtime::ProbeError::new(error);
        let stop = CancellationToken::new();
        let changes = consumer::ChangeConsumer {
            consumer: consumer::consumer(&config.kafka.brokers, &config.projection, group)
                .map_err(kafka_error)?,
            dead_letters: consumer::dead_letter_producer(&config.kafka.brokers)
                .map_err(kafka_error)?,
            dead_letter_topic: config.projection.dead_letter_topic.clone(),
            database,
            notices: read_model_notice::Notices::new(&config.notices),
            stop: stop.clone(),
        };
        let server = HttpServer::bind(&config.server, config::DEFAULT_ADDR).await?;
        Ok(Self {
            server,
            router: router(readiness),
            changes,
            stop,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    /// Projects and serves the operational endpoints until `shutdown` resolves, then stops
    /// consuming after the change in hand and commits what was projected.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let database = self.changes.database.clone();
        let stop = self.stop.clone();
        let changes = self.changes;
        let projecting = tokio::spawn(async move {
            // Indexes first: the read store may still be starting, so keep trying.
            let mut backoff = Backoff::new(Duration::from_millis(200), Duration::from_secs(5));
            while let Err(error) = prepare(&database).await {
                tracing::warn!(%error, "preparing the read store failed; retrying");
                tokio::select! {
                    () = stop.cancelled() => return,
                    () = tokio::time::sleep(backoff.next_delay()) => {}
                }
            }
            changes.run().await;
        });
        let stop = self.stop.clone();
        let served = self
            .server
            .serve(self.router, async move {
                shutdown.await;
                stop.cancel();
            })
            .await;
        self.stop.cancel();
        if tokio::time::timeout(Duration::from_secs(15), projecting)
            .await
            .is_err()
        {
            tracing::warn!("the projection task did not stop within 15s");
        }
        served
    }
}

/// The operational endpoints (the projector serves no API).
pub fn router(readiness: Readiness) -> Router {
    Router::new()
        .merge(operations_router(SERVICE, readiness))
        .fallback(unknown_route)
        .method_not_allowed_fallback(service_runtime::routing::method_not_allowed)
}

async fn unknown_route() -> ApiError {
    ApiError::NotFound
}
