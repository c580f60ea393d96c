//! Connection settings for each engine, as reusable `clap` argument groups.
//!
//! Defaults point at the local stack (`devstack/stack up`), so a service started with no
//! configuration talks to the engines on this machine; production sets the environment.
//! Connections are made lazily: a service starts even while an engine is down, reports
//! not-ready, and recovers without a restart once the engine is back.
//!
//! Each engine sits behind the cargo feature of its name, so a service compiles only the
//! clients it uses. `Debug` of the settings masks passwords ([`crate::redact`]), so a
//! service's whole configuration can be logged.

#[cfg(any(feature = "postgres", feature = "redis", feature = "mongo"))]
use std::fmt;
#[cfg(any(feature = "postgres", feature = "mongo"))]
use std::time::Duration;

#[cfg(any(feature = "postgres", feature = "redis", feature = "mongo"))]
use crate::redact;

/// PostgreSQL, the write store.
#[cfg(feature = "postgres")]
#[derive(Clone, clap::Args)]
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

#[cfg(feature = "postgres")]
impl PostgresArgs {
    pub fn pool(&self) -> Result<sqlx::PgPool, sqlx::Error> {
        sqlx::postgres::PgPoolOptions::new()
            .max_connections(self.database_max_connections)
            .acquire_timeout(Duration::from_secs(3))
            // sqlx pings every connection it hands out: a second round trip per query, 8% of
            // order-service's CPU in a holds profile. A connection that died is found by the
            // query itself, which fails once and closes it.
            .test_before_acquire(false)
            .connect_lazy(&self.database_url)
    }
}

#[cfg(feature = "postgres")]
impl fmt::Debug for PostgresArgs {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("PostgresArgs")
            .field("database_url", &redact::url(&self.database_url))
            .field("database_max_connections", &self.database_max_connections)
            .finish()
    }
}

/// Redis, for seat holds, trending scores and live fan-out.
#[cfg(feature = "redis")]
#[derive(Clone, clap::Args)]
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
}

#[cfg(feature = "redis")]
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
}

#[cfg(feature = "redis")]
impl fmt::Debug for RedisArgs {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("RedisArgs")
            .field("redis_url", &redact::url(&self.redis_url))
            .field("redis_cluster", &self.redis_cluster)
            .finish()
    }
}

/// The MongoDB-protocol read store.
#[cfg(feature = "mongo")]
#[derive(Clone, clap::Args)]
pub struct MongoArgs {
    /// Connection URL (may carry a password: never logged).
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

#[cfg(feature = "mongo")]
impl MongoArgs {
    pub async fn client(&self) -> mongodb::error::Result<mongodb::Client> {
        let mut options = mongodb::options::ClientOptions::parse(&self.mongo_url).await?;
        options.server_selection_timeout = Some(Duration::from_secs(3));
        options.connect_timeout = Some(Duration::from_secs(3));
        mongodb::Client::with_options(options)
    }
}

#[cfg(feature = "mongo")]
impl fmt::Debug for MongoArgs {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("MongoArgs")
            .field("mongo_url", &redact::url(&self.mongo_url))
            .field("mongo_database", &self.mongo_database)
            .finish()
    }
}

/// The Kafka-protocol broker carrying change events.
#[cfg(feature = "kafka")]
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

#[cfg(feature = "kafka")]
impl KafkaArgs {
    pub fn probe(&self) -> Result<crate::probe::KafkaProbe, crate::probe::ProbeError> {
        crate::probe::KafkaProbe::new(&self.brokers)
    }
}

/// The OpenID Connect provider that issues access tokens.
#[cfg(feature = "oidc")]
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

#[cfg(feature = "oidc")]
impl OidcArgs {
    pub fn discovery_url(&self) -> String {
        format!(
            "{}/.well-known/openid-configuration",
            self.oidc_issuer.trim_end_matches('/')
        )
    }
}

#[cfg(feature = "postgres")]
impl From<sqlx::PgPool> for crate::probe::PostgresProbe {
    fn from(pool: sqlx::PgPool) -> Self {
        Self(pool)
    }
}

#[cfg(feature = "redis")]
impl From<redis::Client> for crate::probe::RedisProbe {
    fn from(client: redis::Client) -> Self {
        Self(client)
    }
}

#[cfg(feature = "mongo")]
impl From<mongodb::Client> for crate::probe::MongoProbe {
    fn from(client: mongodb::Client) -> Self {
        Self(client)
    }
}

#[cfg(all(test, feature = "postgres", feature = "redis", feature = "mongo"))]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Debug, clap::Parser)]
    struct Settings {
        #[command(flatten)]
        postgres: PostgresArgs,
        #[command(flatten)]
        redis: RedisArgs,
        #[command(flatten)]
        mongo: MongoArgs,
    }

    #[test]
    fn logged_settings_show_where_the_engines_are_but_no_password() {
        let settings = Settings::parse_from([
            "service",
            "--database-url",
            "postgres://app:pg-secret@db:5432/orders",
            "--redis-url",
            "redis://:redis-secret@cache:6379/",
            "--mongo-url",
            "mongodb://reader:mongo-secret@read-store:27017/",
        ]);
        let logged = format!("{settings:?}");
        for secret in ["pg-secret", "redis-secret", "mongo-secret"] {
            assert!(!logged.contains(secret), "{secret} in {logged}");
        }
        for place in ["db:5432/orders", "cache:6379", "read-store:27017"] {
            assert!(logged.contains(place), "{place} missing from {logged}");
        }
    }
}
