//! Trending: the scheduler's ranking of listed events (recent sales, page views and
//! sell-through, weighted by age; see `shared_dto::trending`), or, while there is none, the
//! events that issued the most tickets over the last seven days; topped up with the soonest
//! upcoming events when too few qualify.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use futures::TryStreamExt;
use mongodb::bson::{Bson, Document, doc};
use serde::{Deserialize, Serialize};
use service_runtime::params::Query;
use shared_dto::read_model::{EventDocument, collection};
use shared_dto::trending::TrendingDetail;

use super::events::{events, prepared, search_page};
use super::now_ms;
use super::search::{InvalidParameter, Search, listed};
use super::summary::EventSummary;
use crate::error::ApiError;
use crate::read_cache::body::CachePolicy;
use crate::state::AppState;

const WINDOW_MS: i64 = 7 * 24 * 3_600_000;
const DEFAULT_LIMIT: usize = 10;
const MAX_LIMIT: usize = 50;
/// Ids per `$in` lookup while walking the ranking.
const LOOKUP_BATCH: usize = 100;
const TRENDING_CACHE: CachePolicy = CachePolicy::Public { max_age: 60 };

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrendingParams {
    /// How many events (default 10, at most 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 50)]
    pub limit: Option<String>,
}

impl TrendingParams {
    fn limit(&self) -> Result<usize, InvalidParameter> {
        match self
            .limit
            .as_deref()
            .map(str::trim)
            .filter(|text| !text.is_empty())
        {
            None => Ok(DEFAULT_LIMIT),
            Some(text) => text
                .parse::<usize>()
                .ok()
                .filter(|limit| (1..=MAX_LIMIT).contains(limit))
                .ok_or_else(|| {
                    InvalidParameter::new(
                        "limit",
                        format!("limit must be a whole number from 1 to {MAX_LIMIT}"),
                    )
                }),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TrendingEvent {
    #[serde(flatten)]
    pub event: EventSummary,
    pub tickets_last_7_days: u64,
    /// The event's trending score (higher is hotter); absent while no ranking has been
    /// computed, and for events added to fill the list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Distinct visitors of the event page per hour over the last day, when ranked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub views_last_24_hours: Option<u64>,
    /// Share of the upcoming sessions' places sold (0 to 1), when ranked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sell_through: Option<f64>,
}

/// One ranked event as the ranking says, before it is looked up.
struct Ranked {
    event_id: String,
    tickets: u64,
    detail: Option<TrendingDetail>,
}

/// Best sellers first, then the soonest upcoming events without recent sales.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Trending {
    pub items: Vec<TrendingEvent>,
}

/// Tickets issued per event since `since_ms`, most first.
async fn recent_sales(state: &AppState, since_ms: i64) -> Result<Vec<(String, u64)>, ApiError> {
    let pipeline = vec![
        doc! { "$match": { "issued_at_ms": { "$gte": since_ms } } },
        doc! { "$group": { "_id": "$event_id", "tickets": { "$sum": 1 } } },
        doc! { "$sort": { "tickets": -1, "_id": 1 } },
    ];
    let groups: Vec<Document> = state
        .read_store
        .collection::<Document>(collection::SOLD_PLACES)
        .aggregate(pipeline)
        .await?
        .try_collect()
        .await?;
    Ok(groups
        .into_iter()
        .filter_map(|group| {
            let event_id = group.get_str("_id").ok()?.to_owned();
            let tickets = match group.get("tickets")? {
                Bson::Int32(count) => u64::try_from(*count).ok()?,
                Bson::Int64(count) => u64::try_from(*count).ok()?,
                Bson::Double(count) if count.is_finite() && *count >= 0.0 => *count as u64,
                _ => return None,
            };
            Some((event_id, tickets))
        })
        .collect())
}

/// The scheduler's ranking if there is one; recent sales otherwise (also when Redis cannot
/// be reached: trending is worth serving a little less well rather than not at all).
async fn ranking(state: &AppState, now: i64) -> Result<Vec<Ranked>, ApiError> {
    match state.popularity.ranking().await {
        Ok(ranked) if !ranked.is_empty() => {
            return Ok(ranked
                .into_iter()
                .map(|(event_id, detail)| Ranked {
                    event_id,
                    tickets: detail.tickets_last_7_days,
                    detail: Some(detail),
                })
                .collect());
        }
        Ok(_) => {}
        Err(error) => {
            tracing::warn!(%error, "the trending ranking is unreadable; ranking by recent sales")
        }
    }
    Ok(recent_sales(state, now - WINDOW_MS)
        .await?
        .into_iter()
        .map(|(event_id, tickets)| Ranked {
            event_id,
            tickets,
            detail: None,
        })
        .collect())
}

#[utoipa::path(get, path = "/api/catalog/trending", tag = "catalog", params(TrendingParams),
    responses(
        (status = 200, body = Trending, headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "The `If-None-Match` tag is current"),
        (status = 422, description = "`limit` is invalid")))]
pub async fn trending_events(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<TrendingParams>,
) -> Result<Response, ApiError> {
    let limit = params.limit()?;
    // Every visitor of the front page asks the same: one read serves them for a moment.
    let body = state
        .hot
        .search(format!("trending {limit}"), {
            let state = state.clone();
            async move { prepared(&trending(&state, limit).await?, TRENDING_CACHE) }
        })
        .await?;
    Ok(body.respond(&headers))
}

/// The `limit` most trending listed events, topped up with the soonest.
async fn trending(state: &AppState, limit: usize) -> Result<Trending, ApiError> {
    let now = now_ms();
    let events = events(state);
    let upcoming = Search::default();
    let mut items: Vec<TrendingEvent> = Vec::with_capacity(limit);

    // The ranking may name events no longer listed (it is minutes old); only listed ones are
    // shown, so it is walked in batches until enough listed events are found.
    let ranking = ranking(state, now).await?;
    for batch in ranking.chunks(LOOKUP_BATCH) {
        if items.len() >= limit {
            break;
        }
        let ids: Vec<&str> = batch
            .iter()
            .map(|ranked| ranked.event_id.as_str())
            .collect();
        let mut filter = listed(now);
        filter.insert("_id", doc! { "$in": ids });
        let mut found: HashMap<String, EventDocument> = events
            .find(filter)
            .await?
            .try_collect::<Vec<_>>()
            .await?
            .into_iter()
            .map(|event| (event.event_id.clone(), event))
            .collect();
        for ranked in batch {
            if let Some(found) = found
                .remove(&ranked.event_id)
                .and_then(|event| upcoming.evaluate(event, now))
            {
                items.push(TrendingEvent {
                    event: found.into(),
                    tickets_last_7_days: ranked.tickets,
                    score: ranked.detail.as_ref().map(TrendingDetail::score),
                    views_last_24_hours: ranked
                        .detail
                        .as_ref()
                        .map(|detail| detail.views_last_24_hours),
                    sell_through: ranked.detail.as_ref().map(|detail| detail.sell_through),
                });
            }
        }
    }
    items.truncate(limit);

    if items.len() < limit {
        // Enough of the soonest events to fill up even if all those shown already are among them.
        let soonest = Search {
            per_page: u32::try_from(limit + items.len()).unwrap_or(u32::MAX),
            ..Search::default()
        };
        let (matches, _) = search_page(&events, &soonest, now).await?;
        for found in matches {
            if items.len() >= limit {
                break;
            }
            if !items
                .iter()
                .any(|item| item.event.event_id == found.event.event_id)
            {
                items.push(TrendingEvent {
                    event: found.into(),
                    tickets_last_7_days: 0,
                    score: None,
                    views_last_24_hours: None,
                    sell_through: None,
                });
            }
        }
    }
    Ok(Trending { items })
}
