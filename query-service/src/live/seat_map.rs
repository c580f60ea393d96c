//! `GET /api/catalog/sessions/{id}/seat-map`: the merged seat map, with an `ETag`; served
//! from the session's last build while nothing changed, compressed once per encoding.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use service_runtime::params::Path;

use super::snapshot::SeatMapState;
use super::stream::snapshot_after;
use super::{LiveError, session_key};
use crate::state::AppState;

/// A session's seat map with the status of every place.
#[utoipa::path(
    get,
    path = "/api/catalog/sessions/{id}/seat-map",
    tag = "live",
    params(
        ("id" = String, Path, description = "Session id"),
        ("If-None-Match" = Option<String>, Header, description = "An ETag from an earlier answer"),
    ),
    responses(
        (status = 200, body = SeatMapState,
         description = "The seat map; `ETag` is its version, `Cache-Control: no-cache`"),
        (status = 304, description = "Unchanged since the given ETag"),
        (status = 404, description = "No seat map for this session"),
        (status = 503, description = "Live seat state is temporarily unavailable"),
    )
)]
pub(crate) async fn get_seat_map(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, LiveError> {
    let session = session_key(&id)?;
    let live = &app.live.0;
    // A session being watched here shares the streams' snapshot when nothing changed since.
    let snapshot = match live.seats.get(&session) {
        Some(channel) => {
            let now = channel.with_ext(|_, seq| seq);
            snapshot_after(&channel, &live.snapshots, &session, now)
                .await?
                .snapshot
        }
        None => live.snapshots.build(&session).await?,
    };
    // `304` when the client holds this version; no store is read for the answer itself.
    Ok(snapshot.body.respond(&headers))
}
