//! Tickets written by order-service mark places sold, count sales and check-ins, and free the
//! place again when refunded.

use mongodb::bson::Document;
use shared_dto::read_model::collection;
use test_support::StackEnv;
use uuid::Uuid;

use crate::fixtures::{Catalogue, Projection, cdc_database, fully_projected, number};

async fn issue_ticket(pool: &sqlx::PgPool, catalogue: &Catalogue, order: Uuid, seat: &str) -> Uuid {
    let ticket = Uuid::now_v7();
    sqlx::query(
        "insert into ticket (ticket_id, order_id, event_id, session_id, seat_id, block_id, tier_id,
                             price_minor, currency, holder_name)
         values ($1, $2, $3, $4, $5, 'stalls', $6, 2700, 'GBP', 'Pat Holder')",
    )
    .bind(ticket)
    .bind(order)
    .bind(catalogue.event)
    .bind(catalogue.session)
    .bind(seat)
    .bind(catalogue.tier)
    .execute(pool)
    .await
    .expect("ticket");
    ticket
}

fn session_sold(event: &Document) -> Option<i64> {
    let session = event.get_array("sessions").ok()?.first()?.as_document()?;
    number(session, "sold")
}

#[tokio::test]
async fn tickets_mark_places_sold_and_count_sales_and_check_ins() {
    let env = StackEnv::from_env();
    let pool = cdc_database(&env).await;
    order_service::MIGRATOR
        .run(&pool)
        .await
        .expect("order-service migrations");
    let projection = Projection::start(&env).await;
    let catalogue = Catalogue::create(&pool, "Ticketed Night").await;
    let order = Uuid::now_v7();
    sqlx::query(
        "insert into purchase_order (order_id, event_id, session_id, hold_token, hold_buyer, customer_key,
                                     buyer_name, buyer_email, status, currency, subtotal_minor, total_minor, expires_at)
         values ($1, $2, $3, $4, 'guest:pat', 'email:pat@example.com', 'Pat Holder', 'pat@example.com',
                 'ticketed', 'GBP', 5400, 5400, now() + interval '5 minutes')",
    )
    .bind(order)
    .bind(catalogue.event)
    .bind(catalogue.session)
    .bind(Uuid::new_v4().to_string())
    .execute(&pool)
    .await
    .expect("order");
    let first = issue_ticket(&pool, &catalogue, order, "stalls-A-1").await;
    let second = issue_ticket(&pool, &catalogue, order, "stalls-A-2").await;
    let session_id = catalogue.session.to_string();
    let event_id = catalogue.event.to_string();

    let (place, _) = projection
        .wait_for(
            collection::SOLD_PLACES,
            &first.to_string(),
            "the sold seat",
            |_| true,
        )
        .await;
    assert_eq!(place.get_str("seat_id"), Ok("stalls-A-1"));
    projection
        .wait_for(
            collection::SALES,
            &session_id,
            "two tickets sold",
            |sales| {
                number(sales, "sold") == Some(2) && number(sales, "revenue_minor") == Some(5400)
            },
        )
        .await;
    projection
        .wait_for(
            collection::EVENTS,
            &event_id,
            "availability drops",
            |event| {
                fully_projected(event)
                    && session_sold(event) == Some(2)
                    && number(event, "available") == Some(8)
            },
        )
        .await;

    sqlx::query(
        "update ticket set checked_in_at = now(), checked_in_gate = 'north' where ticket_id = $1",
    )
    .bind(first)
    .execute(&pool)
    .await
    .expect("check in");
    projection
        .wait_for(collection::SALES, &session_id, "one check-in", |sales| {
            number(sales, "checked_in") == Some(1)
        })
        .await;

    sqlx::query("update ticket set status = 'refunded' where ticket_id = $1")
        .bind(second)
        .execute(&pool)
        .await
        .expect("refund");
    projection
        .wait_gone(
            collection::SOLD_PLACES,
            &second.to_string(),
            "the refunded seat is free again",
        )
        .await;
    projection
        .wait_for(
            collection::EVENTS,
            &event_id,
            "availability recovers",
            |event| session_sold(event) == Some(1) && number(event, "available") == Some(9),
        )
        .await;
}
