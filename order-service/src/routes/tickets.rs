//! Tickets as their holders see them (with the signed QR code), and the public key that
//! verifies the codes.

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::Serialize;
use service_runtime::auth::Authenticated;
use shared_dto::status::TicketStatus;
use shared_dto::ticket_qr;
use uuid::Uuid;

use crate::data::sessions;
use crate::data::tickets::{self, StoredTicket};
use crate::error::ApiError;
use crate::signing::TicketSigner;
use crate::state::AppState;
use crate::ticket_number;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Ticket {
    pub ticket_id: Uuid,
    /// What a person reads out or types when the QR code cannot be scanned, e.g.
    /// `K7Q2-9XMB-4TZ8` (Crockford base32).
    #[schema(example = "K7Q2-9XMB-4TZ8")]
    pub ticket_number: String,
    pub order_id: Uuid,
    pub event_id: Uuid,
    pub session_id: Uuid,
    /// Null for a standing place.
    pub seat_id: Option<String>,
    pub seat_label: Option<String>,
    pub block_id: String,
    pub tier_id: Uuid,
    pub price_minor: i64,
    pub currency: String,
    pub holder_name: String,
    /// Only a `valid` ticket enters.
    pub status: TicketStatus,
    pub issued_at: DateTime<Utc>,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub checked_in_gate: Option<String>,
    /// What the ticket's QR code encodes (valid tickets only); see `/api/sales/ticket-signing-key`.
    pub qr: Option<String>,
}

impl Ticket {
    pub fn new(row: &StoredTicket, seat_label: Option<String>, signer: &TicketSigner) -> Self {
        Self {
            ticket_id: row.ticket_id,
            ticket_number: ticket_number::display(&row.ticket_number),
            order_id: row.order_id,
            event_id: row.event_id,
            session_id: row.session_id,
            seat_id: row.seat_id.clone(),
            seat_label,
            block_id: row.block_id.clone(),
            tier_id: row.tier_id,
            price_minor: row.price_minor,
            currency: row.currency.clone(),
            holder_name: row.holder_name.clone(),
            status: row.status,
            issued_at: row.issued_at,
            checked_in_at: row.checked_in_at,
            checked_in_gate: row.checked_in_gate.clone(),
            qr: (row.status == TicketStatus::Valid)
                .then(|| signer.code(row))
                .flatten(),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MyTickets {
    pub tickets: Vec<Ticket>,
}

#[utoipa::path(get, path = "/api/sales/me/tickets", tag = "tickets",
    responses((status = 200, body = MyTickets), (status = 401)),
    security(("bearer" = [])))]
pub async fn my_tickets(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
) -> Result<Json<MyTickets>, ApiError> {
    let rows = tickets::of_customer(&state.pool, &principal.subject).await?;
    let mut maps = HashMap::new();
    for session_id in rows.iter().map(|row| row.session_id) {
        if let std::collections::hash_map::Entry::Vacant(entry) = maps.entry(session_id) {
            let map = sessions::load(&state.pool, &state.seat_maps, session_id)
                .await
                .ok()
                .map(|session| session.map);
            entry.insert(map);
        }
    }
    let tickets = rows
        .iter()
        .map(|row| {
            let label = row.seat_id.as_ref().and_then(|seat_id| {
                let map = maps.get(&row.session_id)?.as_ref()?;
                Some(map.seats.get(seat_id)?.label.clone())
            });
            Ticket::new(row, label, &state.tickets)
        })
        .collect();
    Ok(Json(MyTickets { tickets }))
}

/// The key that verifies ticket codes, for check-in devices that scan offline.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SigningKey {
    /// Always `Ed25519`.
    pub algorithm: &'static str,
    /// The 32-byte public key, base64url without padding.
    pub public_key: String,
    /// A fingerprint of the key (hex of the first 8 bytes of its SHA-256).
    pub key_id: String,
    /// The same key as a JWK (RFC 8037).
    #[schema(value_type = Object)]
    pub jwk: serde_json::Value,
    /// How a code is laid out and what is signed.
    pub format: &'static str,
}

#[utoipa::path(get, path = "/api/sales/ticket-signing-key", tag = "tickets",
    responses((status = 200, body = SigningKey)))]
pub async fn ticket_signing_key(State(state): State<AppState>) -> Json<SigningKey> {
    let public_key = ticket_qr::encode_public_key(&state.tickets.verifying_key());
    Json(SigningKey {
        algorithm: "Ed25519",
        jwk: serde_json::json!({
            "kty": "OKP", "crv": "Ed25519", "use": "sig", "alg": "EdDSA",
            "kid": state.tickets.key_id(), "x": public_key,
        }),
        public_key,
        key_id: state.tickets.key_id().to_owned(),
        format: "base64url (no padding) of payload || signature. payload: version byte 0x01, \
                 ticket id (16 bytes), session id (16), issued-at unix seconds (i64 big-endian), \
                 seat id (1 length byte + UTF-8, empty for standing), holder name (1 length byte \
                 + UTF-8, at most 64 bytes). signature: Ed25519 (64 bytes) over \
                 \"boxoffice-ticket-qr-v1\" || payload.",
    })
}
