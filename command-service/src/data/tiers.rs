//! Price tiers of an event.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Tier {
    pub tier_id: Uuid,
    pub event_id: Uuid,
    pub name: String,
    pub colour: String,
    pub price_minor: i64,
    pub currency: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// `query_as!` for a [`Tier`]: `$head`, every column of `tier`, then `$tail` and the query's
/// arguments.
macro_rules! tier_query {
    ($head:tt, $tail:tt $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            Tier,
            $head
                + " tier_id, event_id, name, colour, price_minor, currency, created_at, updated_at, version "
                + $tail
            $(, $arg)*
        )
    };
}

pub async fn ids_of_event(
    executor: impl PgExecutor<'_>,
    event_id: Uuid,
) -> Result<HashSet<Uuid>, sqlx::Error> {
    let ids = sqlx::query_scalar!("select tier_id from tier where event_id = $1", event_id)
        .fetch_all(executor)
        .await?;
    Ok(ids.into_iter().collect())
}

/// The currency the event's tiers are priced in; `None` before it has any.
pub async fn currency_of_event(
    executor: impl PgExecutor<'_>,
    event_id: Uuid,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "select currency from tier where event_id = $1 limit 1",
        event_id
    )
    .fetch_optional(executor)
    .await
}

pub async fn insert(
    executor: impl PgExecutor<'_>,
    tier_id: Uuid,
    event_id: Uuid,
    name: &str,
    colour: &str,
    price_minor: i64,
    currency: &str,
) -> Result<Tier, sqlx::Error> {
    tier_query!(
        "insert into tier (tier_id, event_id, name, colour, price_minor, currency)
         values ($1, $2, $3, $4, $5, $6) returning",
        "",
        tier_id,
        event_id,
        name,
        colour,
        price_minor,
        currency,
    )
    .fetch_one(executor)
    .await
}

/// The event's tiers, dearest first.
pub async fn of_event(
    executor: impl PgExecutor<'_>,
    event_id: Uuid,
) -> Result<Vec<Tier>, sqlx::Error> {
    tier_query!(
        "select",
        "from tier where event_id = $1 order by price_minor desc, name",
        event_id
    )
    .fetch_all(executor)
    .await
}

/// The tier, its row locked for the rest of the transaction.
pub async fn lock(tx: &mut PgConnection, tier_id: Uuid) -> Result<Tier, sqlx::Error> {
    tier_query!("select", "from tier where tier_id = $1 for update", tier_id)
        .fetch_one(tx)
        .await
}

pub async fn update(
    executor: impl PgExecutor<'_>,
    tier_id: Uuid,
    name: &str,
    colour: &str,
    price_minor: i64,
) -> Result<Tier, sqlx::Error> {
    tier_query!(
        "update tier set name = $2, colour = $3, price_minor = $4 where tier_id = $1 returning",
        "",
        tier_id,
        name,
        colour,
        price_minor,
    )
    .fetch_one(executor)
    .await
}

/// Whether the event's seat map or any session's refers to the tier.
pub async fn in_use(executor: impl PgExecutor<'_>, tier_id: Uuid) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select exists(select 1 from event_layout where $1 = any(tier_ids))
               or exists(select 1 from session_layout where $1 = any(tier_ids)) as "in_use!""#,
        tier_id
    )
    .fetch_one(executor)
    .await
}

pub async fn delete(executor: impl PgExecutor<'_>, tier_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!("delete from tier where tier_id = $1", tier_id)
        .execute(executor)
        .await?;
    Ok(())
}
