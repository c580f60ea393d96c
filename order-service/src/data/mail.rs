//! The mail outbox in PostgreSQL: rows written with what they report, claimed by the sender.

use chrono::{DateTime, Utc};
use shared_dto::status::TicketStatus;
use sqlx::{PgConnection, Postgres, Transaction};
use uuid::Uuid;

/// What a mail tells its recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    /// Tickets issued: the order, each ticket with its QR code.
    OrderConfirmation,
    /// Money back for some or all tickets of an order.
    Refund,
    /// The performance was cancelled and the order refunded.
    Cancellation,
    /// The performance is tomorrow: the tickets again.
    Reminder,
}

impl MailKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OrderConfirmation => "order_confirmation",
            Self::Refund => "refund",
            Self::Cancellation => "cancellation",
            Self::Reminder => "reminder",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::OrderConfirmation,
            Self::Refund,
            Self::Cancellation,
            Self::Reminder,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == text)
    }
}

/// Queues a mail about `order_id` (and `refund_id`) to the order's buyer, in the caller's
/// transaction.
pub async fn enqueue(
    conn: &mut PgConnection,
    kind: MailKind,
    order_id: Uuid,
    refund_id: Option<Uuid>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into mail_outbox (mail_id, kind, recipient, order_id, refund_id)
         select $1, $2, buyer_email, order_id, $4 from purchase_order where order_id = $3",
        Uuid::now_v7(),
        kind.as_str(),
        order_id,
        refund_id,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Queues a reminder to every order of a session that still has a valid ticket, unless the
/// performance has begun; an order already reminded is not reminded again. Returns how many
/// were queued now.
pub async fn enqueue_reminders(
    conn: &mut PgConnection,
    session_id: Uuid,
) -> Result<u64, sqlx::Error> {
    // Literals stay where an index's predicate must match them: the order statuses select
    // through `purchase_order_session_paid_idx`, and `on conflict` names the partial unique
    // index `mail_outbox_one_reminder` by its predicate.
    let queued = sqlx::query!(
        "insert into mail_outbox (mail_id, kind, recipient, order_id)
         select gen_random_uuid(), $2, o.buyer_email, o.order_id
         from purchase_order o join session s using (session_id)
         where o.session_id = $1 and o.status in ('paid', 'ticketed') and s.starts_at > now()
           and exists (select 1 from ticket t where t.order_id = o.order_id and t.status = $3)
         on conflict (order_id) where kind = 'reminder' do nothing",
        session_id,
        MailKind::Reminder.as_str(),
        TicketStatus::Valid.as_db_str(),
    )
    .execute(conn)
    .await?
    .rows_affected();
    Ok(queued)
}

#[derive(Debug, Clone)]
pub struct OutboxRow {
    pub mail_id: Uuid,
    pub kind: String,
    pub recipient: String,
    pub order_id: Uuid,
    pub refund_id: Option<Uuid>,
    pub attempts: i32,
}

/// The oldest unsent mail due now that no other sender holds; its row stays locked until
/// the transaction ends.
pub async fn claim_due(
    tx: &mut Transaction<'_, Postgres>,
) -> Result<Option<OutboxRow>, sqlx::Error> {
    sqlx::query_as!(
        OutboxRow,
        "select mail_id, kind, recipient, order_id, refund_id, attempts from mail_outbox
         where sent_at is null and next_attempt_at <= now()
         order by next_attempt_at, mail_id limit 1
         for update skip locked",
    )
    .fetch_optional(&mut **tx)
    .await
}

pub async fn mark_sent(conn: &mut PgConnection, mail_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update mail_outbox set sent_at = now(), attempts = attempts + 1 where mail_id = $1",
        mail_id,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn retry_at(
    conn: &mut PgConnection,
    mail_id: Uuid,
    at: DateTime<Utc>,
    error: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update mail_outbox set next_attempt_at = $2, attempts = attempts + 1, last_error = $3
         where mail_id = $1",
        mail_id,
        at,
        error,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// What a mail about an order says of its event.
#[derive(Debug, Clone)]
pub struct EventFacts {
    pub event_title: String,
    pub starts_at: DateTime<Utc>,
    pub venue_name: Option<String>,
    pub venue_city: Option<String>,
    pub timezone: Option<String>,
}

pub async fn event_facts(
    conn: &mut PgConnection,
    session_id: Uuid,
) -> Result<Option<EventFacts>, sqlx::Error> {
    sqlx::query_as!(
        EventFacts,
        r#"select e.title as event_title, s.starts_at, v.name as "venue_name?",
                  v.city as "venue_city?", v.timezone as "timezone?"
           from session s join event e using (event_id) left join venue v using (venue_id)
           where s.session_id = $1"#,
        session_id,
    )
    .fetch_optional(conn)
    .await
}

/// Tier names by id, for the tickets of an order.
pub async fn tier_names(
    conn: &mut PgConnection,
    order_id: Uuid,
) -> Result<Vec<(Uuid, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        "select distinct t.tier_id, tr.name from ticket t join tier tr using (tier_id)
         where t.order_id = $1",
        order_id,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.tier_id, row.name))
        .collect())
}
