//! The order-service configuration: flags, with environment variables as the usual source.

use std::net::{Ipv4Addr, SocketAddr};

use service_runtime::ServerArgs;
use service_runtime::engine::{OidcArgs, PostgresArgs, RedisArgs};
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
}
