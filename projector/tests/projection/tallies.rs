//! Ticket sales are tallied as tickets change, each change counted exactly once: redelivered
//! after a crash between the tally and the mirror, published twice by the CDC runner, replayed
//! whole, or tallied afresh from the mirror, the counts equal one clean pass.

use mongodb::Database;
use mongodb::bson::{Document, doc};
use projector::change::{Decoded, Position, RowChange, decode};
use projector::model::{self, Target, tally};
use projector::projection::project_batch;
use serde_json::{Value, json};
use shared_dto::layout::{Block, SeatedGrid};
use shared_dto::read_model::collection;
use test_support::StackEnv;
use test_support::mongo::TestMongo;
use uuid::Uuid;

use crate::fixtures::number;

fn change(table: &str, key: Value, op: &str, lsn: u64, row: Value, offset: i64) -> RowChange {
    let (before, after) = if op == "d" {
        (row, Value::Null)
    } else {
        (Value::Null, row)
    };
    let value = json!({
        "before": before, "after": after, "op": op, "ts_ms": 1,
        "source": {"lsn": lsn, "txId": 1, "db": "boxoffice", "schema": "public", "table": table, "ts_ms": 1}
    });
    let key = serde_json::to_vec(&key).expect("key");
    let value = serde_json::to_vec(&value).expect("value");
    let Decoded::Change(mut change) = decode(Some(&key), Some(&value)).expect("decodes") else {
        panic!("a change");
    };
    change.position = Some(Position {
        partition: 0,
        offset,
    });
    change
}

/// An event with one ten-seat session, then six ticket changes: two sales, a check-in, a
/// refund, and a third sale that is deleted. One valid ticket remains, checked in.
struct Sale {
    event: Uuid,
    session: Uuid,
    setup: Vec<RowChange>,
    tickets: Vec<RowChange>,
}

impl Sale {
    fn new() -> Self {
        let (organisation, event, tier, session, order) = (
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
        );
        let layout = json!({"canvas": {"width": 10.0, "height": 10.0},
                            "blocks": [Block::SeatedGrid(SeatedGrid::filled("a", 2, 5, tier))]})
        .to_string();
        let setup = vec![
            change(
                "organisation",
                json!({"organisation_id": organisation}),
                "c",
                10,
                json!({"organisation_id": organisation, "name": "Tally Co", "version": 1}),
                0,
            ),
            change(
                "event",
                json!({"event_id": event}),
                "c",
                11,
                json!({"event_id": event, "organisation_id": organisation, "title": "Tallied",
                       "description": "", "category_id": null, "cover_image_urls": [],
                       "status": "published", "published_at": "2026-11-21T10:00:00Z", "version": 1}),
                0,
            ),
            change(
                "tier",
                json!({"tier_id": tier}),
                "c",
                12,
                json!({"tier_id": tier, "event_id": event, "name": "Stalls", "colour": "#000000",
                       "price_minor": 3000, "currency": "EUR", "version": 1}),
                0,
            ),
            change(
                "session",
                json!({"session_id": session}),
                "c",
                13,
                json!({"session_id": session, "event_id": event, "venue_id": null, "mode": "online",
                       "starts_at": "2027-01-01T19:00:00Z", "ends_at": "2027-01-01T21:00:00Z",
                       "sales_start_at": "2026-01-01T00:00:00Z", "sales_end_at": "2027-01-01T18:00:00Z",
                       "status": "ON_SALE", "version": 1}),
                0,
            ),
            change(
                "session_layout",
                json!({"session_id": session}),
                "c",
                14,
                json!({"session_id": session, "layout": layout, "seat_count": 10,
                       "standing_capacity": 0, "version": 1}),
                0,
            ),
        ];
        let ticket_row = |ticket: Uuid,
                          seat: &str,
                          status: &str,
                          checked_in: bool,
                          version: i64| {
            json!({"ticket_id": ticket, "order_id": order, "event_id": event, "session_id": session,
                   "seat_id": seat, "block_id": "a", "tier_id": tier, "price_minor": 2700,
                   "currency": "EUR", "holder_name": "Pat", "status": status,
                   "issued_at": "2026-12-01T10:00:00Z",
                   "checked_in_at": if checked_in { json!("2026-12-02T18:00:00Z") } else { Value::Null },
                   "checked_in_gate": null, "version": version})
        };
        let (first, second, third) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let ticket = |id: Uuid| json!({"ticket_id": id});
        let tickets = vec![
            change(
                "ticket",
                ticket(first),
                "c",
                100,
                ticket_row(first, "a-A-1", "valid", false, 1),
                0,
            ),
            change(
                "ticket",
                ticket(second),
                "c",
                101,
                ticket_row(second, "a-A-2", "valid", false, 1),
                1,
            ),
            change(
                "ticket",
                ticket(first),
                "u",
                102,
                ticket_row(first, "a-A-1", "valid", true, 2),
                2,
            ),
            change(
                "ticket",
                ticket(second),
                "u",
                103,
                ticket_row(second, "a-A-2", "refunded", false, 2),
                3,
            ),
            change(
                "ticket",
                ticket(third),
                "c",
                104,
                ticket_row(third, "a-A-3", "valid", false, 1),
                4,
            ),
            change(
                "ticket",
                ticket(third),
                "d",
                105,
                ticket_row(third, "a-A-3", "valid", false, 1),
                5,
            ),
        ];
        Self {
            event,
            session,
            setup,
            tickets,
        }
    }

    async fn documents(&self, database: &Database) -> (Document, Document) {
        let find = |name: &'static str, id: Uuid| async move {
            database
                .collection::<Document>(name)
                .find_one(doc! { "_id": id.to_string() })
                .await
                .expect("find")
                .unwrap_or_else(|| panic!("a {name} document"))
        };
        (
            find(collection::EVENTS, self.event).await,
            find(collection::SALES, self.session).await,
        )
    }
}

/// The same change published again by the CDC runner: same row and LSN, a later offset.
fn published_again(change: &RowChange, offset: i64) -> RowChange {
    let mut again = change.clone();
    again.position = Some(Position {
        partition: 0,
        offset,
    });
    again
}

#[tokio::test]
async fn each_ticket_change_is_tallied_once_however_often_it_arrives() {
    let env = StackEnv::from_env();
    let sale = Sale::new();

    // One clean pass, the reference.
    let clean = TestMongo::create(&env).await.expect("read store");
    project_batch(&clean.database, &sale.setup)
        .await
        .expect("projects");
    project_batch(&clean.database, &sale.tickets)
        .await
        .expect("projects");
    let (event, sales) = sale.documents(&clean.database).await;
    assert_eq!(number(&sales, "sold"), Some(1));
    assert_eq!(number(&sales, "checked_in"), Some(1));
    assert_eq!(number(&sales, "revenue_minor"), Some(2700));
    assert_eq!(sales.get_str("currency"), Ok("EUR"));
    let session = event.get_array("sessions").expect("sessions")[0]
        .as_document()
        .expect("a session")
        .clone();
    assert_eq!(number(&session, "sold"), Some(1));
    assert_eq!(number(&event, "available"), Some(9));

    // The troubled pass: batches cut differently, a crash after the tally was written but
    // before the mirror recorded the refund, its redelivery, duplicates from the CDC runner,
    // and the whole stream replayed.
    let troubled = TestMongo::create(&env).await.expect("read store");
    let database = &troubled.database;
    let tickets = &sale.tickets;
    project_batch(database, &sale.setup)
        .await
        .expect("projects");
    project_batch(database, &tickets[..3])
        .await
        .expect("projects");
    tally::apply(database, &tickets[3..4])
        .await
        .expect("tallies the refund, then the process dies");
    project_batch(database, &tickets[3..5])
        .await
        .expect("redelivered from the refund on");
    project_batch(
        database,
        &[
            published_again(&tickets[0], 6),
            published_again(&tickets[4], 7),
        ],
    )
    .await
    .expect("duplicates");
    project_batch(database, &tickets[5..])
        .await
        .expect("projects");
    project_batch(database, tickets).await.expect("replayed");
    assert_eq!(
        sale.documents(database).await,
        (event.clone(), sales.clone()),
        "the catalogue and sales documents equal the clean pass"
    );

    // A read store that mirrored the tickets before tallies existed is tallied from its mirror.
    database
        .collection::<Document>(tally::COLLECTION)
        .drop()
        .await
        .expect("drop the tallies");
    tally::backfill(database).await.expect("tallies the mirror");
    model::recompute(database, &Target::Event(sale.event.to_string()))
        .await
        .expect("recomputes");
    model::recompute(database, &Target::Sales(sale.session.to_string()))
        .await
        .expect("recomputes");
    assert_eq!(
        sale.documents(database).await,
        (event, sales),
        "tallied from the mirror, the documents are the same"
    );

    clean.drop().await.expect("drop");
    troubled.drop().await.expect("drop");
}
