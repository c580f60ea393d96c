//! Venues: where physical sessions happen, with coordinates for distance search.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use service_runtime::JsonBody;
use service_runtime::auth::Authenticated;
use service_runtime::params::Path;
use uuid::Uuid;

use crate::access::{self, Owned};
pub use crate::data::venues::Venue;
use crate::data::venues::{self, VenueFields};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateVenue {
    pub organisation_id: Uuid,
    pub name: String,
    pub address_line: String,
    pub city: String,
    pub postcode: Option<String>,
    /// ISO 3166-1 alpha-2, e.g. `GB`.
    pub country: String,
    pub latitude: f64,
    pub longitude: f64,
    /// IANA time zone, e.g. `Europe/London`.
    pub timezone: String,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateVenue {
    pub name: Option<String>,
    pub address_line: Option<String>,
    pub city: Option<String>,
    pub postcode: Option<String>,
    pub country: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub timezone: Option<String>,
}

fn required_text(field: &str, value: &str, max: usize) -> Result<String, ApiError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(ApiError::invalid(
            format!("/{field}"),
            format!("{field} must be 1 to {max} characters"),
        ));
    }
    Ok(value.to_owned())
}

fn validated_country(country: &str) -> Result<String, ApiError> {
    let country = country.trim().to_uppercase();
    if country.len() == 2 && country.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(country)
    } else {
        Err(ApiError::invalid(
            "/country",
            "country must be an ISO 3166-1 alpha-2 code such as GB",
        ))
    }
}

fn validated_coordinates(latitude: f64, longitude: f64) -> Result<(), ApiError> {
    if !(latitude.is_finite() && (-90.0..=90.0).contains(&latitude)) {
        return Err(ApiError::invalid(
            "/latitude",
            "latitude must be between -90 and 90",
        ));
    }
    if !(longitude.is_finite() && (-180.0..=180.0).contains(&longitude)) {
        return Err(ApiError::invalid(
            "/longitude",
            "longitude must be between -180 and 180",
        ));
    }
    Ok(())
}

/// A zone of the IANA tz database (as bundled at build time), named as the database names it.
fn validated_timezone(timezone: &str) -> Result<String, ApiError> {
    let timezone = timezone.trim();
    match timezone.parse::<chrono_tz::Tz>() {
        Ok(zone) => Ok(zone.name().to_owned()),
        Err(_) => Err(ApiError::invalid(
            "/timezone",
            "timezone must be a zone of the IANA tz database, such as Europe/London",
        )),
    }
}

#[utoipa::path(post, path = "/api/manage/venues", tag = "venues", request_body = CreateVenue,
    responses((status = 201, body = Venue), (status = 403), (status = 404), (status = 422)),
    security(("bearer" = [])))]
pub async fn create_venue(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    JsonBody(request): JsonBody<CreateVenue>,
) -> Result<(StatusCode, Json<Venue>), ApiError> {
    access::writable(
        &state.pool,
        &principal,
        Owned::Organisation(request.organisation_id),
    )
    .await?;
    validated_coordinates(request.latitude, request.longitude)?;
    let fields = VenueFields {
        name: required_text("name", &request.name, 200)?,
        address_line: required_text("address_line", &request.address_line, 300)?,
        city: required_text("city", &request.city, 100)?,
        postcode: request.postcode.map(|postcode| postcode.trim().to_owned()),
        country: validated_country(&request.country)?,
        latitude: request.latitude,
        longitude: request.longitude,
        timezone: validated_timezone(&request.timezone)?,
    };
    let venue = venues::insert(
        &state.pool,
        Uuid::now_v7(),
        request.organisation_id,
        &fields,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(venue)))
}

#[utoipa::path(get, path = "/api/manage/venues/{id}", tag = "venues", params(("id" = Uuid, Path)),
    responses((status = 200, body = Venue), (status = 404)), security(("bearer" = [])))]
pub async fn get_venue(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(id): Path<Uuid>,
) -> Result<Json<Venue>, ApiError> {
    access::access(&state.pool, &principal, Owned::Venue(id)).await?;
    let venue = venues::find(&state.pool, id).await?;
    Ok(Json(venue))
}

#[utoipa::path(patch, path = "/api/manage/venues/{id}", tag = "venues", params(("id" = Uuid, Path)),
    request_body = UpdateVenue,
    responses((status = 200, body = Venue), (status = 403), (status = 404), (status = 422)),
    security(("bearer" = [])))]
pub async fn update_venue(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(id): Path<Uuid>,
    JsonBody(request): JsonBody<UpdateVenue>,
) -> Result<Json<Venue>, ApiError> {
    access::writable(&state.pool, &principal, Owned::Venue(id)).await?;
    let mut tx = state.pool.begin().await?;
    let current = venues::lock(&mut tx, id).await?;
    let latitude = request.latitude.unwrap_or(current.latitude);
    let longitude = request.longitude.unwrap_or(current.longitude);
    validated_coordinates(latitude, longitude)?;
    let fields = VenueFields {
        name: required_text(
            "name",
            request.name.as_deref().unwrap_or(&current.name),
            200,
        )?,
        address_line: required_text(
            "address_line",
            request
                .address_line
                .as_deref()
                .unwrap_or(&current.address_line),
            300,
        )?,
        city: required_text(
            "city",
            request.city.as_deref().unwrap_or(&current.city),
            100,
        )?,
        postcode: request.postcode.or(current.postcode),
        country: validated_country(request.country.as_deref().unwrap_or(&current.country))?,
        latitude,
        longitude,
        timezone: validated_timezone(request.timezone.as_deref().unwrap_or(&current.timezone))?,
    };
    let venue = venues::update(&mut *tx, id, &fields).await?;
    tx.commit().await?;
    Ok(Json(venue))
}
