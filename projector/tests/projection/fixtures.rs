//! Rows written straight into the captured database, and a projector of the test's own.

use std::time::Duration;

use clap::Parser;
use mongodb::bson::{Document, doc};
use serde_json::json;
use shared_dto::layout::{Block, SeatedGrid};
use sqlx::PgPool;
use test_support::mongo::TestMongo;
use test_support::{RunningService, StackEnv, unique_name, wait_until};
use uuid::Uuid;

/// A numeric field, whichever BSON integer or double width it was stored as.
pub fn number(document: &Document, field: &str) -> Option<i64> {
    match document.get(field)? {
        mongodb::bson::Bson::Int32(value) => Some(i64::from(*value)),
        mongodb::bson::Bson::Int64(value) => Some(*value),
        mongodb::bson::Bson::Double(value) => Some(*value as i64),
        _ => None,
    }
}

/// Whether an event document built from a [`Catalogue`] reflects every row it draws on.
/// Each table has its own topic, so rows of one event arrive in any order; tests wait for this
/// before comparing.
pub fn fully_projected(event: &Document) -> bool {
    let session = event
        .get_array("sessions")
        .ok()
        .filter(|sessions| sessions.len() == 1)
        .and_then(|sessions| sessions[0].as_document());
    event
        .get_document("category")
        .and_then(|c| c.get_str("name"))
        == Ok("Theatre")
        && event.get_str("organisation_name") == Ok("Projection Ltd")
        && event
            .get_array("cities")
            .is_ok_and(|cities| cities.len() == 1)
        && event.get_array("tiers").is_ok_and(|tiers| tiers.len() == 1)
        && session.is_some_and(|session| {
            session.get_document("venue").is_ok() && number(session, "capacity") == Some(10)
        })
}

/// The captured database, migrated.
pub async fn cdc_database(env: &StackEnv) -> PgPool {
    let pool = PgPool::connect(&env.database_url)
        .await
        .expect("cdc database");
    command_service::MIGRATOR
        .run(&pool)
        .await
        .expect("migrations");
    pool
}

/// Projector arguments for a group and database of the test's own.
pub fn projector_args(env: &StackEnv, group: &str, database: &str) -> Vec<String> {
    [
        "projector",
        "--listen",
        "127.0.0.1:0",
        "--kafka-brokers",
        &env.kafka_brokers,
        "--mongo-url",
        &env.mongo_url,
        "--mongo-database",
        database,
        "--group-id",
        group,
    ]
    .into_iter()
    .map(str::to_owned)
    .collect()
}

pub async fn spawn_projector(args: Vec<String>) -> RunningService {
    test_support::init_tracing();
    let config = projector::Config::try_parse_from(args).expect("configuration");
    let app = projector::App::build(config)
        .await
        .expect("projector builds");
    RunningService::spawn(app.local_addr(), |stop| app.run_until(stop))
}

/// A projector over its own group and read store.
pub struct Projection {
    pub mongo: TestMongo,
    pub group: String,
    pub service: Option<RunningService>,
}

impl Projection {
    pub async fn start(env: &StackEnv) -> Self {
        let mongo = TestMongo::create(env).await.expect("read store");
        let group = unique_name("projector");
        let service = spawn_projector(projector_args(env, &group, mongo.database.name())).await;
        Self {
            mongo,
            group,
            service: Some(service),
        }
    }

    pub async fn document(&self, collection: &str, id: &str) -> Option<Document> {
        self.mongo
            .database
            .collection::<Document>(collection)
            .find_one(doc! { "_id": id })
            .await
            .expect("read store answers")
    }

    /// Waits until the document satisfies `accept`, returning it and the time it took.
    pub async fn wait_for(
        &self,
        collection: &str,
        id: &str,
        what: &str,
        accept: impl Fn(&Document) -> bool,
    ) -> (Document, Duration) {
        wait_until(what, Duration::from_secs(60), || async {
            self.document(collection, id)
                .await
                .filter(|document| accept(document))
        })
        .await
    }

    pub async fn wait_gone(&self, collection: &str, id: &str, what: &str) {
        wait_until(what, Duration::from_secs(60), || async {
            self.document(collection, id).await.is_none().then_some(())
        })
        .await;
    }
}

/// One published event with a venue, a tier and a 2 × 5 seated session, written as SQL.
pub struct Catalogue {
    pub organisation: Uuid,
    pub venue: Uuid,
    pub event: Uuid,
    pub tier: Uuid,
    pub session: Uuid,
}

impl Catalogue {
    pub async fn create(pool: &PgPool, title: &str) -> Self {
        let catalogue = Self {
            organisation: Uuid::now_v7(),
            venue: Uuid::now_v7(),
            event: Uuid::now_v7(),
            tier: Uuid::now_v7(),
            session: Uuid::now_v7(),
        };
        let layout = json!({
            "canvas": {"width": 800.0, "height": 600.0},
            "blocks": [Block::SeatedGrid(SeatedGrid::filled("stalls", 2, 5, catalogue.tier))]
        });
        let mut tx = pool.begin().await.expect("tx");
        sqlx::query(
            "insert into organisation (organisation_id, name) values ($1, 'Projection Ltd')",
        )
        .bind(catalogue.organisation)
        .execute(&mut *tx)
        .await
        .expect("organisation");
        sqlx::query(
            "insert into venue (venue_id, organisation_id, name, address_line, city, country, latitude, longitude, timezone)
             values ($1, $2, 'Old Vic', '1 King Street', 'Bristol', 'GB', 51.4545, -2.5879, 'Europe/London')",
        )
        .bind(catalogue.venue).bind(catalogue.organisation).execute(&mut *tx).await.expect("venue");
        sqlx::query(
            "insert into event (event_id, organisation_id, title, category_id, status, published_at)
             values ($1, $2, $3, 'theatre', 'published', now())",
        )
        .bind(catalogue.event).bind(catalogue.organisation).bind(title).execute(&mut *tx).await.expect("event");
        sqlx::query(
            "insert into tier (tier_id, event_id, name, colour, price_minor, currency)
             values ($1, $2, 'Stalls', '#3366ff', 3000, 'GBP')",
        )
        .bind(catalogue.tier)
        .bind(catalogue.event)
        .execute(&mut *tx)
        .await
        .expect("tier");
        sqlx::query(
            "insert into session (session_id, event_id, venue_id, mode, starts_at, ends_at, sales_start_at, sales_end_at)
             values ($1, $2, $3, 'physical', '2027-09-01T19:00:00Z', '2027-09-01T22:00:00Z',
                     '2027-01-01T00:00:00Z', '2027-09-01T18:00:00Z')",
        )
        .bind(catalogue.session).bind(catalogue.event).bind(catalogue.venue).execute(&mut *tx).await.expect("session");
        sqlx::query(
            "insert into session_layout (session_id, layout, seat_count, standing_capacity, tier_ids)
             values ($1, $2, 10, 0, array[$3]::uuid[])",
        )
        .bind(catalogue.session).bind(&layout).bind(catalogue.tier).execute(&mut *tx).await.expect("layout");
        tx.commit().await.expect("commit");
        catalogue
    }
}
