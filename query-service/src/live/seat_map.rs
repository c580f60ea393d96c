//! `GET /api/catalog/sessions/{id}/seat-map`: the merged seat map, with an `ETag`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
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
        None => Arc::new(live.snapshots.build(&session).await?),
    };

    let etag = HeaderValue::from_str(&format!("\"{}\"", snapshot.version))
        .map_err(|error| LiveError::Unavailable(error.to_string()))?;
    let caching = [
        (ETAG, etag),
        (CACHE_CONTROL, HeaderValue::from_static("no-cache")),
    ];
    if matches_etag(&headers, &snapshot.version) {
        return Ok((StatusCode::NOT_MODIFIED, caching).into_response());
    }
    Ok((
        caching,
        [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        snapshot.json.clone(),
    )
        .into_response())
}

/// Whether `If-None-Match` names `version` (weak comparison, as RFC 9110 asks for it).
fn matches_etag(headers: &HeaderMap, version: &str) -> bool {
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag).trim_matches('"') == version)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn if_none_match(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(IF_NONE_MATCH, HeaderValue::from_str(value).expect("ascii"));
        headers
    }

    #[test]
    fn etags_match_strongly_weakly_in_lists_and_by_wildcard() {
        assert!(matches_etag(&if_none_match("\"abc\""), "abc"));
        assert!(matches_etag(&if_none_match("W/\"abc\""), "abc"));
        assert!(matches_etag(&if_none_match("\"x\", \"abc\""), "abc"));
        assert!(matches_etag(&if_none_match("*"), "abc"));
        assert!(!matches_etag(&if_none_match("\"abd\""), "abc"));
        assert!(!matches_etag(&HeaderMap::new(), "abc"));
    }
}
