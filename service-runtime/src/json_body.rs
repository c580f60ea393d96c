//! `JsonBody<T>`: a JSON request body whose every rejection says exactly what was wrong and
//! where, as a JSON pointer (`/blocks/2/seats/17/id`), in the shared error shape.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_path_to_error::Segment;
use shared_dto::error::ErrorBody;

/// A deserialised JSON body; see the module docs.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonBody<T>(pub T);

/// Why a body was refused.
#[derive(Debug, thiserror::Error)]
pub enum JsonBodyError {
    #[error("expected Content-Type: application/json")]
    UnsupportedMediaType,
    #[error("the request body is larger than this endpoint accepts")]
    TooLarge,
    #[error("the request body could not be read")]
    Unreadable,
    #[error("malformed JSON at line {line}, column {column}: {message}")]
    Malformed {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{message}")]
    Invalid { pointer: String, message: String },
}

/// The raw bytes of a JSON body (content type, size and the absence of NUL checked, not
/// parsed), for handlers that parse with their own validation, such as seat-map layouts.
#[derive(Debug, Clone)]
pub struct JsonBytes(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for JsonBytes {
    type Rejection = JsonBodyError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .is_some_and(|mime| {
                let mime = mime.trim();
                mime.eq_ignore_ascii_case("application/json") || mime.ends_with("+json")
            });
        if !is_json {
            return Err(JsonBodyError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    JsonBodyError::TooLarge
                } else {
                    JsonBodyError::Unreadable
                }
            })?;
        refuse_nul(&bytes)?;
        Ok(Self(bytes))
    }
}

impl<T, S> FromRequest<S> for JsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = JsonBodyError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let JsonBytes(bytes) = JsonBytes::from_request(request, state).await?;
        parse(&bytes).map(JsonBody)
    }
}

/// Deserialises `bytes`, reporting a data error with the JSON pointer of the offending value.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, JsonBodyError> {
    refuse_nul(bytes)?;
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let pointer = json_pointer(error.path());
        let inner = error.into_inner();
        if inner.is_data() {
            let message = inner.to_string();
            JsonBodyError::Invalid {
                pointer: field_of(pointer, &message),
                message: plain_words(&message),
            }
        } else {
            JsonBodyError::Malformed {
                line: inner.line(),
                column: inner.column(),
                message: inner.to_string(),
            }
        }
    })?;
    deserializer
        .end()
        .map_err(|error| JsonBodyError::Malformed {
            line: error.line(),
            column: error.column(),
            message: "trailing characters after the JSON value".to_owned(),
        })?;
    Ok(value)
}

/// NUL cannot be stored in a text column (PostgreSQL refuses it) and is never meant in a
/// name or label, so a body carrying one in any string is refused at that string's pointer.
/// In JSON text a NUL can only appear escaped, so bodies without `\u0000` skip the walk.
fn refuse_nul(bytes: &[u8]) -> Result<(), JsonBodyError> {
    const ESCAPED_NUL: &[u8] = br"\u0000";
    if !bytes
        .windows(ESCAPED_NUL.len())
        .any(|window| window == ESCAPED_NUL)
    {
        return Ok(());
    }
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return Ok(()); // malformed: the typed parse reports where
    };
    match nul_pointer(&value, String::new()) {
        Some(pointer) => Err(JsonBodyError::Invalid {
            pointer,
            message: "text must not contain NUL (\\u0000) characters".to_owned(),
        }),
        None => Ok(()),
    }
}

fn nul_pointer(value: &serde_json::Value, at: String) -> Option<String> {
    let escape = |key: &str| key.replace('~', "~0").replace('/', "~1");
    match value {
        serde_json::Value::String(text) => text.contains('\0').then_some(at),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(index, item)| nul_pointer(item, format!("{at}/{index}"))),
        serde_json::Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            let here = format!("{at}/{}", escape(key));
            if key.contains('\0') {
                Some(here)
            } else {
                nul_pointer(item, here)
            }
        }),
        _ => None,
    }
}

/// The pointer of the field a message is about: serde reports a missing (or duplicate) field
/// at its parent and names it in the message.
pub fn field_of(pointer: String, message: &str) -> String {
    for lead in ["missing field `", "duplicate field `"] {
        if let Some(rest) = message.strip_prefix(lead)
            && let Some(name) = rest.split('`').next()
        {
            return format!("{pointer}/{}", name.replace('~', "~0").replace('/', "~1"));
        }
    }
    pointer
}

/// serde's messages in a client developer's words: no Rust type names.
pub fn plain_words(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("missing field `")
        && let Some(name) = rest.split('`').next()
    {
        return format!("`{name}` is required");
    }
    let mut words: Vec<String> = Vec::new();
    let mut tokens = message.split(' ').peekable();
    while let Some(token) = tokens.next() {
        let (core, tail) = split_punctuation(token);
        let plain = match core {
            "struct" | "map" if words.last().is_some_and(|last| last == "expected") => {
                if core == "struct" {
                    tokens.next();
                }
                Some("an object")
            }
            "enum" if words.last().is_some_and(|last| last == "expected") => {
                tokens.next();
                Some("one of the documented values")
            }
            "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => Some("a whole number, 0 or more"),
            "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => Some("a whole number"),
            "f32" | "f64" => Some("a number"),
            _ => None,
        };
        match plain {
            Some(plain) => words.push(format!("{plain}{tail}")),
            None => words.push(token.to_owned()),
        }
    }
    words.join(" ")
}

fn split_punctuation(token: &str) -> (&str, &str) {
    let end = token.trim_end_matches([',', '.', ';', ':']).len();
    token.split_at(end)
}

/// RFC 6901 pointer of a path: `blocks[2].id` → `/blocks/2/id`.
pub fn json_pointer(path: &serde_path_to_error::Path) -> String {
    let mut pointer = String::new();
    for segment in path.iter() {
        pointer.push('/');
        match segment {
            Segment::Seq { index } => pointer.push_str(&index.to_string()),
            Segment::Map { key } => pointer.push_str(&key.replace('~', "~0").replace('/', "~1")),
            Segment::Enum { variant } => pointer.push_str(variant),
            Segment::Unknown => pointer.push('?'),
        }
    }
    pointer
}

impl IntoResponse for JsonBodyError {
    fn into_response(self) -> Response {
        let message = self.to_string();
        let (status, body) = match self {
            Self::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorBody::new("unsupported_media_type", message),
            ),
            Self::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorBody::new("payload_too_large", message),
            ),
            Self::Unreadable => (
                StatusCode::BAD_REQUEST,
                ErrorBody::new("unreadable_body", message),
            ),
            Self::Malformed { .. } => (
                StatusCode::BAD_REQUEST,
                ErrorBody::new("malformed_json", message),
            ),
            Self::Invalid { pointer, .. } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorBody::new("invalid_field", message).with_field(pointer),
            ),
        };
        (status, axum::Json(body)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Block {
        id: String,
        rows: u32,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Layout {
        blocks: Vec<Block>,
    }

    fn pointer_of(json: &str) -> String {
        match parse::<Layout>(json.as_bytes()) {
            Err(JsonBodyError::Invalid { pointer, .. }) => pointer,
            other => panic!("expected a data error, got {other:?}"),
        }
    }

    #[test]
    fn a_wrong_type_is_reported_at_its_pointer() {
        assert_eq!(
            pointer_of(r#"{"blocks":[{"id":"a","rows":1},{"id":"b","rows":"x"}]}"#),
            "/blocks/1/rows"
        );
    }

    #[test]
    fn an_unknown_field_is_reported_at_its_pointer() {
        assert_eq!(
            pointer_of(r#"{"blocks":[{"id":"a","rows":1,"colour":"red"}]}"#),
            "/blocks/0/colour"
        );
    }

    fn invalid(json: &str) -> (String, String) {
        match parse::<Layout>(json.as_bytes()) {
            Err(JsonBodyError::Invalid { pointer, message }) => (pointer, message),
            other => panic!("expected a data error, got {other:?}"),
        }
    }

    #[test]
    fn a_missing_field_is_reported_at_its_own_pointer_in_plain_words() {
        let (pointer, message) = invalid(r#"{"blocks":[{"id":"a"}]}"#);
        assert_eq!(pointer, "/blocks/0/rows");
        assert_eq!(message, "`rows` is required");
        assert_eq!(invalid("{}").0, "/blocks");
    }

    #[test]
    fn messages_name_no_rust_types() {
        let (pointer, message) = invalid(r#"{"blocks":["a"]}"#);
        assert_eq!(pointer, "/blocks/0");
        assert!(!message.contains("Block"), "{message}");
        assert!(message.contains("expected an object"), "{message}");
        let (_, message) = invalid(r#"{"blocks":[{"id":"a","rows":-1}]}"#);
        assert!(!message.contains("u32"), "{message}");
        assert!(message.contains("a whole number, 0 or more"), "{message}");
    }

    #[test]
    fn nul_in_any_string_or_key_is_refused_at_its_pointer() {
        let (pointer, message) = invalid(r#"{"blocks":[{"id":"a\u0000b","rows":1}]}"#);
        assert_eq!(pointer, "/blocks/0/id");
        assert!(message.contains("NUL"), "{message}");
        assert_eq!(
            invalid(r#"{"blocks":[{"i\u0000d":"a","rows":1}]}"#).0,
            "/blocks/0/i\u{0}d"
        );
        // An escaped backslash before "u0000" is not a NUL.
        assert!(parse::<serde_json::Value>(br#"{"a":"\\u0000"}"#).is_ok());
    }

    #[test]
    fn broken_json_is_malformed_not_invalid() {
        assert!(matches!(
            parse::<Layout>(br#"{"blocks": [}"#),
            Err(JsonBodyError::Malformed { .. })
        ));
    }
}
