//! HTTP caching of read responses that are built per request (the organisers' sales, which
//! depend on the caller): an `ETag` derived from the body, `Cache-Control`, and
//! `304 Not Modified` when the client already holds the same body. Answers shared by every
//! caller are prepared once instead (`read_cache::body`).

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, VARY};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::ApiError;
use crate::read_cache::body::not_modified;
pub use crate::read_cache::body::{CachePolicy, entity_tag, matches_any};

/// `body` as JSON with caching headers, or `304` when the request's `If-None-Match` names it.
pub fn respond<T: Serialize>(
    request: &HeaderMap,
    policy: CachePolicy,
    body: &T,
) -> Result<Response, ApiError> {
    let body = serde_json::to_vec(body).map_err(|error| ApiError::Internal(error.to_string()))?;
    let tag = entity_tag(&body);
    let mut headers = HeaderMap::new();
    headers.insert(
        ETAG,
        HeaderValue::from_str(&tag).map_err(|error| ApiError::Internal(error.to_string()))?,
    );
    headers.insert(CACHE_CONTROL, policy.header());
    if policy == CachePolicy::Private {
        headers.insert(VARY, HeaderValue::from_static("authorization"));
    }
    if not_modified(request, &tag) {
        return Ok((StatusCode::NOT_MODIFIED, headers).into_response());
    }
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok((StatusCode::OK, headers, body).into_response())
}

#[cfg(test)]
mod tests {
    use axum::http::header::IF_NONE_MATCH;

    use super::*;

    #[test]
    fn a_matching_request_gets_304_with_the_same_headers() {
        let body = serde_json::json!({ "items": [1, 2] });
        let first = respond(
            &HeaderMap::new(),
            CachePolicy::Public { max_age: 30 },
            &body,
        )
        .expect("response");
        assert_eq!(first.status(), StatusCode::OK);
        let tag = first.headers().get(ETAG).expect("etag").clone();
        assert_eq!(
            first.headers().get(CACHE_CONTROL).expect("cache-control"),
            "public, max-age=30"
        );

        let mut request = HeaderMap::new();
        request.insert(IF_NONE_MATCH, tag.clone());
        let second =
            respond(&request, CachePolicy::Public { max_age: 30 }, &body).expect("response");
        assert_eq!(second.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(second.headers().get(ETAG), Some(&tag));

        let private = respond(&request, CachePolicy::Private, &body).expect("response");
        assert_eq!(
            private.headers().get(CACHE_CONTROL).expect("cache-control"),
            "private, no-cache"
        );
    }
}
