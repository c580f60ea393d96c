//! Holding places: what a buyer asked for, checked against the session's seat map, taken in
//! Redis all-or-nothing (best available picks again when another buyer was faster), then
//! checked against what PostgreSQL already sold. Also the one check of a presented hold
//! token, and releasing and extending a hold.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rand::RngCore;
use service_runtime::auth::Principal;
use shared_dto::seat_hold::{HoldRecord, HoldToken, StandingHold};
use shared_dto::status::OrderStatus;
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

/// What a hold request asks for, as sent.
#[derive(Debug, Clone, Copy, Default)]
pub struct Asked<'a> {
    pub seats: Option<&'a [String]>,
    pub standing: Option<&'a [StandingHold]>,
    pub tier_id: Option<Uuid>,
    pub quantity: Option<u32>,
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
    fn new(asked: Asked<'_>, map: &SeatMap, cap: u32) -> Result<Self, ApiError> {
        let named = asked.seats.is_some() || asked.standing.is_some();
        let best = asked.tier_id.is_some() || asked.quantity.is_some();
        if named && best {
            return Err(ApiError::invalid(
                "/tier_id",
                "name seats or standing places, or ask for a tier and quantity, not both",
            ));
        }
        if best {
            return Self::best_available(asked, map, cap);
        }
        let mut seats = Vec::new();
        let mut seen = HashSet::new();
        for (index, seat) in asked.seats.unwrap_or_default().iter().enumerate() {
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
        for (index, area) in asked.standing.unwrap_or_default().iter().enumerate() {
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
            standing.push(area.clone());
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

    fn best_available(asked: Asked<'_>, map: &SeatMap, cap: u32) -> Result<Self, ApiError> {
        let tier_id = asked
            .tier_id
            .ok_or_else(|| ApiError::invalid("/tier_id", "best available needs a tier_id"))?;
        let quantity = asked
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
        Ok(Self::BestAvailable { tier_id, quantity })
    }

    fn wants_standing(&self, map: &SeatMap) -> bool {
        match self {
            Self::Named { standing, .. } => !standing.is_empty(),
            Self::BestAvailable { tier_id, .. } => map.tier_has_standing(*tier_id),
        }
    }
}

fn over_cap(cap: u32) -> ApiError {
    ApiError::TooMany {
        code: "hold_limit",
        message: format!("one buyer may hold at most {cap} places of a session at a time"),
    }
}

/// A new token naming the session, with 16 random bytes (see `HoldToken`).
fn new_token(session_id: Uuid) -> HoldToken {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    HoldToken::new(session_id, bytes)
}

/// A hold just taken, with the seat map it was taken on.
pub struct Taken {
    pub record: HoldRecord,
    pub map: Arc<SeatMap>,
}

/// Holds what `asked` names for `buyer` in a session on sale, all or nothing.
pub async fn take(
    state: &AppState,
    session_id: Uuid,
    buyer: &Buyer,
    asked: Asked<'_>,
) -> Result<Taken, ApiError> {
    let now = Utc::now();
    let session = sessions::load(&state.pool, &state.seat_maps, session_id).await?;
    session.ensure_on_sale(now)?;
    let cap = state.rules.max_places_per_buyer;
    let wanted = Wanted::new(asked, &session.map, cap)?;
    let standing_sold = if wanted.wants_standing(&session.map) {
        orders::standing_sold(&state.pool, session_id).await?
    } else {
        HashMap::new()
    };
    let ttl = chrono::Duration::from_std(state.rules.hold_ttl).unwrap_or_default();
    let mut excluded: HashSet<String> = HashSet::new();
    let mut attempt = 0;
    let (token, record) = loop {
        attempt += 1;
        let (seat_ids, standing) = match &wanted {
            Wanted::Named { seats, standing } => (seats.clone(), standing.clone()),
            Wanted::BestAvailable { tier_id, quantity } => {
                let pick = Pick {
                    tier_id: *tier_id,
                    quantity: *quantity,
                    excluded: &excluded,
                    standing_sold: &standing_sold,
                };
                best_available(state, &session, pick).await?
            }
        };
        let token = new_token(session_id);
        let record = HoldRecord {
            token: token.to_string(),
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
            .take(&token, &record, &unsold, Some(cap), now.timestamp_millis())
            .await?
        {
            TakeOutcome::Held => {
                metrics::counter!("holds_total", "outcome" => "held").increment(1);
                break (token, record);
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
    let sold = orders::taken_among(&state.pool, session_id, &record.seat_ids).await;
    if !sold.as_ref().is_ok_and(Vec::is_empty) {
        fulfilment::release_quietly(state, &token, &record, true).await;
        let sold = sold?;
        metrics::counter!("holds_total", "outcome" => "sold_in_database").increment(1);
        return Err(ApiError::unavailable(sold));
    }
    tracing::info!(
        %session_id,
        seat_count = record.seat_ids.len(),
        standing_count = record.standing.len(),
        "places held"
    );
    Ok(Taken {
        record,
        map: Arc::clone(&session.map),
    })
}

/// Places of a standing area without a ticket yet.
fn unsold(map: &SeatMap, sold: &HashMap<String, i64>, block_id: &str) -> u64 {
    let capacity = map
        .standing
        .get(block_id)
        .map_or(0, |area| i64::from(area.capacity));
    u64::try_from(capacity - sold.get(block_id).copied().unwrap_or(0)).unwrap_or(0)
}

/// One best-available pick: the tier, how many, and what not to pick again.
struct Pick<'a> {
    tier_id: Uuid,
    quantity: u32,
    excluded: &'a HashSet<String>,
    standing_sold: &'a HashMap<String, i64>,
}

/// Picks places of a tier: seats when the tier has seats left, else a standing area.
async fn best_available(
    state: &AppState,
    session: &SaleSession,
    pick: Pick<'_>,
) -> Result<(Vec<String>, Vec<StandingHold>), ApiError> {
    let Pick {
        tier_id,
        quantity,
        excluded,
        standing_sold,
    } = pick;
    let map = &session.map;
    let session_key = session.session_id.to_string();
    if map.tier_has_seats(tier_id) {
        let tier_seats: Vec<&str> = map
            .seats
            .iter()
            .filter(|(_, seat)| seat.tier_id == tier_id)
            .map(|(id, _)| id.as_str())
            .collect();
        let (sold, held) = tokio::join!(
            orders::taken_seats(&state.pool, session.session_id),
            state.holds.held_seats(&session_key, &tier_seats),
        );
        let mut taken = sold?;
        taken.extend(held?);
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

/// Why a presented hold token does not give its bearer the hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No live hold behind the token (never was, ran out, or was released).
    Missing,
    /// A signed-in buyer's hold, presented by someone else.
    NotYours,
}

/// The live hold behind `token`, if `caller` may act on it: the one check of a presented
/// hold token. Callers choose how a refusal reads (a 404 that cannot be probed, or a 410).
pub async fn usable(
    state: &AppState,
    token: &HoldToken,
    caller: Option<&Principal>,
    now: DateTime<Utc>,
) -> Result<Result<HoldRecord, Refusal>, ApiError> {
    let Some(record) = state.holds.get(token).await? else {
        return Ok(Err(Refusal::Missing));
    };
    if !may_use_hold(&record.buyer, caller) {
        return Ok(Err(Refusal::NotYours));
    }
    if record.expires_at_ms <= now.timestamp_millis() {
        return Ok(Err(Refusal::Missing));
    }
    Ok(Ok(record))
}

/// The hold behind a token named in a path, or 404 whatever the reason, so tokens cannot be
/// probed.
async fn usable_or_not_found(
    state: &AppState,
    token: &HoldToken,
    caller: Option<&Principal>,
) -> Result<HoldRecord, ApiError> {
    usable(state, token, caller, Utc::now())
        .await?
        .map_err(|_| ApiError::NotFound)
}

/// Lets go of a hold; a pending order placed from it is cancelled, a paid one refuses.
pub async fn release(
    state: &AppState,
    token: &HoldToken,
    caller: Option<&Principal>,
) -> Result<(), ApiError> {
    let record = usable_or_not_found(state, token, caller).await?;
    if let Some(order) = orders::live_for_hold(&state.pool, token.as_str()).await? {
        if order.status != OrderStatus::Pending {
            return Err(ApiError::conflict(
                "hold_sold",
                "the order placed from this hold is paid; its places cannot be released",
            ));
        }
        let mut tx = state.pool.begin().await?;
        orders::close_pending(&mut tx, order.order_id, OrderStatus::Cancelled).await?;
        tx.commit().await?;
    }
    state.holds.release(token, &record, true).await?;
    Ok(())
}

/// Pushes a hold's expiry back by the configured extension, once per hold.
pub async fn extend(
    state: &AppState,
    token: &HoldToken,
    caller: Option<&Principal>,
) -> Result<Taken, ApiError> {
    let record = usable_or_not_found(state, token, caller).await?;
    let extension = i64::try_from(state.rules.hold_extension.as_millis()).unwrap_or(i64::MAX);
    let now_ms = Utc::now().timestamp_millis();
    match state.holds.extend(token, extension, now_ms).await? {
        ExtendOutcome::Extended(record) => {
            let expires_at =
                DateTime::from_timestamp_millis(record.expires_at_ms).unwrap_or_default();
            orders::extend_pending(&state.pool, token.as_str(), expires_at).await?;
            let session = sessions::load(&state.pool, &state.seat_maps, token.session_id()).await?;
            Ok(Taken {
                record,
                map: Arc::clone(&session.map),
            })
        }
        ExtendOutcome::AlreadyExtended => Err(ApiError::conflict(
            "already_extended",
            "a hold can be extended once",
        )
        .with("expires_at", record.expires_at_ms)),
        ExtendOutcome::Missing => Err(ApiError::NotFound),
    }
}
