//! Check-in at the gate: a scan is verified (signature first), authorised (staff of the
//! event's organisation), then admitted with one conditional update, so two simultaneous
//! scans of one ticket admit one person. Offline devices sync batches of scans made while
//! disconnected; a batch can be sent again safely.
//!
//! A ticket number typed by staff stands in for the code when a QR cannot be scanned: staff
//! vouch for it, so no signature is checked, but it must name a ticket of the session the gate
//! admits to.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use service_runtime::auth::Principal;
use shared_dto::seat_hold::{SalesActivity, SalesActivityKind};
use shared_dto::status::TicketStatus;
use shared_dto::ticket_qr;
use uuid::Uuid;

use crate::access::may_check_in;
use crate::data::sessions;
use crate::data::tickets::{self, GateTicket, ManifestTicket, NewScan};
use crate::fulfilment::publish_activity;
use crate::state::AppState;
use crate::ticket_number;

/// Most scans one batch may carry.
pub const MAX_BATCH: usize = 500;

/// How far ahead of our clock a device's clock may run before its scan times are refused.
const CLOCK_SKEW: chrono::Duration = chrono::Duration::minutes(2);
/// The oldest scan a device may still report: a phone offline for longer than this has a
/// wrong clock or a stale queue, and its report cannot be trusted as an admission.
const OLDEST_REPORT: chrono::Duration = chrono::Duration::days(14);

const NOT_A_NUMBER: &str = "a ticket number is 12 letters and digits, e.g. K7Q2-9XMB-4TZ8";
const NOT_STAFF: &str = "you are not staff of this event's organisation";

/// Why a scan (or a batch, or a manifest) is refused as a whole.
#[derive(Debug, thiserror::Error)]
pub enum CheckInError {
    /// A field of the request cannot be used; `field` is its JSON pointer.
    #[error("{message}")]
    Field { field: String, message: String },
    #[error("{0}")]
    InvalidCode(String),
    #[error("{NOT_A_NUMBER}")]
    InvalidNumber,
    #[error("no such ticket")]
    UnknownTicket,
    #[error("no such session")]
    UnknownSession,
    #[error("{NOT_STAFF}")]
    NotStaff,
    #[error("this ticket is {0}")]
    NotValid(TicketStatus),
    #[error("this ticket has already been admitted")]
    AlreadyAdmitted {
        ticket_id: Uuid,
        checked_in_at: Option<DateTime<Utc>>,
        gate: Option<String>,
    },
    #[error("a replayed scan vanished")]
    ReplayVanished,
    #[error("a stored scan result cannot be read or written: {0}")]
    StoredResult(#[from] serde_json::Error),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl CheckInError {
    fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Field {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// What identifies the ticket at the gate.
pub enum Code<'a> {
    /// A signed QR code.
    Qr(&'a str),
    /// A number typed by staff, as typed, for the gate's session.
    Number { typed: &'a str, session_id: Uuid },
}

impl<'a> Code<'a> {
    /// Exactly one of `qr` and `ticket_number`, a number with its session; `at` is the JSON
    /// pointer of the scan in the request.
    pub fn of(
        qr: Option<&'a str>,
        ticket_number: Option<&'a str>,
        session_id: Option<Uuid>,
        at: &str,
    ) -> Result<Self, CheckInError> {
        match (qr, ticket_number, session_id) {
            (Some(_), Some(_), _) => Err(CheckInError::field(
                format!("{at}/ticket_number"),
                "give either qr or ticket_number, not both",
            )),
            (None, None, _) => Err(CheckInError::field(
                format!("{at}/qr"),
                "qr or ticket_number is required",
            )),
            (Some(_), None, Some(_)) => Err(CheckInError::field(
                format!("{at}/session_id"),
                "session_id goes with ticket_number only; a QR code names its session",
            )),
            (None, Some(_), None) => Err(CheckInError::field(
                format!("{at}/session_id"),
                "a ticket number needs the session_id of the gate's session",
            )),
            (Some(qr), None, None) => Ok(Self::Qr(qr)),
            (None, Some(typed), Some(session_id)) => Ok(Self::Number { typed, session_id }),
        }
    }
}

/// The gate's name, trimmed; `field` is its JSON pointer.
pub fn gate_name<'a>(gate: &'a str, field: &str) -> Result<&'a str, CheckInError> {
    let gate = gate.trim();
    if gate.is_empty() || gate.chars().count() > 64 || gate.chars().any(char::is_control) {
        return Err(CheckInError::field(
            field,
            "a gate name of 1 to 64 characters is required",
        ));
    }
    Ok(gate)
}

/// What a scan came to, as stored with it and answered for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScanOutcome {
    Admitted,
    AlreadyAdmitted,
    NotValid,
    InvalidCode,
    InvalidScanTime,
    UnknownTicket,
    Forbidden,
}

impl ScanOutcome {
    /// As `ticket_scan.outcome` stores it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admitted => "admitted",
            Self::AlreadyAdmitted => "already_admitted",
            Self::NotValid => "not_valid",
            Self::InvalidCode => "invalid_code",
            Self::InvalidScanTime => "invalid_scan_time",
            Self::UnknownTicket => "unknown_ticket",
            Self::Forbidden => "forbidden",
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
    pub outcome: ScanOutcome,
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
    fn outcome(&self) -> ScanOutcome {
        match self {
            Self::InvalidCode(_) | Self::InvalidNumber => ScanOutcome::InvalidCode,
            Self::UnknownTicket => ScanOutcome::UnknownTicket,
            Self::Forbidden => ScanOutcome::Forbidden,
        }
    }

    fn into_error(self) -> CheckInError {
        match self {
            Self::InvalidCode(reason) => CheckInError::InvalidCode(reason),
            Self::InvalidNumber => CheckInError::InvalidNumber,
            Self::UnknownTicket => CheckInError::UnknownTicket,
            Self::Forbidden => CheckInError::NotStaff,
        }
    }
}

/// Signature (or the number), then the ticket, then the caller's right to admit to its event.
async fn identify(
    state: &AppState,
    principal: &Principal,
    code: &Code<'_>,
) -> Result<Result<GateTicket, Refusal>, CheckInError> {
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

/// A live scan at `gate` (a trimmed [`gate_name`]): admits the ticket, or says why not.
/// Every attempt goes to the audit trail.
pub async fn scan(
    state: &AppState,
    principal: &Principal,
    code: &Code<'_>,
    gate: &str,
) -> Result<Admission, CheckInError> {
    let now = Utc::now();
    let audit = |ticket_id, outcome| record(state, principal, ticket_id, gate, now, outcome);
    let ticket = match identify(state, principal, code).await? {
        Ok(ticket) => ticket,
        Err(refusal) => {
            audit(None, refusal.outcome()).await;
            return Err(refusal.into_error());
        }
    };
    let ticket_id = ticket.ticket.ticket_id;
    if let Some(checked_in_at) = tickets::admit(&state.pool, ticket_id, gate).await? {
        audit(Some(ticket_id), ScanOutcome::Admitted).await;
        announce_check_in(state, &ticket, gate).await;
        return Ok(Admission {
            outcome: ScanOutcome::Admitted,
            ticket: scanned(state, &ticket).await,
            checked_in_at,
            gate: gate.to_owned(),
        });
    }
    let current = tickets::for_gate(&state.pool, ticket_id)
        .await?
        .ok_or(CheckInError::UnknownTicket)?
        .ticket;
    if current.status != TicketStatus::Valid {
        audit(Some(ticket_id), ScanOutcome::NotValid).await;
        return Err(CheckInError::NotValid(current.status));
    }
    audit(Some(ticket_id), ScanOutcome::AlreadyAdmitted).await;
    Err(CheckInError::AlreadyAdmitted {
        ticket_id,
        checked_in_at: current.checked_in_at,
        gate: current.checked_in_gate,
    })
}

/// The audit trail of live scans; losing an entry must not turn an admission into an error.
async fn record(
    state: &AppState,
    principal: &Principal,
    ticket_id: Option<Uuid>,
    gate: &str,
    scanned_at: DateTime<Utc>,
    outcome: ScanOutcome,
) {
    metrics::counter!("check_in_scans_total", "outcome" => outcome.as_str()).increment(1);
    let result = serde_json::json!({ "outcome": outcome });
    let scan = NewScan {
        ticket_id,
        scanned_by: &principal.subject,
        client_scan_id: None,
        gate,
        scanned_at,
        outcome: outcome.as_str(),
        result: &result,
    };
    if let Err(error) = tickets::record_scan(&state.pool, &scan).await {
        tracing::warn!(%error, "scan not recorded");
    }
}

/// A scan made by a device while offline, as it reports it.
pub struct DeviceScan<'a> {
    /// The device's own id for the scan, as sent (trimmed where it is stored).
    pub scan_id: &'a str,
    pub code: Code<'a>,
    /// A trimmed [`gate_name`].
    pub gate: &'a str,
    pub scanned_at: DateTime<Utc>,
}

/// What one scan of a batch carries, as sent.
pub struct ReportedScan<'a> {
    pub scan_id: &'a str,
    pub qr: Option<&'a str>,
    pub ticket_number: Option<&'a str>,
    pub session_id: Option<Uuid>,
    pub gate: &'a str,
    pub scanned_at: DateTime<Utc>,
}

impl<'a> DeviceScan<'a> {
    /// Checks what one scan of a batch carries; `at` is its JSON pointer.
    pub fn parse(scan: ReportedScan<'a>, at: &str) -> Result<Self, CheckInError> {
        let id = scan.scan_id.trim();
        if id.is_empty() || id.len() > 100 {
            return Err(CheckInError::field(
                format!("{at}/scan_id"),
                "a scan id of 1 to 100 characters is required",
            ));
        }
        Ok(Self {
            scan_id: scan.scan_id,
            code: Code::of(scan.qr, scan.ticket_number, scan.session_id, at)?,
            gate: gate_name(scan.gate, &format!("{at}/gate"))?,
            scanned_at: scan.scanned_at,
        })
    }
}

/// A batch of at most [`MAX_BATCH`] scans, checked before its scans are.
pub fn check_batch_size(scans: usize) -> Result<(), CheckInError> {
    if scans > MAX_BATCH {
        return Err(CheckInError::field(
            "/scans",
            format!("at most {MAX_BATCH} scans per batch"),
        ));
    }
    Ok(())
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ScanResult {
    pub scan_id: String,
    /// `admitted`; `already_admitted` (the ticket's first admission stands: see `admitted_at`
    /// and `admitted_gate`); `not_valid` (refunded or void); `invalid_code` (also a
    /// `ticket_number` that cannot be one); `invalid_scan_time` (`scanned_at` in the future or
    /// too long ago); `unknown_ticket` (also a number that names no ticket of `session_id`);
    /// `forbidden`.
    pub outcome: ScanOutcome,
    pub ticket: Option<ScannedTicket>,
    pub admitted_at: Option<DateTime<Utc>>,
    pub admitted_gate: Option<String>,
    pub message: Option<String>,
}

impl ScanResult {
    fn new(scan_id: &str, outcome: ScanOutcome) -> Self {
        Self {
            scan_id: scan_id.to_owned(),
            outcome,
            ticket: None,
            admitted_at: None,
            admitted_gate: None,
            message: None,
        }
    }
}

/// Syncs a batch of offline scans: one result per scan, in the order sent. A scan id seen
/// before gets its stored result; a ticket is admitted once, ever.
pub async fn sync_batch(
    state: &AppState,
    principal: &Principal,
    scans: &[DeviceScan<'_>],
) -> Result<Vec<ScanResult>, CheckInError> {
    // Earliest first, so within a batch the earliest scan of a ticket is the one admitted.
    let mut order: Vec<usize> = (0..scans.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&scans[a], &scans[b]);
        (a.scanned_at, a.scan_id).cmp(&(b.scanned_at, b.scan_id))
    });
    let mut results: Vec<Option<ScanResult>> = vec![None; scans.len()];
    let mut announced = HashSet::new();
    for index in order {
        results[index] = Some(offline_scan(state, principal, &scans[index], &mut announced).await?);
    }
    Ok(results.into_iter().flatten().collect())
}

async fn offline_scan(
    state: &AppState,
    principal: &Principal,
    scan: &DeviceScan<'_>,
    announced: &mut HashSet<Uuid>,
) -> Result<ScanResult, CheckInError> {
    let scan_id = scan.scan_id.trim();
    if let Some(stored) = tickets::stored_scan(&state.pool, &principal.subject, scan_id).await? {
        return Ok(serde_json::from_value(stored)?);
    }
    let now = Utc::now();
    let scanned_at = match plausible_scan_time(scan.scanned_at, now) {
        Ok(at) => at,
        Err(reason) => {
            let mut result = ScanResult::new(scan_id, ScanOutcome::InvalidScanTime);
            result.message = Some(reason.to_owned());
            return store(state, principal, None, scan.gate, now, result).await;
        }
    };
    let ticket = match identify(state, principal, &scan.code).await? {
        Ok(ticket) => ticket,
        Err(refusal) => {
            let mut result = ScanResult::new(scan_id, refusal.outcome());
            result.message = Some(refusal.into_error().to_string());
            return store(state, principal, None, scan.gate, scanned_at, result).await;
        }
    };
    let ticket_id = ticket.ticket.ticket_id;
    let mut result = ScanResult::new(scan_id, ScanOutcome::Admitted);
    result.ticket = Some(scanned(state, &ticket).await);
    let tx = state.pool.begin().await?;
    let (result, newly_admitted) =
        admit_offline(tx, state, principal, scan, scanned_at, ticket_id, result).await?;
    if newly_admitted && result.outcome == ScanOutcome::Admitted && announced.insert(ticket_id) {
        announce_check_in(state, &ticket, scan.gate).await;
    }
    Ok(result)
}

/// Admits an identified ticket for an offline scan and stores the scan with its result, in one
/// transaction; also says whether this scan is the one that admitted it.
async fn admit_offline(
    mut tx: sqlx::Transaction<'_, sqlx::Postgres>,
    state: &AppState,
    principal: &Principal,
    scan: &DeviceScan<'_>,
    scanned_at: DateTime<Utc>,
    ticket_id: Uuid,
    mut result: ScanResult,
) -> Result<(ScanResult, bool), CheckInError> {
    let admitted = tickets::admit_offline(&mut *tx, ticket_id, scan.gate, scanned_at).await?;
    if let Some(admitted_at) = admitted {
        result.admitted_at = Some(admitted_at);
        result.admitted_gate = Some(scan.gate.to_owned());
    } else {
        let current = tickets::for_gate(&mut *tx, ticket_id)
            .await?
            .ok_or(CheckInError::UnknownTicket)?
            .ticket;
        if current.status == TicketStatus::Valid {
            result.outcome = ScanOutcome::AlreadyAdmitted;
            result.admitted_at = current.checked_in_at;
            result.admitted_gate = current.checked_in_gate;
        } else {
            result.outcome = ScanOutcome::NotValid;
            result.message = Some(CheckInError::NotValid(current.status).to_string());
        }
    }
    let stored = store_in(
        tx,
        state,
        principal,
        Some(ticket_id),
        scan.gate,
        scanned_at,
        result,
    );
    Ok((stored.await?, admitted.is_some()))
}

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

/// [`store_in`] a transaction of its own.
async fn store(
    state: &AppState,
    principal: &Principal,
    ticket_id: Option<Uuid>,
    gate: &str,
    scanned_at: DateTime<Utc>,
    result: ScanResult,
) -> Result<ScanResult, CheckInError> {
    let tx = state.pool.begin().await?;
    store_in(tx, state, principal, ticket_id, gate, scanned_at, result).await
}

/// Stores the scan with its result in the scan's transaction; when the device's scan id is
/// already stored (a replay racing this one), nothing of this attempt is kept and the stored
/// result is the answer.
async fn store_in(
    mut tx: sqlx::Transaction<'_, sqlx::Postgres>,
    state: &AppState,
    principal: &Principal,
    ticket_id: Option<Uuid>,
    gate: &str,
    scanned_at: DateTime<Utc>,
    result: ScanResult,
) -> Result<ScanResult, CheckInError> {
    metrics::counter!("check_in_scans_total", "outcome" => result.outcome.as_str()).increment(1);
    let stored = serde_json::to_value(&result)?;
    let written = tickets::record_scan(
        &mut *tx,
        &NewScan {
            ticket_id,
            scanned_by: &principal.subject,
            client_scan_id: Some(&result.scan_id),
            gate,
            scanned_at,
            outcome: result.outcome.as_str(),
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
        .ok_or(CheckInError::ReplayVanished)?;
    Ok(serde_json::from_value(stored)?)
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

/// Every ticket of a session with its admission state, for scanning offline, and the
/// session's gate counts; for staff of the session's event only.
pub async fn manifest(
    state: &AppState,
    principal: &Principal,
    session_id: Uuid,
) -> Result<Manifest, CheckInError> {
    let event_id = session_for_staff(state, principal, session_id).await?;
    let generated_at = Utc::now();
    let rows = tickets::manifest(&state.pool, session_id).await?;
    // Seat labels come from the session's map; a session without one sells standing only.
    let map = sessions::load(&state.pool, &state.seat_maps, session_id)
        .await
        .ok()
        .map(|session| session.map);
    let mut gates: BTreeMap<String, u64> = BTreeMap::new();
    let (mut expected, mut admitted) = (0, 0);
    for row in rows.iter().filter(|row| row.status == TicketStatus::Valid) {
        expected += 1;
        if row.checked_in_at.is_some() {
            admitted += 1;
            if let Some(gate) = &row.checked_in_gate {
                *gates.entry(gate.clone()).or_default() += 1;
            }
        }
    }
    let seat_label = |row: &ManifestTicket| {
        let seat_id = row.seat_id.as_ref()?;
        Some(map.as_ref()?.seats.get(seat_id)?.label.clone())
    };
    let tickets = rows
        .into_iter()
        .map(|row| ManifestEntry {
            ticket_id: row.ticket_id,
            ticket_number: ticket_number::display(&row.ticket_number),
            seat_label: seat_label(&row),
            seat_id: row.seat_id,
            block_id: row.block_id,
            tier_id: row.tier_id,
            tier_name: row.tier_name,
            holder_name: row.holder_name,
            status: row.status,
            checked_in_at: row.checked_in_at,
            gate: row.checked_in_gate,
        })
        .collect();
    Ok(Manifest {
        session_id,
        event_id,
        generated_at,
        expected,
        admitted,
        gates: busiest_first(gates),
        tickets,
    })
}

/// The session's event, when the caller may admit people to it.
async fn session_for_staff(
    state: &AppState,
    principal: &Principal,
    session_id: Uuid,
) -> Result<Uuid, CheckInError> {
    let (event_id, organisation_id) = tickets::session_owner(&state.pool, session_id)
        .await?
        .ok_or(CheckInError::UnknownSession)?;
    if !may_check_in(&state.pool, principal, organisation_id).await? {
        return Err(CheckInError::NotStaff);
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

/// A session's admitted and expected tickets and its admissions per gate, as in its manifest;
/// for staff of the session's event only.
pub async fn counts(
    state: &AppState,
    principal: &Principal,
    session_id: Uuid,
) -> Result<SessionCounts, CheckInError> {
    let event_id = session_for_staff(state, principal, session_id).await?;
    let generated_at = Utc::now();
    let (mut expected, mut admitted) = (0, 0);
    let mut gates = BTreeMap::new();
    for tally in tickets::gate_tallies(&state.pool, session_id).await? {
        let (tickets, entered) = (tally.tickets.unsigned_abs(), tally.admitted.unsigned_abs());
        expected += tickets;
        admitted += entered;
        if let Some(gate) = tally.gate
            && entered > 0
        {
            gates.insert(gate, entered);
        }
    }
    Ok(SessionCounts {
        session_id,
        event_id,
        generated_at,
        expected,
        admitted,
        gates: busiest_first(gates),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(error: CheckInError) -> String {
        match error {
            CheckInError::Field { field, .. } => field,
            other => panic!("not a field error: {other}"),
        }
    }

    #[test]
    fn a_scan_names_its_ticket_by_exactly_one_code_and_a_number_by_its_session() {
        let session = Uuid::now_v7();
        assert!(matches!(
            Code::of(Some("qr"), None, None, ""),
            Ok(Code::Qr("qr"))
        ));
        assert!(matches!(
            Code::of(None, Some("K7Q2"), Some(session), ""),
            Ok(Code::Number { typed: "K7Q2", session_id }) if session_id == session
        ));
        let refused = |qr, number, session_id| {
            field_of(
                Code::of(qr, number, session_id, "/scans/3")
                    .err()
                    .expect("refused"),
            )
        };
        assert_eq!(
            refused(Some("qr"), Some("K7Q2"), None),
            "/scans/3/ticket_number"
        );
        assert_eq!(refused(None, None, None), "/scans/3/qr");
        assert_eq!(
            refused(Some("qr"), None, Some(session)),
            "/scans/3/session_id"
        );
        assert_eq!(refused(None, Some("K7Q2"), None), "/scans/3/session_id");
    }

    #[test]
    fn a_gate_name_is_trimmed_and_one_to_64_printable_characters() {
        assert_eq!(gate_name("  north-1 ", "/gate").ok(), Some("north-1"));
        for bad in ["", "   ", "a\u{7}b", &"g".repeat(65)] {
            assert_eq!(
                field_of(gate_name(bad, "/gate").expect_err("refused")),
                "/gate"
            );
        }
    }

    #[test]
    fn a_device_may_run_two_minutes_fast_and_report_two_weeks_back() {
        let now = Utc::now();
        let ahead = now + chrono::Duration::minutes(1);
        assert_eq!(plausible_scan_time(ahead, now), Ok(now), "counted as now");
        let earlier = now - chrono::Duration::days(13);
        assert_eq!(plausible_scan_time(earlier, now), Ok(earlier));
        assert!(plausible_scan_time(now + chrono::Duration::minutes(3), now).is_err());
        assert!(plausible_scan_time(now - chrono::Duration::days(15), now).is_err());
    }

    #[test]
    fn gates_are_listed_busiest_first_then_by_name() {
        let gates = BTreeMap::from([
            ("south".to_owned(), 2),
            ("north".to_owned(), 5),
            ("east".to_owned(), 2),
        ]);
        let listed: Vec<(String, u64)> = busiest_first(gates)
            .into_iter()
            .map(|count| (count.gate, count.admitted))
            .collect();
        assert_eq!(
            listed,
            [
                ("north".to_owned(), 5),
                ("east".to_owned(), 2),
                ("south".to_owned(), 2)
            ]
        );
    }

    #[test]
    fn a_scan_outcome_is_stored_as_it_is_serialised() {
        for outcome in [
            ScanOutcome::Admitted,
            ScanOutcome::AlreadyAdmitted,
            ScanOutcome::NotValid,
            ScanOutcome::InvalidCode,
            ScanOutcome::InvalidScanTime,
            ScanOutcome::UnknownTicket,
            ScanOutcome::Forbidden,
        ] {
            assert_eq!(serde_json::json!(outcome), outcome.as_str());
        }
    }
}
