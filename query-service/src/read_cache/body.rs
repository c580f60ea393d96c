//! A response body prepared once for many requests: serialised, tagged, compressed on first
//! demand per encoding, and answered `304` when the client already holds it.

use std::hash::{DefaultHasher, Hasher};
use std::io::Write;
use std::sync::OnceLock;

use axum::body::Bytes;
use axum::http::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, IF_NONE_MATCH, VARY,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Bodies smaller than this go out as they are: compressing them saves less than it costs.
const MIN_COMPRESSED_LEN: usize = 512;
/// Brotli quality: 5 compresses a 1.5 MB seat map to about what gzip -9 gives, in a fraction
/// of the time quality 11 takes (it is done again whenever a seat changes).
const BROTLI_QUALITY: u32 = 5;
const BROTLI_WINDOW: u32 = 22;

/// Who may keep a response, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CachePolicy {
    /// Shared caches may serve it for `max_age` seconds without asking again.
    Public { max_age: u32 },
    /// Anyone may keep it, but must ask again before each use (a live seat map).
    Revalidate,
    /// Per caller (it depends on the token); revalidated on every use.
    Private,
}

impl CachePolicy {
    pub fn header(self) -> HeaderValue {
        match self {
            Self::Public { max_age } => {
                HeaderValue::from_str(&format!("public, max-age={max_age}"))
                    .unwrap_or_else(|_| HeaderValue::from_static("no-cache"))
            }
            Self::Revalidate => HeaderValue::from_static("no-cache"),
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

/// Whether the request's `If-None-Match` names `tag`.
pub fn not_modified(request: &HeaderMap, tag: &str) -> bool {
    request
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|value| matches_any(value, tag))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Identity,
    Gzip,
    Brotli,
}

impl Encoding {
    /// The best encoding the client accepts: brotli, then gzip (`q=0` refuses one).
    pub fn negotiate(request: &HeaderMap) -> Self {
        let mut gzip = false;
        let mut brotli = false;
        for value in request.get_all(ACCEPT_ENCODING) {
            let Ok(value) = value.to_str() else { continue };
            for item in value.split(',') {
                let mut parts = item.split(';');
                let coding = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
                let refused = parts.any(|param| {
                    param
                        .trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.trim().parse::<f32>().ok())
                        .is_some_and(|q| q <= 0.0)
                });
                if refused {
                    continue;
                }
                match coding.as_str() {
                    "br" => brotli = true,
                    "gzip" | "x-gzip" => gzip = true,
                    "*" => {
                        brotli = true;
                        gzip = true;
                    }
                    _ => {}
                }
            }
        }
        if brotli {
            Self::Brotli
        } else if gzip {
            Self::Gzip
        } else {
            Self::Identity
        }
    }
}

/// A JSON body with its tag; its compressed forms are made once, when first asked for.
pub struct PreparedBody {
    etag: HeaderValue,
    tag: String,
    policy: CachePolicy,
    identity: Bytes,
    gzip: OnceLock<Option<Bytes>>,
    brotli: OnceLock<Option<Bytes>>,
}

impl std::fmt::Debug for PreparedBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedBody")
            .field("tag", &self.tag)
            .field("len", &self.identity.len())
            .finish_non_exhaustive()
    }
}

impl PreparedBody {
    /// `json` tagged by its content.
    pub fn new(json: impl Into<Bytes>, policy: CachePolicy) -> Self {
        let json = json.into();
        let tag = entity_tag(&json);
        Self::tagged(json, tag, policy)
    }

    /// `json` under a tag of the caller's (quoted), e.g. a seat map's version.
    pub fn tagged(json: impl Into<Bytes>, tag: String, policy: CachePolicy) -> Self {
        Self {
            etag: HeaderValue::from_str(&tag).unwrap_or_else(|_| HeaderValue::from_static("\"\"")),
            tag,
            policy,
            identity: json.into(),
            gzip: OnceLock::new(),
            brotli: OnceLock::new(),
        }
    }

    /// The quoted entity tag.
    pub fn tag(&self) -> &str {
        &self.tag
    }

    pub fn json(&self) -> &Bytes {
        &self.identity
    }

    fn encoded(&self, encoding: Encoding) -> Option<(Bytes, &'static str)> {
        if self.identity.len() < MIN_COMPRESSED_LEN {
            return None;
        }
        match encoding {
            Encoding::Identity => None,
            Encoding::Gzip => self
                .gzip
                .get_or_init(|| gzip(&self.identity))
                .clone()
                .map(|body| (body, "gzip")),
            Encoding::Brotli => self
                .brotli
                .get_or_init(|| brotli(&self.identity))
                .clone()
                .map(|body| (body, "br")),
        }
    }

    /// The answer to `request`: `304` when it holds this body already, else the body in the
    /// best encoding it accepts. No store is touched either way.
    pub fn respond(&self, request: &HeaderMap) -> Response {
        let mut headers = HeaderMap::with_capacity(6);
        headers.insert(ETAG, self.etag.clone());
        headers.insert(CACHE_CONTROL, self.policy.header());
        headers.insert(
            VARY,
            HeaderValue::from_static(match self.policy {
                CachePolicy::Private => "accept-encoding, authorization",
                _ => "accept-encoding",
            }),
        );
        if not_modified(request, &self.tag) {
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let body = match self.encoded(Encoding::negotiate(request)) {
            Some((body, name)) => {
                headers.insert(CONTENT_ENCODING, HeaderValue::from_static(name));
                body
            }
            None => self.identity.clone(),
        };
        (StatusCode::OK, headers, body).into_response()
    }
}

fn gzip(body: &[u8]) -> Option<Bytes> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 4),
        flate2::Compression::default(),
    );
    encoder.write_all(body).ok()?;
    encoder.finish().ok().map(Bytes::from)
}

fn brotli(body: &[u8]) -> Option<Bytes> {
    let mut out = Vec::with_capacity(body.len() / 5);
    {
        let mut writer =
            brotli::CompressorWriter::new(&mut out, 64 * 1024, BROTLI_QUALITY, BROTLI_WINDOW);
        writer.write_all(body).ok()?;
        writer.flush().ok()?;
    }
    Some(Bytes::from(out))
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn request(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, HeaderValue::from_static(value));
        }
        headers
    }

    async fn bytes(response: Response) -> Vec<u8> {
        axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body")
            .to_vec()
    }

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
    fn the_client_gets_the_best_encoding_it_accepts() {
        let pick = |value| Encoding::negotiate(&request(&[("accept-encoding", value)]));
        assert_eq!(pick("gzip, deflate, br"), Encoding::Brotli);
        assert_eq!(pick("gzip"), Encoding::Gzip);
        assert_eq!(pick("br;q=0, gzip;q=0.5"), Encoding::Gzip);
        assert_eq!(pick("identity"), Encoding::Identity);
        assert_eq!(pick("*"), Encoding::Brotli);
        assert_eq!(Encoding::negotiate(&HeaderMap::new()), Encoding::Identity);
    }

    #[tokio::test]
    async fn a_body_is_sent_compressed_as_asked_and_304_when_current() {
        let json = serde_json::to_vec(&vec!["seat"; 500]).expect("json");
        let body = PreparedBody::new(json.clone(), CachePolicy::Revalidate);

        let plain = body.respond(&HeaderMap::new());
        assert_eq!(plain.status(), StatusCode::OK);
        assert!(plain.headers().get(CONTENT_ENCODING).is_none());
        assert_eq!(plain.headers()[VARY], "accept-encoding");
        assert_eq!(bytes(plain).await, json);

        let gzipped = body.respond(&request(&[("accept-encoding", "gzip")]));
        assert_eq!(gzipped.headers()[CONTENT_ENCODING], "gzip");
        let compressed = bytes(gzipped).await;
        assert!(compressed.len() < json.len() / 5);
        let mut unzipped = Vec::new();
        flate2::read::GzDecoder::new(compressed.as_slice())
            .read_to_end(&mut unzipped)
            .expect("gzip");
        assert_eq!(unzipped, json);

        let brotli = body.respond(&request(&[("accept-encoding", "gzip, br")]));
        assert_eq!(brotli.headers()[CONTENT_ENCODING], "br");
        let compressed = bytes(brotli).await;
        let mut unpacked = Vec::new();
        brotli::Decompressor::new(compressed.as_slice(), 4096)
            .read_to_end(&mut unpacked)
            .expect("brotli");
        assert_eq!(unpacked, json);

        let mut revalidation = request(&[("accept-encoding", "br")]);
        revalidation.insert(
            IF_NONE_MATCH,
            HeaderValue::from_str(body.tag()).expect("tag"),
        );
        let current = body.respond(&revalidation);
        assert_eq!(current.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(current.headers()[ETAG], body.tag());
        assert_eq!(current.headers()[CACHE_CONTROL], "no-cache");
        assert!(bytes(current).await.is_empty());
    }
}
