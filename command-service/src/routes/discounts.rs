//! Discount codes of an event. The maths lives in `shared_dto::discount`, so order-service
//! applies exactly the rules stored here.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use service_runtime::JsonBody;
use service_runtime::auth::Authenticated;
use service_runtime::params::Path;
use shared_dto::discount::{DiscountKind, DiscountRule, normalise_code};
use uuid::Uuid;

use crate::access::{self, Owned};
pub use crate::data::discounts::Discount;
use crate::data::discounts::{self, DiscountTerms};
use crate::data::{sessions, tiers};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDiscount {
    /// Case-insensitive, unique per event; 3–32 of `A-Z 0-9 _ -`.
    pub code: String,
    #[schema(value_type = Object)]
    pub rule: DiscountRule,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub max_total_uses: Option<i32>,
    pub max_uses_per_customer: Option<i32>,
    /// Public codes may be advertised on the event page; secret ones are only typed in.
    #[serde(default)]
    pub is_public: bool,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDiscount {
    #[schema(value_type = Option<Object>)]
    pub rule: Option<DiscountRule>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub max_total_uses: Option<i32>,
    pub max_uses_per_customer: Option<i32>,
    pub is_public: Option<bool>,
}

/// Checks a rule on its own and against the event it belongs to.
async fn check_rule(
    tx: &mut sqlx::PgConnection,
    event_id: Uuid,
    rule: &DiscountRule,
) -> Result<(), ApiError> {
    rule.validate()
        .map_err(|error| ApiError::invalid(format!("/rule{}", error.field()), error.to_string()))?;
    let event_tiers = tiers::ids_of_event(&mut *tx, event_id).await?;
    if let Some(tier_ids) = &rule.tier_ids
        && let Some(unknown) = tier_ids.iter().find(|tier| !event_tiers.contains(tier))
    {
        return Err(ApiError::invalid(
            "/rule/tier_ids",
            format!("tier {unknown} is not a tier of this event"),
        ));
    }
    if let Some(session_ids) = &rule.session_ids {
        let ids: Vec<Uuid> = session_ids.iter().copied().collect();
        let known = sessions::count_of_event(&mut *tx, event_id, &ids).await?;
        if known != i64::try_from(ids.len()).unwrap_or(i64::MAX) {
            return Err(ApiError::invalid(
                "/rule/session_ids",
                "every session must be a session of this event",
            ));
        }
    }
    if let DiscountKind::Flat { currency, .. } = &rule.kind {
        let event_currency = tiers::currency_of_event(&mut *tx, event_id).await?;
        if event_currency.is_some_and(|event_currency| event_currency != currency.code()) {
            return Err(ApiError::invalid(
                "/rule/kind/currency",
                "a flat discount must be in the event's currency",
            ));
        }
    }
    Ok(())
}

fn check_limits(
    starts_at: Option<DateTime<Utc>>,
    ends_at: Option<DateTime<Utc>>,
    max_total_uses: Option<i32>,
    max_uses_per_customer: Option<i32>,
) -> Result<(), ApiError> {
    if let (Some(starts_at), Some(ends_at)) = (starts_at, ends_at)
        && ends_at <= starts_at
    {
        return Err(ApiError::invalid(
            "/ends_at",
            "a discount must end after it starts",
        ));
    }
    if max_total_uses.is_some_and(|uses| uses <= 0) {
        return Err(ApiError::invalid(
            "/max_total_uses",
            "max_total_uses must be positive",
        ));
    }
    if max_uses_per_customer.is_some_and(|uses| uses <= 0) {
        return Err(ApiError::invalid(
            "/max_uses_per_customer",
            "max_uses_per_customer must be positive",
        ));
    }
    Ok(())
}

#[utoipa::path(post, path = "/api/manage/events/{id}/discounts", tag = "discounts", params(("id" = Uuid, Path)),
    request_body = CreateDiscount,
    responses((status = 201, body = Discount), (status = 403), (status = 404),
              (status = 409, description = "duplicate code"), (status = 422)),
    security(("bearer" = [])))]
pub async fn create_discount(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(event_id): Path<Uuid>,
    JsonBody(request): JsonBody<CreateDiscount>,
) -> Result<(StatusCode, Json<Discount>), ApiError> {
    access::writable(&state.pool, &principal, Owned::Event(event_id)).await?;
    let code = normalise_code(&request.code)
        .map_err(|error| ApiError::invalid("/code", error.to_string()))?;
    check_limits(
        request.starts_at,
        request.ends_at,
        request.max_total_uses,
        request.max_uses_per_customer,
    )?;
    let mut tx = state.pool.begin().await?;
    check_rule(&mut tx, event_id, &request.rule).await?;
    let terms = DiscountTerms {
        rule: &request.rule,
        starts_at: request.starts_at,
        ends_at: request.ends_at,
        max_total_uses: request.max_total_uses,
        max_uses_per_customer: request.max_uses_per_customer,
        is_public: request.is_public,
    };
    let discount = discounts::insert(
        &mut *tx,
        Uuid::now_v7(),
        event_id,
        request.code.trim(),
        &code,
        &terms,
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(discount)))
}

#[utoipa::path(get, path = "/api/manage/events/{id}/discounts", tag = "discounts", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<Discount>), (status = 404)), security(("bearer" = [])))]
pub async fn list_discounts(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(event_id): Path<Uuid>,
) -> Result<Json<Vec<Discount>>, ApiError> {
    access::access(&state.pool, &principal, Owned::Event(event_id)).await?;
    let discounts = discounts::of_event(&state.pool, event_id).await?;
    Ok(Json(discounts))
}

#[utoipa::path(patch, path = "/api/manage/discounts/{id}", tag = "discounts", params(("id" = Uuid, Path)),
    request_body = UpdateDiscount,
    responses((status = 200, body = Discount), (status = 403), (status = 404), (status = 422)),
    security(("bearer" = [])))]
pub async fn update_discount(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(id): Path<Uuid>,
    JsonBody(request): JsonBody<UpdateDiscount>,
) -> Result<Json<Discount>, ApiError> {
    access::writable(&state.pool, &principal, Owned::Discount(id)).await?;
    let mut tx = state.pool.begin().await?;
    let current = discounts::lock(&mut tx, id).await?;
    let rule = request.rule.unwrap_or(current.rule.0);
    check_rule(&mut tx, current.event_id, &rule).await?;
    let starts_at = request.starts_at.or(current.starts_at);
    let ends_at = request.ends_at.or(current.ends_at);
    let max_total_uses = request.max_total_uses.or(current.max_total_uses);
    let max_uses_per_customer = request
        .max_uses_per_customer
        .or(current.max_uses_per_customer);
    check_limits(starts_at, ends_at, max_total_uses, max_uses_per_customer)?;
    let terms = DiscountTerms {
        rule: &rule,
        starts_at,
        ends_at,
        max_total_uses,
        max_uses_per_customer,
        is_public: request.is_public.unwrap_or(current.is_public),
    };
    let discount = discounts::update(&mut *tx, id, &terms).await?;
    tx.commit().await?;
    Ok(Json(discount))
}

#[utoipa::path(delete, path = "/api/manage/discounts/{id}", tag = "discounts", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403), (status = 404)), security(("bearer" = [])))]
pub async fn delete_discount(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    access::writable(&state.pool, &principal, Owned::Discount(id)).await?;
    discounts::delete(&state.pool, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
