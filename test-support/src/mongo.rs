//! A MongoDB database name per test on the shared read store.

use std::time::Duration;

use mongodb::options::ClientOptions;

use crate::stack::StackEnv;

/// A database of this test's own; [`TestMongo::drop`] removes it.
pub struct TestMongo {
    pub client: mongodb::Client,
    pub database: mongodb::Database,
}

impl TestMongo {
    /// On the local read store (`MONGO_URL`).
    pub async fn create(env: &StackEnv) -> anyhow::Result<Self> {
        Self::create_at(&env.mongo_url).await
    }

    /// On any MongoDB-protocol server, e.g. a real MongoDB named by `MONGODB_URI`.
    pub async fn create_at(url: &str) -> anyhow::Result<Self> {
        let mut options = ClientOptions::parse(url).await?;
        options.server_selection_timeout = Some(Duration::from_secs(5));
        let client = mongodb::Client::with_options(options)?;
        let database = client.database(&format!("test_{}", uuid::Uuid::new_v4().simple()));
        Ok(Self { client, database })
    }

    pub async fn drop(self) -> anyhow::Result<()> {
        self.database.drop().await?;
        Ok(())
    }
}
