//! Public reads from the MongoDB read models; live seat maps over server-sent events.
//!
//! `catalog` serves the read models (search, event detail, sessions, trending, organiser
//! sales); `live` merges live holds from Redis into seat maps and streams seat changes.

pub mod catalog;
pub mod client_ip;
pub mod config;
pub mod error;
pub mod live;
pub mod read_cache;
pub mod state;
pub mod waiting_room;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::routing::get;
use axum::{Json, Router};
use service_runtime::auth::Authenticator;
use service_runtime::probe::{MongoProbe, RedisProbe};
use service_runtime::{Backoff, HttpServer, Readiness, StartupError, operations_router};
use tokio_util::sync::CancellationToken;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

pub use config::Config;
use error::ApiError;
pub use state::AppState;

/// The name this service reports in `/health` and logs.
pub const SERVICE: &str = "query-service";

/// A built service: listener bound, engines configured, background tasks started.
pub struct App {
    server: HttpServer,
    router: Router,
    background: CancellationToken,
    indexing: tokio::task::JoinHandle<()>,
    notices: tokio::task::JoinHandle<()>,
    live: live::LiveSeats,
    waiting_room: waiting_room::Rooms,
}

impl App {
    /// Binds the listener and sets up engine clients; engines are connected lazily, so an
    /// engine that is down makes the service not ready rather than stopping it.
    pub async fn build(config: Config) -> Result<Self, StartupError> {
        let mongo = config.mongo.client().await?;
        let redis = config.redis.client()?;
        let store = config.redis.store()?;
        let auth = Authenticator::new(&config.oidc)?;
        let read_store = mongo.database(&config.mongo.mongo_database);
        let background = CancellationToken::new();
        let live = live::LiveSeats::start(
            &config.live,
            store.clone(),
            shared_dto::seat_hold::HoldKeys::new(config.hold_key_prefix.clone()),
            read_store.clone(),
            background.clone(),
        );
        let indexing = tokio::spawn(create_indexes(read_store.clone(), background.clone()));
        let readiness = Readiness::new()
            .with(MongoProbe(mongo.clone()))
            .with(RedisProbe(redis.clone()));
        let popularity = catalog::popularity::Popularity::new(
            store,
            shared_dto::trending::TrendingKeys::new(config.hold_key_prefix.clone()),
        );
        let hot = catalog::hot::HotReads::new();
        let notices = tokio::spawn(read_cache::notices::follow(
            redis.clone(),
            config.hold_key_prefix.clone(),
            vec![Arc::new(hot.clone()), Arc::new(live.clone())],
            background.clone(),
        ));
        let waiting_room = waiting_room::Rooms::new(
            config.redis.store()?,
            shared_dto::waiting_room::QueueKeys::new(config.hold_key_prefix.clone()),
            background.child_token(),
        );
        let state = AppState {
            read_store,
            waiting_room: waiting_room.clone(),
            popularity,
            redis,
            auth,
            live: live.clone(),
            hot,
        };
        let server = HttpServer::bind(&config.server, config::DEFAULT_ADDR).await?;
        Ok(Self {
            server,
            router: router(state, readiness),
            background,
            indexing,
            notices,
            live,
            waiting_room,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    /// Serves until `shutdown` resolves; open streams are ended promptly, then in-flight
    /// requests drain and background tasks stop.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let live = self.live.clone();
        let rooms = self.waiting_room.clone();
        let shutdown = async move {
            shutdown.await;
            live.close_streams();
            rooms.close_streams();
        };
        let served = self.server.serve(self.router, shutdown).await;
        self.background.cancel();
        self.live.stopped().await;
        if let Err(error) = self.indexing.await {
            tracing::warn!(%error, "the index task failed");
        }
        if let Err(error) = self.notices.await {
            tracing::warn!(%error, "the read-model notice task failed");
        }
        served
    }
}

/// Creates the catalogue's indexes, retrying while the read store is unreachable (the service
/// starts and reports not-ready meanwhile rather than failing).
async fn create_indexes(read_store: mongodb::Database, stop: CancellationToken) {
    let mut backoff = Backoff::new(
        std::time::Duration::from_millis(200),
        std::time::Duration::from_secs(5),
    );
    while let Err(error) = catalog::indexes(&read_store).await {
        tracing::warn!(%error, "creating catalogue indexes failed; retrying");
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(backoff.next_delay()) => {}
        }
    }
}

#[derive(OpenApi)]
#[openapi(info(
    title = "Boxoffice query-service",
    description = "Public catalogue, seat maps and live seat streams under /api/catalog."
))]
struct ApiDoc;

/// The HTTP surface, without a socket, so tests can drive it directly.
pub fn router(state: AppState, readiness: Readiness) -> Router {
    let (api, mut openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(catalog::routes())
        .merge(live::routes())
        .merge(waiting_room::routes())
        .split_for_parts();
    // Applied to the finished document: the routes add their paths after `ApiDoc`.
    utoipa::Modify::modify(&service_runtime::openapi::CommonResponses, &mut openapi);
    Router::new()
        .merge(operations_router(SERVICE, readiness))
        .route("/openapi.json", get(move || async move { Json(openapi) }))
        // gzip or brotli as the client asks, for answers built per request (the organisers'
        // sales); cached answers come compressed already (`read_cache::body`), which the layer
        // leaves alone, as it does SSE streams (`text/event-stream`).
        .merge(
            api.layer(
                tower_http::compression::CompressionLayer::new()
                    .gzip(true)
                    .br(true),
            ),
        )
        .fallback(unknown_route)
        .method_not_allowed_fallback(service_runtime::routing::method_not_allowed)
        .with_state(state)
}

async fn unknown_route() -> ApiError {
    ApiError::NotFound
}
