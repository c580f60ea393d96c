//! Public reads from the MongoDB read models; live seat maps over server-sent events.

pub mod config;
pub mod error;

use std::future::Future;
use std::net::SocketAddr;

use axum::Router;
use service_runtime::probe::{MongoProbe, RedisProbe};
use service_runtime::{HttpServer, Readiness, StartupError, operations_router};

pub use config::Config;
use error::ApiError;

/// The name this service reports in `/health` and logs.
pub const SERVICE: &str = "query-service";

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub read_store: mongodb::Database,
    pub redis: redis::Client,
}

/// A built service: listener bound, engines configured, ready to serve.
pub struct App {
    server: HttpServer,
    router: Router,
}

impl App {
    /// Binds the listener and sets up engine clients; engines are connected lazily, so an
    /// engine that is down makes the service not ready rather than stopping it.
    pub async fn build(config: Config) -> Result<Self, StartupError> {
        let mongo = config.mongo.client().await?;
        let redis = config.redis.client()?;
        let readiness = Readiness::new()
            .with(MongoProbe(mongo.clone()))
            .with(RedisProbe(redis.clone()));
        let state = AppState {
            read_store: mongo.database(&config.mongo.mongo_database),
            redis,
        };
        let server = HttpServer::bind(&config.server, config::DEFAULT_ADDR).await?;
        Ok(Self {
            server,
            router: router(state, readiness),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    /// Serves until `shutdown` resolves, then drains in-flight requests.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        self.server.serve(self.router, shutdown).await
    }
}

/// The HTTP surface, without a socket, so tests can drive it directly.
pub fn router(state: AppState, readiness: Readiness) -> Router {
    Router::new()
        .merge(operations_router(SERVICE, readiness))
        .fallback(unknown_route)
        .with_state(state)
}

async fn unknown_route() -> ApiError {
    ApiError::NotFound
}
