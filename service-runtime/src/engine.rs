//! Connection settings for each engine, as reusable `clap` argument groups.
//!
//! Defaults point at the local stack (`devstack/stack up`), so a service started with no
//! configuration talks to the engines on this machine; production sets the environment.
//! Connections are made lazily: a service starts even while an engine is down, reports
//! not-ready, and recovers without a restart once the engine is back.

use std::time::Duration;

use crate::probe::{KafkaProbe, MongoProbe, PostgresProbe, ProbeError, RedisProbe};

/// PostgreSQL, the write store.
#[derive(Debug, Clone, clap::Args)]
pub struct PostgresArgs {
    /// Connection URL of the service's database (carries the password: never logged).
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "postgres://boxoffice:boxoffice@127.0.0.1:15432/boxoffice",
        hide_env_values = true
    )]
    pub database_url: String,
    /// Upper bound on pooled connections.
    #[arg(long, env = "DATABASE_MAX_CONNECTIONS", default_value_t = 10)]
    pub database_max_connections: u32,
}

impl PostgresArgs {
    pub fn pool(&self) -> Result<sqlx::PgPool, sqlx::Error> {
        sqlx::postgres::PgPoolOptions::new()
            .max_connections(self.database_max_connections)
            .acquire_timeout(Duration::from_secs(3))
            .connect_lazy(&self.database_url)
    }
}

/// Redis, for seat holds and live fan-out.
#[derive(Debug, Clone, clap::Args)]
pub struct RedisArgs {
    /// The server's URL, or with `--redis-cluster` the cluster's seed nodes, comma-separated
    /// (may carry a password: never logged).
    #[arg(
        long,
        env = "REDIS_URL",
        default_value = "redis://127.0.0.1:16379/",
        hide_env_values = true
    )]
    pub redis_url: String,
    /// Redis is a Redis Cluster: commands are routed by key, keyspace notifications are
    /// watched on every master.
    #[arg(long, env = "REDIS_CLUSTER", default_value_t = false)]
    pub redis_cluster: bool,
    /// Prefix of every hold key and channel (see `shared_dto::seat_hold`); order-service and
    /// query-service must agree on it.
    #[arg(long, env = "HOLD_KEY_PREFIX", default_value = shared_dto::seat_hold::DEFAULT_PREFIX)]
    pub hold_key_prefix: String,
}

impl RedisArgs {
    fn urls(&self) -> Vec<&str> {
        self.redis_url
            .split(',')
            .map(str::trim)
            .filter(|url| !url.is_empty())
            .collect()
    }

    /// A client of the (first) configured node: for pub/sub channels and probes.
    pub fn client(&self) -> redis::RedisResult<redis::Client> {
        redis::Client::open(self.urls().first().copied().unwrap_or_default())
    }

    /// The store, single server or cluster as configured.
    pub fn store(&self) -> redis::RedisResult<crate::redis_store::RedisStore> {
        let urls = self.urls();
        if self.redis_cluster {
            crate::redis_store::RedisStore::cluster(&urls)
        } else if urls.len() > 1 {
            Err(redis::RedisError::from((
                redis::ErrorKind::InvalidClientConfig,
                "several Redis URLs name a cluster's nodes: set REDIS_CLUSTER=true",
            )))
        } else {
            crate::redis_store::RedisStore::single(urls.first().copied().unwrap_or_default())
        }
    }

    pub fn hold_keys(&self) -> shared_dto::seat_hold::HoldKeys {
        shared_dto::seat_hold::HoldKeys::new(self.hold_key_prefix.clone())
    }
}

/// The MongoDB-protocol read store.
#[derive(Debug, Clone, clap::Args)]
pub struct MongoArgs {
    #[arg(
        long,
        env = "MONGO_URL",
        default_value = "mongodb://127.0.0.1:17017/",
        hide_env_values = true
    )]
    pub mongo_url: String,
    /// Database holding the read models.
    #[arg(long, env = "MONGO_DATABASE", default_value = "boxoffice")]
    pub mongo_database: String,
}

impl MongoArgs {
    pub async fn client(&self) -> mongodb::error::Result<mongodb::Client> {
        let mut options = mongodb::options::ClientOptions::parse(&self.mongo_url).await?;
        options.server_selection_timeout = Some(Duration::from_secs(3));
        options.connect_timeout = Some(Duration::from_secs(3));
        mongodb::Client::with_options(options)
    }
}

/// The Kafka-protocol broker carrying change events.
#[derive(Debug, Clone, clap::Args)]
pub struct KafkaArgs {
    /// Comma-separated bootstrap servers.
    #[arg(
        long = "kafka-brokers",
        env = "KAFKA_BROKERS",
        default_value = "127.0.0.1:19092"
    )]
    pub brokers: String,
}

impl KafkaArgs {
    pub fn probe(&self) -> Result<KafkaProbe, ProbeError> {
        KafkaProbe::new(&self.brokers)
    }
}

/// The OpenID Connect provider that issues access tokens.
#[derive(Debug, Clone, clap::Args)]
pub struct OidcArgs {
    /// Issuer URL; discovery is read from `<issuer>/.well-known/openid-configuration`.
    #[arg(long, env = "OIDC_ISSUER", default_value = "http://127.0.0.1:9400")]
    pub oidc_issuer: String,
    /// The audience access tokens must carry.
    #[arg(long, env = "OIDC_AUDIENCE", default_value = "urn:boxoffice:api")]
    pub oidc_audience: String,
    /// Dotted path of the roles array in the token (Keycloak: `realm_access.roles`).
    #[arg(long, env = "OIDC_ROLES_CLAIM", default_value = "realm_access.roles")]
    pub oidc_roles_claim: String,
}

impl OidcArgs {
    pub fn discovery_url(&self) -> String {
        format!(
            "{}/.well-known/openid-configuration",
            self.oidc_issuer.trim_end_matches('/')
        )
    }
}

impl From<sqlx::PgPool> for PostgresProbe {
    fn from(pool: sqlx::PgPool) -> Self {
        Self(pool)
    }
}

impl From<redis::Client> for RedisProbe {
    fn from(client: redis::Client) -> Self {
        Self(client)
    }
}

impl From<mongodb::Client> for MongoProbe {
    fn from(client: mongodb::Client) -> Self {
        Self(client)
    }
}
