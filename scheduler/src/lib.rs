//! Durable time-based jobs driven by session changes: on-sale, close, reminders, expiry sweeps.

pub mod config;
pub mod error;

use std::future::Future;
use std::net::SocketAddr;

use axum::Router;
use service_runtime::probe::PostgresProbe;
use service_runtime::{HttpServer, Readiness, StartupError, operations_router};

pub use config::Config;
use error::ApiError;

/// The name this service reports in `/health` and logs.
pub const SERVICE: &str = "scheduler";

/// Shared by the operational endpoints and the job runners.
#[derive(Clone)]
pub struct AppState {
    pub pool: sqlx::PgPool,
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
        let pool = config.postgres.pool()?;
        let readiness = Readiness::new()
            .with(PostgresProbe(pool.clone()))
            .with(config.kafka.probe()?);
        let state = AppState { pool };
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
        .method_not_allowed_fallback(service_runtime::routing::method_not_allowed)
        .with_state(state)
}

async fn unknown_route() -> ApiError {
    ApiError::NotFound
}
