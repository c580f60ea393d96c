//! Public event reads: search, detail, sessions.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use mongodb::Collection;
use mongodb::bson::{Bson, doc};
use serde::Serialize;
use service_runtime::params::{Path, Query};
use shared_dto::read_model::{EventDocument, SessionView, TierView, VenueView, collection};
use shared_dto::status::SessionStatus;

use super::hot::CachedEvent;
use super::search::{InvalidParameter, Match, Search, SearchParams};
use super::summary::{Category, EventSummary};
use super::{instant, now_ms, public_statuses};
use crate::client_ip::ClientIp;
use crate::error::ApiError;
use crate::read_cache::body::{CachePolicy, PreparedBody};
use crate::state::AppState;

/// Results change with every sale; a short shared lifetime still absorbs bursts.
const SEARCH_CACHE: CachePolicy = CachePolicy::Public { max_age: 15 };
const DETAIL_CACHE: CachePolicy = CachePolicy::Public { max_age: 30 };
/// Searches ranked in process consider at most this many candidates (soonest first):
/// enough for any bounding box or word combination on a real catalogue, and a bound on
/// the memory one request can take.
const MAX_CANDIDATES: i64 = 1000;

impl From<InvalidParameter> for ApiError {
    fn from(error: InvalidParameter) -> Self {
        ApiError::invalid(error.field, error.message)
    }
}

/// One page of search results.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventPage {
    pub items: Vec<EventSummary>,
    pub page: u32,
    pub per_page: u32,
    /// Matching events over all pages.
    pub total: u64,
}

/// An event as its public page shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventDetail {
    pub event_id: String,
    pub organisation_id: String,
    pub organisation_name: String,
    pub title: String,
    pub description: String,
    pub category: Option<Category>,
    pub cover_image_urls: Vec<String>,
    /// `published`, `cancelled` or `completed`.
    pub status: String,
    pub published_at: Option<DateTime<Utc>>,
    /// Ordered by start.
    pub sessions: Vec<Session>,
    pub tiers: Vec<Tier>,
    pub price_min_minor: Option<i64>,
    pub price_max_minor: Option<i64>,
    pub currency: Option<String>,
    /// Start of the earliest and latest session that is not cancelled.
    pub first_start: Option<DateTime<Utc>>,
    pub last_start: Option<DateTime<Utc>>,
    pub available: u64,
    pub sold: u64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Session {
    pub session_id: String,
    /// `physical` or `online`.
    pub mode: String,
    /// `SCHEDULED`, `ON_SALE`, `SOLD_OUT`, `CLOSED` or `CANCELLED`.
    pub status: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub sales_start: DateTime<Utc>,
    pub sales_end: DateTime<Utc>,
    /// On sale and inside its sales window right now.
    pub sales_open: bool,
    pub venue: Option<Venue>,
    pub capacity: u64,
    pub sold: u64,
    pub available: u64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Venue {
    pub venue_id: String,
    pub name: String,
    pub address_line: String,
    pub city: String,
    pub postcode: Option<String>,
    pub country: String,
    pub latitude: f64,
    pub longitude: f64,
    /// IANA time zone, for showing local times.
    pub timezone: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Tier {
    pub tier_id: String,
    pub name: String,
    pub colour: String,
    pub price_minor: i64,
    pub currency: String,
}

/// The sessions of one event.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventSessions {
    pub event_id: String,
    /// Ordered by start.
    pub sessions: Vec<Session>,
}

impl Session {
    fn new(session: SessionView, now_ms: i64) -> Self {
        let sales_open = matches!(session.status, SessionStatus::OnSale)
            && (session.sales_start_ms..session.sales_end_ms).contains(&now_ms);
        Self {
            session_id: session.session_id,
            mode: session.mode,
            status: session.status.to_string(),
            starts_at: instant(session.starts_at_ms),
            ends_at: instant(session.ends_at_ms),
            sales_start: instant(session.sales_start_ms),
            sales_end: instant(session.sales_end_ms),
            sales_open,
            venue: session.venue.map(Venue::from),
            capacity: session.capacity,
            sold: session.sold,
            available: session.available,
        }
    }
}

impl From<VenueView> for Venue {
    fn from(venue: VenueView) -> Self {
        Self {
            venue_id: venue.venue_id,
            name: venue.name,
            address_line: venue.address_line,
            city: venue.city,
            postcode: venue.postcode,
            country: venue.country,
            latitude: venue.latitude,
            longitude: venue.longitude,
            timezone: venue.timezone,
        }
    }
}

impl From<TierView> for Tier {
    fn from(tier: TierView) -> Self {
        Self {
            tier_id: tier.tier_id,
            name: tier.name,
            colour: tier.colour,
            price_minor: tier.price_minor,
            currency: tier.currency,
        }
    }
}

fn sessions_by_start(mut sessions: Vec<SessionView>, now_ms: i64) -> Vec<Session> {
    sessions.sort_by(|a, b| (a.starts_at_ms, &a.session_id).cmp(&(b.starts_at_ms, &b.session_id)));
    sessions
        .into_iter()
        .map(|session| Session::new(session, now_ms))
        .collect()
}

impl EventDetail {
    fn new(event: EventDocument, now_ms: i64) -> Self {
        Self {
            event_id: event.event_id,
            organisation_id: event.organisation_id,
            organisation_name: event.organisation_name,
            title: event.title,
            description: event.description,
            category: event.category.map(Category::from),
            cover_image_urls: event.cover_image_urls,
            status: event.status.to_string(),
            published_at: event.published_at_ms.map(instant),
            sessions: sessions_by_start(event.sessions, now_ms),
            tiers: event.tiers.into_iter().map(Tier::from).collect(),
            price_min_minor: event.price_min_minor,
            price_max_minor: event.price_max_minor,
            currency: event.currency,
            first_start: event.first_start_ms.map(instant),
            last_start: event.last_start_ms.map(instant),
            available: event.available,
            sold: event.sold,
        }
    }
}

pub(super) fn events(state: &AppState) -> Collection<EventDocument> {
    state.read_store.collection(collection::EVENTS)
}

/// `body` serialised once, for every request that asks for it until it changes.
pub(super) fn prepared<T: Serialize>(
    body: &T,
    policy: CachePolicy,
) -> Result<PreparedBody, ApiError> {
    serde_json::to_vec(body)
        .map(|json| PreparedBody::new(json, policy))
        .map_err(|error| ApiError::Internal(error.to_string()))
}

/// An event's answers, prepared from its document (on a cache miss).
pub(super) fn prepare(event: EventDocument) -> Result<CachedEvent, ApiError> {
    let now = now_ms();
    let sessions = EventSessions {
        event_id: event.event_id.clone(),
        sessions: sessions_by_start(event.sessions.clone(), now),
    };
    let event_id = event.event_id.clone();
    let session_ids = event
        .sessions
        .iter()
        .map(|session| session.session_id.clone())
        .collect();
    let detail = EventDetail::new(event, now);
    Ok(CachedEvent {
        event_id,
        session_ids,
        detail: prepared(&detail, DETAIL_CACHE)?,
        sessions: prepared(&sessions, DETAIL_CACHE)?,
    })
}

/// One page of `search` and the number of matches over all pages.
pub(super) async fn search_page(
    events: &Collection<EventDocument>,
    search: &Search,
    now_ms: i64,
) -> Result<(Vec<Match>, u64), ApiError> {
    let per_page = usize::try_from(search.per_page).unwrap_or(usize::MAX);
    if search.ranks_in_process() {
        let candidates: Vec<EventDocument> = events
            .find(search.filter(now_ms))
            .sort(doc! { "first_start_ms": 1, "_id": 1 })
            .limit(MAX_CANDIDATES)
            .await?
            .try_collect()
            .await?;
        if i64::try_from(candidates.len()).is_ok_and(|count| count >= MAX_CANDIDATES) {
            tracing::warn!(
                candidate_count = candidates.len(),
                "search ranked a truncated candidate set"
            );
        }
        let ranked = search.rank(candidates, now_ms);
        let total = ranked.len() as u64;
        let skip = usize::try_from(search.skip()).unwrap_or(usize::MAX);
        let page = ranked.into_iter().skip(skip).take(per_page).collect();
        return Ok((page, total));
    }

    let total = events.count_documents(search.filter(now_ms)).await?;
    let ids: Vec<Bson> = events
        .aggregate(search.page_pipeline(now_ms))
        .await?
        .try_collect::<Vec<_>>()
        .await?
        .into_iter()
        .filter_map(|mut group| group.remove("_id"))
        .collect();
    if ids.is_empty() {
        return Ok((Vec::new(), total));
    }
    let mut found: HashMap<String, EventDocument> = events
        .find(doc! { "_id": { "$in": &ids } })
        .await?
        .try_collect::<Vec<_>>()
        .await?
        .into_iter()
        .map(|event| (event.event_id.clone(), event))
        .collect();
    let page = ids
        .iter()
        .filter_map(Bson::as_str)
        .filter_map(|id| found.remove(id))
        // An event changed between the two reads no longer matches: leave it out.
        .filter_map(|event| search.evaluate(event, now_ms))
        .collect();
    Ok((page, total))
}

/// Searches published events that still have a session to come.
#[utoipa::path(get, path = "/api/catalog/events", tag = "catalog", params(SearchParams),
    responses(
        (status = 200, body = EventPage, headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "The `If-None-Match` tag is current"),
        (status = 422, description = "A parameter is invalid; `error.field` names it")))]
pub async fn search_events(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<SearchParams>,
) -> Result<Response, ApiError> {
    let search = params.parse()?;
    // Identical searches (after normalisation) within a moment share one read.
    let key = format!("{search:?}");
    let events = events(&state);
    let body = state
        .hot
        .search(key, async move {
            let (matches, total) = search_page(&events, &search, now_ms()).await?;
            let page = EventPage {
                items: matches.into_iter().map(EventSummary::from).collect(),
                page: search.page,
                per_page: search.per_page,
                total,
            };
            prepared(&page, SEARCH_CACHE)
        })
        .await?;
    Ok(body.respond(&headers))
}

/// A published, cancelled or completed event; drafts do not exist publicly.
async fn public_event(
    events: Collection<EventDocument>,
    event_id: String,
) -> Result<Option<EventDocument>, ApiError> {
    Ok(events
        .find_one(doc! { "_id": event_id, "status": { "$in": public_statuses() } })
        .await?)
}

/// The event's prepared answers, from this replica's cache or one read of the store.
async fn cached_event(state: &AppState, event_id: &str) -> Result<Arc<CachedEvent>, ApiError> {
    state
        .hot
        .event(event_id, public_event(events(state), event_id.to_owned()))
        .await?
        .ok_or(ApiError::NotFound)
}

/// An event with its sessions and tiers.
#[utoipa::path(get, path = "/api/catalog/events/{id}", tag = "catalog",
    params(("id" = String, Path, description = "Event id")),
    responses(
        (status = 200, body = EventDetail, headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "The `If-None-Match` tag is current"),
        (status = 404, description = "No such event, or not published")))]
pub async fn get_event(
    State(state): State<AppState>,
    ClientIp(visitor): ClientIp,
    headers: HeaderMap,
    Path(event_id): Path<String>,
) -> Result<Response, ApiError> {
    let event = cached_event(&state, &event_id).await?;
    state
        .popularity
        .record_view(&event.event_id, visitor, now_ms());
    Ok(event.detail.respond(&headers))
}

/// The sessions of an event, past ones included, ordered by start.
#[utoipa::path(get, path = "/api/catalog/events/{id}/sessions", tag = "catalog",
    params(("id" = String, Path, description = "Event id")),
    responses(
        (status = 200, body = EventSessions, headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "The `If-None-Match` tag is current"),
        (status = 404, description = "No such event, or not published")))]
pub async fn list_event_sessions(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(event_id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(cached_event(&state, &event_id)
        .await?
        .sessions
        .respond(&headers))
}
