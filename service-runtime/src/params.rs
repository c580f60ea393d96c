//! `Path<T>` and `Query<T>`: axum's extractors with every rejection in the shared JSON error
//! shape, naming the parameter and saying in plain words what it must be (axum's own answer
//! is a plain-text 400).

use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use shared_dto::error::ErrorBody;

use crate::json_body::{field_of, plain_words};

/// Path parameters; a value that does not parse is a 400 naming the parameter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Path<T>(pub T);

/// Query parameters; a bad, repeated or unknown one is a 400 naming it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

/// A parameter that cannot be used, and which one.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ParamError {
    pub parameter: Option<String>,
    pub message: String,
}

impl IntoResponse for ParamError {
    fn into_response(self) -> Response {
        let mut body = ErrorBody::new("invalid_parameter", self.message);
        if let Some(parameter) = self.parameter {
            body = body.with_field(parameter);
        }
        (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
    }
}

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ParamError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Self(value)),
            Err(rejection) => {
                // With a single parameter axum does not say which one failed; the route does.
                let names: Vec<String> = RawPathParams::from_request_parts(parts, state)
                    .await
                    .map(|params| params.iter().map(|(name, _)| name.to_owned()).collect())
                    .unwrap_or_default();
                Err(path_error(&rejection, &names))
            }
        }
    }
}

fn path_error(rejection: &PathRejection, names: &[String]) -> ParamError {
    use axum::extract::path::ErrorKind;
    let only = (names.len() == 1).then(|| names[0].clone());
    let PathRejection::FailedToDeserializePathParams(failed) = rejection else {
        return ParamError {
            parameter: only,
            message: rejection.body_text(),
        };
    };
    let (parameter, value, expected) = match failed.kind() {
        ErrorKind::ParseErrorAtKey {
            key,
            value,
            expected_type,
        } => (Some(key.clone()), value.clone(), *expected_type),
        ErrorKind::ParseErrorAtIndex {
            index,
            value,
            expected_type,
        } => (names.get(*index).cloned(), value.clone(), *expected_type),
        ErrorKind::ParseError {
            value,
            expected_type,
        } => (only, value.clone(), *expected_type),
        other => {
            return ParamError {
                parameter: only,
                message: plain_words(&other.to_string()),
            };
        }
    };
    let what = match expected.rsplit("::").next().unwrap_or(expected) {
        "Uuid" => "a UUID such as 0192f1d2-7c3a-7b4e-9a51-3f0c2d4e5a6b".to_owned(),
        "String" | "str" => "text".to_owned(),
        other => plain_words(other),
    };
    let name = parameter.as_deref().unwrap_or("a path parameter");
    ParamError {
        message: format!("`{name}` must be {what}, not `{value}`"),
        parameter,
    }
}

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ParamError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parse_query(parts.uri.query().unwrap_or_default()).map(Self)
    }
}

/// Deserialises a query string, reporting the parameter an error is about.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ParamError> {
    let deserializer =
        serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let message = error.into_inner().to_string();
        let pointer = if path == "." {
            String::new()
        } else {
            format!("/{path}")
        };
        let field = field_of(pointer, &message);
        let parameter = field
            .strip_prefix('/')
            .map(str::to_owned)
            .or_else(|| named_in(&message));
        let message = match &parameter {
            Some(name) if !message.contains(name.as_str()) => {
                format!("`{name}`: {}", plain_words(&message))
            }
            _ => plain_words(&message),
        };
        ParamError { parameter, message }
    })
}

/// The first `name` in backticks of a message such as "unknown field `x`, expected …".
fn named_in(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let length = message[start..].find('`')?;
    Some(message[start..start + length].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Search {
        q: Option<String>,
        page: Option<u32>,
    }

    fn refused(query: &str) -> ParamError {
        parse_query::<Search>(query).expect_err("refused")
    }

    #[test]
    fn a_bad_value_names_its_parameter() {
        let error = refused("page=-1");
        assert_eq!(error.parameter.as_deref(), Some("page"));
        assert!(error.message.contains("page"), "{}", error.message);
        assert!(!error.message.contains("u32"), "{}", error.message);
    }

    #[test]
    fn a_repeated_or_unknown_parameter_is_named() {
        assert_eq!(refused("page=1&page=2").parameter.as_deref(), Some("page"));
        assert_eq!(refused("colour=red").parameter.as_deref(), Some("colour"));
    }

    #[test]
    fn good_queries_parse() {
        let search: Search = parse_query("q=jazz&page=2").expect("parses");
        assert_eq!(search.page, Some(2));
        assert_eq!(search.q.as_deref(), Some("jazz"));
    }
}
