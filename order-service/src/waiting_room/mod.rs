//! The waiting room in front of a flash sale. While a session's room is active (turned on by
//! its organisers, from `opens_minutes_before_sale` before sales start until sales end), buyers
//! queue before they may hold seats: everyone who joins before sales start gets a random place
//! when they open, later arrivals queue at the back in order, one place per buyer. A single
//! admission loop across replicas lets them through at the configured rate
//! ([`admission`]); an admitted buyer gets a pass ([`pass`]) that every hold on the session
//! must carry until it expires.
//!
//! All of the queue's state is in Redis ([`queue`], layout in `shared_dto::waiting_room`), so
//! a restart or another replica carries on where the last one stopped.

pub mod admission;
pub mod pass;
pub mod queue;
pub mod room;

use chrono::{DateTime, Utc};
use rand::Rng;
use service_runtime::redis_store::RedisStore;
use shared_dto::waiting_room::{self as layout, QueueKeys, QueueState, VisitorRecord};
use uuid::Uuid;

use crate::buyer::Buyer;
use crate::error::ApiError;
use crate::state::AppState;
use pass::{PassRefused, PassSigner};
use queue::{Joined, Place, QueueStore};
use room::{Room, RoomCache};

/// Room keys outlive the end of sales by this long, then Redis forgets them.
const KEPT_AFTER_SALES: chrono::Duration = chrono::Duration::days(1);

/// The window of the per-address join limit.
const JOIN_WINDOW_SECS: u64 = 60;

/// Everything the waiting room needs, shared by handlers and the admission loop.
pub struct WaitingRoom {
    queue: QueueStore,
    rooms: RoomCache,
    passes: PassSigner,
    /// Joins one client address may make a minute.
    joins_per_minute: u64,
    /// This process, as the holder of admission leases.
    replica: String,
}

impl WaitingRoom {
    pub fn new(
        store: RedisStore,
        keys: QueueKeys,
        pass_key: [u8; 32],
        joins_per_minute: u32,
    ) -> Self {
        Self {
            queue: QueueStore::new(store, keys),
            rooms: RoomCache::default(),
            passes: PassSigner::new(pass_key),
            joins_per_minute: u64::from(joins_per_minute.max(1)),
            replica: Uuid::new_v4().to_string(),
        }
    }

    pub fn queue(&self) -> &QueueStore {
        &self.queue
    }

    /// This process's id as a lease holder.
    pub fn replica(&self) -> &str {
        &self.replica
    }

    /// The session's room; 404 for no such session.
    pub async fn room(&self, pool: &sqlx::PgPool, session_id: Uuid) -> Result<Room, ApiError> {
        self.rooms
            .room(pool, session_id)
            .await?
            .ok_or(ApiError::NotFound)
    }
}

/// Where the queue of a session is, as the 403 of a hold without a pass says.
pub fn queue_path(session_id: Uuid) -> String {
    format!("/api/sales/sessions/{session_id}/queue")
}

/// Refuses a hold on a session whose room is active unless `pass` admits `buyer` to it.
pub async fn require_pass(
    state: &AppState,
    session_id: Uuid,
    buyer: &Buyer,
    pass: Option<&str>,
) -> Result<(), ApiError> {
    let room = &state.waiting_room;
    let Some(current) = room.rooms.room(&state.pool, session_id).await? else {
        // No such session: the hold path answers that itself.
        return Ok(());
    };
    let now = Utc::now();
    if !current.is_active(now) {
        return Ok(());
    }
    let refused = |message: &str| {
        ApiError::refused(
            "admission_pass_required",
            format!("{message}: join the waiting room's queue and hold seats once admitted"),
        )
        .with("queue", queue_path(session_id))
    };
    let Some(pass) = pass else {
        return Err(refused("this sale has a waiting room"));
    };
    match room.passes.check(pass, session_id, &buyer.key(), now) {
        Ok(()) => Ok(()),
        Err(error @ (PassRefused::Invalid | PassRefused::Expired)) => {
            metrics::counter!("waiting_room_passes_refused_total").increment(1);
            Err(refused(&error.to_string()))
        }
    }
}

/// A buyer's place as the API shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticket {
    pub visitor_id: Option<String>,
    pub state: QueueState,
    pub position: Option<u64>,
    pub ahead: Option<u64>,
    pub estimated_wait_seconds: Option<u64>,
    pub pass: Option<String>,
    pub pass_expires_at: Option<DateTime<Utc>>,
    pub room: Room,
}

/// What a join did.
pub enum JoinOutcome {
    New(Ticket),
    Existing(Ticket),
}

/// Takes a place in the session's queue for `buyer`, or finds the one they have (a second
/// tab shares the first tab's place). `client` is the caller's address, rate-limited.
pub async fn join(
    state: &AppState,
    session_id: Uuid,
    buyer: &Buyer,
    client: &str,
) -> Result<JoinOutcome, ApiError> {
    let waiting_room = &state.waiting_room;
    let joins = waiting_room
        .queue
        .count_join(client, JOIN_WINDOW_SECS)
        .await?;
    if joins > waiting_room.joins_per_minute {
        metrics::counter!("waiting_room_joins_total", "outcome" => "limited").increment(1);
        return Err(ApiError::TooMany {
            code: "too_many_joins",
            message: "too many joins from this address; try again in a minute".to_owned(),
        });
    }
    let room = waiting_room.room(&state.pool, session_id).await?;
    let now = Utc::now();
    if !room.is_active(now) {
        let closed = ApiError::conflict(
            "queue_not_open",
            if !room.settings.enabled || room.finished {
                "this session has no waiting room"
            } else if now < room.opens_at() {
                "the waiting room has not opened yet"
            } else {
                "sales have ended"
            },
        )
        .with("opens_at", room.opens_at().to_rfc3339())
        .with("sales_start_at", room.sales_start_at.to_rfc3339());
        return Err(closed);
    }
    let buyer_key = buyer.key();
    let fresh = new_visitor_id();
    let record = serde_json::to_string(&VisitorRecord {
        buyer: buyer_key.clone(),
        joined_at_ms: now.timestamp_millis(),
    })
    .map_err(ApiError::internal)?;
    let session = session_id.to_string();
    let early_score: f64 = rand::thread_rng().gen_range(0.0..1.0);
    let joined = waiting_room
        .queue
        .join(&queue::JoinRequest {
            session_id: &session,
            buyer: &buyer_key,
            fresh_visitor: &fresh,
            record_json: &record,
            now_ms: now.timestamp_millis(),
            opened: room.has_opened(now),
            early_score,
            pass_ms: room.pass_lifetime().num_milliseconds(),
            room: [
                room.opens_at().timestamp_millis(),
                room.sales_start_at.timestamp_millis(),
                room.sales_end_at.timestamp_millis(),
                i64::from(room.settings.admit_per_minute),
                i64::from(room.settings.pass_minutes),
            ],
            expire_at_ms: (room.sales_end_at + KEPT_AFTER_SALES).timestamp_millis(),
        })
        .await?;
    let (is_new, visitor) = match joined {
        Joined::New(visitor) => (true, visitor),
        Joined::Existing(visitor) => (false, visitor),
    };
    metrics::counter!("waiting_room_joins_total", "outcome" => if is_new { "new" } else { "existing" })
        .increment(1);
    let place = waiting_room
        .queue
        .place_of_visitor(&session, &visitor)
        .await?
        .ok_or_else(|| ApiError::internal("a place just taken is gone"))?;
    let ticket = ticket(waiting_room, room, Some(place), now);
    Ok(if is_new {
        JoinOutcome::New(ticket)
    } else {
        JoinOutcome::Existing(ticket)
    })
}

/// The buyer's place: waiting (where), or admitted (with their pass); `not_required` while the
/// room is not active. 404 when the buyer has no place (or their pass ran out: queue again).
pub async fn my_place(
    state: &AppState,
    session_id: Uuid,
    buyer: &Buyer,
) -> Result<Ticket, ApiError> {
    let waiting_room = &state.waiting_room;
    let room = waiting_room.room(&state.pool, session_id).await?;
    let now = Utc::now();
    if !room.is_active(now) {
        return Ok(ticket(waiting_room, room, None, now));
    }
    let place = waiting_room
        .queue
        .place_of_buyer(&session_id.to_string(), &buyer.key())
        .await?;
    let expired = place.as_ref().is_some_and(|place| {
        place.admitted_at_ms.is_some_and(|at| {
            at + room.pass_lifetime().num_milliseconds() <= now.timestamp_millis()
        })
    });
    match place {
        Some(place) if !expired => Ok(ticket(waiting_room, room, Some(place), now)),
        _ => Err(ApiError::NotFound),
    }
}

fn ticket(
    waiting_room: &WaitingRoom,
    room: Room,
    place: Option<Place>,
    now: DateTime<Utc>,
) -> Ticket {
    let empty = |visitor_id, state| Ticket {
        visitor_id,
        state,
        position: None,
        ahead: None,
        estimated_wait_seconds: None,
        pass: None,
        pass_expires_at: None,
        room: room.clone(),
    };
    let Some(place) = place.filter(|_| room.is_active(now)) else {
        return empty(None, QueueState::NotRequired);
    };
    if let Some(admitted_at) = place
        .admitted_at_ms
        .and_then(DateTime::<Utc>::from_timestamp_millis)
    {
        let expires_at = admitted_at + room.pass_lifetime();
        let pass = waiting_room
            .passes
            .issue(room.session_id, &place.buyer, expires_at);
        let mut ticket = empty(Some(place.visitor_id), QueueState::Admitted);
        ticket.pass = Some(pass);
        ticket.pass_expires_at = Some(expires_at);
        return ticket;
    }
    let position = layout::waiting_position(
        place.rank.unwrap_or_default(),
        room.has_opened(now),
        room.settings.admit_per_minute,
    );
    let mut ticket = empty(Some(place.visitor_id), QueueState::Waiting);
    ticket.position = position.position;
    ticket.ahead = position.ahead;
    ticket.estimated_wait_seconds = position.estimated_wait_seconds;
    ticket
}

/// The room's public state.
pub struct RoomState {
    pub room: Room,
    pub active: bool,
    pub waiting: u64,
}

pub async fn room_state(state: &AppState, session_id: Uuid) -> Result<RoomState, ApiError> {
    let room = state.waiting_room.room(&state.pool, session_id).await?;
    let now = Utc::now();
    let counts = state
        .waiting_room
        .queue
        .counts(&session_id.to_string(), now.timestamp_millis())
        .await?;
    Ok(RoomState {
        active: room.is_active(now),
        waiting: counts.waiting,
        room,
    })
}

/// The room as its organisers watch it.
pub struct RoomStats {
    pub room: Room,
    pub active: bool,
    pub waiting: u64,
    pub admitted_total: u64,
    pub admitted_last_minute: u64,
    pub average_wait_seconds: f64,
}

/// For the event's organisers (and admins); others' sessions are not found.
pub async fn stats(
    state: &AppState,
    session_id: Uuid,
    principal: &service_runtime::auth::Principal,
) -> Result<RoomStats, ApiError> {
    let room = state.waiting_room.room(&state.pool, session_id).await?;
    let organisation = sqlx::query_scalar!(
        "select organisation_id from event where event_id = $1",
        room.event_id,
    )
    .fetch_one(&state.pool)
    .await?;
    if !crate::access::may_check_in(&state.pool, principal, organisation).await? {
        return Err(ApiError::NotFound);
    }
    if !crate::access::may_manage_sales(&state.pool, principal, organisation).await? {
        return Err(ApiError::Forbidden(
            "the waiting room's figures are for the event's organisers",
        ));
    }
    let now = Utc::now();
    let counts = state
        .waiting_room
        .queue
        .counts(
            &session_id.to_string(),
            (now - chrono::Duration::minutes(1)).timestamp_millis(),
        )
        .await?;
    let average_wait_seconds = if counts.admitted_total == 0 {
        0.0
    } else {
        counts.wait_ms_total as f64 / counts.admitted_total as f64 / 1000.0
    };
    Ok(RoomStats {
        active: room.is_active(now),
        waiting: counts.waiting,
        admitted_total: counts.admitted_total,
        admitted_last_minute: counts.admitted_since,
        average_wait_seconds,
        room,
    })
}

/// 16 random bytes as 32 hex characters: unguessable, safe in a URL and a Redis hash.
fn new_visitor_id() -> String {
    hex::encode(rand::thread_rng().r#gen::<[u8; 16]>())
}
