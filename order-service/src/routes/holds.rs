//! Seat holds: take seats (named, or best available of a tier) and standing places for a few
//! minutes while the buyer checks out; release them; extend once.

use std::collections::{HashMap, HashSet};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use service_runtime::JsonBody;
use service_runtime::auth::OptionalAuthenticated;
use service_runtime::params::Path;
use shared_dto::seat_hold::{HoldRecord, HoldToken, StandingHold};
use uuid::Uuid;

use crate::buyer::{Buyer, may_use_hold};
use crate::data::holds::{ExtendOutcome, TakeOutcome};
use crate::data::orders;
use crate::data::sessions::{self, SaleSession, SeatMap};
use crate::error::ApiError;
use crate::fulfilment;
use crate::seat_selection::{self, StandingRoom};
use crate::state::AppState;

/// Best-available picks again this often when another buyer takes a picked seat first.
const BEST_AVAILABLE_ATTEMPTS: usize = 3;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoldSeats {
    /// Seats to hold by id: all of them or none.
    pub seats: Option<Vec<String>>,
    /// Standing places to hold, per standing area.
    pub standing: Option<Vec<StandingRequest>>,
    /// Best available: the tier to pick from (with `quantity`, instead of `seats`/`standing`).
    /// Seats go adjacent in one row where any row has room, without stranding single seats.
    pub tier_id: Option<Uuid>,
    /// Best available: how many places.
    pub quantity: Option<u32>,
    /// Required without a bearer token: an id the guest's browser made up and keeps for the
    /// visit (8-64 characters of A-Z, a-z, 0-9, `-`, `_`). Ignored when signed in.
    pub buyer_id: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StandingRequest {
    pub block_id: String,
    pub quantity: u32,
}

/// A live hold.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Hold {
    /// The hold's secret: order, extend or release with it.
    pub hold_token: String,
    pub session_id: Uuid,
    pub seats: Vec<HeldSeat>,
    pub standing: Vec<HeldStanding>,
    pub expires_at: DateTime<Utc>,
    /// Whether the one extension has been used.
    pub extended: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HeldSeat {
    pub seat_id: String,
    pub block_id: String,
    pub tier_id: Uuid,
    pub label: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HeldStanding {
    pub block_id: String,
    pub tier_id: Uuid,
    pub quantity: u32,
}

/// What the buyer asked for, checked against the seat map.
enum Wanted {
    Named {
        seats: Vec<String>,
        standing: Vec<StandingHold>,
    },
    BestAvailable {
        tier_id: Uuid,
        quantity: u32,
    },
}

impl Wanted {
    fn from_request(request: &HoldSeats, map: &SeatMap, cap: u32) -> Result<Self, ApiError> {
        let named = request.seats.is_some() || request.standing.is_some();
        let best = request.tier_id.is_some() || request.quantity.is_some();
        if named && best {
            return Err(ApiError::invalid(
                "/tier_id",
                "name seats or standing places, or ask for a tier and quantity, not both",
            ));
        }
        if best {
            let tier_id = request
                .tier_id
                .ok_or_else(|| ApiError::invalid("/tier_id", "best available needs a tier_id"))?;
            let quantity = request
                .quantity
                .ok_or_else(|| ApiError::invalid("/quantity", "best available needs a quantity"))?;
            if quantity == 0 {
                return Err(ApiError::invalid("/quantity", "ask for at least one place"));
            }
            if quantity > cap {
                return Err(over_cap(cap));
            }
            if !map.tier_has_seats(tier_id) && !map.tier_has_standing(tier_id) {
                return Err(ApiError::invalid(
                    "/tier_id",
                    "this session's seat map has no places of that tier",
                ));
            }
            return Ok(Self::BestAvailable { tier_id, quantity });
        }

        let mut seats = Vec::new();
        let mut seen = HashSet::new();
        for (index, seat) in request.seats.iter().flatten().enumerate() {
            if !map.seats.contains_key(seat) {
                return Err(ApiError::invalid(
                    format!("/seats/{index}"),
                    format!("there is no seat `{seat}` in this session's seat map"),
                ));
            }
            if !seen.insert(seat.as_str()) {
                return Err(ApiError::invalid(
                    format!("/seats/{index}"),
                    format!("seat `{seat}` is listed twice"),
                ));
            }
            seats.push(seat.clone());
        }
        let mut standing = Vec::new();
        let mut blocks = HashSet::new();
        for (index, area) in request.standing.iter().flatten().enumerate() {
            if !map.standing.contains_key(&area.block_id) {
                return Err(ApiError::invalid(
                    format!("/standing/{index}/block_id"),
                    format!(
                        "there is no standing area `{}` in this session",
                        area.block_id
                    ),
                ));
            }
            if area.quantity == 0 {
                return Err(ApiError::invalid(
                    format!("/standing/{index}/quantity"),
                    "ask for at least one place",
                ));
            }
            if !blocks.insert(area.block_id.as_str()) {
                return Err(ApiError::invalid(
                    format!("/standing/{index}/block_id"),
                    "each standing area may be listed once",
                ));
            }
            standing.push(StandingHold {
                block_id: area.block_id.clone(),
                quantity: area.quantity,
            });
        }
        let total =
            seats.len() as u64 + standing.iter().map(|s| u64::from(s.quantity)).sum::<u64>();
        if total == 0 {
            return Err(ApiError::invalid("/seats", "ask for at least one place"));
        }
        if total > u64::from(cap) {
            return Err(over_cap(cap));
        }
        Ok(Self::Named { seats, standing })
    }
}

fn over_cap(cap: u32) -> ApiError {
    ApiError::TooMany {
        code: "hold_limit",
        message: format!("one buyer may hold at most {cap} places of a session at a time"),
    }
}

/// A token naming the session, with 16 random bytes (see `HoldToken`).
fn new_token(session_id: Uuid) -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    HoldToken::new(session_id, bytes).to_string()
}

#[utoipa::path(post, path = "/api/sales/sessions/{id}/holds", tag = "holds",
    params(("id" = Uuid, Path, description = "session id")),
    request_body = HoldSeats,
    responses(
        (status = 201, body = Hold),
        (status = 404, description = "no such session"),
        (status = 409, description = "places held or sold (`unavailable` lists them), or the session is not on sale"),
        (status = 422, description = "unknown seat or area, or an invalid request"),
        (status = 429, description = "the buyer would hold more than the per-buyer cap")),
    security((), ("bearer" = [])))]
pub async fn hold_seats(
    State(state): State<AppState>,
    OptionalAuthenticated(principal): OptionalAuthenticated,
    Path(session_id): Path<Uuid>,
    JsonBody(request): JsonBody<HoldSeats>,
) -> Result<(StatusCode, Json<Hold>), ApiError> {
    let buyer = Buyer::resolve(principal.as_ref(), request.buyer_id.as_deref())?;
    let now = Utc::now();
    let session = sessions::load(&state.pool, &state.seat_maps, session_id).await?;
    session.ensure_on_sale(now)?;
    let cap = state.rules.max_places_per_buyer;
    let wanted = Wanted::from_request(&request, &session.map, cap)?;
    let wants_standing = match &wanted {
        Wanted::Named { standing, .. } => !standing.is_empty(),
        Wanted::BestAvailable { tier_id, .. } => session.map.tier_has_standing(*tier_id),
    };
    let standing_sold = if wants_standing {
        orders::standing_sold(&state.pool, session_id).await?
    } else {
        HashMap::new()
    };
    let ttl = chrono::Duration::from_std(state.rules.hold_ttl).unwrap_or_default();

    let mut excluded: HashSet<String> = HashSet::new();
    let mut attempt = 0;
    let record = loop {
        attempt += 1;
        let (seat_ids, standing) = match &wanted {
            Wanted::Named { seats, standing } => (seats.clone(), standing.clone()),
            Wanted::BestAvailable { tier_id, quantity } => {
                best_available(
                    &state,
                    &session,
                    *tier_id,
                    *quantity,
                    &excluded,
                    &standing_sold,
                )
                .await?
            }
        };
        let record = HoldRecord {
            token: new_token(session_id),
            session_id: session_id.to_string(),
            buyer: buyer.key(),
            seat_ids,
            standing,
            expires_at_ms: (now + ttl).timestamp_millis(),
            extended: false,
        };
        let unsold: Vec<u64> = record
            .standing
            .iter()
            .map(|hold| unsold(&session.map, &standing_sold, &hold.block_id))
            .collect();
        match state
            .holds
            .take(&record, &unsold, Some(cap), now.timestamp_millis())
            .await?
        {
            TakeOutcome::Held => {
                metrics::counter!("holds_total", "outcome" => "held").increment(1);
                break record;
            }
            TakeOutcome::Unavailable(places)
                if matches!(wanted, Wanted::BestAvailable { .. })
                    && attempt < BEST_AVAILABLE_ATTEMPTS =>
            {
                excluded.extend(places);
            }
            TakeOutcome::Unavailable(places) => {
                metrics::counter!("holds_total", "outcome" => "unavailable").increment(1);
                return Err(ApiError::unavailable(places));
            }
            TakeOutcome::LimitReached { held } => {
                metrics::counter!("holds_total", "outcome" => "limit").increment(1);
                return Err(ApiError::TooMany {
                    code: "hold_limit",
                    message: format!(
                        "this buyer already holds {held} places of this session; at most {cap} \
                         may be held at a time"
                    ),
                });
            }
            TakeOutcome::Expired => {
                return Err(ApiError::Internal("a hold expired as it was taken".into()));
            }
        }
    };

    // PostgreSQL has the last word: seats sold there stay sold even when Redis lost its keys.
    let sold = orders::taken_among(&state.pool, session_id, &record.seat_ids).await?;
    if !sold.is_empty() {
        metrics::counter!("holds_total", "outcome" => "sold_in_database").increment(1);
        fulfilment::release_quietly(&state, &record, true).await;
        return Err(ApiError::unavailable(sold));
    }
    tracing::info!(
        %session_id,
        seat_count = record.seat_ids.len(),
        standing_count = record.standing.len(),
        "places held"
    );
    Ok((StatusCode::CREATED, Json(view(&record, &session.map))))
}

/// Places of a standing area without a ticket yet.
fn unsold(map: &SeatMap, sold: &HashMap<String, i64>, block_id: &str) -> u64 {
    let capacity = map
        .standing
        .get(block_id)
        .map_or(0, |area| i64::from(area.capacity));
    u64::try_from(capacity - sold.get(block_id).copied().unwrap_or(0)).unwrap_or(0)
}

/// Picks places of a tier: seats when the tier has seats left, else a standing area.
async fn best_available(
    state: &AppState,
    session: &SaleSession,
    tier_id: Uuid,
    quantity: u32,
    excluded: &HashSet<String>,
    standing_sold: &HashMap<String, i64>,
) -> Result<(Vec<String>, Vec<StandingHold>), ApiError> {
    let map = &session.map;
    let session_key = session.session_id.to_string();
    if map.tier_has_seats(tier_id) {
        let tier_seats: Vec<&str> = map
            .seats
            .iter()
            .filter(|(_, seat)| seat.tier_id == tier_id)
            .map(|(id, _)| id.as_str())
            .collect();
        let mut taken = orders::taken_seats(&state.pool, session.session_id).await?;
        taken.extend(state.holds.held_seats(&session_key, &tier_seats).await?);
        taken.extend(excluded.iter().cloned());
        let taken: HashSet<&str> = taken.iter().map(String::as_str).collect();
        if let Some(seats) =
            seat_selection::best_available(&map.layout, tier_id, &taken, quantity as usize)
        {
            return Ok((seats, Vec::new()));
        }
    }
    let now_ms = Utc::now().timestamp_millis();
    let mut rooms = Vec::new();
    for (block_id, _) in map
        .standing
        .iter()
        .filter(|(_, area)| area.tier_id == tier_id)
    {
        if excluded.contains(block_id) {
            continue;
        }
        let held = state
            .holds
            .standing_held(&session_key, block_id, now_ms)
            .await?;
        rooms.push(StandingRoom {
            block_id,
            tier_id,
            remaining: unsold(map, standing_sold, block_id).saturating_sub(held),
        });
    }
    match seat_selection::standing_area_for(&rooms, tier_id, u64::from(quantity)) {
        Some(block_id) => Ok((
            Vec::new(),
            vec![StandingHold {
                block_id: block_id.to_owned(),
                quantity,
            }],
        )),
        None => Err(ApiError::conflict(
            "not_enough_available",
            format!("fewer than {quantity} places of this tier are available"),
        )
        .with("unavailable", Vec::<String>::new())),
    }
}

fn view(record: &HoldRecord, map: &SeatMap) -> Hold {
    Hold {
        hold_token: record.token.clone(),
        session_id: record.session_id.parse().unwrap_or_default(),
        seats: record
            .seat_ids
            .iter()
            .filter_map(|seat_id| {
                let seat = map.seats.get(seat_id)?;
                Some(HeldSeat {
                    seat_id: seat_id.clone(),
                    block_id: seat.block_id.clone(),
                    tier_id: seat.tier_id,
                    label: seat.label.clone(),
                })
            })
            .collect(),
        standing: record
            .standing
            .iter()
            .filter_map(|hold| {
                Some(HeldStanding {
                    block_id: hold.block_id.clone(),
                    tier_id: map.standing.get(&hold.block_id)?.tier_id,
                    quantity: hold.quantity,
                })
            })
            .collect(),
        expires_at: DateTime::from_timestamp_millis(record.expires_at_ms).unwrap_or_default(),
        extended: record.extended,
    }
}

/// The live hold behind `token` if the caller may act on it; `NotFound` otherwise, so
/// tokens cannot be probed.
async fn usable_hold(
    state: &AppState,
    token: &str,
    principal: Option<&service_runtime::auth::Principal>,
) -> Result<(HoldToken, HoldRecord), ApiError> {
    let token = HoldToken::parse(token).ok_or(ApiError::NotFound)?;
    let record = state
        .holds
        .get(&token)
        .await?
        .filter(|record| may_use_hold(&record.buyer, principal))
        .ok_or(ApiError::NotFound)?;
    Ok((token, record))
}

#[utoipa::path(delete, path = "/api/sales/holds/{token}", tag = "holds",
    params(("token" = String, Path, description = "the hold token")),
    responses(
        (status = 204, description = "released; a pending order placed from the hold is cancelled"),
        (status = 404, description = "no such live hold"),
        (status = 409, description = "the hold's order is paid")),
    security((), ("bearer" = [])))]
pub async fn release_hold(
    State(state): State<AppState>,
    OptionalAuthenticated(principal): OptionalAuthenticated,
    Path(token): Path<String>,
) -> Result<StatusCode, ApiError> {
    let (token, record) = usable_hold(&state, &token, principal.as_ref()).await?;
    if let Some(order) = orders::live_for_hold(&state.pool, token.as_str()).await? {
        if order.status != "pending" {
            return Err(ApiError::conflict(
                "hold_sold",
                "the order placed from this hold is paid; its places cannot be released",
            ));
        }
        let mut tx = state.pool.begin().await?;
        orders::close_pending(&mut tx, order.order_id, "cancelled").await?;
        tx.commit().await?;
    }
    state.holds.release(&record, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/sales/holds/{token}/extend", tag = "holds",
    params(("token" = String, Path, description = "the hold token")),
    responses(
        (status = 200, body = Hold, description = "extended by the configured extension, once"),
        (status = 404, description = "no such live hold"),
        (status = 409, description = "already extended")),
    security((), ("bearer" = [])))]
pub async fn extend_hold(
    State(state): State<AppState>,
    OptionalAuthenticated(principal): OptionalAuthenticated,
    Path(token): Path<String>,
) -> Result<Json<Hold>, ApiError> {
    let (token, record) = usable_hold(&state, &token, principal.as_ref()).await?;
    let extension = i64::try_from(state.rules.hold_extension.as_millis()).unwrap_or(i64::MAX);
    let now_ms = Utc::now().timestamp_millis();
    match state.holds.extend(&token, extension, now_ms).await? {
        ExtendOutcome::Extended(record) => {
            let expires_at =
                DateTime::from_timestamp_millis(record.expires_at_ms).unwrap_or_default();
            orders::extend_pending(&state.pool, token.as_str(), expires_at).await?;
            let session_id = record.session_id.parse().map_err(ApiError::internal)?;
            let session = sessions::load(&state.pool, &state.seat_maps, session_id).await?;
            Ok(Json(view(&record, &session.map)))
        }
        ExtendOutcome::AlreadyExtended => Err(ApiError::conflict(
            "already_extended",
            "a hold can be extended once",
        )
        .with("expires_at", record.expires_at_ms)),
        ExtendOutcome::Missing => Err(ApiError::NotFound),
    }
}
