//! Where the local stack's engines are, from the environment (same names and defaults as the
//! services' own configuration).

/// Connection settings for every engine of the running stack.
#[derive(Debug, Clone)]
pub struct StackEnv {
    /// The main `boxoffice` database, the one Debezium captures.
    pub database_url: String,
    pub redis_url: String,
    pub kafka_brokers: String,
    pub mongo_url: String,
    pub oidc_issuer: String,
    /// Where the SMTP sink keeps what it receives (a Maildir).
    pub maildir: std::path::PathBuf,
}

impl StackEnv {
    pub fn from_env() -> Self {
        let var =
            |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_owned());
        Self {
            database_url: var(
                "DATABASE_URL",
                "postgres://boxoffice:boxoffice@127.0.0.1:15432/boxoffice",
            ),
            redis_url: var("REDIS_URL", "redis://127.0.0.1:16379/"),
            kafka_brokers: var("KAFKA_BROKERS", "127.0.0.1:19092"),
            mongo_url: var("MONGO_URL", "mongodb://127.0.0.1:17017/"),
            oidc_issuer: var("OIDC_ISSUER", "http://127.0.0.1:9400"),
            maildir: std::env::var_os("SMTP_MAILDIR").map_or_else(
                || {
                    let state = std::env::var_os("BOXOFFICE_STATE").map_or_else(
                        || {
                            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                                .join("..")
                                .join(".stack")
                        },
                        std::path::PathBuf::from,
                    );
                    state.join("data").join("mail")
                },
                std::path::PathBuf::from,
            ),
        }
    }

    /// The same server as [`Self::database_url`], another database.
    pub fn database_url_for(&self, database: &str) -> String {
        let base = self
            .database_url
            .rsplit_once('/')
            .map_or(self.database_url.as_str(), |(base, _)| base);
        format!("{base}/{database}")
    }
}
