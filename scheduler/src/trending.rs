//! Trending scores, recomputed every few minutes: recent ticket sales (from PostgreSQL), page
//! views (HyperLogLogs query-service keeps in Redis, one per event and hour) and how sold out
//! the upcoming sessions are, all weighted by age (see `shared_dto::trending`). The ranking is
//! swapped into Redis whole, so readers see the old one or the new one. Any replica may run it;
//! two replicas racing write the same ranking.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use service_runtime::redis_store::{RedisConnection, RedisStore};
use shared_dto::status::{EventStatus, SessionStatus, TicketStatus};
use shared_dto::trending::{
    RANKING_TTL_SECS, TrendingDetail, TrendingKeys, VIEW_HOURS, decay, hour_of,
};
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::clock::Clock;
use crate::feed::Scope;

#[derive(Debug, thiserror::Error)]
pub enum TrendingError {
    #[error("reading sales failed: {0}")]
    Database(#[from] sqlx::Error),
    #[error("Redis failed: {0}")]
    Redis(#[from] redis::RedisError),
}

/// The sales side of every listed event's score: (event, tickets in 7 days, decayed sales,
/// sell-through).
async fn sales(
    pool: &PgPool,
    now: DateTime<Utc>,
    events: Option<&[Uuid]>,
) -> Result<Vec<(Uuid, TrendingDetail)>, sqlx::Error> {
    // Listed: published, with a session still to come that is not cancelled.
    let rows = sqlx::query!(
        r#"with listed as (
             select e.event_id from event e
             where e.status = $4
               and ($3::uuid[] is null or e.event_id = any($3))
               and exists (select 1 from session s
                           where s.event_id = e.event_id and s.starts_at > $1
                             and s.status <> $5)
         ), upcoming as (
             select s.event_id, s.session_id, (l.seat_count + l.standing_capacity)::bigint as places
             from session s join session_layout l using (session_id) join listed using (event_id)
             where s.starts_at > $1 and s.status <> $5
         ), recent as (
             select t.event_id, count(*) as tickets,
                    sum(power(0.5, extract(epoch from ($1 - t.issued_at)) / 3600.0 / $2::float8))::float8 as weighted
             from ticket t join listed using (event_id)
             where t.status = $6 and t.issued_at > $1 - interval '7 days'
             group by t.event_id
         ), sold as (
             select u.event_id, sum(u.places)::bigint as places,
                    sum((select count(*) from ticket t
                         where t.session_id = u.session_id and t.status = $6))::bigint as sold
             from upcoming u group by u.event_id
         )
         select listed.event_id as "event_id!", coalesce(recent.tickets, 0) as "tickets!",
                coalesce(recent.weighted, 0) as "weighted!",
                coalesce(sold.places, 0) as "places!", coalesce(sold.sold, 0) as "sold!"
         from listed left join recent using (event_id) left join sold using (event_id)"#,
        now,
        shared_dto::trending::HALF_LIFE_HOURS,
        events,
        EventStatus::Published as _,
        SessionStatus::Cancelled as _,
        TicketStatus::Valid.as_db_str(),
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let sell_through = if row.places > 0 {
                (row.sold as f64 / row.places as f64).clamp(0.0, 1.0)
            } else {
                0.0
            };
            (
                row.event_id,
                TrendingDetail {
                    tickets_last_7_days: u64::try_from(row.tickets).unwrap_or(0),
                    recent_sales: row.weighted,
                    sell_through,
                    ..TrendingDetail::default()
                },
            )
        })
        .collect())
}

/// Adds each event's distinct visitors per hour over the last day: one round trip per event
/// (its hours share a hash slot; different events may live on different cluster nodes).
async fn add_views(
    connection: &mut RedisConnection,
    keys: &TrendingKeys,
    now: DateTime<Utc>,
    scored: &mut [(Uuid, TrendingDetail)],
) -> Result<(), redis::RedisError> {
    let this_hour = hour_of(now.timestamp_millis());
    for (event_id, detail) in scored.iter_mut() {
        let id = event_id.to_string();
        let mut pipeline = redis::pipe();
        for age in 0..VIEW_HOURS {
            pipeline
                .cmd("PFCOUNT")
                .arg(keys.views(&id, this_hour - age));
        }
        let hours: Vec<u64> = pipeline.query_async(connection).await?;
        detail.views_last_24_hours = hours.iter().sum();
        detail.recent_views = hours
            .iter()
            .enumerate()
            .map(|(age, visitors)| *visitors as f64 * decay(age as f64))
            .sum();
    }
    Ok(())
}

/// Computes every listed event's score at `now` and swaps the ranking in; returns how many
/// events it ranked.
pub async fn recompute(
    pool: &PgPool,
    connection: &mut RedisConnection,
    keys: &TrendingKeys,
    now: DateTime<Utc>,
    events: Option<&[Uuid]>,
) -> Result<usize, TrendingError> {
    let mut scored = sales(pool, now, events).await?;
    add_views(connection, keys, now, &mut scored).await?;
    let mut swap = redis::pipe();
    swap.atomic()
        .del(keys.next_ranking())
        .ignore()
        .del(keys.next_details())
        .ignore();
    let details: HashMap<String, String> = scored
        .iter()
        .map(|(event_id, detail)| {
            (
                event_id.to_string(),
                serde_json::to_string(detail).unwrap_or_default(),
            )
        })
        .collect();
    if scored.is_empty() {
        swap.del(keys.ranking())
            .ignore()
            .del(keys.details())
            .ignore();
    } else {
        let members: Vec<(f64, String)> = scored
            .iter()
            .map(|(event_id, detail)| (detail.score(), event_id.to_string()))
            .collect();
        swap.zadd_multiple(keys.next_ranking(), &members)
            .ignore()
            .hset_multiple(
                keys.next_details(),
                &details.into_iter().collect::<Vec<_>>(),
            )
            .ignore()
            .rename(keys.next_ranking(), keys.ranking())
            .ignore()
            .rename(keys.next_details(), keys.details())
            .ignore()
            .expire(keys.ranking(), RANKING_TTL_SECS)
            .ignore()
            .expire(keys.details(), RANKING_TTL_SECS)
            .ignore();
    }
    swap.query_async::<()>(connection).await?;
    Ok(scored.len())
}

/// Recomputes on an interval until stopped.
pub struct TrendingLoop {
    pub pool: PgPool,
    pub redis: RedisStore,
    pub keys: TrendingKeys,
    pub clock: Arc<dyn Clock>,
    pub interval: Duration,
    pub scope: Scope,
    pub stop: CancellationToken,
}

impl TrendingLoop {
    pub async fn run(self) {
        loop {
            let started = std::time::Instant::now();
            match self.once().await {
                Ok(ranked) => {
                    metrics::histogram!("scheduler_trending_seconds")
                        .record(started.elapsed().as_secs_f64());
                    tracing::debug!(ranked, "trending recomputed");
                }
                Err(error) => {
                    metrics::counter!("scheduler_errors_total", "kind" => "trending").increment(1);
                    tracing::warn!(%error, "recomputing trending failed; the last ranking stands");
                }
            }
            tokio::select! {
                () = self.stop.cancelled() => return,
                () = tokio::time::sleep(self.interval) => {}
            }
        }
    }

    async fn once(&self) -> Result<usize, TrendingError> {
        let mut connection = self.redis.connection().await?;
        let events = self.scope.events();
        recompute(
            &self.pool,
            &mut connection,
            &self.keys,
            self.clock.now(),
            events.as_deref(),
        )
        .await
    }
}
