//! What can stop a service from starting at all (as opposed to an engine being down,
//! which only makes it not ready).

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot listen: {0}")]
    Bind(#[from] std::io::Error),
    #[cfg(feature = "postgres")]
    #[error("invalid PostgreSQL settings: {0}")]
    Postgres(#[from] sqlx::Error),
    #[cfg(feature = "redis")]
    #[error("invalid Redis settings: {0}")]
    Redis(#[from] redis::RedisError),
    #[cfg(feature = "mongo")]
    #[error("invalid MongoDB settings: {0}")]
    Mongo(#[from] mongodb::error::Error),
    #[cfg(feature = "kafka")]
    #[error("invalid Kafka settings: {0}")]
    Kafka(#[from] crate::probe::ProbeError),
    #[cfg(feature = "oidc")]
    #[error("invalid OIDC settings: {0}")]
    Oidc(#[from] crate::auth::OidcSettingsError),
}
