//! Check-in at the gate over HTTP: live scans, offline batches, and a session's manifest and
//! counts. The workflow is in [`crate::check_in`]; these handlers extract, call and respond.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use service_runtime::JsonBody;
use service_runtime::auth::Authenticated;
use service_runtime::params::Path;
use uuid::Uuid;

use crate::check_in::{
    self, Admission, CheckInError, Code, DeviceScan, Manifest, ReportedScan, ScanResult,
    SessionCounts,
};
use crate::error::ApiError;
use crate::state::AppState;

impl From<CheckInError> for ApiError {
    fn from(error: CheckInError) -> Self {
        let message = error.to_string();
        match error {
            CheckInError::Field { field, message } => Self::invalid(field, message),
            CheckInError::InvalidCode(reason) => {
                Self::rejected("invalid_ticket_code", "/qr", reason)
            }
            CheckInError::InvalidNumber => {
                Self::rejected("invalid_ticket_number", "/ticket_number", message)
            }
            CheckInError::UnknownTicket | CheckInError::UnknownSession => Self::NotFound,
            CheckInError::NotStaff => {
                Self::Forbidden("you are not staff of this event's organisation")
            }
            CheckInError::NotValid(status) => {
                Self::conflict("ticket_not_valid", message).with("status", status.as_str())
            }
            CheckInError::AlreadyAdmitted {
                ticket_id,
                checked_in_at,
                gate,
            } => Self::conflict("already_admitted", message)
                .with("ticket_id", ticket_id.to_string())
                .with("checked_in_at", checked_in_at.map(|at| at.to_rfc3339()))
                .with("gate", gate),
            CheckInError::ReplayVanished => Self::Busy(message),
            CheckInError::StoredResult(_) => Self::internal(message),
            CheckInError::Database(error) => error.into(),
        }
    }
}

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
    let gate = check_in::gate_name(&scan.gate, "/gate")?;
    Ok(Json(check_in::scan(&state, &principal, &code, gate).await?))
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

impl OfflineScan {
    fn reported(&self) -> ReportedScan<'_> {
        ReportedScan {
            scan_id: &self.scan_id,
            qr: self.qr.as_deref(),
            ticket_number: self.ticket_number.as_deref(),
            session_id: self.session_id,
            gate: &self.gate,
            scanned_at: self.scanned_at,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BatchResults {
    /// One result per scan, in the order sent.
    pub results: Vec<ScanResult>,
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
    check_in::check_batch_size(batch.scans.len())?;
    let scans = batch
        .scans
        .iter()
        .enumerate()
        .map(|(index, scan)| DeviceScan::parse(scan.reported(), &format!("/scans/{index}")))
        .collect::<Result<Vec<_>, _>>()?;
    let results = check_in::sync_batch(&state, &principal, &scans).await?;
    Ok(Json(BatchResults { results }))
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
    Ok(Json(
        check_in::manifest(&state, &principal, session_id).await?,
    ))
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
    Ok(Json(
        check_in::counts(&state, &principal, session_id).await?,
    ))
}
