//! Answers for requests that reach a path but no method of it, in the shared JSON error shape
//! (axum's own answer is an empty body).

use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use shared_dto::error::ErrorBody;

/// The `method_not_allowed_fallback` of every service's router.
pub async fn method_not_allowed(method: Method) -> Response {
    (
        StatusCode::METHOD_NOT_ALLOWED,
        axum::Json(ErrorBody::new(
            "method_not_allowed",
            format!(
                "{method} is not allowed on this path; see the OpenAPI document for its methods"
            ),
        )),
    )
        .into_response()
}
