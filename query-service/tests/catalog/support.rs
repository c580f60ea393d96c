//! A query-service on its own read-store database, and read-model documents built the way
//! the projector shapes them.

use std::collections::BTreeMap;

use clap::Parser;
use mongodb::bson::Document;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::Serialize;
use serde_json::Value;
use shared_dto::read_model::{
    CategoryView, EventDocument, MemberView, OrganisationDocument, SessionSalesDocument,
    SessionView, SoldPlaceDocument, TierSales, TierView, VenueView, collection,
};
use shared_dto::status::{EventStatus, SessionStatus};
use test_support::mongo::TestMongo;
use test_support::redis_keys::KeyPrefix;
use test_support::{RunningService, StackEnv};

pub const HOUR_MS: i64 = 3_600_000;
pub const DAY_MS: i64 = 24 * HOUR_MS;

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// `YYYY-MM-DD` (UTC) of the day `days` from today.
pub fn day(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

/// Midnight UTC of the day `days` from today, in ms.
pub fn midnight_ms(days: i64) -> i64 {
    let today = chrono::Utc::now().date_naive();
    (today + chrono::Duration::days(days))
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc()
        .timestamp_millis()
}

/// A real venue: distances between them are known.
#[derive(Debug, Clone, Copy)]
pub struct Place {
    pub venue: &'static str,
    pub city: &'static str,
    pub latitude: f64,
    pub longitude: f64,
}

pub const BRISTOL: Place = Place {
    venue: "Bristol Beacon",
    city: "Bristol",
    latitude: 51.4545,
    longitude: -2.5879,
};
/// 17.85 km from Bristol.
pub const BATH: Place = Place {
    venue: "Theatre Royal Bath",
    city: "Bath",
    latitude: 51.3811,
    longitude: -2.3590,
};
/// 29.89 km from Bristol.
pub const WESTON: Place = Place {
    venue: "The Playhouse",
    city: "Weston-super-Mare",
    latitude: 51.3337,
    longitude: -2.9727,
};
/// 41.28 km from Bristol, yet inside the bounding box of a 40 km radius around it.
pub const STROUD: Place = Place {
    venue: "Subscription Rooms",
    city: "Stroud",
    latitude: 51.7446,
    longitude: -2.2150,
};
/// 41.06 km from Bristol.
pub const CARDIFF: Place = Place {
    venue: "St David's Hall",
    city: "Cardiff",
    latitude: 51.4816,
    longitude: -3.1791,
};
/// 170.47 km from Bristol.
pub const LONDON: Place = Place {
    venue: "Royal Albert Hall",
    city: "London",
    latitude: 51.5072,
    longitude: -0.1276,
};

/// A session at `place` starting `starts_in_ms` from now, three hours long.
pub fn session(place: Place, starts_in_ms: i64) -> SessionView {
    session_at(place, now_ms() + starts_in_ms)
}

pub fn session_at(place: Place, starts_at_ms: i64) -> SessionView {
    SessionView {
        session_id: uuid::Uuid::new_v4().to_string(),
        mode: "physical".into(),
        status: SessionStatus::OnSale,
        starts_at_ms,
        ends_at_ms: starts_at_ms + 3 * HOUR_MS,
        sales_start_ms: starts_at_ms - 60 * DAY_MS,
        sales_end_ms: starts_at_ms,
        venue: Some(VenueView {
            venue_id: format!("venue-{}", place.city.to_lowercase()),
            name: place.venue.into(),
            address_line: "1 High Street".into(),
            city: place.city.into(),
            postcode: None,
            country: "GB".into(),
            latitude: place.latitude,
            longitude: place.longitude,
            timezone: "Europe/London".into(),
        }),
        capacity: 200,
        sold: 0,
        available: 200,
    }
}

pub fn cancelled(mut session: SessionView) -> SessionView {
    session.status = SessionStatus::Cancelled;
    session
}

pub const ORGANISATION_ID: &str = "org-bristol-music";

/// An event document under construction; [`EventSeed::build`] derives the denormalised
/// fields (cities, price range, first/last start, search text) as the projector does.
#[derive(Debug, Clone)]
pub struct EventSeed(EventDocument);

/// A published music event with one session in Bristol ten days from now.
pub fn event(title: &str) -> EventSeed {
    EventSeed(EventDocument {
        event_id: uuid::Uuid::new_v4().to_string(),
        organisation_id: ORGANISATION_ID.into(),
        organisation_name: "Harbourside Promotions".into(),
        title: title.into(),
        description: String::new(),
        category: Some(CategoryView {
            category_id: "music".into(),
            name: "Music".into(),
        }),
        cover_image_urls: vec!["https://img.example/cover.jpg".into()],
        status: EventStatus::Published,
        published_at_ms: Some(now_ms() - DAY_MS),
        sessions: vec![session(BRISTOL, 10 * DAY_MS)],
        tiers: vec![tier("Standard", 1500), tier("Premium", 3000)],
        price_min_minor: None,
        price_max_minor: None,
        currency: None,
        cities: Vec::new(),
        first_start_ms: None,
        last_start_ms: None,
        search_text: String::new(),
        available: 0,
        sold: 0,
    })
}

pub fn tier(name: &str, price_minor: i64) -> TierView {
    TierView {
        tier_id: format!("tier-{}", name.to_lowercase()),
        name: name.into(),
        colour: "#336699".into(),
        price_minor,
        currency: "GBP".into(),
    }
}

impl EventSeed {
    pub fn description(mut self, description: &str) -> Self {
        self.0.description = description.into();
        self
    }

    pub fn category(mut self, id: &str, name: &str) -> Self {
        self.0.category = Some(CategoryView {
            category_id: id.into(),
            name: name.into(),
        });
        self
    }

    pub fn status(mut self, status: &str) -> Self {
        self.0.status = status.parse().expect("an event status");
        self
    }

    pub fn organisation(mut self, organisation_id: &str) -> Self {
        self.0.organisation_id = organisation_id.into();
        self
    }

    pub fn sessions(mut self, sessions: Vec<SessionView>) -> Self {
        self.0.sessions = sessions;
        self
    }

    /// Tiers priced `prices` (minor units).
    pub fn prices(mut self, prices: &[i64]) -> Self {
        self.0.tiers = prices
            .iter()
            .enumerate()
            .map(|(index, price)| tier(&format!("Tier {index}"), *price))
            .collect();
        self
    }

    pub fn build(self) -> EventDocument {
        let mut event = self.0;
        let live: Vec<&SessionView> = event
            .sessions
            .iter()
            .filter(|session| !matches!(session.status, SessionStatus::Cancelled))
            .collect();
        event.first_start_ms = live.iter().map(|s| s.starts_at_ms).min();
        event.last_start_ms = live.iter().map(|s| s.starts_at_ms).max();
        event.price_min_minor = event.tiers.iter().map(|t| t.price_minor).min();
        event.price_max_minor = event.tiers.iter().map(|t| t.price_minor).max();
        event.currency = event.tiers.first().map(|t| t.currency.clone());
        let venues: Vec<&VenueView> = event
            .sessions
            .iter()
            .filter_map(|s| s.venue.as_ref())
            .collect();
        let mut cities: Vec<String> = venues.iter().map(|v| v.city.to_lowercase()).collect();
        cities.sort();
        cities.dedup();
        event.available = event.sessions.iter().map(|s| s.available).sum();
        event.sold = event.sessions.iter().map(|s| s.sold).sum();
        let mut text = vec![
            event.title.clone(),
            event.description.clone(),
            event.organisation_name.clone(),
        ];
        text.extend(event.category.iter().map(|c| c.name.clone()));
        text.extend(venues.iter().map(|v| v.name.clone()));
        text.extend(cities.iter().cloned());
        event.search_text = text.join(" ").to_lowercase();
        event.cities = cities;
        event
    }
}

pub fn organisation(organisation_id: &str, members: &[(&str, &str)]) -> OrganisationDocument {
    OrganisationDocument {
        organisation_id: organisation_id.into(),
        name: "Harbourside Promotions".into(),
        members: members
            .iter()
            .map(|(email, role)| MemberView {
                email: (*email).into(),
                user_subject: None,
                role: (*role).into(),
            })
            .collect(),
        versions: BTreeMap::new(),
    }
}

/// `count` tickets for `event` issued `ago_ms` ago.
pub fn tickets(event: &EventDocument, count: usize, ago_ms: i64) -> Vec<SoldPlaceDocument> {
    (0..count)
        .map(|_| SoldPlaceDocument {
            ticket_id: uuid::Uuid::new_v4().to_string(),
            session_id: event.sessions[0].session_id.clone(),
            event_id: event.event_id.clone(),
            seat_id: None,
            block_id: "standing".into(),
            tier_id: "tier-standard".into(),
            issued_at_ms: now_ms() - ago_ms,
            version: 1,
        })
        .collect()
}

/// Sales of one session: `(tier_id, sold, checked_in, revenue_minor)` per tier.
pub fn session_sales(
    event: &EventDocument,
    session_index: usize,
    tiers: &[(&str, u64, u64, i64)],
) -> SessionSalesDocument {
    let by_tier: BTreeMap<String, TierSales> = tiers
        .iter()
        .map(|(tier_id, sold, checked_in, revenue_minor)| {
            (
                (*tier_id).to_owned(),
                TierSales {
                    sold: *sold,
                    checked_in: *checked_in,
                    revenue_minor: *revenue_minor,
                },
            )
        })
        .collect();
    SessionSalesDocument {
        session_id: event.sessions[session_index].session_id.clone(),
        event_id: event.event_id.clone(),
        sold: by_tier.values().map(|t| t.sold).sum(),
        checked_in: by_tier.values().map(|t| t.checked_in).sum(),
        revenue_minor: by_tier.values().map(|t| t.revenue_minor).sum(),
        currency: Some("GBP".into()),
        by_tier,
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// `items[].title` of a list response.
    pub fn titles(&self) -> Vec<&str> {
        self.body["items"]
            .as_array()
            .unwrap_or_else(|| panic!("a list response, got {} {}", self.status, self.body))
            .iter()
            .filter_map(|item| item["title"].as_str())
            .collect()
    }

    /// `error.field` of an error response.
    pub fn error_field(&self) -> Option<&str> {
        self.body["error"]["field"].as_str()
    }
}

/// A query-service serving its own, empty read-store database.
pub struct CatalogApp {
    pub service: RunningService,
    pub mongo: TestMongo,
    pub env: StackEnv,
    /// The Redis key prefix of this app's holds and trending keys.
    pub prefix: KeyPrefix,
    http: reqwest::Client,
}

impl CatalogApp {
    /// On the stack's read store, or on the MongoDB named by `MONGODB_URI` when it is set,
    /// so the same suite checks the queries against the engine production runs.
    pub async fn spawn() -> Self {
        test_support::init_tracing();
        let env = StackEnv::from_env();
        let mongo_url = std::env::var("MONGODB_URI").unwrap_or_else(|_| env.mongo_url.clone());
        let mongo = TestMongo::create_at(&mongo_url)
            .await
            .expect("the read store");
        query_service::catalog::indexes(&mongo.database)
            .await
            .expect("catalogue indexes");
        let prefix = KeyPrefix::new();
        let config = query_service::Config::try_parse_from([
            "query-service",
            "--listen",
            "127.0.0.1:0",
            "--mongo-url",
            &mongo_url,
            "--mongo-database",
            mongo.database.name(),
            "--hold-key-prefix",
            prefix.as_str(),
        ])
        .expect("valid configuration");
        let app = query_service::App::build(config)
            .await
            .expect("the service builds");
        let service = RunningService::spawn(app.local_addr(), |stop| app.run_until(stop));
        Self {
            service,
            mongo,
            env,
            prefix,
            http: reqwest::Client::new(),
        }
    }

    async fn insert<T: Serialize + Send + Sync>(&self, name: &str, documents: &[T]) {
        if documents.is_empty() {
            return;
        }
        let documents: Vec<Document> = documents
            .iter()
            .map(|document| mongodb::bson::to_document(document).expect("a BSON document"))
            .collect();
        self.mongo
            .database
            .collection::<Document>(name)
            .insert_many(documents)
            .await
            .expect("insert");
        self.announce_change().await;
    }

    /// What the projector does after it stores a batch: tells the replicas to drop their
    /// cached read models (here all of them).
    pub async fn announce_change(&self) {
        let change = shared_dto::read_model_change::ReadModelChange {
            everything: true,
            ..Default::default()
        };
        let _: i64 = redis::cmd("PUBLISH")
            .arg(shared_dto::read_model_change::channel(self.prefix.as_str()))
            .arg(serde_json::to_string(&change).expect("json"))
            .query_async(&mut self.redis().await)
            .await
            .expect("publish the change notice");
    }

    pub async fn insert_events(&self, events: &[EventDocument]) {
        self.insert(collection::EVENTS, events).await;
    }

    pub async fn insert_tickets(&self, tickets: &[SoldPlaceDocument]) {
        self.insert(collection::SOLD_PLACES, tickets).await;
    }

    pub async fn insert_sales(&self, sales: &[SessionSalesDocument]) {
        self.insert(collection::SALES, sales).await;
    }

    pub async fn insert_organisation(&self, organisation: &OrganisationDocument) {
        self.insert(
            collection::ORGANISATIONS,
            std::slice::from_ref(organisation),
        )
        .await;
    }

    /// GET `path` with extra request headers.
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        let mut request = self.http.get(self.service.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("a response");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("a body");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|error| {
                panic!(
                    "{path}: a JSON body ({error}): {}",
                    String::from_utf8_lossy(&bytes)
                )
            })
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.get_with(path, &[]).await
    }

    pub fn url(&self, path: &str) -> String {
        self.service.url(path)
    }

    pub async fn redis(&self) -> redis::aio::MultiplexedConnection {
        redis::Client::open(self.env.redis_url.as_str())
            .expect("a Redis URL")
            .get_multiplexed_async_connection()
            .await
            .expect("Redis")
    }

    pub async fn stop(self) {
        self.service.stop().await.expect("stops gracefully");
        self.mongo.drop().await.expect("drop the test database");
    }
}
