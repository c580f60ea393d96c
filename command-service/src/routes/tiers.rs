//! Price tiers of an event. All tiers of one event share a currency, so a basket always has one.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use service_runtime::JsonBody;
use service_runtime::auth::Authenticated;
use service_runtime::params::Path;
use shared_dto::money::Currency;
use uuid::Uuid;

use crate::AppState;
use crate::access::{self, Owned};
use crate::error::ApiError;

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

#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Tier {
    pub tier_id: Uuid,
    pub event_id: Uuid,
    pub name: String,
    pub colour: String,
    pub price_minor: i64,
    pub currency: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

const TIER_COLUMNS: &str =
    "tier_id, event_id, name, colour, price_minor, currency, created_at, updated_at, version";

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

pub(crate) async fn event_tier_ids(
    executor: impl sqlx::PgExecutor<'_>,
    event_id: Uuid,
) -> Result<std::collections::HashSet<Uuid>, ApiError> {
    let ids: Vec<Uuid> = sqlx::query_scalar("select tier_id from tier where event_id = $1")
        .bind(event_id)
        .fetch_all(executor)
        .await?;
    Ok(ids.into_iter().collect())
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
    sqlx::query("select 1 from event where event_id = $1 for update")
        .bind(event_id)
        .execute(&mut *tx)
        .await?;
    let existing: Option<String> =
        sqlx::query_scalar("select currency from tier where event_id = $1 limit 1")
            .bind(event_id)
            .fetch_optional(&mut *tx)
            .await?;
    if let Some(existing) = existing.filter(|existing| existing != currency.code()) {
        return Err(ApiError::invalid(
            "/currency",
            format!(
                "this event's tiers are priced in {existing}; all tiers of an event share one currency"
            ),
        ));
    }
    let tier: Tier = sqlx::query_as(&format!(
        "insert into tier (tier_id, event_id, name, colour, price_minor, currency)
         values ($1, $2, $3, $4, $5, $6) returning {TIER_COLUMNS}"
    ))
    .bind(Uuid::now_v7())
    .bind(event_id)
    .bind(validated_name(&request.name)?)
    .bind(validated_colour(&request.colour)?)
    .bind(validated_price(request.price_minor)?)
    .bind(currency.code())
    .fetch_one(&mut *tx)
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
    let tiers = sqlx::query_as(&format!(
        "select {TIER_COLUMNS} from tier where event_id = $1 order by price_minor desc, name"
    ))
    .bind(event_id)
    .fetch_all(&state.pool)
    .await?;
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
    let current: Tier = sqlx::query_as(&format!(
        "select {TIER_COLUMNS} from tier where tier_id = $1 for update"
    ))
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    let tier: Tier = sqlx::query_as(&format!(
        "update tier set name = $2, colour = $3, price_minor = $4 where tier_id = $1 returning {TIER_COLUMNS}"
    ))
    .bind(id)
    .bind(validated_name(request.name.as_deref().unwrap_or(&current.name))?)
    .bind(validated_colour(request.colour.as_deref().unwrap_or(&current.colour))?)
    .bind(validated_price(request.price_minor.unwrap_or(current.price_minor))?)
    .fetch_one(&mut *tx)
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
    sqlx::query(
        "select 1 from event e join tier t using (event_id) where t.tier_id = $1 for update of e",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let in_use: bool = sqlx::query_scalar(
        "select exists(select 1 from event_layout where $1 = any(tier_ids))
             or exists(select 1 from session_layout where $1 = any(tier_ids))",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    if in_use {
        return Err(ApiError::conflict(
            "tier_in_use",
            "a seat map uses this tier; reassign its seats first",
        ));
    }
    sqlx::query("delete from tier where tier_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
