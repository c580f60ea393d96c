//! The waiting room's stream: a visitor is told their position at connect and whenever it
//! changes, `admitted` once let through, and an unknown visitor is refused before a stream
//! starts. The queue is written as order-service writes it (`shared_dto::waiting_room`).

use chrono::Utc;
use shared_dto::waiting_room::{QueueKeys, RoomFields, VisitorRecord};
use uuid::Uuid;

use crate::support::{World, open_stream, stream};

fn visitor(n: u8) -> String {
    format!("{n:02x}").repeat(16)
}

/// A room whose sales open at `sales_start_ms`, admitting 60 a minute, with `waiting` in order.
async fn seed(
    world: &World,
    keys: &QueueKeys,
    session: &str,
    sales_start_ms: i64,
    waiting: &[String],
) {
    let mut redis = world.redis().await;
    let now = Utc::now().timestamp_millis();
    let _: () = redis::cmd("HSET")
        .arg(keys.room(session))
        .arg(RoomFields::OPENS_AT)
        .arg(now - 60_000)
        .arg(RoomFields::SALES_START_AT)
        .arg(sales_start_ms)
        .arg(RoomFields::SALES_END_AT)
        .arg(now + 3_600_000)
        .arg(RoomFields::ADMIT_PER_MINUTE)
        .arg(60)
        .arg(RoomFields::PASS_MINUTES)
        .arg(5)
        .query_async(&mut redis)
        .await
        .expect("room");
    for (rank, id) in waiting.iter().enumerate() {
        let record = serde_json::to_string(&VisitorRecord {
            buyer: format!("guest:buyer-{rank:04}"),
            joined_at_ms: now,
        })
        .expect("record");
        let _: () = redis::cmd("HSET")
            .arg(keys.visitors(session))
            .arg(id)
            .arg(record)
            .query_async(&mut redis)
            .await
            .expect("visitor");
        let _: () = redis::cmd("ZADD")
            .arg(keys.waiting(session))
            .arg(1 + rank)
            .arg(id)
            .query_async(&mut redis)
            .await
            .expect("waiting");
    }
}

/// What the admission loop does: off the waiting list, onto the admitted.
async fn admit(world: &World, keys: &QueueKeys, session: &str, id: &str) {
    let mut redis = world.redis().await;
    let _: () = redis::pipe()
        .cmd("ZREM")
        .arg(keys.waiting(session))
        .arg(id)
        .cmd("ZADD")
        .arg(keys.admitted(session))
        .arg(Utc::now().timestamp_millis())
        .arg(id)
        .query_async(&mut redis)
        .await
        .expect("admit");
}

fn path(session: &str, visitor: &str) -> String {
    format!("/api/catalog/sessions/{session}/queue/stream?visitor={visitor}")
}

#[tokio::test]
async fn a_waiting_visitor_hears_their_place_move_up_and_then_admitted() {
    let world = World::new().await;
    let keys = QueueKeys::new(world.prefix.as_str());
    let replica = world.replica(&[]).await;
    let session = Uuid::new_v4().to_string();
    let visitors: Vec<String> = (1..=4).map(visitor).collect();
    seed(
        &world,
        &keys,
        &session,
        Utc::now().timestamp_millis() - 1_000,
        &visitors,
    )
    .await;

    let unknown = open_stream(&replica, &path(&session, &visitor(9)), &[]).await;
    assert_eq!(unknown.err().map(|refused| refused.status), Some(404));
    let malformed = open_stream(&replica, &path(&session, "nope"), &[]).await;
    assert_eq!(malformed.err().map(|refused| refused.status), Some(404));

    let mut third = stream(&replica, &path(&session, &visitors[2])).await;
    let mut fourth = stream(&replica, &path(&session, &visitors[3])).await;
    let at_connect = third.expect("position").await.json();
    assert_eq!(at_connect["state"], "waiting");
    assert_eq!(at_connect["position"], 3);
    assert_eq!(at_connect["ahead"], 2);
    assert_eq!(at_connect["estimated_wait_seconds"], 3);
    assert_eq!(fourth.expect("position").await.json()["position"], 4);

    admit(&world, &keys, &session, &visitors[0]).await;
    assert_eq!(third.expect("position").await.json()["position"], 2);
    assert_eq!(fourth.expect("position").await.json()["position"], 3);
    admit(&world, &keys, &session, &visitors[1]).await;
    assert_eq!(third.expect("position").await.json()["position"], 1);
    admit(&world, &keys, &session, &visitors[2]).await;
    third.expect("admitted").await;
    third.ended().await;
    assert_eq!(fourth.expect("position").await.json()["position"], 2);
    assert_eq!(fourth.expect("position").await.json()["position"], 1);

    // An admitted visitor who reconnects is told at once.
    let mut again = stream(&replica, &path(&session, &visitors[0])).await;
    again.expect("admitted").await;
    again.ended().await;
    replica.stop().await.expect("the replica stops");
    world.finish().await;
}

#[tokio::test]
async fn before_sales_open_a_visitor_waits_without_a_position() {
    let world = World::new().await;
    let keys = QueueKeys::new(world.prefix.as_str());
    let replica = world.replica(&[]).await;
    let session = Uuid::new_v4().to_string();
    let opens = Utc::now().timestamp_millis() + 1_500;
    seed(&world, &keys, &session, opens, &[visitor(1), visitor(2)]).await;
    let mut second = stream(&replica, &path(&session, &visitor(2))).await;
    let before = second.expect("position").await.json();
    assert_eq!(before["state"], "waiting");
    assert!(before["position"].is_null(), "{before}");
    // The early crowd gets its places when sales open.
    let after = second.expect("position").await.json();
    assert_eq!(after["position"], 2);
    replica.stop().await.expect("the replica stops");
    world.finish().await;
}
