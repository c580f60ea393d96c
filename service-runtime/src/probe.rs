//! Readiness probes: one cheap round trip to each engine a service depends on.

//!
//! Each engine's probe sits behind the cargo feature of its name; [`HttpProbe`] is always there.

use futures::future::BoxFuture;

/// Why an engine is not usable right now.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ProbeError(pub String);

impl ProbeError {
    pub fn new(error: impl std::fmt::Display) -> Self {
        Self(error.to_string())
    }
}

/// One dependency whose reachability decides whether a service is ready.
pub trait Probe: Send + Sync {
    /// The engine's name as reported by `/ready` (e.g. `postgres`).
    fn name(&self) -> &str;
    /// Performs one round trip; the caller bounds it with a deadline.
    fn check(&self) -> BoxFuture<'_, Result<(), ProbeError>>;
}

/// `SELECT 1` through the service's own pool, so a saturated pool also shows as not ready.
#[cfg(feature = "postgres")]
pub struct PostgresProbe(pub sqlx::PgPool);

#[cfg(feature = "postgres")]
impl Probe for PostgresProbe {
    fn name(&self) -> &str {
        "postgres"
    }

    fn check(&self) -> BoxFuture<'_, Result<(), ProbeError>> {
        Box::pin(async move {
            sqlx::query("select 1")
                .execute(&self.0)
                .await
                .map(drop)
                .map_err(ProbeError::new)
        })
    }
}

/// `PING` over a fresh connection: the service's long-lived connections reconnect on their own,
/// so the probe asks whether a connection can be made now.
#[cfg(feature = "redis")]
pub struct RedisProbe(pub redis::Client);

#[cfg(feature = "redis")]
impl Probe for RedisProbe {
    fn name(&self) -> &str {
        "redis"
    }

    fn check(&self) -> BoxFuture<'_, Result<(), ProbeError>> {
        Box::pin(async move {
            let mut connection = self
                .0
                .get_multiplexed_async_connection()
                .await
                .map_err(ProbeError::new)?;
            redis::cmd("PING")
                .query_async::<String>(&mut connection)
                .await
                .map(drop)
                .map_err(ProbeError::new)
        })
    }
}

/// `ping` on the admin database of the MongoDB-protocol read store.
#[cfg(feature = "mongo")]
pub struct MongoProbe(pub mongodb::Client);

#[cfg(feature = "mongo")]
impl Probe for MongoProbe {
    fn name(&self) -> &str {
        "mongodb"
    }

    fn check(&self) -> BoxFuture<'_, Result<(), ProbeError>> {
        Box::pin(async move {
            self.0
                .database("admin")
                .run_command(mongodb::bson::doc! { "ping": 1 })
                .await
                .map(drop)
                .map_err(ProbeError::new)
        })
    }
}

/// A metadata request to the Kafka-protocol broker.
#[cfg(feature = "kafka")]
pub struct KafkaProbe {
    producer: std::sync::Arc<rdkafka::producer::BaseProducer>,
}

#[cfg(feature = "kafka")]
impl KafkaProbe {
    pub fn new(brokers: &str) -> Result<Self, ProbeError> {
        use rdkafka::producer::BaseProducer;

        let producer = rdkafka::ClientConfig::new()
            .set("bootstrap.servers", brokers)
            .set("client.id", "readiness-probe")
            .create::<BaseProducer>()
            .map_err(ProbeError::new)?;
        Ok(Self {
            producer: std::sync::Arc::new(producer),
        })
    }
}

#[cfg(feature = "kafka")]
impl Probe for KafkaProbe {
    fn name(&self) -> &str {
        "kafka"
    }

    fn check(&self) -> BoxFuture<'_, Result<(), ProbeError>> {
        use rdkafka::producer::Producer;

        let producer = std::sync::Arc::clone(&self.producer);
        Box::pin(async move {
            // librdkafka's metadata call blocks its thread.
            tokio::task::spawn_blocking(move || {
                producer
                    .client()
                    .fetch_metadata(None, std::time::Duration::from_secs(2))
                    .map(drop)
                    .map_err(ProbeError::new)
            })
            .await
            .map_err(ProbeError::new)?
        })
    }
}

/// A GET that must answer 2xx, for HTTP dependencies such as the identity provider.
pub struct HttpProbe {
    name: String,
    url: String,
    client: reqwest::Client,
}

impl HttpProbe {
    pub fn new(name: impl Into<String>, url: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            url: url.into(),
            client: reqwest::Client::new(),
        }
    }
}

impl Probe for HttpProbe {
    fn name(&self) -> &str {
        &self.name
    }

    fn check(&self) -> BoxFuture<'_, Result<(), ProbeError>> {
        Box::pin(async move {
            let response = self
                .client
                .get(&self.url)
                .send()
                .await
                .map_err(ProbeError::new)?;
            if response.status().is_success() {
                Ok(())
            } else {
                Err(ProbeError(format!(
                    "{} answered {}",
                    self.url,
                    response.status()
                )))
            }
        })
    }
}
