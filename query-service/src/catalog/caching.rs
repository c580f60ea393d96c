//! HTTP caching of read responses: an `ETag` derived from the body, `Cache-Control`, and
//! `304 Not Modified` when the client already holds the same body.

use std::hash::{DefaultHasher, Hasher};

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH, VARY};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::ApiError;

/// Who may keep a response, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CachePolicy {
    /// Shared caches may serve it for `max_age` seconds without asking again.
    Public { max_age: u32 },
    /// Per caller (it depends on the token); revalidated on every use.
    Private,
}

impl CachePolicy {
    fn header(self) -> HeaderValue {
        match self {
            Self::Public { max_age } => {
                HeaderValue::from_str(&format!("public, max-age={max_age}"))
                    .unwrap_or_else(|_| HeaderValue::from_static("no-cache"))
            }
            Self::Private => HeaderValue::from_static("private, no-cache"),
        }
    }
}

/// A strong validator for `body`. `DefaultHasher::new()` is deterministic, so every replica
/// running the same build gives the same tag; a different build may give another tag, which
/// only costs a client one full response.
pub fn entity_tag(body: &[u8]) -> String {
    let mut hasher = DefaultHasher::new();
    hasher.write(body);
    let first = hasher.finish();
    // A second pass over a different prefix widens the tag to 128 bits.
    let mut hasher = DefaultHasher::new();
    hasher.write_u8(0x5a);
    hasher.write(body);
    format!("\"{first:016x}{:016x}\"", hasher.finish())
}

/// Whether an `If-None-Match` header value names `tag` (weak comparison, RFC 9110 §13.1.2).
pub fn matches_any(if_none_match: &str, tag: &str) -> bool {
    let opaque = |candidate: &str| {
        let candidate = candidate.trim();
        candidate.strip_prefix("W/").unwrap_or(candidate).to_owned()
    };
    let tag = opaque(tag);
    if_none_match.trim() == "*"
        || if_none_match
            .split(',')
            .any(|candidate| opaque(candidate) == tag)
}

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
    let not_modified = request
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|value| matches_any(value, &tag));
    if not_modified {
        return Ok((StatusCode::NOT_MODIFIED, headers).into_response());
    }
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok((StatusCode::OK, headers, body).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_quoted_stable_and_differ_with_the_body() {
        let tag = entity_tag(br#"{"a":1}"#);
        assert!(tag.starts_with('"') && tag.ends_with('"') && tag.len() == 34);
        assert_eq!(tag, entity_tag(br#"{"a":1}"#));
        assert_ne!(tag, entity_tag(br#"{"a":2}"#));
    }

    #[test]
    fn if_none_match_compares_weakly_and_accepts_lists_and_wildcards() {
        let tag = "\"abc\"";
        assert!(matches_any("\"abc\"", tag));
        assert!(matches_any("W/\"abc\"", tag));
        assert!(matches_any("\"x\", \"abc\"", tag));
        assert!(matches_any("*", tag));
        assert!(!matches_any("\"abcd\"", tag));
        assert!(!matches_any("abc", tag));
    }

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
