//! Organiser analytics: an event's sales per session and tier. Revenue and orders are for the
//! organisers of the event's organisation and admins (staff at the gates see check-in counts,
//! not money); anyone else is told the event does not exist, so ids cannot be probed.

use std::collections::{BTreeMap, HashMap};

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use mongodb::bson::doc;
use serde::Serialize;
use service_runtime::auth::{Authenticated, Principal};
use service_runtime::params::Path;
use shared_dto::read_model::{
    EventDocument, OrganisationDocument, SessionSalesDocument, TierSales, collection,
};

use super::caching::{self, CachePolicy};
use super::events::events;
use super::instant;
use crate::AppState;
use crate::error::ApiError;

/// Organisation roles that may read an event's sales, here and on its live stream.
pub const SALES_READER_ROLES: [&str; 1] = ["organiser"];

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Figures {
    /// Valid tickets.
    pub sold: u64,
    pub checked_in: u64,
    /// In minor units of the event's currency.
    pub revenue_minor: i64,
}

impl Figures {
    fn add(&mut self, other: Figures) {
        self.sold += other.sold;
        self.checked_in += other.checked_in;
        self.revenue_minor += other.revenue_minor;
    }
}

impl From<&TierSales> for Figures {
    fn from(tier: &TierSales) -> Self {
        Self {
            sold: tier.sold,
            checked_in: tier.checked_in,
            revenue_minor: tier.revenue_minor,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TierFigures {
    pub tier_id: String,
    /// `None` for a tier the event no longer has.
    pub name: Option<String>,
    pub sold: u64,
    pub checked_in: u64,
    pub revenue_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SessionFigures {
    pub session_id: String,
    /// `None` for a session the event document no longer lists.
    pub starts_at: Option<DateTime<Utc>>,
    pub status: Option<String>,
    pub capacity: Option<u64>,
    pub sold: u64,
    pub checked_in: u64,
    pub revenue_minor: i64,
    pub by_tier: Vec<TierFigures>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct EventSales {
    pub event_id: String,
    pub title: String,
    pub currency: Option<String>,
    pub totals: Figures,
    pub by_tier: Vec<TierFigures>,
    /// Ordered by start; sessions without sales show zeros.
    pub sessions: Vec<SessionFigures>,
}

/// Per-tier figures in the event's tier order, unknown tiers last by id.
fn tier_figures(event: &EventDocument, by_tier: &BTreeMap<String, Figures>) -> Vec<TierFigures> {
    let position = |tier_id: &str| {
        event
            .tiers
            .iter()
            .position(|tier| tier.tier_id == tier_id)
            .unwrap_or(usize::MAX)
    };
    let mut figures: Vec<TierFigures> = by_tier
        .iter()
        .map(|(tier_id, figures)| TierFigures {
            tier_id: tier_id.clone(),
            name: event
                .tiers
                .iter()
                .find(|tier| &tier.tier_id == tier_id)
                .map(|tier| tier.name.clone()),
            sold: figures.sold,
            checked_in: figures.checked_in,
            revenue_minor: figures.revenue_minor,
        })
        .collect();
    figures.sort_by_key(|tier| position(&tier.tier_id));
    figures
}

/// The dashboard for `event` from its per-session sales documents.
pub fn event_sales(event: &EventDocument, sales: Vec<SessionSalesDocument>) -> EventSales {
    let mut sales: HashMap<String, SessionSalesDocument> = sales
        .into_iter()
        .map(|document| (document.session_id.clone(), document))
        .collect();
    let mut sessions: Vec<_> = event.sessions.iter().collect();
    sessions.sort_by(|a, b| (a.starts_at_ms, &a.session_id).cmp(&(b.starts_at_ms, &b.session_id)));

    let mut rows: Vec<(
        Option<&shared_dto::read_model::SessionView>,
        Option<SessionSalesDocument>,
    )> = sessions
        .into_iter()
        .map(|session| (Some(session), sales.remove(&session.session_id)))
        .collect();
    let mut orphans: Vec<SessionSalesDocument> = sales.into_values().collect();
    orphans.sort_by(|a, b| a.session_id.cmp(&b.session_id));
    rows.extend(orphans.into_iter().map(|document| (None, Some(document))));

    let mut totals = Figures::default();
    let mut event_tiers: BTreeMap<String, Figures> = BTreeMap::new();
    let mut currency = event.currency.clone();
    let sessions = rows
        .into_iter()
        .map(|(session, document)| {
            let mut figures = Figures::default();
            let mut by_tier = BTreeMap::new();
            if let Some(document) = &document {
                figures = Figures {
                    sold: document.sold,
                    checked_in: document.checked_in,
                    revenue_minor: document.revenue_minor,
                };
                for (tier_id, tier) in &document.by_tier {
                    by_tier.insert(tier_id.clone(), Figures::from(tier));
                    event_tiers
                        .entry(tier_id.clone())
                        .or_default()
                        .add(Figures::from(tier));
                }
                if currency.is_none() {
                    currency.clone_from(&document.currency);
                }
            }
            totals.add(figures);
            SessionFigures {
                session_id: session
                    .map(|session| session.session_id.clone())
                    .or_else(|| document.as_ref().map(|d| d.session_id.clone()))
                    .unwrap_or_default(),
                starts_at: session.map(|session| instant(session.starts_at_ms)),
                status: session.map(|session| session.status.to_string()),
                capacity: session.map(|session| session.capacity),
                sold: figures.sold,
                checked_in: figures.checked_in,
                revenue_minor: figures.revenue_minor,
                by_tier: tier_figures(event, &by_tier),
            }
        })
        .collect();
    EventSales {
        event_id: event.event_id.clone(),
        title: event.title.clone(),
        currency,
        totals,
        by_tier: tier_figures(event, &event_tiers),
        sessions,
    }
}

/// Whether `principal` may read the sales of `organisation_id`'s events.
async fn may_read_sales(
    state: &AppState,
    principal: &Principal,
    organisation_id: &str,
) -> Result<bool, ApiError> {
    if principal.is_admin() {
        return Ok(true);
    }
    let organisation = state
        .read_store
        .collection::<OrganisationDocument>(collection::ORGANISATIONS)
        .find_one(doc! { "_id": organisation_id })
        .await?;
    Ok(organisation.is_some_and(|organisation| {
        organisation.has_member(
            &principal.subject,
            principal.email.as_deref(),
            &SALES_READER_ROLES,
        )
    }))
}

/// Sales per session and tier, with totals.
#[utoipa::path(get, path = "/api/catalog/events/{id}/sales", tag = "catalog",
    params(("id" = String, Path, description = "Event id")),
    responses(
        (status = 200, body = EventSales, headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "The `If-None-Match` tag is current"),
        (status = 401, description = "No valid bearer token"),
        (status = 404, description = "No such event, or not the caller's organisation")),
    security(("bearer" = [])))]
pub async fn get_event_sales(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    headers: HeaderMap,
    Path(event_id): Path<String>,
) -> Result<Response, ApiError> {
    let event = events(&state)
        .find_one(doc! { "_id": &event_id })
        .await?
        .ok_or(ApiError::NotFound)?;
    if !may_read_sales(&state, &principal, &event.organisation_id).await? {
        tracing::debug!(event_id, subject = %principal.subject, "sales refused to a non-member");
        return Err(ApiError::NotFound);
    }
    let sales: Vec<SessionSalesDocument> = state
        .read_store
        .collection::<SessionSalesDocument>(collection::SALES)
        .find(doc! { "event_id": &event_id })
        .await?
        .try_collect()
        .await?;
    caching::respond(&headers, CachePolicy::Private, &event_sales(&event, sales))
}

#[cfg(test)]
mod tests {
    use shared_dto::read_model::{SessionView, TierView};

    use super::*;

    fn session(id: &str, starts_at_ms: i64) -> SessionView {
        SessionView {
            session_id: id.into(),
            mode: "physical".into(),
            status: shared_dto::status::SessionStatus::OnSale,
            starts_at_ms,
            ends_at_ms: starts_at_ms + 1,
            sales_start_ms: 0,
            sales_end_ms: starts_at_ms,
            venue: None,
            capacity: 100,
            sold: 0,
            available: 100,
        }
    }

    fn tier(id: &str, name: &str) -> TierView {
        TierView {
            tier_id: id.into(),
            name: name.into(),
            colour: "#000".into(),
            price_minor: 1000,
            currency: "GBP".into(),
        }
    }

    fn sales(session_id: &str, tiers: &[(&str, u64, u64, i64)]) -> SessionSalesDocument {
        let by_tier: BTreeMap<String, TierSales> = tiers
            .iter()
            .map(|(id, sold, checked_in, revenue)| {
                (
                    (*id).to_owned(),
                    TierSales {
                        sold: *sold,
                        checked_in: *checked_in,
                        revenue_minor: *revenue,
                    },
                )
            })
            .collect();
        SessionSalesDocument {
            session_id: session_id.into(),
            event_id: "e".into(),
            sold: by_tier.values().map(|t| t.sold).sum(),
            checked_in: by_tier.values().map(|t| t.checked_in).sum(),
            revenue_minor: by_tier.values().map(|t| t.revenue_minor).sum(),
            currency: Some("GBP".into()),
            by_tier,
        }
    }

    #[test]
    fn totals_add_up_over_sessions_and_tiers() {
        let event = EventDocument {
            event_id: "e".into(),
            organisation_id: "o".into(),
            organisation_name: "Org".into(),
            title: "Show".into(),
            description: String::new(),
            category: None,
            cover_image_urls: Vec::new(),
            status: shared_dto::status::EventStatus::Published,
            published_at_ms: None,
            sessions: vec![
                session("late", 2_000),
                session("early", 1_000),
                session("none", 3_000),
            ],
            tiers: vec![tier("stalls", "Stalls"), tier("circle", "Circle")],
            price_min_minor: Some(1000),
            price_max_minor: Some(1000),
            currency: None,
            cities: Vec::new(),
            first_start_ms: Some(1_000),
            last_start_ms: Some(3_000),
            search_text: String::new(),
            available: 300,
            sold: 0,
        };
        let dashboard = event_sales(
            &event,
            vec![
                sales("late", &[("circle", 2, 1, 4000), ("stalls", 1, 0, 1000)]),
                sales("early", &[("stalls", 3, 3, 3000), ("gone", 1, 0, 500)]),
            ],
        );
        assert_eq!(
            dashboard.totals,
            Figures {
                sold: 7,
                checked_in: 4,
                revenue_minor: 8500
            }
        );
        assert_eq!(dashboard.currency.as_deref(), Some("GBP"));
        let sessions: Vec<(&str, u64)> = dashboard
            .sessions
            .iter()
            .map(|s| (s.session_id.as_str(), s.sold))
            .collect();
        assert_eq!(sessions, [("early", 4), ("late", 3), ("none", 0)]);
        let tiers: Vec<(&str, Option<&str>, u64, i64)> = dashboard
            .by_tier
            .iter()
            .map(|t| {
                (
                    t.tier_id.as_str(),
                    t.name.as_deref(),
                    t.sold,
                    t.revenue_minor,
                )
            })
            .collect();
        assert_eq!(
            tiers,
            [
                ("stalls", Some("Stalls"), 4, 4000),
                ("circle", Some("Circle"), 2, 4000),
                ("gone", None, 1, 500)
            ]
        );
    }
}
