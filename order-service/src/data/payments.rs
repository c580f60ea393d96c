//! Payments in PostgreSQL: one row per attempt to take the money for an order.
//!
//! `processing` → `succeeded` | `failed`; `succeeded` → `refund_pending` → `refunded`. A
//! provider can report success after we gave up on an attempt (a webhook after a timeout),
//! so `failed` → `succeeded` is allowed too. At most one attempt per order is `processing`.
//!
//! A status the code sets or asks for is bound as a [`PaymentStatus`]; the states a query
//! filters on stay literals in its SQL, where the planner matches them against the partial
//! indexes (`payment_one_active_per_order`, `payment_unsettled_idx`).

use chrono::{DateTime, Utc};
use shared_dto::status::PaymentStatus;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct PaymentRow {
    pub payment_id: Uuid,
    pub order_id: Uuid,
    pub provider: String,
    pub provider_reference: Option<String>,
    pub amount_minor: i64,
    pub currency: String,
    pub status: PaymentStatus,
    pub failure_code: Option<String>,
    pub failure_message: Option<String>,
    pub refund_reference: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `query_as!` for a [`PaymentRow`]: every column of `payment`, then the rest of the query
/// (`from` on) and its arguments.
macro_rules! select_payments {
    ($rest:tt $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            PaymentRow,
            r#"select payment_id, order_id, provider, provider_reference, amount_minor,
                      currency, status as "status: PaymentStatus", failure_code,
                      failure_message, refund_reference, created_at, updated_at "#
                + $rest
            $(, $arg)*
        )
    };
}

/// Starts an attempt; fails on `payment_one_active_per_order` while another is processing.
pub async fn start(
    conn: &mut PgConnection,
    payment_id: Uuid,
    order_id: Uuid,
    provider: &str,
    amount_minor: i64,
    currency: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into payment (payment_id, order_id, provider, amount_minor, currency)
         values ($1, $2, $3, $4, $5)",
        payment_id,
        order_id,
        provider,
        amount_minor,
        currency,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Starts an attempt for an order that is pending and in time, under the order's row lock
/// (so a concurrent cancel or expiry waits, or wins); `false` when the order is not payable
/// now. Fails on `payment_one_active_per_order` while another attempt is processing.
pub async fn start_for_pending(
    executor: impl PgExecutor<'_>,
    payment_id: Uuid,
    order_id: Uuid,
    provider: &str,
) -> Result<bool, sqlx::Error> {
    let started = sqlx::query!(
        "with payable as (
             select order_id, total_minor, currency from purchase_order
             where order_id = $2 and status = 'pending' and expires_at > now()
             for update
         )
         insert into payment (payment_id, order_id, provider, amount_minor, currency)
         select $1, order_id, $3, total_minor, currency from payable",
        payment_id,
        order_id,
        provider,
    )
    .execute(executor)
    .await?
    .rows_affected();
    Ok(started == 1)
}

pub async fn find(
    executor: impl PgExecutor<'_>,
    payment_id: Uuid,
) -> Result<Option<PaymentRow>, sqlx::Error> {
    select_payments!("from payment where payment_id = $1", payment_id)
        .fetch_optional(executor)
        .await
}

pub async fn find_by_reference(
    executor: impl PgExecutor<'_>,
    provider: &str,
    reference: &str,
) -> Result<Option<PaymentRow>, sqlx::Error> {
    select_payments!(
        "from payment where provider = $1 and provider_reference = $2",
        provider,
        reference,
    )
    .fetch_optional(executor)
    .await
}

pub async fn lock(conn: &mut PgConnection, payment_id: Uuid) -> Result<PaymentRow, sqlx::Error> {
    select_payments!("from payment where payment_id = $1 for update", payment_id)
        .fetch_one(conn)
        .await
}

pub async fn of_order(
    executor: impl PgExecutor<'_>,
    order_id: Uuid,
) -> Result<Vec<PaymentRow>, sqlx::Error> {
    select_payments!(
        "from payment where order_id = $1 order by created_at",
        order_id
    )
    .fetch_all(executor)
    .await
}

/// Records the provider's id for a processing attempt.
pub async fn set_reference(
    executor: impl PgExecutor<'_>,
    payment_id: Uuid,
    reference: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update payment set provider_reference = $2
         where payment_id = $1 and provider_reference is distinct from $2",
        payment_id,
        reference,
    )
    .execute(executor)
    .await?;
    Ok(())
}

/// Ends a processing attempt as failed; a settled attempt is left alone.
pub async fn fail(
    executor: impl PgExecutor<'_>,
    payment_id: Uuid,
    reference: Option<&str>,
    code: &str,
    message: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update payment set status = $5, failure_code = $2, failure_message = $3,
                provider_reference = coalesce($4, provider_reference)
         where payment_id = $1 and status = 'processing'",
        payment_id,
        code,
        message,
        reference,
        PaymentStatus::Failed as _,
    )
    .execute(executor)
    .await?;
    Ok(())
}

pub async fn succeed(
    conn: &mut PgConnection,
    payment_id: Uuid,
    reference: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update payment set status = $3, failure_code = null, failure_message = null,
                provider_reference = coalesce($2, provider_reference)
         where payment_id = $1",
        payment_id,
        reference,
        PaymentStatus::Succeeded as _,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks an unsettled attempt succeeded (taking its row lock), with the provider's id when
/// given; `None` when it was settled already (or by a concurrent call, which this one waited
/// for). Returns the order paid for.
pub async fn succeed_unsettled(
    conn: &mut PgConnection,
    payment_id: Uuid,
    reference: Option<&str>,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "update payment set status = $3, failure_code = null, failure_message = null,
                provider_reference = coalesce($2, provider_reference)
         where payment_id = $1 and status not in ('succeeded', 'refund_pending', 'refunded')
         returning order_id",
        payment_id,
        reference,
        PaymentStatus::Succeeded as _,
    )
    .fetch_optional(conn)
    .await
}

pub async fn owe_refund(conn: &mut PgConnection, payment_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update payment set status = $2 where payment_id = $1",
        payment_id,
        PaymentStatus::RefundPending as _,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn refunded(
    executor: impl PgExecutor<'_>,
    payment_id: Uuid,
    refund_reference: &str,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query!(
        "update payment set status = $3, refund_reference = $2
         where payment_id = $1 and status = 'refund_pending'",
        payment_id,
        refund_reference,
        PaymentStatus::Refunded as _,
    )
    .execute(executor)
    .await?
    .rows_affected();
    Ok(updated == 1)
}

/// Processing attempts of `provider` older than `started_before`, to ask the provider about.
pub async fn unsettled(
    executor: impl PgExecutor<'_>,
    provider: &str,
    started_before: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<PaymentRow>, sqlx::Error> {
    select_payments!(
        "from payment
         where status = 'processing' and provider = $1 and provider_reference is not null
           and created_at <= $2
         order by created_at limit $3",
        provider,
        started_before,
        limit,
    )
    .fetch_all(executor)
    .await
}

/// Refunds owed and not attempted since `touched_before`.
pub async fn refunds_owed(
    executor: impl PgExecutor<'_>,
    touched_before: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<PaymentRow>, sqlx::Error> {
    select_payments!(
        "from payment
         where status = 'refund_pending' and updated_at <= $1
         order by updated_at limit $2",
        touched_before,
        limit,
    )
    .fetch_all(executor)
    .await
}

/// Marks a refund attempt, so the sweeper waits before trying the same one again.
pub async fn touch(executor: impl PgExecutor<'_>, payment_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update payment set updated_at = now() where payment_id = $1",
        payment_id
    )
    .execute(executor)
    .await?;
    Ok(())
}
