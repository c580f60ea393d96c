//! Seat holds in Redis, orders and tickets in PostgreSQL, payments and check-in: the
//! flash-sale path.
//!
//! A seat is sold at most once, whatever happens to Redis or to a process mid-order: a hold
//! (one Lua script, all-or-nothing, with a TTL) is the fast path that keeps buyers from
//! colliding; PostgreSQL's partial unique indexes over live order items and valid tickets
//! are the last word. A payment that arrives after its hold ran out completes the sale only
//! if the places are still free, and is refunded otherwise.

pub mod access;
pub mod buyer;
pub mod check_in;
pub mod checkout;
pub mod config;
pub mod data;
pub mod error;
pub mod fulfilment;
pub mod mail;
pub mod order_access;
pub mod payment;
pub mod pricing;
pub mod refunds;
pub mod routes;
pub mod seat_hold;
pub mod seat_selection;
pub mod signing;
pub mod state;
pub mod sweeper;
pub mod ticket_number;
pub mod waiting_room;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::{Json, Router};
use service_runtime::auth::Authenticator;
use service_runtime::openapi::BearerAuth;
use service_runtime::probe::{PostgresProbe, RedisProbe};
use service_runtime::{HttpServer, Readiness, StartupError, operations_router};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use config::Config;
use config::ProviderKind;
use data::holds::HoldStore;
use data::sessions::SeatMapCache;
use error::ApiError;
use order_access::OrderAccess;
use payment::PaymentProvider;
use payment::stripe::WebhookVerifier;
use signing::TicketSigner;
pub use state::{AppState, SaleRules};

/// The name this service reports in `/health` and logs.
pub const SERVICE: &str = "order-service";

/// Orders, payments and tickets; `order-service migrate` applies them after command-service's
/// migrations (same database), whose versions this migrator does not know.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate::Migrator {
    ignore_missing: true,
    ..sqlx::migrate!("./migrations")
};

/// Request bodies are small; a batch of offline scans is the largest.
const MAX_BODY_BYTES: usize = 512 * 1024;

/// What can stop the service from starting.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Runtime(#[from] StartupError),
    #[error(transparent)]
    SigningKey(#[from] signing::SigningKeyError),
    #[error("payment settings: {0}")]
    Payments(String),
    #[error("mail settings: {0}")]
    Mail(String),
}

/// A built service: listener bound, engines configured, ready to serve.
pub struct App {
    server: HttpServer,
    router: Router,
    state: AppState,
    sweep_interval: Duration,
    mail: MailSetup,
}

/// How mail goes out, settled at start-up.
struct MailSetup {
    transport: lettre::AsyncSmtpTransport<lettre::Tokio1Executor>,
    from: lettre::message::Mailbox,
    poll_interval: Duration,
}

impl App {
    /// Binds the listener and sets up engine clients; engines are connected lazily, so an
    /// engine that is down makes the service not ready rather than stopping it.
    pub async fn build(config: Config) -> Result<Self, BuildError> {
        let pool = config.postgres.pool().map_err(StartupError::from)?;
        let redis = config.redis.client().map_err(StartupError::from)?;
        let auth = Authenticator::new(&config.oidc).map_err(StartupError::from)?;
        let holds = HoldStore::new(
            config.redis.store().map_err(StartupError::from)?,
            shared_dto::seat_hold::HoldKeys::new(config.sales.hold_key_prefix.clone()),
        );
        let payments = payment_provider(&config.payments)?;
        let tickets = TicketSigner::load(config.tickets.ticket_signing_key_file.as_deref())?;
        let readiness = Readiness::new()
            .with(PostgresProbe(pool.clone()))
            .with(RedisProbe(redis))
            .with(auth.probe());
        let state = AppState {
            pool,
            auth,
            holds: holds.clone(),
            seat_maps: Arc::new(SeatMapCache::default()),
            payments,
            webhooks: WebhookVerifier::new(
                config.payments.stripe_webhook_secret.clone(),
                Duration::from_secs(config.payments.stripe_webhook_tolerance_secs),
            ),
            waiting_room: Arc::new(waiting_room::WaitingRoom::new(
                config.redis.store().map_err(StartupError::from)?,
                shared_dto::waiting_room::QueueKeys::new(holds.keys().prefix()),
                tickets.derive_secret("admission-pass"),
                config.waiting_room.queue_joins_per_minute,
            )),
            order_access: Arc::new(OrderAccess::new(tickets.derive_secret("order-access"))),
            tickets: Arc::new(tickets),
            rules: SaleRules {
                hold_ttl: config.sales.hold_ttl(),
                hold_extension: config.sales.hold_extension(),
                max_places_per_buyer: config.sales.max_seats_per_buyer,
            },
        };
        let mail = MailSetup {
            transport: smtp_transport(&config.mail.smtp_url)?,
            from: config
                .mail
                .mail_from
                .parse()
                .map_err(|error| BuildError::Mail(format!("--mail-from: {error}")))?,
            poll_interval: Duration::from_millis(config.mail.mail_poll_ms.max(10)),
        };
        let server = HttpServer::bind(&config.server, config::DEFAULT_ADDR)
            .await
            .map_err(StartupError::from)?;
        Ok(Self {
            server,
            router: router(state.clone(), readiness),
            state,
            sweep_interval: config.sales.sweep_interval(),
            mail,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    /// Serves until `shutdown` resolves, then drains in-flight requests and stops the
    /// sweeper.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let stop = CancellationToken::new();
        let tasks = TaskTracker::new();
        tasks.spawn(
            mail::sender::MailSender {
                state: self.state.clone(),
                transport: self.mail.transport,
                from: self.mail.from,
                poll_interval: self.mail.poll_interval,
                stop: stop.clone(),
            }
            .run(),
        );
        tasks.spawn(waiting_room::admission::run(
            self.state.clone(),
            stop.clone(),
        ));
        tasks.spawn(sweeper::run(self.state, self.sweep_interval, stop.clone()));
        tasks.close();
        let stop_on_shutdown = stop.clone();
        let served = self
            .server
            .serve(self.router, async move {
                shutdown.await;
                stop_on_shutdown.cancel();
            })
            .await;
        stop.cancel();
        tasks.wait().await;
        served
    }
}

/// An SMTP relay reached without TLS: the local sink, or a relay inside the cluster's private
/// network (which does the encrypted delivery onwards).
fn smtp_transport(
    url: &str,
) -> Result<lettre::AsyncSmtpTransport<lettre::Tokio1Executor>, BuildError> {
    let invalid = |why: &str| BuildError::Mail(format!("--smtp-url {url}: {why}"));
    let parsed = reqwest::Url::parse(url).map_err(|error| invalid(&error.to_string()))?;
    if parsed.scheme() != "smtp" {
        return Err(invalid(
            "only smtp://host:port (a relay on a private network) is supported",
        ));
    }
    let host = parsed.host_str().ok_or_else(|| invalid("no host"))?;
    Ok(
        lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::builder_dangerous(host)
            .port(parsed.port().unwrap_or(25))
            .timeout(Some(Duration::from_secs(10)))
            .build(),
    )
}

fn payment_provider(args: &config::PaymentArgs) -> Result<Arc<dyn PaymentProvider>, BuildError> {
    Ok(match args.payment_provider {
        ProviderKind::Sandbox => Arc::new(payment::sandbox::Sandbox::new(Duration::from_millis(
            args.sandbox_settle_delay_ms,
        ))),
        ProviderKind::Stripe => {
            let key = args.stripe_secret_key.clone().ok_or_else(|| {
                BuildError::Payments("--stripe-secret-key is required for Stripe".to_owned())
            })?;
            let stripe = payment::stripe::Stripe::new(&args.stripe_api_base, key)
                .map_err(|error| BuildError::Payments(error.to_string()))?;
            Arc::new(stripe)
        }
    })
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Boxoffice order-service",
        description = "Seat holds, orders, payments and tickets under /api/sales; check-in under \
            /api/check-in.\n\n\
            **Buyer identity.** A signed-in buyer (bearer token) is the token's subject. A guest \
            sends a `buyer_id` of their own making (8-64 characters of A-Z, a-z, 0-9, `-`, `_`) \
            with each hold; it scopes the per-buyer hold cap. A hold taken while signed in can \
            only be ordered by the same user; a guest's hold by whoever has its token.\n\n\
            **Hold tokens** are secrets: whoever has one can order, extend or release the hold."
    ),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

/// Paths of the check-in API, documented apart from the sales API.
const CHECK_IN_PREFIX: &str = "/api/check-in/";

/// The HTTP surface, without a socket, so tests can drive it directly.
pub fn router(state: AppState, readiness: Readiness) -> Router {
    use routes::{check_in, holds, orders, payments, refunds, reports, tickets, waiting_room};
    let (api, mut openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(holds::hold_seats))
        .routes(routes!(holds::release_hold))
        .routes(routes!(holds::extend_hold))
        .routes(routes!(waiting_room::room_state, waiting_room::join_queue))
        .routes(routes!(waiting_room::my_place))
        .routes(routes!(waiting_room::queue_stats))
        .routes(routes!(orders::create_order))
        .routes(routes!(orders::get_order))
        .routes(routes!(orders::cancel_order))
        .routes(routes!(payments::pay_order))
        .routes(routes!(refunds::refund_order))
        .routes(routes!(refunds::refund_session))
        .routes(routes!(refunds::remind_session))
        .routes(routes!(reports::event_orders))
        .routes(routes!(reports::event_attendees))
        .routes(routes!(payments::stripe_webhook))
        .routes(routes!(tickets::my_tickets))
        .routes(routes!(tickets::ticket_signing_key))
        .routes(routes!(check_in::scan_ticket))
        .routes(routes!(check_in::scan_batch))
        .routes(routes!(check_in::session_manifest))
        .routes(routes!(check_in::session_counts))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .split_for_parts();
    // Applied to the finished document: the routes add their paths after `ApiDoc`.
    utoipa::Modify::modify(&service_runtime::openapi::CommonResponses, &mut openapi);
    // One document per public prefix: /api/sales (served as /openapi.json) and /api/check-in.
    let mut check_in_doc = openapi.clone();
    openapi
        .paths
        .paths
        .retain(|path, _| !path.starts_with(CHECK_IN_PREFIX));
    check_in_doc
        .paths
        .paths
        .retain(|path, _| path.starts_with(CHECK_IN_PREFIX));
    check_in_doc.info.title = "Boxoffice check-in".to_owned();
    check_in_doc.info.description = Some(
        "Ticket scanning for staff under /api/check-in: one scan, or offline batches with \
         client scan ids (idempotent). Tickets verify offline with the key at \
         /api/sales/ticket-signing-key."
            .to_owned(),
    );
    Router::new()
        .merge(operations_router(SERVICE, readiness))
        .route("/openapi.json", get(move || async move { Json(openapi) }))
        .route(
            "/openapi/check-in.json",
            get(move || async move { Json(check_in_doc) }),
        )
        .merge(api)
        .fallback(unknown_route)
        .method_not_allowed_fallback(service_runtime::routing::method_not_allowed)
        .with_state(state)
}

async fn unknown_route() -> ApiError {
    ApiError::NotFound
}
