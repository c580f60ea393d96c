//! The query-service configuration: flags, with environment variables as the usual source.

use std::net::{Ipv4Addr, SocketAddr};

use service_runtime::ServerArgs;
use service_runtime::engine::{MongoArgs, OidcArgs, RedisArgs};
use service_runtime::telemetry::LogArgs;

use crate::live::LiveArgs;

/// Where the service listens when neither `--listen` nor `LISTEN_ADDR` says otherwise.
pub const DEFAULT_ADDR: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 8082);

#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "query-service",
    version,
    about = "Public reads from the MongoDB read models; live seat maps over server-sent events."
)]
pub struct Config {
    #[command(flatten)]
    pub server: ServerArgs,
    #[command(flatten)]
    pub log: LogArgs,
    #[command(flatten)]
    pub mongo: MongoArgs,
    #[command(flatten)]
    pub redis: RedisArgs,
    #[command(flatten)]
    pub oidc: OidcArgs,
    #[command(flatten)]
    pub live: LiveArgs,
    /// Prefix of every Redis key and channel (see `shared_dto::seat_hold`); order-service,
    /// query-service and the scheduler must agree on it.
    #[arg(long, env = "HOLD_KEY_PREFIX", default_value = shared_dto::seat_hold::DEFAULT_PREFIX)]
    pub hold_key_prefix: String,
}
