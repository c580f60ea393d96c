//! The projector configuration: flags, with environment variables as the usual source.

use std::net::{Ipv4Addr, SocketAddr};

use service_runtime::ServerArgs;
use service_runtime::engine::{KafkaArgs, MongoArgs};
use service_runtime::telemetry::LogArgs;

/// Where the service listens when neither `--listen` nor `LISTEN_ADDR` says otherwise.
pub const DEFAULT_ADDR: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 8085);

#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "projector",
    version,
    about = "Consumes Debezium change topics and maintains the denormalised MongoDB read models."
)]
pub struct Config {
    #[command(flatten)]
    pub server: ServerArgs,
    #[command(flatten)]
    pub log: LogArgs,
    #[command(flatten)]
    pub kafka: KafkaArgs,
    #[command(flatten)]
    pub mongo: MongoArgs,
}
