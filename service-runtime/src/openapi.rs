//! OpenAPI pieces every service's document shares.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

/// Declares the `bearer` security scheme (an OIDC access token, a JWT) that endpoints marked
/// `security(("bearer" = []))` require. Use as `#[openapi(modifiers(&BearerAuth))]`.
pub struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme(
                "bearer",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .bearer_format("JWT")
                        .build(),
                ),
            );
    }
}

/// Documents the refusals every route can give but no handler spells out: 400 for a bad path
/// or query parameter (or malformed JSON), 401/403 where a token is read, 413/415/422 where a
/// body is read, 503 while an engine is down — each with the shared error body. Statuses a
/// route already documents keep their own descriptions.
pub struct CommonResponses;

impl utoipa::Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        use utoipa::openapi::{Ref, RefOr};

        let detail = ObjectBuilder::new()
            .property("code", ObjectBuilder::new().schema_type(Type::String))
            .required("code")
            .property("message", ObjectBuilder::new().schema_type(Type::String))
            .required("message")
            .property(
                "field",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some("JSON pointer into the body, or a parameter name")),
            );
        let error = ObjectBuilder::new()
            .property("error", detail)
            .required("error");
        openapi
            .components
            .get_or_insert_with(Default::default)
            .schemas
            .insert("Error".to_owned(), RefOr::T(error.into()));

        for item in openapi.paths.paths.values_mut() {
            let shared_parameters = item.parameters.clone().unwrap_or_default();
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                let parameters = operation
                    .parameters
                    .iter()
                    .flatten()
                    .chain(&shared_parameters);
                let takes_parameters = parameters.clone().any(|parameter| {
                    matches!(
                        parameter.parameter_in,
                        utoipa::openapi::path::ParameterIn::Path
                            | utoipa::openapi::path::ParameterIn::Query
                    )
                });
                let requirements = serde_json::to_value(&operation.security)
                    .unwrap_or_default()
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                let reads_token = requirements
                    .iter()
                    .any(|requirement| requirement.get("bearer").is_some());
                let mut common: Vec<(&str, &str)> = vec![(
                    "503",
                    "an engine this service needs is unavailable; try again shortly",
                )];
                if takes_parameters || operation.request_body.is_some() {
                    common.push(("400", "a path or query parameter (`field`) cannot be used, or the body is not JSON"));
                }
                if reads_token {
                    common.push((
                        "401",
                        "no bearer token, or one that is expired, forged or for another audience",
                    ));
                    common.push(("403", "the token's roles or memberships do not allow this"));
                }
                if operation.request_body.is_some() {
                    common.push(("413", "the body is larger than this endpoint accepts"));
                    common.push(("415", "the body is not `application/json`"));
                    common.push((
                        "422",
                        "a value in the body cannot be used (`field` is its JSON pointer)",
                    ));
                }
                for (status, description) in common {
                    operation
                        .responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| {
                            RefOr::T(
                                utoipa::openapi::ResponseBuilder::new()
                                    .description(description)
                                    .content(
                                        "application/json",
                                        utoipa::openapi::Content::new(Some(Ref::from_schema_name(
                                            "Error",
                                        ))),
                                    )
                                    .build(),
                            )
                        });
                }
            }
        }
    }
}
