//! An event's orders and tickets for its organisers: lists to page through and export.

use chrono::{DateTime, Utc};
use shared_dto::status::{OrderStatus, TicketStatus};
use sqlx::PgExecutor;
use uuid::Uuid;

/// Narrows a report to one session, one status (an [`OrderStatus`] or a [`TicketStatus`]),
/// or both.
#[derive(Debug, Clone, Copy)]
pub struct ReportFilter<S> {
    pub session_id: Option<Uuid>,
    pub status: Option<S>,
}

#[derive(Debug)]
pub struct OrderReportRow {
    pub order_id: Uuid,
    pub session_id: Uuid,
    pub session_starts_at: Option<DateTime<Utc>>,
    pub buyer_name: String,
    pub buyer_email: String,
    pub status: OrderStatus,
    pub places: i64,
    pub currency: String,
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    pub total_minor: i64,
    pub discount_code: Option<String>,
    pub created_at: DateTime<Utc>,
    pub paid_at: Option<DateTime<Utc>>,
}

#[derive(Debug)]
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
    pub status: TicketStatus,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub checked_in_gate: Option<String>,
}

/// The organisation whose event this is (command-service's `event`).
pub async fn organisation_of_event(
    executor: impl PgExecutor<'_>,
    event_id: Uuid,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "select organisation_id from event where event_id = $1",
        event_id
    )
    .fetch_optional(executor)
    .await
}

/// Newest first; `limit` None for every one (an export).
pub async fn orders(
    executor: impl PgExecutor<'_>,
    event_id: Uuid,
    filter: ReportFilter<OrderStatus>,
    limit: Option<i64>,
    offset: i64,
) -> Result<Vec<OrderReportRow>, sqlx::Error> {
    sqlx::query_as!(
        OrderReportRow,
        r#"select o.order_id, o.session_id, s.starts_at as "session_starts_at?", o.buyer_name,
                  o.buyer_email, o.status as "status: OrderStatus",
                  (select count(*) from order_item i where i.order_id = o.order_id) as "places!",
                  o.currency::text as "currency!", o.subtotal_minor, o.discount_minor,
                  o.total_minor, o.discount_code, o.created_at, o.paid_at
           from purchase_order o left join session s on s.session_id = o.session_id
           where o.event_id = $1 and ($2::uuid is null or o.session_id = $2)
             and ($3::text is null or o.status = $3)
           order by o.created_at desc, o.order_id
           limit $4 offset $5"#,
        event_id,
        filter.session_id,
        filter.status.map(OrderStatus::as_db_str),
        limit,
        offset,
    )
    .fetch_all(executor)
    .await
}

pub async fn count_orders(
    executor: impl PgExecutor<'_>,
    event_id: Uuid,
    filter: ReportFilter<OrderStatus>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select count(*) as "count!" from purchase_order o
           where o.event_id = $1 and ($2::uuid is null or o.session_id = $2)
             and ($3::text is null or o.status = $3)"#,
        event_id,
        filter.session_id,
        filter.status.map(OrderStatus::as_db_str),
    )
    .fetch_one(executor)
    .await
}

/// One row per ticket, by session, then block and seat.
pub async fn attendees(
    executor: impl PgExecutor<'_>,
    event_id: Uuid,
    filter: ReportFilter<TicketStatus>,
    limit: Option<i64>,
    offset: i64,
) -> Result<Vec<AttendeeRow>, sqlx::Error> {
    sqlx::query_as!(
        AttendeeRow,
        r#"select t.ticket_id, t.order_id, t.session_id, s.starts_at as "session_starts_at?",
                  o.buyer_name, o.buyer_email, t.holder_name, t.seat_id, t.block_id, t.tier_id,
                  tr.name as "tier_name?", t.price_minor, t.currency::text as "currency!",
                  t.status as "status: TicketStatus", t.checked_in_at, t.checked_in_gate
           from ticket t
           join purchase_order o on o.order_id = t.order_id
           left join session s on s.session_id = t.session_id
           left join tier tr on tr.tier_id = t.tier_id
           where t.event_id = $1 and ($2::uuid is null or t.session_id = $2)
             and ($3::text is null or t.status = $3)
           order by s.starts_at, t.session_id, t.block_id, t.seat_id nulls last, t.ticket_id
           limit $4 offset $5"#,
        event_id,
        filter.session_id,
        filter.status.map(TicketStatus::as_db_str),
        limit,
        offset,
    )
    .fetch_all(executor)
    .await
}

pub async fn count_attendees(
    executor: impl PgExecutor<'_>,
    event_id: Uuid,
    filter: ReportFilter<TicketStatus>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select count(*) as "count!" from ticket t
           where t.event_id = $1 and ($2::uuid is null or t.session_id = $2)
             and ($3::text is null or t.status = $3)"#,
        event_id,
        filter.session_id,
        filter.status.map(TicketStatus::as_db_str),
    )
    .fetch_one(executor)
    .await
}
