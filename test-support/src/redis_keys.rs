//! A Redis key prefix per test, so tests share one Redis without seeing each other's keys.

/// Keys under `test:<uuid>:`; [`KeyPrefix::key`] builds one.
#[derive(Debug, Clone)]
pub struct KeyPrefix(String);

impl KeyPrefix {
    pub fn new() -> Self {
        Self(format!("test:{}:", uuid::Uuid::new_v4().simple()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn key(&self, suffix: &str) -> String {
        format!("{}{suffix}", self.0)
    }

    /// Deletes every key under the prefix.
    pub async fn clear(
        &self,
        connection: &mut redis::aio::MultiplexedConnection,
    ) -> redis::RedisResult<()> {
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg(format!("{}*", self.0))
            .query_async(connection)
            .await?;
        if !keys.is_empty() {
            redis::cmd("DEL")
                .arg(keys)
                .query_async::<()>(connection)
                .await?;
        }
        Ok(())
    }
}

impl Default for KeyPrefix {
    fn default() -> Self {
        Self::new()
    }
}
