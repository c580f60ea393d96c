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

/// The raw bytes of a JSON body (content type and size checked, not parsed), for handlers that
/// parse with their own validation, such as seat-map layouts.
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
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let pointer = json_pointer(error.path());
        let inner = error.into_inner();
        if inner.is_data() {
            JsonBodyError::Invalid {
                pointer,
                message: inner.to_string(),
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

    #[test]
    fn broken_json_is_malformed_not_invalid() {
        assert!(matches!(
            parse::<Layout>(br#"{"blocks": [}"#),
            Err(JsonBodyError::Malformed { .. })
        ));
    }
}
