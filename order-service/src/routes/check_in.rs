//! Check-in at the gate: a scan is verified (signature first), authorised (staff of the
//! event's organisation), then admitted with one conditional update, so two simultaneous
//! scans of one ticket admit one person. Offline devices sync batches of scans made while
//! disconnected; a batch can be sent again safely.
//!
//! A ticket number typed by staff stands in for the code when a QR cannot be scanned: staff
//! vouch for it, so no signature is checked, but it must name a ticket of the session the gate
//! admits to.

use std::collections::{BTreeMap, HashSet};

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use service_runtime::JsonBody;
use service_runtime::auth::{Authenticated, Principal};
use service_runtime::params::Path;
use shared_dto::seat_hold::{SalesActivity, SalesActivityKind};
use shared_dto::status::TicketStatus;
use shared_dto::ticket_qr;
use uuid::Uuid;

use crate::access::may_check_in;
use crate::data::sessions;
use crate::data::tickets::{self, GateTicket, NewScan};
use crate::error::ApiError;
use crate::fulfilment::publish_activity;
use crate::state::AppState;
use crate::ticket_number;

/// Most scans one batch may carry.
const MAX_BATCH: usize = 500;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Scan {
    /// The text of the ticket's QR code. Give either this or `ticket_number`.
    pub qr: Option<String>,
    /// The ticket's number as typed by staff (case, dashes and spaces do not matter; O reads
    /// as 0, I and L as 1). Give either this or `qr`; needs `session_id`.
    #[schema(example = "K7Q2-9XMB-4TZ8")]
    pub ticket_number: Option<String>,
    /// The session the gate admits to; required with `ticket_number`, which must name one of
    /// its tickets, and only then (a QR code names its session itself).
    pub session_id: Option<Uuid>,
    /// Where the scan happened, e.g. `north-1`.
    pub gate: String,
}

/// What identifies the ticket at the gate.
enum Code<'a> {
    /// A signed QR code.
    Qr(&'a str),
    /// A number typed by staff, as typed, for the gate's session.
    Number { typed: &'a str, session_id: Uuid },
}

impl<'a> Code<'a> {
    /// Exactly one of `qr` and `ticket_number`, a number with its session; `at` is the JSON
    /// pointer of the scan in the request.
    fn of(
        qr: Option<&'a str>,
        ticket_number: Option<&'a str>,
        session_id: Option<Uuid>,
        at: &str,
    ) -> Result<Self, ApiError> {
        match (qr, ticket_number, session_id) {
            (Some(_), Some(_), _) => Err(ApiError::invalid(
                format!("{at}/ticket_number"),
                "give either qr or ticket_number, not both",
            )),
            (None, None, _) => Err(ApiError::invalid(
                format!("{at}/qr"),
                "qr or ticket_number is required",
            )),
            (Some(_), None, Some(_)) => Err(ApiError::invalid(
                format!("{at}/session_id"),
                "session_id goes with ticket_number only; a QR code names its session",
            )),
            (None, Some(_), None) => Err(ApiError::invalid(
                format!("{at}/session_id"),
                "a ticket number needs the session_id of the gate's session",
            )),
            (Some(qr), None, None) => Ok(Self::Qr(qr)),
            (None, Some(typed), Some(session_id)) => Ok(Self::Number { typed, session_id }),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ScannedTicket {
    pub ticket_id: Uuid,
    /// The number printed on the ticket, e.g. `K7Q2-9XMB-4TZ8`. Missing only from the stored
    /// answer of an offline scan synced before tickets had numbers.
    #[serde(default)]
    pub ticket_number: String,
    pub event_id: Uuid,
    pub session_id: Uuid,
    /// Null for a standing place.
    pub seat_id: Option<String>,
    pub seat_label: Option<String>,
    pub block_id: String,
    pub tier_id: Uuid,
    pub tier_name: Option<String>,
    pub holder_name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Admission {
    /// Always `admitted`.
    pub outcome: &'static str,
    pub ticket: ScannedTicket,
    pub checked_in_at: DateTime<Utc>,
    pub gate: String,
}

/// Why a code does not get past the gate before admission is even tried.
enum Refusal {
    InvalidCode(String),
    InvalidNumber,
    UnknownTicket,
    Forbidden,
}

impl Refusal {
    fn outcome(&self) -> &'static str {
        match self {
            Self::InvalidCode(_) | Self::InvalidNumber => "invalid_code",
            Self::UnknownTicket => "unknown_ticket",
            Self::Forbidden => "forbidden",
        }
    }

    fn message(&self) -> String {
        match self {
            Self::InvalidCode(reason) => reason.clone(),
            Self::InvalidNumber => NOT_A_NUMBER.to_owned(),
            Self::UnknownTicket => "no such ticket".to_owned(),
            Self::Forbidden => "you are not staff of this event's organisation".to_owned(),
        }
    }

    fn into_error(self) -> ApiError {
        match self {
            Self::InvalidCode(reason) => ApiError::rejected("invalid_ticket_code", "/qr", reason),
            Self::InvalidNumber => {
                ApiError::rejected("invalid_ticket_number", "/ticket_number", NOT_A_NUMBER)
            }
            Self::UnknownTicket => ApiError::NotFound,
            Self::Forbidden => {
                ApiError::Forbidden("you are not staff of this event's organisation")
            }
        }
    }
}

const NOT_A_NUMBER: &str = "a ticket number is 12 letters and digits, e.g. K7Q2-9XMB-4TZ8";

/// Signature (or the number), then the ticket, then the caller's right to admit to its event.
async fn identify(
    state: &AppState,
    principal: &Principal,
    code: &Code<'_>,
) -> Result<Result<GateTicket, Refusal>, ApiError> {
    let ticket = match *code {
        Code::Qr(qr) => {
            let claims = match ticket_qr::verify(qr, &state.tickets.verifying_key()) {
                Ok(claims) => claims,
                Err(error) => return Ok(Err(Refusal::InvalidCode(error.to_string()))),
            };
            let Some(ticket) = tickets::for_gate(&state.pool, claims.ticket_id).await? else {
                return Ok(Err(Refusal::UnknownTicket));
            };
            if ticket.ticket.session_id != claims.session_id
                || ticket.ticket.seat_id != claims.seat_id
            {
                return Ok(Err(Refusal::InvalidCode(
                    "the code does not match the ticket it names".to_owned(),
                )));
            }
            ticket
        }
        Code::Number { typed, session_id } => {
            let Some(number) = ticket_number::normalise(typed) else {
                return Ok(Err(Refusal::InvalidNumber));
            };
            let ticket = match tickets::numbered(&state.pool, &number).await? {
                Some(ticket_id) => tickets::for_gate(&state.pool, ticket_id).await?,
                None => None,
            };
            // Nothing vouches for a typed number but staff: it counts only for the gate's session.
            match ticket {
                Some(ticket) if ticket.ticket.session_id == session_id => ticket,
                _ => {
                    // Only staff of the session learn that a number is not one of its tickets.
                    if let Some((_, organisation_id)) =
                        tickets::session_owner(&state.pool, session_id).await?
                        && !may_check_in(&state.pool, principal, organisation_id).await?
                    {
                        return Ok(Err(Refusal::Forbidden));
                    }
                    return Ok(Err(Refusal::UnknownTicket));
                }
            }
        }
    };
    if !may_check_in(&state.pool, principal, ticket.organisation_id).await? {
        return Ok(Err(Refusal::Forbidden));
    }
    Ok(Ok(ticket))
}

async fn scanned(state: &AppState, ticket: &GateTicket) -> ScannedTicket {
    let row = &ticket.ticket;
    let seat_label = match &row.seat_id {
        Some(seat_id) => sessions::load(&state.pool, &state.seat_maps, row.session_id)
            .await
            .ok()
            .and_then(|session| Some(session.map.seats.get(seat_id)?.label.clone())),
        None => None,
    };
    ScannedTicket {
        ticket_id: row.ticket_id,
        ticket_number: ticket_number::display(&row.ticket_number),
        event_id: row.event_id,
        session_id: row.session_id,
        seat_id: row.seat_id.clone(),
        seat_label,
        block_id: row.block_id.clone(),
        tier_id: row.tier_id,
        tier_name: ticket.tier_name.clone(),
        holder_name: row.holder_name.clone(),
    }
}

fn check_gate(gate: &str, field: &str) -> Result<(), ApiError> {
    let gate = gate.trim();
    if gate.is_empty() || gate.chars().count() > 64 || gate.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            field,
            "a gate name of 1 to 64 characters is required",
        ));
    }
    Ok(())
}

async fn announce_check_in(state: &AppState, ticket: &GateTicket, gate: &str) {
    let row = &ticket.ticket;
    publish_activity(
        state,
        SalesActivity {
            event_id: row.event_id.to_string(),
            session_id: row.session_id.to_string(),
            kind: SalesActivityKind::CheckedIn,
            order_id: Some(row.order_id.to_string()),
            ticket_id: Some(row.ticket_id.to_string()),
            quantity: 1,
            amount_minor: 0,
            currency: None,
            gate: Some(gate.to_owned()),
            at_ms: Utc::now().timestamp_millis(),
        },
    )
    .await;
}

#[utoipa::path(post, path = "/api/check-in/scans", tag = "check-in",
    request_body = Scan,
    responses(
        (status = 200, body = Admission, description = "admit"),
        (status = 403, description = "not staff of the event's organisation"),
        (status = 404, description = "the code is genuine but names no ticket we know, or the number names no ticket of the session"),
        (status = 409, description = "already admitted (`checked_in_at`, `gate`), or the ticket is refunded or void"),
        (status = 422, description = "not a ticket code, or its signature does not verify; not a ticket number; both or neither of `qr` and `ticket_number`; a number without `session_id`")),
    security(("bearer" = [])))]
pub async fn scan_ticket(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    JsonBody(scan): JsonBody<Scan>,
) -> Result<Json<Admission>, ApiError> {
    let code = Code::of(
        scan.qr.as_deref(),
        scan.ticket_number.as_deref(),
        scan.session_id,
        "",
    )?;
    check_gate(&scan.gate, "/gate")?;
    let gate = scan.gate.trim();
    let now = Utc::now();
    let ticket = match identify(&state, &principal, &code).await? {
        Ok(ticket) => ticket,
        Err(refusal) => {
            record(&state, &principal, None, None, gate, now, refusal.outcome()).await;
            return Err(refusal.into_error());
        }
    };
    let ticket_id = ticket.ticket.ticket_id;
    match tickets::admit(&state.pool, ticket_id, gate).await? {
        Some(checked_in_at) => {
            record(
                &state,
                &principal,
                Some(ticket_id),
                None,
                gate,
                now,
                "admitted",
            )
            .await;
            announce_check_in(&state, &ticket, gate).await;
            Ok(Json(Admission {
                outcome: "admitted",
                ticket: scanned(&state, &ticket).await,
                checked_in_at,
                gate: gate.to_owned(),
            }))
        }
        None => {
            let current = tickets::for_gate(&state.pool, ticket_id)
                .await?
                .ok_or(ApiError::NotFound)?;
            let row = current.ticket;
            if row.status != TicketStatus::Valid {
                record(
                    &state,
                    &principal,
                    Some(ticket_id),
                    None,
                    gate,
                    now,
                    "not_valid",
                )
                .await;
                return Err(ApiError::conflict(
                    "ticket_not_valid",
                    format!("this ticket is {}", row.status),
                )
                .with("status", row.status.as_str()));
            }
            record(
                &state,
                &principal,
                Some(ticket_id),
                None,
                gate,
                now,
                "already_admitted",
            )
            .await;
            Err(
                ApiError::conflict("already_admitted", "this ticket has already been admitted")
                    .with("ticket_id", ticket_id.to_string())
                    .with("checked_in_at", row.checked_in_at.map(|at| at.to_rfc3339()))
                    .with("gate", row.checked_in_gate),
            )
        }
    }
}

/// The audit trail of live scans; losing an entry must not turn an admission into an error.
async fn record(
    state: &AppState,
    principal: &Principal,
    ticket_id: Option<Uuid>,
    client_scan_id: Option<&str>,
    gate: &str,
    scanned_at: DateTime<Utc>,
    outcome: &str,
) {
    metrics::counter!("check_in_scans_total", "outcome" => outcome.to_owned()).increment(1);
    let result = serde_json::json!({ "outcome": outcome });
    let scan = NewScan {
        ticket_id,
        scanned_by: &principal.subject,
        client_scan_id,
        gate,
        scanned_at,
        outcome,
        result: &result,
    };
    if let Err(error) = tickets::record_scan(&state.pool, &scan).await {
        tracing::warn!(%error, "scan not recorded");
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScanBatch {
    /// Up to 500 scans, in any order.
    pub scans: Vec<OfflineScan>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfflineScan {
    /// The device's own id for this scan (e.g. a UUID); a scan sent again with the same id
    /// gets the same result and admits no one.
    pub scan_id: String,
    /// The text of the ticket's QR code. Give either this or `ticket_number`.
    pub qr: Option<String>,
    /// The ticket's number as typed by staff. Give either this or `qr`; needs `session_id`.
    #[schema(example = "K7Q2-9XMB-4TZ8")]
    pub ticket_number: Option<String>,
    /// The session the gate admits to; required with `ticket_number` and only then.
    pub session_id: Option<Uuid>,
    pub gate: String,
    /// When the device scanned the code. Up to two minutes ahead of the server's clock counts
    /// as now; later, or more than 14 days ago, the scan is refused (`invalid_scan_time`).
    pub scanned_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BatchResults {
    /// One result per scan, in the order sent.
    pub results: Vec<ScanResult>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ScanResult {
    pub scan_id: String,
    /// `admitted`; `already_admitted` (the ticket's first admission stands: see `admitted_at`
    /// and `admitted_gate`); `not_valid` (refunded or void); `invalid_code` (also a
    /// `ticket_number` that cannot be one); `invalid_scan_time` (`scanned_at` in the future or
    /// too long ago); `unknown_ticket` (also a number that names no ticket of `session_id`);
    /// `forbidden`.
    pub outcome: String,
    pub ticket: Option<ScannedTicket>,
    pub admitted_at: Option<DateTime<Utc>>,
    pub admitted_gate: Option<String>,
    pub message: Option<String>,
}

#[utoipa::path(post, path = "/api/check-in/scans/batch", tag = "check-in",
    request_body = ScanBatch,
    responses(
        (status = 200, body = BatchResults, description = "a result per scan. A ticket is admitted once, ever: the first admission to reach the server stands (within a batch, the earliest scan), every later scan of it, live or offline and whatever its `scanned_at`, is `already_admitted` with that admission's gate and time"),
        (status = 422, description = "an invalid batch, e.g. a scan with both or neither of `qr` and `ticket_number`, or a number without `session_id`")),
    security(("bearer" = [])))]
pub async fn scan_batch(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    JsonBody(batch): JsonBody<ScanBatch>,
) -> Result<Json<BatchResults>, ApiError> {
    if batch.scans.len() > MAX_BATCH {
        return Err(ApiError::invalid(
            "/scans",
            format!("at most {MAX_BATCH} scans per batch"),
        ));
    }
    let mut codes = Vec::with_capacity(batch.scans.len());
    for (index, scan) in batch.scans.iter().enumerate() {
        let id = scan.scan_id.trim();
        if id.is_empty() || id.len() > 100 {
            return Err(ApiError::invalid(
                format!("/scans/{index}/scan_id"),
                "a scan id of 1 to 100 characters is required",
            ));
        }
        codes.push(Code::of(
            scan.qr.as_deref(),
            scan.ticket_number.as_deref(),
            scan.session_id,
            &format!("/scans/{index}"),
        )?);
        check_gate(&scan.gate, &format!("/scans/{index}/gate"))?;
    }
    // Earliest first, so within a batch the earliest scan of a ticket is the one admitted.
    let mut order: Vec<usize> = (0..batch.scans.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&batch.scans[a], &batch.scans[b]);
        (a.scanned_at, &a.scan_id).cmp(&(b.scanned_at, &b.scan_id))
    });
    let mut results: Vec<Option<ScanResult>> = vec![None; batch.scans.len()];
    let mut admitted = HashSet::new();
    for index in order {
        let scan = &batch.scans[index];
        let result = offline_scan(&state, &principal, scan, &codes[index], &mut admitted).await?;
        results[index] = Some(result);
    }
    Ok(Json(BatchResults {
        results: results.into_iter().flatten().collect(),
    }))
}

async fn offline_scan(
    state: &AppState,
    principal: &Principal,
    scan: &OfflineScan,
    code: &Code<'_>,
    announced: &mut HashSet<Uuid>,
) -> Result<ScanResult, ApiError> {
    let scan_id = scan.scan_id.trim();
    if let Some(stored) = tickets::stored_scan(&state.pool, &principal.subject, scan_id).await? {
        return serde_json::from_value(stored).map_err(ApiError::internal);
    }
    let gate = scan.gate.trim();
    let now = Utc::now();
    let mut result = ScanResult {
        scan_id: scan_id.to_owned(),
        outcome: String::new(),
        ticket: None,
        admitted_at: None,
        admitted_gate: None,
        message: None,
    };
    let scanned_at = match plausible_scan_time(scan.scanned_at, now) {
        Ok(at) => at,
        Err(reason) => {
            result.outcome = "invalid_scan_time".to_owned();
            result.message = Some(reason.to_owned());
            let tx = state.pool.begin().await?;
            return store(state, principal, tx, None, scan, now, result).await;
        }
    };
    let ticket = match identify(state, principal, code).await? {
        Ok(ticket) => ticket,
        Err(refusal) => {
            result.outcome = refusal.outcome().to_owned();
            result.message = Some(refusal.message());
            let tx = state.pool.begin().await?;
            return store(state, principal, tx, None, scan, scanned_at, result).await;
        }
    };
    let ticket_id = ticket.ticket.ticket_id;
    result.ticket = Some(scanned(state, &ticket).await);
    let mut tx = state.pool.begin().await?;
    let newly_admitted = match tickets::admit_offline(&mut *tx, ticket_id, gate, scanned_at).await?
    {
        Some(admitted_at) => {
            result.outcome = "admitted".to_owned();
            result.admitted_at = Some(admitted_at);
            result.admitted_gate = Some(gate.to_owned());
            true
        }
        None => {
            let current = tickets::for_gate(&mut *tx, ticket_id)
                .await?
                .ok_or(ApiError::NotFound)?;
            if current.ticket.status == TicketStatus::Valid {
                result.outcome = "already_admitted".to_owned();
                result.admitted_at = current.ticket.checked_in_at;
                result.admitted_gate = current.ticket.checked_in_gate;
            } else {
                result.outcome = "not_valid".to_owned();
                result.message = Some(format!("this ticket is {}", current.ticket.status));
            }
            false
        }
    };
    let result = store(
        state,
        principal,
        tx,
        Some(ticket_id),
        scan,
        scanned_at,
        result,
    )
    .await?;
    if newly_admitted && result.outcome == "admitted" && announced.insert(ticket_id) {
        announce_check_in(state, &ticket, gate).await;
    }
    Ok(result)
}

/// How far ahead of our clock a device's clock may run before its scan times are refused.
const CLOCK_SKEW: chrono::Duration = chrono::Duration::minutes(2);
/// The oldest scan a device may still report: a phone offline for longer than this has a
/// wrong clock or a stale queue, and its report cannot be trusted as an admission.
const OLDEST_REPORT: chrono::Duration = chrono::Duration::days(14);

/// A device's scan time, if it could be true: within `CLOCK_SKEW` of the future (counted as
/// now) and not older than `OLDEST_REPORT`.
fn plausible_scan_time(
    scanned_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, &'static str> {
    if scanned_at > now + CLOCK_SKEW {
        return Err("scanned_at is in the future; check the device's clock");
    }
    if scanned_at < now - OLDEST_REPORT {
        return Err("scanned_at is more than 14 days ago; check the device's clock");
    }
    Ok(scanned_at.min(now))
}

/// Stores the scan with its result in the scan's transaction; when the device's scan id is
/// already stored (a replay racing this one), nothing of this attempt is kept and the stored
/// result is the answer.
async fn store(
    state: &AppState,
    principal: &Principal,
    mut tx: sqlx::Transaction<'_, sqlx::Postgres>,
    ticket_id: Option<Uuid>,
    scan: &OfflineScan,
    scanned_at: DateTime<Utc>,
    result: ScanResult,
) -> Result<ScanResult, ApiError> {
    metrics::counter!("check_in_scans_total", "outcome" => result.outcome.clone()).increment(1);
    let stored = serde_json::to_value(&result).map_err(ApiError::internal)?;
    let written = tickets::record_scan(
        &mut *tx,
        &NewScan {
            ticket_id,
            scanned_by: &principal.subject,
            client_scan_id: Some(&result.scan_id),
            gate: scan.gate.trim(),
            scanned_at,
            outcome: &result.outcome,
            result: &stored,
        },
    )
    .await?;
    if written {
        tx.commit().await?;
        return Ok(result);
    }
    tx.rollback().await?;
    let stored = tickets::stored_scan(&state.pool, &principal.subject, &result.scan_id)
        .await?
        .ok_or_else(|| ApiError::Busy("a replayed scan vanished".into()))?;
    serde_json::from_value(stored).map_err(ApiError::internal)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Manifest {
    pub session_id: Uuid,
    pub event_id: Uuid,
    pub generated_at: DateTime<Utc>,
    /// Tickets that may enter (status `valid`), admitted or not.
    pub expected: u64,
    /// Valid tickets already admitted.
    pub admitted: u64,
    /// Admissions per gate, busiest first.
    pub gates: Vec<GateCount>,
    pub tickets: Vec<ManifestEntry>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GateCount {
    pub gate: String,
    pub admitted: u64,
}

/// One ticket as a gate needs it offline: what to show and whether it may still enter.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ManifestEntry {
    pub ticket_id: Uuid,
    /// The number printed on the ticket, e.g. `K7Q2-9XMB-4TZ8`, for typed entry offline.
    pub ticket_number: String,
    /// Null for a standing place.
    pub seat_id: Option<String>,
    pub seat_label: Option<String>,
    pub block_id: String,
    pub tier_id: Uuid,
    pub tier_name: Option<String>,
    /// The name printed on the ticket.
    pub holder_name: String,
    /// Only a `valid` ticket enters.
    pub status: TicketStatus,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub gate: Option<String>,
}

#[utoipa::path(get, path = "/api/check-in/sessions/{id}/manifest", tag = "check-in",
    params(("id" = Uuid, Path, description = "the session")),
    responses(
        (status = 200, body = Manifest, description = "every ticket of the session with its admission state, for scanning offline, and the session's gate counts"),
        (status = 403, description = "not staff of the event's organisation"),
        (status = 404, description = "no such session")),
    security(("bearer" = [])))]
pub async fn session_manifest(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(session_id): Path<Uuid>,
) -> Result<Json<Manifest>, ApiError> {
    let event_id = session_for_staff(&state, &principal, session_id).await?;
    let generated_at = Utc::now();
    let rows = tickets::manifest(&state.pool, session_id).await?;
    // Seat labels come from the session's map; a session without one sells standing only.
    let map = sessions::load(&state.pool, &state.seat_maps, session_id)
        .await
        .ok()
        .map(|session| session.map);
    let mut gates: BTreeMap<String, u64> = BTreeMap::new();
    let (mut expected, mut admitted) = (0, 0);
    let tickets = rows
        .into_iter()
        .map(|row| {
            if row.status == TicketStatus::Valid {
                expected += 1;
                if row.checked_in_at.is_some() {
                    admitted += 1;
                    if let Some(gate) = &row.checked_in_gate {
                        *gates.entry(gate.clone()).or_default() += 1;
                    }
                }
            }
            let seat_label = row
                .seat_id
                .as_ref()
                .and_then(|seat_id| Some(map.as_ref()?.seats.get(seat_id)?.label.clone()));
            ManifestEntry {
                ticket_id: row.ticket_id,
                ticket_number: ticket_number::display(&row.ticket_number),
                seat_id: row.seat_id,
                seat_label,
                block_id: row.block_id,
                tier_id: row.tier_id,
                tier_name: row.tier_name,
                holder_name: row.holder_name,
                status: row.status,
                checked_in_at: row.checked_in_at,
                gate: row.checked_in_gate,
            }
        })
        .collect();
    let gates = busiest_first(gates);
    Ok(Json(Manifest {
        session_id,
        event_id,
        generated_at,
        expected,
        admitted,
        gates,
        tickets,
    }))
}

/// The session's event, when the caller may admit people to it.
async fn session_for_staff(
    state: &AppState,
    principal: &Principal,
    session_id: Uuid,
) -> Result<Uuid, ApiError> {
    let (event_id, organisation_id) = tickets::session_owner(&state.pool, session_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if !may_check_in(&state.pool, principal, organisation_id).await? {
        return Err(ApiError::Forbidden(
            "you are not staff of this event's organisation",
        ));
    }
    Ok(event_id)
}

fn busiest_first(gates: BTreeMap<String, u64>) -> Vec<GateCount> {
    let mut gates: Vec<GateCount> = gates
        .into_iter()
        .map(|(gate, admitted)| GateCount { gate, admitted })
        .collect();
    gates.sort_by(|a, b| {
        b.admitted
            .cmp(&a.admitted)
            .then_with(|| a.gate.cmp(&b.gate))
    });
    gates
}

/// The manifest's counts without its tickets: cheap enough for a gate to ask every few seconds.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionCounts {
    pub session_id: Uuid,
    pub event_id: Uuid,
    pub generated_at: DateTime<Utc>,
    /// Tickets that may enter (status `valid`), admitted or not.
    pub expected: u64,
    /// Valid tickets already admitted.
    pub admitted: u64,
    /// Admissions per gate, busiest first.
    pub gates: Vec<GateCount>,
}

#[utoipa::path(get, path = "/api/check-in/sessions/{id}/counts", tag = "check-in",
    params(("id" = Uuid, Path, description = "the session")),
    responses(
        (status = 200, body = SessionCounts, description = "the session's admitted and expected tickets and its admissions per gate, as in its manifest"),
        (status = 403, description = "not staff of the event's organisation"),
        (status = 404, description = "no such session")),
    security(("bearer" = [])))]
pub async fn session_counts(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(session_id): Path<Uuid>,
) -> Result<Json<SessionCounts>, ApiError> {
    let event_id = session_for_staff(&state, &principal, session_id).await?;
    let generated_at = Utc::now();
    let (mut expected, mut admitted) = (0, 0);
    let mut gates = BTreeMap::new();
    for tally in tickets::gate_tallies(&state.pool, session_id).await? {
        let (gate, tickets, entered) = (
            tally.gate,
            tally.tickets.unsigned_abs(),
            tally.admitted.unsigned_abs(),
        );
        expected += tickets;
        admitted += entered;
        if let Some(gate) = gate
            && entered > 0
        {
            gates.insert(gate, entered);
        }
    }
    Ok(Json(SessionCounts {
        session_id,
        event_id,
        generated_at,
        expected,
        admitted,
        gates: busiest_first(gates),
    }))
}
