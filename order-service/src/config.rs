//! The order-service configuration: flags, with environment variables as the usual source.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use service_runtime::ServerArgs;
use service_runtime::engine::{OidcArgs, PostgresArgs, RedisArgs};
pub use service_runtime::redact::Secret;
use service_runtime::telemetry::LogArgs;

/// Where the service listens when neither `--listen` nor `LISTEN_ADDR` says otherwise.
pub const DEFAULT_ADDR: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 8083);

#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "order-service",
    version,
    about = "Seat holds in Redis, orders and tickets in PostgreSQL, payments and check-in."
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
    pub redis: RedisArgs,
    #[command(flatten)]
    pub oidc: OidcArgs,
    #[command(flatten)]
    pub sales: SalesArgs,
    #[command(flatten)]
    pub payments: PaymentArgs,
    #[command(flatten)]
    pub tickets: TicketArgs,
    #[command(flatten)]
    pub mail: MailArgs,
    #[command(flatten)]
    pub waiting_room: WaitingRoomArgs,
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum Command {
    /// Serve the HTTP API (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
}

/// Holds and orders.
#[derive(Debug, Clone, clap::Args)]
pub struct SalesArgs {
    /// How long a hold keeps its seats, in seconds.
    #[arg(long, env = "HOLD_TTL_SECS", default_value_t = 300)]
    pub hold_ttl_secs: u64,
    /// How much time the one allowed extension of a hold adds, in seconds.
    #[arg(long, env = "HOLD_EXTENSION_SECS", default_value_t = 120)]
    pub hold_extension_secs: u64,
    /// Most seats and standing places one buyer may hold at once in one session.
    #[arg(long, env = "MAX_SEATS_PER_BUYER", default_value_t = 10)]
    pub max_seats_per_buyer: u32,
    /// How often overdue orders are expired and unsettled payments followed up, in ms.
    #[arg(long, env = "SWEEP_INTERVAL_MS", default_value_t = 5_000)]
    pub sweep_interval_ms: u64,
    /// Prefix of every Redis key and channel (see `shared_dto::seat_hold`); order-service,
    /// query-service and the scheduler must agree on it.
    #[arg(long, env = "HOLD_KEY_PREFIX", default_value = shared_dto::seat_hold::DEFAULT_PREFIX)]
    pub hold_key_prefix: String,
}

impl SalesArgs {
    pub fn hold_ttl(&self) -> Duration {
        Duration::from_secs(self.hold_ttl_secs.max(1))
    }

    pub fn hold_extension(&self) -> Duration {
        Duration::from_secs(self.hold_extension_secs)
    }

    pub fn sweep_interval(&self) -> Duration {
        Duration::from_millis(self.sweep_interval_ms.max(10))
    }
}

/// Which payment provider takes the money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ProviderKind {
    /// Test card numbers, no money moves (see the `/pay` operation in the OpenAPI document).
    Sandbox,
    /// Stripe PaymentIntents.
    Stripe,
}

#[derive(Debug, Clone, clap::Args)]
pub struct PaymentArgs {
    #[arg(long, env = "PAYMENT_PROVIDER", value_enum, default_value = "sandbox")]
    pub payment_provider: ProviderKind,
    /// How long the sandbox's delayed test card takes to settle, in ms.
    #[arg(long, env = "SANDBOX_SETTLE_DELAY_MS", default_value_t = 3_000)]
    pub sandbox_settle_delay_ms: u64,
    /// Base URL of the Stripe API.
    #[arg(
        long,
        env = "STRIPE_API_BASE",
        default_value = "https://api.stripe.com"
    )]
    pub stripe_api_base: String,
    /// Stripe secret API key; required with `--payment-provider stripe`.
    #[arg(long, env = "STRIPE_SECRET_KEY", hide_env_values = true)]
    pub stripe_secret_key: Option<Secret>,
    /// Signing secret of the Stripe webhook endpoint (`whsec_…`); webhooks are refused without it.
    #[arg(long, env = "STRIPE_WEBHOOK_SECRET", hide_env_values = true)]
    pub stripe_webhook_secret: Option<Secret>,
    /// Oldest webhook signature accepted, in seconds (Stripe's own libraries use 300).
    #[arg(long, env = "STRIPE_WEBHOOK_TOLERANCE_SECS", default_value_t = 300)]
    pub stripe_webhook_tolerance_secs: u64,
}

#[derive(Debug, Clone, clap::Args)]
pub struct TicketArgs {
    /// File with the Ed25519 key that signs ticket QR codes: its 32-byte seed as 64 hex
    /// characters. Without it a key is made up at start-up, and codes issued before a
    /// restart no longer verify.
    #[arg(long, env = "TICKET_SIGNING_KEY_FILE")]
    pub ticket_signing_key_file: Option<PathBuf>,
}

/// Mail to buyers.
#[derive(Debug, Clone, clap::Args)]
pub struct MailArgs {
    /// The SMTP server mail goes out through (`smtp://host:port`).
    #[arg(long, env = "SMTP_URL", default_value = "smtp://127.0.0.1:2525")]
    pub smtp_url: String,
    /// Who mail to buyers comes from.
    #[arg(
        long,
        env = "MAIL_FROM",
        default_value = "Boxoffice <tickets@boxoffice.test>"
    )]
    pub mail_from: String,
    /// How often the outbox is looked at for mail to send, in milliseconds.
    #[arg(long, env = "MAIL_POLL_MS", default_value_t = 500)]
    pub mail_poll_ms: u64,
}

/// The waiting room in front of flash sales (settings per session come from command-service).
#[derive(Debug, Clone, clap::Args)]
pub struct WaitingRoomArgs {
    /// Joins of a waiting room's queue one client address may make per minute.
    #[arg(long, env = "QUEUE_JOINS_PER_MINUTE", default_value_t = 30)]
    pub queue_joins_per_minute: u32,
}
