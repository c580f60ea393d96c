//! Live seat state: seat maps merged with holds from Redis, and server-sent event streams of
//! seat changes (and organiser sales activity) driven by Redis keyspace notifications and
//! pub/sub.
//!
//! Every replica subscribes to every change (`feed`) and fans it out in-process to the streams
//! of the sessions it serves (`fanout`); a stream starts from a merged snapshot (`snapshot`)
//! or resumes from a bounded replay buffer, and falls back to a fresh snapshot whenever it
//! may have missed something.

mod client_limit;
mod error;
pub mod event;
mod fanout;
mod feed;
mod fresh_build;
mod instruments;
mod sales;
mod seat_map;
pub mod snapshot;
mod sold;
mod stream;

use std::sync::Arc;
use std::time::Duration;

use service_runtime::redis_store::RedisStore;
use shared_dto::seat_hold::HoldKeys;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use crate::client_ip::ClientIp;
use crate::state::AppState;
use client_limit::StreamLimiter;
use fanout::Hub;
use fanout::SeatChannelState;
use snapshot::SnapshotSource;
use sold::SoldLedger;

pub use error::LiveError;

/// How long a new stream waits for the Redis feed to (re)subscribe before it is refused.
const FEED_WAIT: Duration = Duration::from_secs(3);

/// Options of the live seat streams.
#[derive(Debug, Clone, clap::Args)]
pub struct LiveArgs {
    /// Seconds between heartbeat comments on an idle stream, so proxies keep it open.
    #[arg(
        long = "sse-heartbeat-secs",
        env = "SSE_HEARTBEAT_SECS",
        default_value_t = 15,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub heartbeat_secs: u64,
    /// Changes queued per stream before a client counts as lagging and is resynchronised
    /// with a fresh snapshot.
    #[arg(
        long = "sse-broadcast-capacity",
        env = "SSE_BROADCAST_CAPACITY",
        default_value_t = 1024,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub broadcast_capacity: u64,
    /// Recent changes kept per session for resuming with `Last-Event-ID`.
    #[arg(
        long = "sse-replay-capacity",
        env = "SSE_REPLAY_CAPACITY",
        default_value_t = 1024
    )]
    pub replay_capacity: u64,
    /// Seconds a session's or event's change buffer is kept after its last stream closed, so
    /// a client that was the only watcher can reconnect with `Last-Event-ID` and miss nothing.
    #[arg(
        long = "sse-replay-linger-secs",
        env = "SSE_REPLAY_LINGER_SECS",
        default_value_t = 300
    )]
    pub replay_linger_secs: u64,
    /// Most open streams per client address (IPv6: per /64), 0 for unlimited. Against one
    /// client hoarding streams; set far above one person's needs because everyone behind a
    /// NAT address shares it (see `client_limit`).
    #[arg(
        long = "sse-max-streams-per-ip",
        env = "SSE_MAX_STREAMS_PER_IP",
        default_value_t = 2_000
    )]
    pub max_streams_per_ip: usize,
    /// Most open streams on this replica, 0 for unlimited: what bounds its memory (about
    /// 20 KiB a stream), whoever opens them. Past it a new stream is answered 503.
    #[arg(
        long = "sse-max-streams",
        env = "SSE_MAX_STREAMS",
        default_value_t = 50_000
    )]
    pub max_streams: usize,
    /// First delay before reconnecting to Redis after the notification feed is lost, in ms;
    /// it doubles per failed attempt (with jitter) up to `--redis-reconnect-max-ms`.
    #[arg(
        long = "redis-reconnect-min-ms",
        env = "REDIS_RECONNECT_MIN_MS",
        default_value_t = 100
    )]
    pub reconnect_min_ms: u64,
    /// Longest delay between two reconnection attempts, in ms.
    #[arg(
        long = "redis-reconnect-max-ms",
        env = "REDIS_RECONNECT_MAX_MS",
        default_value_t = 5_000
    )]
    pub reconnect_max_ms: u64,
    /// Seconds between liveness pings on the notification connection, which detect a
    /// connection that died without being closed.
    #[arg(
        long = "redis-feed-ping-secs",
        env = "REDIS_FEED_PING_SECS",
        default_value_t = 5,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub feed_ping_secs: u64,
    /// How long seats announced as sold are remembered, to cover the projection's lag before
    /// they appear in `sold_places`.
    #[arg(
        long = "sold-memory-secs",
        env = "SOLD_MEMORY_SECS",
        default_value_t = 600
    )]
    pub sold_memory_secs: u64,
}

impl LiveArgs {
    fn heartbeat(&self) -> Duration {
        Duration::from_secs(self.heartbeat_secs)
    }
}

/// The live seat fan-out of this replica.
#[derive(Clone)]
pub struct LiveSeats(Arc<Inner>);

struct Inner {
    heartbeat: Duration,
    seats: Arc<Hub<SeatChannelState>>,
    sales: Arc<Hub<()>>,
    snapshots: SnapshotSource,
    limiter: Arc<StreamLimiter>,
    /// Cancelled by `close_streams`, or with the service's stop token.
    streams_closed: CancellationToken,
    /// Whether the Redis feed is subscribed right now.
    feed_up: watch::Receiver<bool>,
    tasks: TaskTracker,
}

impl Inner {
    /// Waits (briefly) until the feed is subscribed: a stream started while this replica
    /// hears no changes could not tell its client about them.
    async fn feed_ready(&self) -> Result<(), LiveError> {
        let mut feed_up = self.feed_up.clone();
        match tokio::time::timeout(FEED_WAIT, feed_up.wait_for(|up| *up)).await {
            Ok(Ok(_)) => Ok(()),
            _ => Err(LiveError::Unavailable(
                "not subscribed to redis notifications".to_owned(),
            )),
        }
    }
}

impl LiveSeats {
    /// Starts the Redis notification feed; it connects in the background and keeps
    /// reconnecting, so the service starts while Redis is down.
    pub fn start(
        args: &LiveArgs,
        redis: RedisStore,
        keys: HoldKeys,
        read_store: mongodb::Database,
        stop: CancellationToken,
    ) -> Self {
        let capacity = usize::try_from(args.broadcast_capacity).unwrap_or(usize::MAX);
        let replay = usize::try_from(args.replay_capacity).unwrap_or(usize::MAX);
        let linger = Duration::from_secs(args.replay_linger_secs);
        let seats = Arc::new(Hub::new(capacity, replay, linger));
        let sales = Arc::new(Hub::new(capacity, replay, linger));
        let ledger = Arc::new(SoldLedger::new(Duration::from_secs(args.sold_memory_secs)));
        let snapshots =
            SnapshotSource::new(read_store, redis.clone(), keys.clone(), Arc::clone(&ledger));
        let tasks = TaskTracker::new();
        let (feed_state, feed_up) = watch::channel(false);
        tasks.spawn(feed::run(
            feed::Feed {
                up: feed_state,
                redis,
                keys,
                seats: Arc::clone(&seats),
                sales: Arc::clone(&sales),
                ledger,
                reconnect: service_runtime::Backoff::new(
                    Duration::from_millis(args.reconnect_min_ms.max(1)),
                    Duration::from_millis(args.reconnect_max_ms.max(args.reconnect_min_ms)),
                ),
                ping_every: Duration::from_secs(args.feed_ping_secs),
            },
            stop.clone(),
        ));
        Self(Arc::new(Inner {
            heartbeat: args.heartbeat(),
            seats,
            sales,
            snapshots,
            limiter: Arc::new(StreamLimiter::new(
                args.max_streams_per_ip,
                args.max_streams,
            )),
            streams_closed: stop.child_token(),
            feed_up,
            tasks,
        }))
    }

    /// Ends every open stream (graceful shutdown).
    pub fn close_streams(&self) {
        self.0.streams_closed.cancel();
    }

    /// Resolves once the background tasks have stopped (after the stop token is cancelled).
    pub async fn stopped(&self) {
        self.0.tasks.close();
        self.0.tasks.wait().await;
    }
}

impl crate::read_cache::notices::Invalidate for LiveSeats {
    fn invalidate(&self, change: &shared_dto::read_model_change::ReadModelChange) {
        if change.everything {
            self.0.snapshots.clear();
        } else {
            self.0
                .snapshots
                .invalidate(&change.sessions, &change.events);
        }
    }

    fn clear(&self) {
        self.0.snapshots.clear();
    }
}

/// The canonical form of a session id (the hyphenated lower-case UUID every writer uses);
/// anything else names no session.
fn session_key(id: &str) -> Result<String, LiveError> {
    uuid::Uuid::parse_str(id)
        .map(|id| id.to_string())
        .map_err(|_| LiveError::NotFound)
}

/// The event payloads of the streams, which no response body names.
#[derive(utoipa::OpenApi)]
#[openapi(components(schemas(
    event::SeatChange,
    event::SeatsSoldChange,
    event::Resync,
    event::ResyncReason
)))]
struct StreamPayloads;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(<StreamPayloads as utoipa::OpenApi>::openapi())
        .routes(routes!(seat_map::get_seat_map))
        .routes(routes!(stream::stream_seats))
        .routes(routes!(sales::stream_sales))
}
