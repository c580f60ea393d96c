//! A waiting visitor's stream: `position` whenever their place changes (and at connect), then
//! `admitted` once, and the stream ends.

use std::convert::Infallible;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use redis::Script;
use serde::{Deserialize, Serialize};
use service_runtime::params::{Path, Query};
use shared_dto::error::ErrorBody;
use shared_dto::waiting_room::{ADMITTED_EVENT, POSITION_EVENT, QueuePosition, waiting_position};
use uuid::Uuid;

use super::{HEARTBEAT, Rooms};
use crate::state::AppState;

/// Where one visitor stands. KEYS: visitors, admitted, waiting. ARGV: visitor id.
const LOOKUP: &str = r"
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 'gone' end
if redis.call('ZSCORE', KEYS[2], ARGV[1]) then return 'admitted' end
if redis.call('ZSCORE', KEYS[3], ARGV[1]) then return 'waiting' end
return 'gone'
";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Standing {
    Waiting,
    Admitted,
    Gone,
}

async fn standing(rooms: &Rooms, session: &str, visitor: &str) -> redis::RedisResult<Standing> {
    let keys = &rooms.0.keys;
    let answer: String = Script::new(LOOKUP)
        .key(keys.visitors(session))
        .key(keys.admitted(session))
        .key(keys.waiting(session))
        .arg(visitor)
        .invoke_async(&mut rooms.0.store.connection().await?)
        .await?;
    Ok(match answer.as_str() {
        "waiting" => Standing::Waiting,
        "admitted" => Standing::Admitted,
        _ => Standing::Gone,
    })
}

/// Why a stream cannot start.
#[derive(Debug, thiserror::Error)]
pub enum QueueStreamError {
    #[error("no such visitor in this session's waiting room")]
    NotFound,
    #[error("the waiting room cannot be read right now; try again shortly")]
    Unavailable(#[from] redis::RedisError),
}

impl IntoResponse for QueueStreamError {
    fn into_response(self) -> Response {
        let message = self.to_string();
        let (status, body) = match self {
            Self::NotFound => (StatusCode::NOT_FOUND, ErrorBody::new("not_found", message)),
            Self::Unavailable(error) => {
                tracing::warn!(%error, "waiting room unavailable");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    ErrorBody::new("unavailable", message),
                )
            }
        };
        (status, Json(body)).into_response()
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StreamQuery {
    /// The `visitor_id` order-service gave when the buyer joined the queue.
    pub visitor: String,
}

/// The `position` event's data.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QueuePositionEvent {
    /// `waiting`.
    pub state: String,
    /// 1-based; `null` before sales open (the early crowd gets random places then).
    pub position: Option<u64>,
    /// Visitors ahead; `null` before sales open.
    pub ahead: Option<u64>,
    /// Seconds until admission at the room's rate; `null` before sales open.
    pub estimated_wait_seconds: Option<u64>,
}

/// A visitor id as order-service makes them: 32 hex characters.
fn well_formed(visitor: &str) -> bool {
    visitor.len() == 32 && visitor.bytes().all(|b| b.is_ascii_hexdigit())
}

fn position_event(seq: u64, position: &QueuePosition) -> Event {
    Event::default()
        .event(POSITION_EVENT)
        .id(seq.to_string())
        .json_data(position)
        .unwrap_or_else(|_| Event::default().comment("unserialisable position"))
}

fn admitted_event() -> Event {
    Event::default().event(ADMITTED_EVENT).data("{}")
}

#[utoipa::path(
    get,
    path = "/api/catalog/sessions/{id}/queue/stream",
    tag = "waiting room",
    params(("id" = Uuid, Path, description = "Session id"), StreamQuery),
    responses(
        (status = 200, content_type = "text/event-stream",
         description = "Event `position` (a QueuePositionEvent) at connect and whenever the place changes; event `admitted` (`{}`) once the visitor is let through, then the stream ends (read the pass from order-service's `/api/sales/sessions/{id}/queue/me`). A comment heartbeat on quiet streams. A visitor already admitted gets `admitted` at once."),
        (status = 404, description = "No such visitor in this session's waiting room"),
        (status = 503, description = "The waiting room cannot be read right now"),
    )
)]
pub async fn stream_queue(
    State(app): State<AppState>,
    Path(session_id): Path<Uuid>,
    Query(query): Query<StreamQuery>,
) -> Result<Response, QueueStreamError> {
    let rooms = app.waiting_room.clone();
    let session = session_id.to_string();
    let visitor = query.visitor;
    if !well_formed(&visitor) {
        return Err(QueueStreamError::NotFound);
    }
    let at_connect = standing(&rooms, &session, &visitor).await?;
    if at_connect == Standing::Gone {
        return Err(QueueStreamError::NotFound);
    }
    let mut snapshots = rooms.follow(&session);
    let events = async_stream::stream! {
        if at_connect == Standing::Admitted {
            yield Ok::<_, Infallible>(admitted_event());
            return;
        }
        let mut last: Option<QueuePosition> = None;
        loop {
            let snapshot = snapshots.borrow_and_update().clone();
            if let Some(snapshot) = snapshot {
                match snapshot.ranks.get(&visitor) {
                    Some(rank) => {
                        let position =
                            waiting_position(*rank, snapshot.opened, snapshot.admit_per_minute);
                        if last.as_ref() != Some(&position) {
                            yield Ok(position_event(snapshot.seq, &position));
                            last = Some(position);
                        }
                    }
                    // Left the waiting list (or joined after this snapshot): ask once.
                    None => match standing(&rooms, &session, &visitor).await {
                        Ok(Standing::Admitted) => {
                            yield Ok(admitted_event());
                            return;
                        }
                        Ok(Standing::Gone) => return,
                        // The next snapshot has them.
                        Ok(Standing::Waiting) => {}
                        Err(error) => {
                            tracing::warn!(%error, "cannot look up a waiting visitor");
                        }
                    },
                }
            }
            if snapshots.changed().await.is_err() {
                return;
            }
        }
    };
    let sse = Sse::new(events).keep_alive(KeepAlive::new().interval(HEARTBEAT));
    // Tells nginx not to buffer the stream even where `proxy_buffering` is on.
    Ok(([("x-accel-buffering", "no")], sse).into_response())
}
