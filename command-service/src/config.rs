//! The command-service configuration: flags, with environment variables as the usual source.

use std::net::{Ipv4Addr, SocketAddr};

use service_runtime::ServerArgs;
use service_runtime::engine::{OidcArgs, PostgresArgs};
use service_runtime::telemetry::LogArgs;

/// Where the service listens when neither `--listen` nor `LISTEN_ADDR` says otherwise.
pub const DEFAULT_ADDR: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 8081);

#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "command-service",
    version,
    about = "Write model: organisations, venues, events, sessions, seat-map layouts, tiers and discounts."
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
    pub oidc: OidcArgs,
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum Command {
    /// Serve the HTTP API (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
}
