//! Tickets and check-in scans in PostgreSQL.
//!
//! The `ticket` table is a contract: the projector builds sold-seat and sales read models
//! from its change events. Admission is one conditional update, so two scans of one ticket
//! at the same instant admit one person.

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// A ticket as order-service stores it (the projector reads the same table's changes as
/// `shared_dto::rows::TicketChangeRow`).
#[derive(Debug, Clone, sqlx::FromRow)]
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
    pub status: String,
    pub issued_at: DateTime<Utc>,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub checked_in_gate: Option<String>,
    /// The refund that returned this ticket's price, if any.
    pub refund_id: Option<Uuid>,
    /// The short number people type (stored bare, see `ticket_number`).
    pub ticket_number: String,
}

const TICKET_COLUMNS: &str = "ticket_id, order_id, event_id, session_id, seat_id, block_id, \
    tier_id, price_minor, currency, holder_name, status, issued_at, checked_in_at, checked_in_gate, \
    refund_id, ticket_number";

/// Pays and tickets a pending (or revived) order in one statement: the order becomes
/// `ticketed` (paid now), one ticket is issued per live item at the price paid for it, and a
/// reserved discount use is redeemed. Fails on `ticket_session_seat_key` when a seat is
/// ticketed already.
pub async fn issue_paid(
    conn: &mut PgConnection,
    order_id: Uuid,
) -> Result<Vec<StoredTicket>, sqlx::Error> {
    sqlx::query_as(&format!(
        "with ordered as (
             update purchase_order set status = 'ticketed', paid_at = coalesce(paid_at, now()),
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
         returning {TICKET_COLUMNS}"
    ))
    .bind(order_id)
    .fetch_all(conn)
    .await
}

pub async fn of_order(
    executor: impl PgExecutor<'_>,
    order_id: Uuid,
) -> Result<Vec<StoredTicket>, sqlx::Error> {
    sqlx::query_as(&format!(
        "select {TICKET_COLUMNS} from ticket where order_id = $1
         order by seat_id nulls last, ticket_id"
    ))
    .bind(order_id)
    .fetch_all(executor)
    .await
}

pub async fn of_customer(
    executor: impl PgExecutor<'_>,
    subject: &str,
) -> Result<Vec<StoredTicket>, sqlx::Error> {
    sqlx::query_as(&format!(
        "select {} from ticket t join purchase_order o using (order_id)
         where o.customer_subject = $1
         order by t.issued_at desc, t.seat_id nulls last limit 1000",
        TICKET_COLUMNS
            .split(", ")
            .map(|column| format!("t.{column}"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
    .bind(subject)
    .fetch_all(executor)
    .await
}

/// A ticket with what a gate needs to decide and to show.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GateTicket {
    #[sqlx(flatten)]
    pub ticket: StoredTicket,
    pub organisation_id: Uuid,
    pub tier_name: Option<String>,
}

pub async fn for_gate(
    executor: impl PgExecutor<'_>,
    ticket_id: Uuid,
) -> Result<Option<GateTicket>, sqlx::Error> {
    sqlx::query_as(
        "select t.ticket_id, t.order_id, t.event_id, t.session_id, t.seat_id, t.block_id,
                t.tier_id, t.price_minor, t.currency, t.holder_name, t.status, t.issued_at,
                t.checked_in_at, t.checked_in_gate, t.refund_id, t.ticket_number, e.organisation_id,
                tr.name as tier_name
         from ticket t join event e using (event_id) left join tier tr using (tier_id)
         where t.ticket_id = $1",
    )
    .bind(ticket_id)
    .fetch_optional(executor)
    .await
}

/// The ticket a number names, if any (`number` in its stored form).
pub async fn numbered(
    executor: impl PgExecutor<'_>,
    number: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar("select ticket_id from ticket where ticket_number = $1")
        .bind(number)
        .fetch_optional(executor)
        .await
}

/// A session's owners: its event and the event's organisation.
pub async fn session_owner(
    executor: impl PgExecutor<'_>,
    session_id: Uuid,
) -> Result<Option<(Uuid, Uuid)>, sqlx::Error> {
    sqlx::query_as(
        "select s.event_id, e.organisation_id from session s join event e using (event_id)
         where s.session_id = $1",
    )
    .bind(session_id)
    .fetch_optional(executor)
    .await
}

/// What a gate keeps of one ticket to decide offline: no buyer data beyond the name printed
/// on the ticket.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ManifestTicket {
    pub ticket_id: Uuid,
    pub ticket_number: String,
    pub seat_id: Option<String>,
    pub block_id: String,
    pub tier_id: Uuid,
    pub tier_name: Option<String>,
    pub holder_name: String,
    pub status: String,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub checked_in_gate: Option<String>,
}

pub async fn manifest(
    executor: impl PgExecutor<'_>,
    session_id: Uuid,
) -> Result<Vec<ManifestTicket>, sqlx::Error> {
    sqlx::query_as(
        "select t.ticket_id, t.ticket_number, t.seat_id, t.block_id, t.tier_id, tr.name as tier_name,
                t.holder_name, t.status, t.checked_in_at, t.checked_in_gate
         from ticket t left join tier tr using (tier_id)
         where t.session_id = $1
         order by t.seat_id nulls last, t.ticket_id",
    )
    .bind(session_id)
    .fetch_all(executor)
    .await
}

/// A session's valid tickets grouped by the gate that admitted them (`None`: not admitted, or
/// admitted with no gate recorded): how many, and how many of them are admitted.
pub async fn gate_tallies(
    executor: impl PgExecutor<'_>,
    session_id: Uuid,
) -> Result<Vec<(Option<String>, i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "select checked_in_gate, count(*), count(checked_in_at) from ticket
         where session_id = $1 and status = 'valid'
         group by checked_in_gate",
    )
    .bind(session_id)
    .fetch_all(executor)
    .await
}

/// The one conditional update of a live scan: admits only a valid ticket not yet admitted.
pub async fn admit(
    executor: impl PgExecutor<'_>,
    ticket_id: Uuid,
    gate: &str,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    sqlx::query_scalar(
        "update ticket set checked_in_at = now(), checked_in_gate = $2
         where ticket_id = $1 and checked_in_at is null and status = 'valid'
         returning checked_in_at",
    )
    .bind(ticket_id)
    .bind(gate)
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
    sqlx::query_scalar(
        "update ticket set checked_in_at = $3, checked_in_gate = $2
         where ticket_id = $1 and checked_in_at is null and status = 'valid'
         returning checked_in_at",
    )
    .bind(ticket_id)
    .bind(gate)
    .bind(scanned_at)
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
    let written = sqlx::query(
        "insert into ticket_scan (ticket_scan_id, ticket_id, scanned_by, client_scan_id, gate,
                                  scanned_at, outcome, result)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict (scanned_by, client_scan_id) where client_scan_id is not null do nothing",
    )
    .bind(Uuid::new_v4())
    .bind(scan.ticket_id)
    .bind(scan.scanned_by)
    .bind(scan.client_scan_id)
    .bind(scan.gate)
    .bind(scan.scanned_at)
    .bind(scan.outcome)
    .bind(Json(scan.result))
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
    let stored: Option<Json<serde_json::Value>> = sqlx::query_scalar(
        "select result from ticket_scan where scanned_by = $1 and client_scan_id = $2",
    )
    .bind(scanned_by)
    .bind(client_scan_id)
    .fetch_optional(executor)
    .await?;
    Ok(stored.map(|json| json.0))
}
