//! The scheduler configuration: flags, with environment variables as the usual source.

use std::net::{Ipv4Addr, SocketAddr};

use service_runtime::ServerArgs;
use service_runtime::engine::{KafkaArgs, PostgresArgs};
use service_runtime::telemetry::LogArgs;

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
    #[command(flatten)]
    pub server: ServerArgs,
    #[command(flatten)]
    pub log: LogArgs,
    #[command(flatten)]
    pub postgres: PostgresArgs,
    #[command(flatten)]
    pub kafka: KafkaArgs,
}
