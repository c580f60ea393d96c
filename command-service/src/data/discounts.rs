//! Discount codes of an event.

use chrono::{DateTime, Utc};
use serde::Serialize;
use shared_dto::discount::DiscountRule;
use sqlx::types::Json as Jsonb;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Discount {
    pub discount_id: Uuid,
    pub event_id: Uuid,
    pub code: String,
    #[schema(value_type = Object)]
    pub rule: Jsonb<DiscountRule>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub max_total_uses: Option<i32>,
    pub max_uses_per_customer: Option<i32>,
    pub is_public: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// When and how often a discount applies, and whether it is advertised; already validated.
#[derive(Debug)]
pub struct DiscountTerms<'a> {
    pub rule: &'a DiscountRule,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub max_total_uses: Option<i32>,
    pub max_uses_per_customer: Option<i32>,
    pub is_public: bool,
}

/// `query_as!` for a [`Discount`]: `$head`, every column of `discount` but the normalised
/// code, then `$tail` and the query's arguments.
macro_rules! discount_query {
    ($head:tt, $tail:tt $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            Discount,
            $head
                + r#" discount_id, event_id, code, rule as "rule: Jsonb<DiscountRule>", starts_at,
                      ends_at, max_total_uses, max_uses_per_customer, is_public, created_at,
                      updated_at, version "#
                + $tail
            $(, $arg)*
        )
    };
}

pub async fn insert(
    executor: impl PgExecutor<'_>,
    discount_id: Uuid,
    event_id: Uuid,
    code: &str,
    code_normalised: &str,
    terms: &DiscountTerms<'_>,
) -> Result<Discount, sqlx::Error> {
    discount_query!(
        "insert into discount (discount_id, event_id, code, code_normalised, rule, starts_at, ends_at,
                               max_total_uses, max_uses_per_customer, is_public)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning",
        "",
        discount_id,
        event_id,
        code,
        code_normalised,
        Jsonb(terms.rule) as _,
        terms.starts_at,
        terms.ends_at,
        terms.max_total_uses,
        terms.max_uses_per_customer,
        terms.is_public,
    )
    .fetch_one(executor)
    .await
}

/// The event's discounts, by code.
pub async fn of_event(
    executor: impl PgExecutor<'_>,
    event_id: Uuid,
) -> Result<Vec<Discount>, sqlx::Error> {
    discount_query!(
        "select",
        "from discount where event_id = $1 order by code_normalised",
        event_id
    )
    .fetch_all(executor)
    .await
}

/// The discount, its row locked for the rest of the transaction.
pub async fn lock(tx: &mut PgConnection, discount_id: Uuid) -> Result<Discount, sqlx::Error> {
    discount_query!(
        "select",
        "from discount where discount_id = $1 for update",
        discount_id
    )
    .fetch_one(tx)
    .await
}

pub async fn update(
    executor: impl PgExecutor<'_>,
    discount_id: Uuid,
    terms: &DiscountTerms<'_>,
) -> Result<Discount, sqlx::Error> {
    discount_query!(
        "update discount set rule = $2, starts_at = $3, ends_at = $4, max_total_uses = $5,
                max_uses_per_customer = $6, is_public = $7
         where discount_id = $1 returning",
        "",
        discount_id,
        Jsonb(terms.rule) as _,
        terms.starts_at,
        terms.ends_at,
        terms.max_total_uses,
        terms.max_uses_per_customer,
        terms.is_public,
    )
    .fetch_one(executor)
    .await
}

pub async fn delete(executor: impl PgExecutor<'_>, discount_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!("delete from discount where discount_id = $1", discount_id)
        .execute(executor)
        .await?;
    Ok(())
}
