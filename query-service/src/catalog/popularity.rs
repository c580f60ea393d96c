//! What the catalogue tells the trending recompute and reads back from it: distinct visitors
//! of each event page per hour (a HyperLogLog in Redis, counted off the request path), and the
//! ranking the scheduler writes (see `shared_dto::trending`).

use std::net::IpAddr;

use redis::AsyncCommands;
use service_runtime::redis_store::{RedisConnection, RedisStore};
use shared_dto::trending::{TrendingDetail, TrendingKeys, VIEW_KEY_TTL_SECS, hour_of};

/// The most ranked events read per request: far more than a page shows, even after unlisted
/// ones are skipped.
const RANKING_READ: isize = 500;

#[derive(Clone)]
pub struct Popularity {
    redis: RedisStore,
    keys: TrendingKeys,
}

impl Popularity {
    pub fn new(redis: RedisStore, keys: TrendingKeys) -> Self {
        Self { redis, keys }
    }

    async fn connection(&self) -> redis::RedisResult<RedisConnection> {
        self.redis.connection().await
    }

    /// Counts a visitor of an event page, without holding up the answer: a lost count only
    /// makes trending a little less exact.
    pub fn record_view(&self, event_id: &str, visitor: IpAddr, now_ms: i64) {
        let key = self.keys.views(event_id, hour_of(now_ms));
        let this = self.clone();
        tokio::spawn(async move {
            let counted = async {
                let mut connection = this.connection().await?;
                redis::pipe()
                    .cmd("PFADD")
                    .arg(&key)
                    .arg(visitor.to_string())
                    .ignore()
                    .expire(&key, VIEW_KEY_TTL_SECS)
                    .ignore()
                    .query_async::<()>(&mut connection)
                    .await
            };
            if let Err(error) = counted.await {
                metrics::counter!("catalog_view_count_errors_total").increment(1);
                tracing::debug!(%error, "counting a page view failed");
            }
        });
    }

    /// The scheduler's ranking, best first, with what each score is made of; empty when there
    /// is none (never computed, or expired because the scheduler stopped).
    pub async fn ranking(&self) -> redis::RedisResult<Vec<(String, TrendingDetail)>> {
        let mut connection = self.connection().await?;
        let ranked: Vec<String> = connection
            .zrevrange(self.keys.ranking(), 0, RANKING_READ - 1)
            .await?;
        if ranked.is_empty() {
            return Ok(Vec::new());
        }
        let details: Vec<Option<String>> = redis::cmd("HMGET")
            .arg(self.keys.details())
            .arg(&ranked)
            .query_async(&mut connection)
            .await?;
        Ok(ranked
            .into_iter()
            .zip(details)
            .map(|(event_id, detail)| {
                let detail = detail
                    .and_then(|json| serde_json::from_str(&json).ok())
                    .unwrap_or_default();
                (event_id, detail)
            })
            .collect())
    }
}
