//! The scheduler configuration: flags, with environment variables as the usual source.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use service_runtime::ServerArgs;
use service_runtime::engine::{KafkaArgs, OidcArgs, PostgresArgs, RedisArgs};
use service_runtime::redact::Secret;
use service_runtime::telemetry::LogArgs;

use crate::feed::Scope;

/// Where the service listens when neither `--listen` nor `LISTEN_ADDR` says otherwise.
pub const DEFAULT_ADDR: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 8084);

#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "scheduler",
    version,
    about = "Durable time-based jobs driven by session changes: on-sale, close, reminders, expiry sweeps."
)]
pub struct Config {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub server: ServerArgs,
    #[command(flatten)]
    pub log: LogArgs,
    #[command(flatten)]
    pub postgres: PostgresArgs,
    #[command(flatten)]
    pub kafka: KafkaArgs,
    #[command(flatten)]
    pub oidc: OidcArgs,
    /// Page views are read from, and trending scores written to, Redis.
    #[command(flatten)]
    pub redis: RedisArgs,
    #[command(flatten)]
    pub jobs: JobArgs,
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum Command {
    /// Run the jobs and serve the operational endpoints (the default).
    Serve,
    /// Apply the scheduler's database migrations and exit.
    Migrate,
}

#[derive(Debug, Clone, clap::Args)]
pub struct JobArgs {
    /// Consumer group of the change feed; every replica of the scheduler shares it.
    #[arg(
        long,
        env = "SCHEDULER_GROUP_ID",
        default_value = "boxoffice-scheduler"
    )]
    pub group_id: String,
    /// Debezium's topic prefix (`<prefix>.public.<table>`).
    #[arg(long, env = "CDC_TOPIC_PREFIX", default_value = shared_dto::topic::CDC_TOPIC_PREFIX)]
    pub topic_prefix: String,
    /// command-service, which the scheduler asks to change session status.
    #[arg(long, env = "COMMAND_API_URL", default_value = "http://127.0.0.1:8081")]
    pub command_api_url: String,
    /// order-service, which the scheduler asks to refund cancelled sessions.
    #[arg(long, env = "ORDER_API_URL", default_value = "http://127.0.0.1:8083")]
    pub order_api_url: String,
    /// The client-credentials client the scheduler signs in as.
    #[arg(long, env = "SERVICE_CLIENT_ID", default_value = "boxoffice-services")]
    pub service_client_id: String,
    /// Its secret (the local identity provider's development secret by default).
    #[arg(
        long,
        env = "SERVICE_CLIENT_SECRET",
        default_value = "boxoffice-services-secret",
        hide_default_value = true
    )]
    pub service_client_secret: Secret,
    /// How often due jobs are looked for, in milliseconds.
    #[arg(long, env = "SCHEDULER_POLL_MS", default_value_t = 1000)]
    pub poll_ms: u64,
    /// How often trending scores are recomputed, in seconds.
    #[arg(long, env = "TRENDING_INTERVAL_SECS", default_value_t = 300)]
    pub trending_interval_secs: u64,
    /// Prefix of every Redis key and channel (see `shared_dto::seat_hold`); order-service,
    /// query-service and the scheduler must agree on it.
    #[arg(long, env = "HOLD_KEY_PREFIX", default_value = shared_dto::seat_hold::DEFAULT_PREFIX)]
    pub hold_key_prefix: String,
    /// Keep to these events' sessions (comma-separated ids): a replica that serves some
    /// tenants only, or a test on a change stream it shares. All events when not given.
    #[arg(long, value_delimiter = ',')]
    pub only_events: Vec<uuid::Uuid>,
    /// Which sessions to plan for: `--only-events`, or set directly by a test (see [`Scope`]).
    #[arg(skip)]
    pub scope: Scope,
}

impl JobArgs {
    pub fn poll_interval(&self) -> Duration {
        Duration::from_millis(self.poll_ms.max(10))
    }

    /// The scope the replica keeps to: one set in code wins over `--only-events`.
    pub fn effective_scope(&self) -> Scope {
        match (&self.scope, self.only_events.is_empty()) {
            (Scope::Everything, false) => Scope::Events(self.only_events.iter().copied().collect()),
            (scope, _) => scope.clone(),
        }
    }

    pub fn trending_interval(&self) -> Duration {
        Duration::from_secs(self.trending_interval_secs.max(1))
    }
}
