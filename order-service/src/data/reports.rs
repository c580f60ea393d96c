//! An event's orders and tickets for its organisers: lists to page through and export.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

/// Narrows a report to one session, one status, or both.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReportFilter<'a> {
    pub session_id: Option<Uuid>,
    pub status: Option<&'a str>,
}

#[derive(Debug, sqlx::FromRow)]
pub struct OrderReportRow {
    pub order_id: Uuid,
    pub session_id: Uuid,
    pub session_starts_at: Option<DateTime<Utc>>,
    pub buyer_name: String,
    pub buyer_email: String,
    pub status: String,
    pub places: i64,
    pub currency: String,
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    pub total_minor: i64,
    pub discount_code: Option<String>,
    pub created_at: DateTime<Utc>,
    pub paid_at: Option<DateTime<Utc>>,
}

#[derive(Debug, sqlx::FromRow)]
pub struct AttendeeRow {
    pub ticket_id: Uuid,
    pub order_id: Uuid,
    pub session_id: Uuid,
    pub session_starts_at: Option<DateTime<Utc>>,
    pub buyer_name: String,
    pub buyer_email: String,
    pub holder_name: String,
    pub seat_id: Option<String>,
    pub block_id: String,
    pub tier_id: Uuid,
    pub tier_name: Option<String>,
    pub price_minor: i64,
    pub currency: String,
    pub status: String,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub checked_in_gate: Option<String>,
}

/// The organisation whose event this is (command-service's `event`).
pub async fn organisation_of_event(
    executor: impl PgExecutor<'_>,
    event_id: Uuid,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar("select organisation_id from event where event_id = $1")
        .bind(event_id)
        .fetch_optional(executor)
        .await
}

const ORDER_FILTER: &str = "o.event_id = $1 and ($2::uuid is null or o.session_id = $2)
     and ($3::text is null or o.status = $3)";

/// Newest first; `limit` None for every one (an export).
pub async fn orders(
    executor: impl PgExecutor<'_>,
    event_id: Uuid,
    filter: ReportFilter<'_>,
    limit: Option<i64>,
    offset: i64,
) -> Result<Vec<OrderReportRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "select o.order_id, o.session_id, s.starts_at as session_starts_at, o.buyer_name,
                o.buyer_email, o.status,
                (select count(*) from order_item i where i.order_id = o.order_id) as places,
                o.currency::text as currency, o.subtotal_minor, o.discount_minor, o.total_minor,
                o.discount_code, o.created_at, o.paid_at
         from purchase_order o left join session s on s.session_id = o.session_id
         where {ORDER_FILTER}
         order by o.created_at desc, o.order_id
         limit $4 offset $5"
    ))
    .bind(event_id)
    .bind(filter.session_id)
    .bind(filter.status)
    .bind(limit)
    .bind(offset)
    .fetch_all(executor)
    .await
}

pub async fn count_orders(
    executor: impl PgExecutor<'_>,
    event_id: Uuid,
    filter: ReportFilter<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(&format!(
        "select count(*) from purchase_order o where {ORDER_FILTER}"
    ))
    .bind(event_id)
    .bind(filter.session_id)
    .bind(filter.status)
    .fetch_one(executor)
    .await
}

const TICKET_FILTER: &str = "t.event_id = $1 and ($2::uuid is null or t.session_id = $2)
     and ($3::text is null or t.status = $3)";

/// One row per ticket, by session, then block and seat.
pub async fn attendees(
    executor: impl PgExecutor<'_>,
    event_id: Uuid,
    filter: ReportFilter<'_>,
    limit: Option<i64>,
    offset: i64,
) -> Result<Vec<AttendeeRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "select t.ticket_id, t.order_id, t.session_id, s.starts_at as session_starts_at,
                o.buyer_name, o.buyer_email, t.holder_name, t.seat_id, t.block_id, t.tier_id,
                tr.name as tier_name, t.price_minor, t.currency::text as currency, t.status,
                t.checked_in_at, t.checked_in_gate
         from ticket t
         join purchase_order o on o.order_id = t.order_id
         left join session s on s.session_id = t.session_id
         left join tier tr on tr.tier_id = t.tier_id
         where {TICKET_FILTER}
         order by s.starts_at, t.session_id, t.block_id, t.seat_id nulls last, t.ticket_id
         limit $4 offset $5"
    ))
    .bind(event_id)
    .bind(filter.session_id)
    .bind(filter.status)
    .bind(limit)
    .bind(offset)
    .fetch_all(executor)
    .await
}

pub async fn count_attendees(
    executor: impl PgExecutor<'_>,
    event_id: Uuid,
    filter: ReportFilter<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(&format!(
        "select count(*) from ticket t where {TICKET_FILTER}"
    ))
    .bind(event_id)
    .bind(filter.session_id)
    .bind(filter.status)
    .fetch_one(executor)
    .await
}
