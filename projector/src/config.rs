//! The projector configuration: flags, with environment variables as the usual source.

use std::net::{Ipv4Addr, SocketAddr};

use service_runtime::ServerArgs;
use service_runtime::engine::{KafkaArgs, MongoArgs};
use service_runtime::telemetry::LogArgs;

/// Where the operational endpoints listen when neither `--listen` nor `LISTEN_ADDR` says otherwise.
pub const DEFAULT_ADDR: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 8085);

#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "projector",
    version,
    about = "Consumes Debezium change topics and maintains the denormalised MongoDB read models."
)]
pub struct Config {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub server: ServerArgs,
    #[command(flatten)]
    pub log: LogArgs,
    #[command(flatten)]
    pub kafka: KafkaArgs,
    #[command(flatten)]
    pub mongo: MongoArgs,
    #[command(flatten)]
    pub projection: ProjectionArgs,
    #[command(flatten)]
    pub notices: crate::read_model_notice::NoticeArgs,
}

/// Where change events come from and where poison messages go.
#[derive(Debug, Clone, clap::Args)]
pub struct ProjectionArgs {
    /// Consumer group; every projector replica of one deployment shares it.
    #[arg(
        long = "group-id",
        env = "PROJECTOR_GROUP_ID",
        default_value = "boxoffice-projector"
    )]
    pub group_id: String,
    /// Debezium `topic.prefix`; tables are read from `<prefix>.public.<table>`.
    #[arg(long = "topic-prefix", env = "CDC_TOPIC_PREFIX", default_value = shared_dto::topic::CDC_TOPIC_PREFIX)]
    pub topic_prefix: String,
    /// Where messages that cannot be projected go, with the error, so the stream goes on.
    #[arg(
        long = "dead-letter-topic",
        env = "PROJECTOR_DEAD_LETTER_TOPIC",
        default_value = "boxoffice.projector.dead-letter"
    )]
    pub dead_letter_topic: String,
    /// Kafka session timeout; the local broker delays JoinGroup by about half of it.
    #[arg(long, env = "KAFKA_SESSION_TIMEOUT_MS", default_value_t = 6000)]
    pub session_timeout_ms: u32,
    /// How long a fetch may wait on the broker for changes (see `consumer::consumer`): idle
    /// CPU on the local broker against latency per change there; with Kafka it costs nothing.
    #[arg(long, env = "PROJECTOR_FETCH_WAIT_MS", default_value_t = 250)]
    pub fetch_wait_ms: u32,
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum Command {
    /// Consume and project (the default).
    Run,
    /// Drop every read model and rewind the consumer group to the earliest offsets, so the
    /// next run rebuilds everything from the change topics.
    Rebuild,
}
