//! A killed projector converges when restarted, and a rebuild yields the incremental result.

use std::time::Duration;

use futures::TryStreamExt;
use mongodb::Database;
use mongodb::bson::{self, Document, doc};
use shared_dto::read_model::collection;
use test_support::mongo::TestMongo;
use test_support::{StackEnv, unique_name, wait_until};
use uuid::Uuid;

use crate::fixtures::{
    Catalogue, Projection, cdc_database, fully_projected, number, projector_args, spawn_projector,
};

async fn documents(database: &Database, name: &str, ids: &[String]) -> Vec<Vec<u8>> {
    let found: Vec<Document> = database
        .collection::<Document>(name)
        .find(doc! { "_id": { "$in": ids } })
        .sort(doc! { "_id": 1 })
        .await
        .expect("find")
        .try_collect()
        .await
        .expect("collect");
    found
        .iter()
        .map(|document| bson::to_vec(document).expect("bson"))
        .collect()
}

async fn wait_for_titles(database: &Database, ids: &[String], title_prefix: &str) {
    wait_until(
        "every event is fully projected with its final title",
        Duration::from_secs(120),
        || async {
            let found: Vec<Document> = database
                .collection::<Document>(collection::EVENTS)
                .find(doc! { "_id": { "$in": ids } })
                .await
                .ok()?
                .try_collect()
                .await
                .ok()?;
            let done = found.len() == ids.len()
                && found.iter().all(|event| {
                    event
                        .get_str("title")
                        .is_ok_and(|title| title.starts_with(title_prefix))
                        && fully_projected(event)
                });
            done.then_some(())
        },
    )
    .await;
}

#[tokio::test]
async fn a_projector_killed_mid_stream_converges_after_restart() {
    let env = StackEnv::from_env();
    let pool = cdc_database(&env).await;
    let mongo = TestMongo::create(&env).await.expect("read store");
    let group = unique_name("projector");
    let args = projector_args(&env, &group, mongo.database.name());
    let start = || {
        tokio::process::Command::new(env!("CARGO_BIN_EXE_projector"))
            .args(&args[1..])
            .env("RUST_LOG", "warn")
            .kill_on_drop(true)
            .spawn()
            .expect("projector starts")
    };
    let mut process = start();
    let mut ids = Vec::new();
    for index in 0..30 {
        ids.push(
            Catalogue::create(&pool, &format!("Run {index}"))
                .await
                .event
                .to_string(),
        );
    }
    wait_until(
        "some events are projected",
        Duration::from_secs(60),
        || async {
            let count = mongo
                .database
                .collection::<Document>(collection::EVENTS)
                .count_documents(doc! { "_id": { "$in": &ids } })
                .await
                .ok()?;
            (count >= 3).then_some(())
        },
    )
    .await;
    process.start_kill().expect("kill -9");
    process.wait().await.expect("reaped");

    // Changes made while it is down.
    let uuids: Vec<Uuid> = ids.iter().map(|id| id.parse().expect("uuid")).collect();
    sqlx::query("update event set title = 'Final ' || title where event_id = any($1)")
        .bind(&uuids)
        .execute(&pool)
        .await
        .expect("retitle");

    let mut restarted = start();
    wait_for_titles(&mongo.database, &ids, "Final Run").await;
    restarted.start_kill().expect("stop");

    // Converges on the same documents as a projector that never crashed.
    let reference = Projection::start(&env).await;
    wait_until(
        "the crashed projection equals an uninterrupted one",
        Duration::from_secs(120),
        || async {
            let crashed = documents(&mongo.database, collection::EVENTS, &ids).await;
            let uninterrupted =
                documents(&reference.mongo.database, collection::EVENTS, &ids).await;
            (crashed.len() == ids.len() && crashed == uninterrupted).then_some(())
        },
    )
    .await;
}

#[tokio::test]
async fn rebuild_yields_the_same_documents_as_the_incremental_path() {
    let env = StackEnv::from_env();
    let pool = cdc_database(&env).await;
    let mut projection = Projection::start(&env).await;
    let mut events = Vec::new();
    let mut sessions = Vec::new();
    for index in 0..5 {
        let catalogue = Catalogue::create(&pool, &format!("Rebuilt {index}")).await;
        sqlx::query("update tier set price_minor = price_minor + $2 where tier_id = $1")
            .bind(catalogue.tier)
            .bind(index)
            .execute(&pool)
            .await
            .expect("reprice");
        events.push(catalogue.event.to_string());
        sessions.push(catalogue.session.to_string());
    }
    wait_for_titles(&projection.mongo.database, &events, "Rebuilt").await;
    for (index, event) in events.iter().enumerate() {
        let price = 3000 + index as i64;
        projection
            .wait_for(
                collection::EVENTS,
                event,
                "each event's new price",
                |event| number(event, "price_min_minor") == Some(price),
            )
            .await;
        projection
            .wait_for(
                collection::SEAT_MAPS,
                &sessions[index],
                "each seat map's new price",
                |map| {
                    map.get_array("tiers")
                        .ok()
                        .and_then(|tiers| tiers.first()?.as_document().cloned())
                        .is_some_and(|tier| number(&tier, "price_minor") == Some(price))
                },
            )
            .await;
    }
    let incremental_events =
        documents(&projection.mongo.database, collection::EVENTS, &events).await;
    let incremental_maps =
        documents(&projection.mongo.database, collection::SEAT_MAPS, &sessions).await;
    assert_eq!(incremental_maps.len(), 5);
    projection
        .service
        .take()
        .expect("running")
        .stop()
        .await
        .expect("stops");

    let args = projector_args(&env, &projection.group, projection.mongo.database.name());
    let rebuild = tokio::process::Command::new(env!("CARGO_BIN_EXE_projector"))
        .args(&args[1..])
        .arg("rebuild")
        .status()
        .await
        .expect("rebuild runs");
    assert!(rebuild.success());
    assert!(
        documents(&projection.mongo.database, collection::EVENTS, &events)
            .await
            .is_empty(),
        "dropped"
    );

    let _rebuilding = spawn_projector(args).await;
    wait_until(
        "the rebuilt read models match",
        Duration::from_secs(120),
        || async {
            let rebuilt = documents(&projection.mongo.database, collection::EVENTS, &events).await;
            let maps =
                documents(&projection.mongo.database, collection::SEAT_MAPS, &sessions).await;
            (rebuilt == incremental_events && maps == incremental_maps).then_some(())
        },
    )
    .await;
}
