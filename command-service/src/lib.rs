//! Write model: organisations, venues, events, sessions, seat-map layouts, tiers and discounts.
//!
//! The command side of the CQRS split and the single source of truth that Debezium streams
//! from. Every write is one PostgreSQL transaction, validated in full before it starts.

pub mod access;
pub mod config;
pub mod data;
pub mod error;
pub mod routes;
pub mod session_status;
pub mod state;

use std::future::Future;
use std::net::SocketAddr;

use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::{Json, Router};
use service_runtime::auth::Authenticator;
use service_runtime::openapi::BearerAuth;
use service_runtime::probe::PostgresProbe;
use service_runtime::{HttpServer, Readiness, StartupError, operations_router};
use shared_dto::layout::MAX_LAYOUT_BYTES;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use config::Config;
use error::ApiError;
use state::AppState;

/// The name this service reports in `/health` and logs.
pub const SERVICE: &str = "command-service";

/// The write model's schema; `command-service migrate` applies it. Order-service keeps its own
/// migrations in the same database, so versions this migrator does not know are expected.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate::Migrator {
    ignore_missing: true,
    ..sqlx::migrate!("./migrations")
};

/// Ordinary JSON bodies stay small; only layouts may be large.
const MAX_BODY_BYTES: usize = 256 * 1024;

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
        let auth = Authenticator::new(&config.oidc)?;
        let readiness = Readiness::new()
            .with(PostgresProbe(pool.clone()))
            .with(auth.probe());
        let server = HttpServer::bind(&config.server, config::DEFAULT_ADDR).await?;
        Ok(Self {
            server,
            router: router(AppState { pool, auth }, readiness),
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

#[derive(OpenApi)]
#[openapi(
    info(title = "Boxoffice command-service", description = "Organisers' write API under /api/manage."),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

/// The HTTP surface, without a socket, so tests can drive it directly.
pub fn router(state: AppState, readiness: Readiness) -> Router {
    use routes::{
        discounts, events, layouts, organisations, sessions, tiers, venues, waiting_room,
    };
    let layouts_api = OpenApiRouter::new()
        .routes(routes!(
            layouts::put_event_layout,
            layouts::get_event_layout
        ))
        .routes(routes!(
            layouts::put_session_layout,
            layouts::get_session_layout
        ))
        .layer(DefaultBodyLimit::max(MAX_LAYOUT_BYTES));
    let (api, mut openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(
            organisations::create_organisation,
            organisations::list_organisations
        ))
        .routes(routes!(organisations::get_organisation))
        .routes(routes!(organisations::add_member))
        .routes(routes!(
            organisations::change_member,
            organisations::remove_member
        ))
        .routes(routes!(layouts::create_template, layouts::list_templates))
        .routes(routes!(layouts::apply_template))
        .routes(routes!(layouts::get_template))
        .routes(routes!(venues::create_venue))
        .routes(routes!(venues::get_venue, venues::update_venue))
        .routes(routes!(events::create_event, events::list_events))
        .routes(routes!(
            events::get_event,
            events::update_event,
            events::delete_event
        ))
        .routes(routes!(events::publish_event))
        .routes(routes!(events::cancel_event))
        .routes(routes!(tiers::create_tier, tiers::list_tiers))
        .routes(routes!(tiers::update_tier, tiers::delete_tier))
        .routes(routes!(sessions::create_session, sessions::list_sessions))
        .routes(routes!(sessions::get_session, sessions::update_session))
        .routes(routes!(sessions::change_session_status))
        .routes(routes!(
            waiting_room::get_waiting_room,
            waiting_room::set_waiting_room
        ))
        .routes(routes!(
            discounts::create_discount,
            discounts::list_discounts
        ))
        .routes(routes!(
            discounts::update_discount,
            discounts::delete_discount
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .merge(layouts_api)
        .split_for_parts();
    // Applied to the finished document: the routes add their paths after `ApiDoc`.
    utoipa::Modify::modify(&service_runtime::openapi::CommonResponses, &mut openapi);
    Router::new()
        .merge(operations_router(SERVICE, readiness))
        .route("/openapi.json", get(move || async move { Json(openapi) }))
        .merge(api)
        .fallback(unknown_route)
        .method_not_allowed_fallback(service_runtime::routing::method_not_allowed)
        .with_state(state)
}

async fn unknown_route() -> ApiError {
    ApiError::NotFound
}
