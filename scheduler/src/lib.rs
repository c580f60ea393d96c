//! Durable time-based jobs driven by session changes: sales open at a session's sales start
//! and close at its sales end, on any number of replicas, each job once in effect.
//!
//! The plan comes from the change stream (`feed`), lives in PostgreSQL (`jobs`), and is carried
//! out through the services' APIs (`service_api`) by the `runner`: status changes through
//! command-service (including SOLD_OUT and back as tickets come and go, see `availability`),
//! refunds of cancelled sessions and reminders through order-service. Trending scores are
//! recomputed on an interval (`trending`).

pub mod availability;
pub mod clock;
pub mod config;
pub mod error;
pub mod feed;
pub mod jobs;
pub mod plan;
pub mod runner;
pub mod service_api;
pub mod trending;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use service_runtime::probe::PostgresProbe;
use service_runtime::{HttpServer, Readiness, StartupError, operations_router};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::clock::{Clock, SystemClock};
use crate::service_api::ServiceApi;
pub use config::Config;
use error::ApiError;
pub use error::BuildError;

/// The name this service reports in `/health` and logs.
pub const SERVICE: &str = "scheduler";

/// The scheduler's own tables (jobs and their plan); `scheduler migrate` applies them.
/// command-service and order-service keep their migrations in the same database, so versions
/// this migrator does not know are expected.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate::Migrator {
    ignore_missing: true,
    ..sqlx::migrate!("./migrations")
};

/// Shared by the operational endpoints and the job runners.
#[derive(Clone)]
pub struct AppState {
    pub pool: sqlx::PgPool,
}

/// A built service: listener bound, engines configured, ready to serve.
pub struct App {
    server: HttpServer,
    router: Router,
    feed: feed::ChangeFeed,
    runner: runner::JobRunner,
    trending: trending::TrendingLoop,
    stop: CancellationToken,
}

impl App {
    /// Binds the listener and sets up engine clients; engines are connected lazily, so an
    /// engine that is down makes the service not ready rather than stopping it.
    pub async fn build(config: Config) -> Result<Self, BuildError> {
        Self::build_with_clock(config, Arc::new(SystemClock)).await
    }

    /// As [`App::build`], with time from `clock` (tests move it by hand).
    pub async fn build_with_clock(
        config: Config,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, BuildError> {
        let pool = config.postgres.pool().map_err(StartupError::from)?;
        let readiness = Readiness::new()
            .with(PostgresProbe(pool.clone()))
            .with(config.kafka.probe().map_err(StartupError::from)?);
        let stop = CancellationToken::new();
        let consumer = feed::consumer(
            &config.kafka.brokers,
            &config.jobs.group_id,
            &config.jobs.topic_prefix,
        )?;
        let services = ServiceApi::new(
            &config.jobs.command_api_url,
            &config.jobs.order_api_url,
            &config.oidc.oidc_issuer,
            &config.jobs.service_client_id,
            config.jobs.service_client_secret.expose(),
        )?;
        let feed = feed::ChangeFeed {
            consumer,
            pool: pool.clone(),
            clock: Arc::clone(&clock),
            scope: config.jobs.effective_scope(),
            stop: stop.clone(),
        };
        let trending = trending::TrendingLoop {
            pool: pool.clone(),
            redis: config.redis.store().map_err(StartupError::from)?,
            keys: shared_dto::trending::TrendingKeys::new(config.jobs.hold_key_prefix.clone()),
            clock: Arc::clone(&clock),
            interval: config.jobs.trending_interval(),
            scope: config.jobs.effective_scope(),
            stop: stop.clone(),
        };
        let runner = runner::JobRunner {
            pool: pool.clone(),
            clock,
            services: Arc::new(services),
            poll_interval: config.jobs.poll_interval(),
            scope: config.jobs.effective_scope(),
            stop: stop.clone(),
        };
        let state = AppState { pool };
        let server = HttpServer::bind(&config.server, config::DEFAULT_ADDR)
            .await
            .map_err(StartupError::from)?;
        Ok(Self {
            server,
            router: router(state, readiness),
            feed,
            runner,
            trending,
            stop,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    /// Serves and runs the feed and the jobs until `shutdown` resolves, then lets in-flight
    /// requests and the job in hand finish.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let tasks = TaskTracker::new();
        tasks.spawn(self.feed.run());
        tasks.spawn(self.runner.run());
        tasks.spawn(self.trending.run());
        tasks.close();
        let stop = self.stop.clone();
        let served = self
            .server
            .serve(self.router, async move {
                shutdown.await;
                stop.cancel();
            })
            .await;
        self.stop.cancel();
        tasks.wait().await;
        served
    }
}

/// The HTTP surface, without a socket, so tests can drive it directly.
pub fn router(state: AppState, readiness: Readiness) -> Router {
    Router::new()
        .merge(operations_router(SERVICE, readiness))
        .fallback(unknown_route)
        .method_not_allowed_fallback(service_runtime::routing::method_not_allowed)
        .with_state(state)
}

async fn unknown_route() -> ApiError {
    ApiError::NotFound
}
