//! Refunds in PostgreSQL: which tickets a refund covers, and whether its money went back.
//!
//! A status the code sets or asks for is bound as a [`RefundStatus`] (or [`TicketStatus`],
//! [`PaymentStatus`]); `pending` stays a literal in the sweeper's query, where the planner
//! matches it against the partial index `refund_pending_idx`.

use chrono::{DateTime, Utc};
use shared_dto::status::{PaymentStatus, RefundStatus, TicketStatus};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct RefundRow {
    pub refund_id: Uuid,
    pub order_id: Uuid,
    pub payment_id: Uuid,
    pub amount_minor: i64,
    pub currency: String,
    pub reason: String,
    pub requested_by: String,
    pub status: RefundStatus,
    pub provider_reference: Option<String>,
    pub created_at: DateTime<Utc>,
    pub refunded_at: Option<DateTime<Utc>>,
}

/// `query_as!` for a [`RefundRow`]: every column of `refund`, then the rest of the query
/// (`from` on) and its arguments.
macro_rules! select_refunds {
    ($rest:tt $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            RefundRow,
            r#"select refund_id, order_id, payment_id, amount_minor, currency, reason,
                      requested_by, status as "status: RefundStatus", provider_reference,
                      created_at, refunded_at "#
                + $rest
            $(, $arg)*
        )
    };
}

/// A valid ticket of an order, with what its refund frees.
#[derive(Debug, Clone)]
pub struct RefundableTicket {
    pub ticket_id: Uuid,
    pub session_id: Uuid,
    pub seat_id: Option<String>,
    pub block_id: String,
    pub price_minor: i64,
}

/// The order's tickets still valid, locked, in a stable order.
pub async fn lock_valid_tickets(
    conn: &mut PgConnection,
    order_id: Uuid,
) -> Result<Vec<RefundableTicket>, sqlx::Error> {
    sqlx::query_as!(
        RefundableTicket,
        "select ticket_id, session_id, seat_id, block_id, price_minor from ticket
         where order_id = $1 and status = $2
         order by seat_id nulls last, ticket_id
         for update",
        order_id,
        TicketStatus::Valid.as_db_str(),
    )
    .fetch_all(conn)
    .await
}

/// The succeeded payment the order's money came from, locked.
pub async fn lock_settled_payment(
    conn: &mut PgConnection,
    order_id: Uuid,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "select payment_id from payment
         where order_id = $1 and status = $2
         order by created_at limit 1 for update",
        order_id,
        PaymentStatus::Succeeded.as_db_str(),
    )
    .fetch_optional(conn)
    .await
}

pub struct NewRefund<'a> {
    pub refund_id: Uuid,
    pub order_id: Uuid,
    pub payment_id: Uuid,
    pub amount_minor: i64,
    pub currency: &'a str,
    pub reason: &'a str,
    pub requested_by: &'a str,
}

/// Records the refund as pending and marks its tickets refunded.
pub async fn record(
    conn: &mut PgConnection,
    refund: &NewRefund<'_>,
    ticket_ids: &[Uuid],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into refund (refund_id, order_id, payment_id, amount_minor, currency, reason,
                             requested_by, status)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
        refund.refund_id,
        refund.order_id,
        refund.payment_id,
        refund.amount_minor,
        refund.currency,
        refund.reason,
        refund.requested_by,
        RefundStatus::Pending.as_db_str(),
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "update ticket set status = $3, refund_id = $2
         where ticket_id = any($1) and status = $4",
        ticket_ids,
        refund.refund_id,
        TicketStatus::Refunded.as_db_str(),
        TicketStatus::Valid.as_db_str(),
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Makes the places of refunded tickets sellable again: their seats' items stop being live,
/// and standing places go back to their area's allocation.
pub async fn free_places(
    conn: &mut PgConnection,
    order_id: Uuid,
    tickets: &[RefundableTicket],
) -> Result<(), sqlx::Error> {
    let seats: Vec<String> = tickets
        .iter()
        .filter_map(|ticket| ticket.seat_id.clone())
        .collect();
    sqlx::query!(
        "update order_item set live = false
         where order_id = $1 and live and seat_id = any($2)",
        order_id,
        &seats,
    )
    .execute(&mut *conn)
    .await?;
    let mut standing: std::collections::BTreeMap<(Uuid, &str), i64> = Default::default();
    for ticket in tickets.iter().filter(|ticket| ticket.seat_id.is_none()) {
        *standing
            .entry((ticket.session_id, ticket.block_id.as_str()))
            .or_default() += 1;
    }
    for ((session_id, block_id), places) in standing {
        sqlx::query!(
            "with freed as (
                 update order_item set live = false
                 where order_item_id in (
                     select order_item_id from order_item
                     where order_id = $1 and live and seat_id is null and block_id = $3
                     order by order_item_id limit $4)
                 returning 1
             )
             update standing_allocation set taken = taken - (select count(*) from freed)
             where session_id = $2 and block_id = $3",
            order_id,
            session_id,
            block_id,
            places,
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// A refunded ticket and the refund that returned its price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefundedTicket {
    pub refund_id: Uuid,
    pub ticket_id: Uuid,
}

/// Every refunded ticket of an order.
pub async fn refunded_tickets(
    executor: impl PgExecutor<'_>,
    order_id: Uuid,
) -> Result<Vec<RefundedTicket>, sqlx::Error> {
    sqlx::query_as!(
        RefundedTicket,
        r#"select refund_id as "refund_id!", ticket_id from ticket
           where order_id = $1 and refund_id is not null
           order by seat_id nulls last, ticket_id"#,
        order_id,
    )
    .fetch_all(executor)
    .await
}

pub async fn of_order(
    executor: impl PgExecutor<'_>,
    order_id: Uuid,
) -> Result<Vec<RefundRow>, sqlx::Error> {
    select_refunds!(
        "from refund where order_id = $1 order by created_at, refund_id",
        order_id
    )
    .fetch_all(executor)
    .await
}

pub async fn find(
    executor: impl PgExecutor<'_>,
    refund_id: Uuid,
) -> Result<Option<RefundRow>, sqlx::Error> {
    select_refunds!("from refund where refund_id = $1", refund_id)
        .fetch_optional(executor)
        .await
}

/// Refunds whose money has not gone back yet, oldest first.
pub async fn pending(
    executor: impl PgExecutor<'_>,
    created_before: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<RefundRow>, sqlx::Error> {
    select_refunds!(
        "from refund where status = 'pending' and created_at < $1
         order by created_at limit $2",
        created_before,
        limit,
    )
    .fetch_all(executor)
    .await
}

/// Marks the money returned; `false` when another attempt did it first.
pub async fn returned(
    executor: impl PgExecutor<'_>,
    refund_id: Uuid,
    provider_reference: &str,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query!(
        "update refund set status = $3, provider_reference = $2, refunded_at = now()
         where refund_id = $1 and status = $4",
        refund_id,
        provider_reference,
        RefundStatus::Refunded.as_db_str(),
        RefundStatus::Pending.as_db_str(),
    )
    .execute(executor)
    .await?
    .rows_affected();
    Ok(updated == 1)
}
