//! Every write to the captured tables shows up in the read models.

use mongodb::bson::Document;
use shared_dto::read_model::collection;
use test_support::StackEnv;
use uuid::Uuid;

use crate::fixtures::{Catalogue, Projection, cdc_database, fully_projected, number};

fn session_field<'a>(event: &'a Document, field: &str) -> Option<&'a mongodb::bson::Bson> {
    event
        .get_array("sessions")
        .ok()?
        .first()?
        .as_document()?
        .get(field)
}

#[tokio::test]
async fn published_events_and_their_edits_reach_the_read_models() {
    let env = StackEnv::from_env();
    let pool = cdc_database(&env).await;
    let projection = Projection::start(&env).await;
    let catalogue = Catalogue::create(&pool, "Hamlet at the Old Vic").await;
    let event_id = catalogue.event.to_string();

    let (event, latency) = projection
        .wait_for(
            collection::EVENTS,
            &event_id,
            "the event is projected",
            |event| event.get_str("title") == Ok("Hamlet at the Old Vic") && fully_projected(event),
        )
        .await;
    eprintln!("commit → read model latency for a new event: {latency:?}");
    assert_eq!(event.get_str("status"), Ok("published"));
    assert_eq!(event.get_str("organisation_name"), Ok("Projection Ltd"));
    assert_eq!(
        event
            .get_document("category")
            .and_then(|c| c.get_str("name")),
        Ok("Theatre")
    );
    assert_eq!(number(&event, "price_min_minor"), Some(3000));
    assert_eq!(event.get_array("cities").map(|cities| cities.len()), Ok(1));
    assert!(
        event
            .get_str("search_text")
            .is_ok_and(|text| text.contains("old vic") && text.contains("bristol"))
    );
    assert_eq!(
        session_field(&event, "capacity").and_then(|c| c.as_i64().or(c.as_i32().map(i64::from))),
        Some(10)
    );
    projection
        .wait_for(
            collection::SEAT_MAPS,
            &catalogue.session.to_string(),
            "the seat map is projected",
            |map| number(map, "capacity") == Some(10),
        )
        .await;

    sqlx::query("update tier set price_minor = 4200 where tier_id = $1")
        .bind(catalogue.tier)
        .execute(&pool)
        .await
        .expect("reprice");
    projection
        .wait_for(
            collection::EVENTS,
            &event_id,
            "the new tier price",
            |event| number(event, "price_min_minor") == Some(4200),
        )
        .await;

    sqlx::query("update venue set name = 'Bristol Old Vic' where venue_id = $1")
        .bind(catalogue.venue)
        .execute(&pool)
        .await
        .expect("rename venue");
    projection
        .wait_for(
            collection::EVENTS,
            &event_id,
            "the renamed venue",
            |event| {
                session_field(event, "venue")
                    .and_then(|venue| venue.as_document())
                    .is_some_and(|venue| venue.get_str("name") == Ok("Bristol Old Vic"))
            },
        )
        .await;

    sqlx::query("update session set status = 'cancelled' where session_id = $1")
        .bind(catalogue.session)
        .execute(&pool)
        .await
        .expect("cancel session");
    let (event, _) = projection
        .wait_for(
            collection::EVENTS,
            &event_id,
            "the cancelled session",
            |event| {
                session_field(event, "status").and_then(|status| status.as_str())
                    == Some("CANCELLED")
            },
        )
        .await;
    assert_eq!(
        number(&event, "available"),
        Some(0),
        "a cancelled session sells nothing"
    );

    let draft = Uuid::now_v7();
    sqlx::query(
        "insert into event (event_id, organisation_id, title) values ($1, $2, 'Scratch draft')",
    )
    .bind(draft)
    .bind(catalogue.organisation)
    .execute(&pool)
    .await
    .expect("draft");
    projection
        .wait_for(
            collection::EVENTS,
            &draft.to_string(),
            "the draft",
            |event| event.get_str("status") == Ok("draft"),
        )
        .await;
    sqlx::query("delete from event where event_id = $1")
        .bind(draft)
        .execute(&pool)
        .await
        .expect("delete draft");
    projection
        .wait_gone(
            collection::EVENTS,
            &draft.to_string(),
            "the deleted draft is gone",
        )
        .await;
}
