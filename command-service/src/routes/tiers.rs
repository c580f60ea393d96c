//! Price tiers of an event. All tiers of one event share a currency, so a basket always has one.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use service_runtime::JsonBody;
use service_runtime::auth::Authenticated;
use service_runtime::params::Path;
use shared_dto::money::Currency;
use uuid::Uuid;

use crate::access::{self, Owned};
pub use crate::data::tiers::Tier;
use crate::data::{events, tiers};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTier {
    pub name: String,
    /// `#RRGGBB`, for the seat map.
    pub colour: String,
    /// Price in the currency's minor unit (cents, pence, …).
    pub price_minor: i64,
    /// ISO 4217 code, e.g. `EUR`.
    pub currency: String,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTier {
    pub name: Option<String>,
    pub colour: Option<String>,
    pub price_minor: Option<i64>,
}

fn validated_name(name: &str) -> Result<String, ApiError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::invalid(
            "/name",
            "a tier name of 1 to 100 characters is required",
        ));
    }
    Ok(name.to_owned())
}

fn validated_colour(colour: &str) -> Result<String, ApiError> {
    let hex = colour.strip_prefix('#').unwrap_or("");
    if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(format!("#{}", hex.to_lowercase()))
    } else {
        Err(ApiError::invalid("/colour", "colour must be #RRGGBB"))
    }
}

fn validated_price(price: i64) -> Result<i64, ApiError> {
    if (0..=10_000_000_000).contains(&price) {
        Ok(price)
    } else {
        Err(ApiError::invalid(
            "/price_minor",
            "price must be between 0 and 10,000,000,000 minor units",
        ))
    }
}

#[utoipa::path(post, path = "/api/manage/events/{id}/tiers", tag = "tiers", params(("id" = Uuid, Path)),
    request_body = CreateTier,
    responses((status = 201, body = Tier), (status = 403), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn create_tier(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(event_id): Path<Uuid>,
    JsonBody(request): JsonBody<CreateTier>,
) -> Result<(StatusCode, Json<Tier>), ApiError> {
    access::writable(&state.pool, &principal, Owned::Event(event_id)).await?;
    let currency = Currency::parse(request.currency.trim())
        .map_err(|error| ApiError::invalid("/currency", error.to_string()))?;
    let mut tx = state.pool.begin().await?;
    // Serialises tier creation per event so the one-currency rule cannot race.
    events::lock(&mut tx, event_id).await?;
    let existing = tiers::currency_of_event(&mut *tx, event_id).await?;
    if let Some(existing) = existing.filter(|existing| existing != currency.code()) {
        return Err(ApiError::invalid(
            "/currency",
            format!(
                "this event's tiers are priced in {existing}; all tiers of an event share one currency"
            ),
        ));
    }
    let tier = tiers::insert(
        &mut *tx,
        Uuid::now_v7(),
        event_id,
        &validated_name(&request.name)?,
        &validated_colour(&request.colour)?,
        validated_price(request.price_minor)?,
        currency.code(),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(tier)))
}

#[utoipa::path(get, path = "/api/manage/events/{id}/tiers", tag = "tiers", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<Tier>), (status = 404)), security(("bearer" = [])))]
pub async fn list_tiers(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(event_id): Path<Uuid>,
) -> Result<Json<Vec<Tier>>, ApiError> {
    access::access(&state.pool, &principal, Owned::Event(event_id)).await?;
    let tiers = tiers::of_event(&state.pool, event_id).await?;
    Ok(Json(tiers))
}

/// Renames, recolours or reprices a tier; a new price applies to orders placed from now on.
#[utoipa::path(patch, path = "/api/manage/tiers/{id}", tag = "tiers", params(("id" = Uuid, Path)),
    request_body = UpdateTier,
    responses((status = 200, body = Tier), (status = 403), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn update_tier(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(id): Path<Uuid>,
    JsonBody(request): JsonBody<UpdateTier>,
) -> Result<Json<Tier>, ApiError> {
    access::writable(&state.pool, &principal, Owned::Tier(id)).await?;
    let mut tx = state.pool.begin().await?;
    let current = tiers::lock(&mut tx, id).await?;
    let tier = tiers::update(
        &mut *tx,
        id,
        &validated_name(request.name.as_deref().unwrap_or(&current.name))?,
        &validated_colour(request.colour.as_deref().unwrap_or(&current.colour))?,
        validated_price(request.price_minor.unwrap_or(current.price_minor))?,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(tier))
}

/// Deletes a tier that no seat map refers to.
#[utoipa::path(delete, path = "/api/manage/tiers/{id}", tag = "tiers", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403), (status = 404), (status = 409, description = "the tier is in use")),
    security(("bearer" = [])))]
pub async fn delete_tier(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    access::writable(&state.pool, &principal, Owned::Tier(id)).await?;
    let mut tx = state.pool.begin().await?;
    // Locks the tier's event so a concurrent layout write cannot start using the tier meanwhile.
    events::lock_of_tier(&mut tx, id).await?;
    if tiers::in_use(&mut *tx, id).await? {
        return Err(ApiError::conflict(
            "tier_in_use",
            "a seat map uses this tier; reassign its seats first",
        ));
    }
    tiers::delete(&mut *tx, id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
