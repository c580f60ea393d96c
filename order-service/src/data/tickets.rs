//! Tickets and check-in scans in PostgreSQL.
//!
//! The `ticket` table is a contract: the projector builds sold-seat and sales read models
//! from its change events. Admission is one conditional update, so two scans of one ticket
//! at the same instant admit one person.

use chrono::{DateTime, Utc};
use shared_dto::status::{OrderStatus, TicketStatus};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// A ticket as order-service stores it (the projector reads the same table's changes as
/// `shared_dto::rows::TicketChangeRow`).
#[derive(Debug, Clone)]
pub struct StoredTicket {
    pub ticket_id: Uuid,
    pub order_id: Uuid,
    pub event_id: Uuid,
    pub session_id: Uuid,
    pub seat_id: Option<String>,
    pub block_id: String,
    pub tier_id: Uuid,
    pub price_minor: i64,
    pub currency: String,
    pub holder_name: String,
    pub status: TicketStatus,
    pub issued_at: DateTime<Utc>,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub checked_in_gate: Option<String>,
    /// The refund that returned this ticket's price, if any.
    pub refund_id: Option<Uuid>,
    /// The short number people type (stored bare, see `ticket_number`).
    pub ticket_number: String,
}

/// Pays and tickets a pending (or revived) order in one statement: the order becomes
/// `ticketed` (paid now), one ticket is issued per live item at the price paid for it, and a
/// reserved discount use is redeemed. Fails on `ticket_session_seat_key` when a seat is
/// ticketed already.
pub async fn issue_paid(
    conn: &mut PgConnection,
    order_id: Uuid,
) -> Result<Vec<StoredTicket>, sqlx::Error> {
    sqlx::query_as!(
        StoredTicket,
        r#"with ordered as (
             update purchase_order set status = $2, paid_at = coalesce(paid_at, now()),
                                       ticketed_at = now()
             where order_id = $1
             returning order_id, event_id, currency, buyer_name
         ), redeemed as (
             update discount_redemption set status = 'redeemed'
             where order_id = $1 and status = 'reserved'
         )
         insert into ticket (ticket_id, order_id, event_id, session_id, seat_id, block_id, tier_id,
                             price_minor, currency, holder_name)
         select gen_random_uuid(), o.order_id, o.event_id, i.session_id, i.seat_id, i.block_id,
                i.tier_id, i.unit_price_minor - i.discount_minor, o.currency, o.buyer_name
         from order_item i join ordered o using (order_id)
         where i.live
         order by i.seat_id nulls last, i.order_item_id
         returning ticket_id, order_id, event_id, session_id, seat_id, block_id, tier_id,
                   price_minor, currency, holder_name, status as "status: TicketStatus",
                   issued_at, checked_in_at, checked_in_gate, refund_id, ticket_number"#,
        order_id,
        OrderStatus::Ticketed.as_db_str(),
    )
    .fetch_all(conn)
    .await
}

pub async fn of_order(
    executor: impl PgExecutor<'_>,
    order_id: Uuid,
) -> Result<Vec<StoredTicket>, sqlx::Error> {
    sqlx::query_as!(
        StoredTicket,
        r#"select ticket_id, order_id, event_id, session_id, seat_id, block_id, tier_id,
                  price_minor, currency, holder_name, status as "status: TicketStatus",
                  issued_at, checked_in_at, checked_in_gate, refund_id, ticket_number
           from ticket where order_id = $1
           order by seat_id nulls last, ticket_id"#,
        order_id,
    )
    .fetch_all(executor)
    .await
}

pub async fn of_customer(
    executor: impl PgExecutor<'_>,
    subject: &str,
) -> Result<Vec<StoredTicket>, sqlx::Error> {
    sqlx::query_as!(
        StoredTicket,
        r#"select t.ticket_id, t.order_id, t.event_id, t.session_id, t.seat_id, t.block_id,
                  t.tier_id, t.price_minor, t.currency, t.holder_name,
                  t.status as "status: TicketStatus", t.issued_at, t.checked_in_at,
                  t.checked_in_gate, t.refund_id, t.ticket_number
           from ticket t join purchase_order o using (order_id)
           where o.customer_subject = $1
           order by t.issued_at desc, t.seat_id nulls last limit 1000"#,
        subject,
    )
    .fetch_all(executor)
    .await
}

/// A ticket with what a gate needs to decide and to show.
#[derive(Debug, Clone)]
pub struct GateTicket {
    pub ticket: StoredTicket,
    pub organisation_id: Uuid,
    pub tier_name: Option<String>,
}

pub async fn for_gate(
    executor: impl PgExecutor<'_>,
    ticket_id: Uuid,
) -> Result<Option<GateTicket>, sqlx::Error> {
    let row = sqlx::query!(
        r#"select t.ticket_id, t.order_id, t.event_id, t.session_id, t.seat_id, t.block_id,
                  t.tier_id, t.price_minor, t.currency, t.holder_name,
                  t.status as "status: TicketStatus", t.issued_at, t.checked_in_at,
                  t.checked_in_gate, t.refund_id, t.ticket_number, e.organisation_id,
                  tr.name as "tier_name?"
           from ticket t join event e using (event_id) left join tier tr using (tier_id)
           where t.ticket_id = $1"#,
        ticket_id,
    )
    .fetch_optional(executor)
    .await?;
    Ok(row.map(|row| GateTicket {
        ticket: StoredTicket {
            ticket_id: row.ticket_id,
            order_id: row.order_id,
            event_id: row.event_id,
            session_id: row.session_id,
            seat_id: row.seat_id,
            block_id: row.block_id,
            tier_id: row.tier_id,
            price_minor: row.price_minor,
            currency: row.currency,
            holder_name: row.holder_name,
            status: row.status,
            issued_at: row.issued_at,
            checked_in_at: row.checked_in_at,
            checked_in_gate: row.checked_in_gate,
            refund_id: row.refund_id,
            ticket_number: row.ticket_number,
        },
        organisation_id: row.organisation_id,
        tier_name: row.tier_name,
    }))
}

/// The ticket a number names, if any (`number` in its stored form).
pub async fn numbered(
    executor: impl PgExecutor<'_>,
    number: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "select ticket_id from ticket where ticket_number = $1",
        number
    )
    .fetch_optional(executor)
    .await
}

/// A session's owners: its event and the event's organisation.
pub async fn session_owner(
    executor: impl PgExecutor<'_>,
    session_id: Uuid,
) -> Result<Option<(Uuid, Uuid)>, sqlx::Error> {
    let row = sqlx::query!(
        "select s.event_id, e.organisation_id from session s join event e using (event_id)
         where s.session_id = $1",
        session_id,
    )
    .fetch_optional(executor)
    .await?;
    Ok(row.map(|row| (row.event_id, row.organisation_id)))
}

/// What a gate keeps of one ticket to decide offline: no buyer data beyond the name printed
/// on the ticket.
#[derive(Debug, Clone)]
pub struct ManifestTicket {
    pub ticket_id: Uuid,
    pub ticket_number: String,
    pub seat_id: Option<String>,
    pub block_id: String,
    pub tier_id: Uuid,
    pub tier_name: Option<String>,
    pub holder_name: String,
    pub status: TicketStatus,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub checked_in_gate: Option<String>,
}

pub async fn manifest(
    executor: impl PgExecutor<'_>,
    session_id: Uuid,
) -> Result<Vec<ManifestTicket>, sqlx::Error> {
    sqlx::query_as!(
        ManifestTicket,
        r#"select t.ticket_id, t.ticket_number, t.seat_id, t.block_id, t.tier_id,
                  tr.name as "tier_name?", t.holder_name, t.status as "status: TicketStatus",
                  t.checked_in_at, t.checked_in_gate
           from ticket t left join tier tr using (tier_id)
           where t.session_id = $1
           order by t.seat_id nulls last, t.ticket_id"#,
        session_id,
    )
    .fetch_all(executor)
    .await
}

/// A session's valid tickets admitted at one gate (`None`: not admitted, or admitted with no
/// gate recorded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GateTally {
    pub gate: Option<String>,
    /// Valid tickets in this group.
    pub tickets: i64,
    /// How many of them are admitted.
    pub admitted: i64,
}

/// A session's valid tickets grouped by the gate that admitted them.
pub async fn gate_tallies(
    executor: impl PgExecutor<'_>,
    session_id: Uuid,
) -> Result<Vec<GateTally>, sqlx::Error> {
    // `valid` is a literal, not a bound TicketStatus, so the planner can match it against
    // `ticket_session_valid_idx` (gates ask every few seconds).
    sqlx::query_as!(
        GateTally,
        r#"select checked_in_gate as gate, count(*) as "tickets!", count(checked_in_at) as "admitted!"
           from ticket
           where session_id = $1 and status = 'valid'
           group by checked_in_gate"#,
        session_id,
    )
    .fetch_all(executor)
    .await
}

/// The one conditional update of a live scan: admits only a valid ticket not yet admitted.
pub async fn admit(
    executor: impl PgExecutor<'_>,
    ticket_id: Uuid,
    gate: &str,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"update ticket set checked_in_at = now(), checked_in_gate = $2
           where ticket_id = $1 and checked_in_at is null and status = $3
           returning checked_in_at as "checked_in_at!""#,
        ticket_id,
        gate,
        TicketStatus::Valid.as_db_str(),
    )
    .fetch_optional(executor)
    .await
}

/// Admission of an offline scan made at `scanned_at`: the same conditional update as a live
/// scan, so the first admission to reach us stands and is never rewritten, whatever time a
/// later report claims. Returns the admission time; `None` when the ticket was already
/// admitted (or is not valid).
pub async fn admit_offline(
    executor: impl PgExecutor<'_>,
    ticket_id: Uuid,
    gate: &str,
    scanned_at: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"update ticket set checked_in_at = $3, checked_in_gate = $2
           where ticket_id = $1 and checked_in_at is null and status = $4
           returning checked_in_at as "checked_in_at!""#,
        ticket_id,
        gate,
        scanned_at,
        TicketStatus::Valid.as_db_str(),
    )
    .fetch_optional(executor)
    .await
}

/// What one scan did, as stored and replayed.
pub struct NewScan<'a> {
    pub ticket_id: Option<Uuid>,
    pub scanned_by: &'a str,
    pub client_scan_id: Option<&'a str>,
    pub gate: &'a str,
    pub scanned_at: DateTime<Utc>,
    pub outcome: &'a str,
    pub result: &'a serde_json::Value,
}

/// Records a scan; `false` when the device already sent this scan id (nothing written).
pub async fn record_scan(
    executor: impl PgExecutor<'_>,
    scan: &NewScan<'_>,
) -> Result<bool, sqlx::Error> {
    let written = sqlx::query!(
        "insert into ticket_scan (ticket_scan_id, ticket_id, scanned_by, client_scan_id, gate,
                                  scanned_at, outcome, result)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict (scanned_by, client_scan_id) where client_scan_id is not null do nothing",
        Uuid::new_v4(),
        scan.ticket_id,
        scan.scanned_by,
        scan.client_scan_id,
        scan.gate,
        scan.scanned_at,
        scan.outcome,
        scan.result,
    )
    .execute(executor)
    .await?
    .rows_affected();
    Ok(written == 1)
}

/// The answer stored for a scan a device sent before.
pub async fn stored_scan(
    executor: impl PgExecutor<'_>,
    scanned_by: &str,
    client_scan_id: &str,
) -> Result<Option<serde_json::Value>, sqlx::Error> {
    sqlx::query_scalar!(
        "select result from ticket_scan where scanned_by = $1 and client_scan_id = $2",
        scanned_by,
        client_scan_id,
    )
    .fetch_optional(executor)
    .await
}
