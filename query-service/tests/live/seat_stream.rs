//! `GET /api/catalog/sessions/{id}/seats/stream`: changes reach every replica's clients,
//! with ids that resume.

use std::time::Duration;

use test_support::wait_until;

use crate::support::{DEADLINE, SseClient, World, metric, open_stream, stream};

const LONG: Duration = Duration::from_secs(120);

async fn snapshot_of(client: &mut SseClient) -> serde_json::Value {
    client.expect("snapshot").await.json()
}

#[tokio::test]
async fn holds_expiries_and_sales_reach_the_clients_of_both_replicas() {
    let world = World::new().await;
    let session = world.seat_map(2, 5, "s").await;
    let (a, b) = (session.seat(0), session.seat(1));
    let (c, d) = (session.seat(2), session.seat(3));
    let replicas = [world.replica(&[]).await, world.replica(&[]).await];
    let mut clients = Vec::new();
    for replica in &replicas {
        let mut client = stream(replica, &session.stream_path()).await;
        let snapshot = snapshot_of(&mut client).await;
        assert_eq!(snapshot["seats"][a], "available");
        assert_eq!(snapshot["totals"]["capacity"], 20);
        clients.push(client);
    }

    world.hold(&session, &[a, b], LONG).await.expect("held");
    for client in &mut clients {
        client.expect_seats("held", &[a, b]).await;
    }

    // A short hold that nobody releases: its expiry is the release.
    world
        .hold(&session, &[c], Duration::from_millis(300))
        .await
        .expect("held");
    for client in &mut clients {
        client.expect_seats("held", &[c]).await;
        client.expect_seats("released", &[c]).await;
    }

    // A sale: announced, then the hold keys go. The deletion is not a release of sold seats.
    world.announce_sale(&session, &[a, b], 2).await;
    world.delete(&session, &[a, b]).await;
    world.hold(&session, &[d], LONG).await.expect("held");
    for client in &mut clients {
        let sold = client.expect("sold").await;
        assert_eq!(sold.seat_ids(), [a, b]);
        assert_eq!(sold.json()["standing"][0]["quantity"], 2);
        client.expect_seats("held", &[d]).await;
    }

    // A client arriving now sees the sale even before the projection records it.
    let mut late = stream(&replicas[1], &session.stream_path()).await;
    let snapshot = snapshot_of(&mut late).await;
    assert_eq!(
        [
            &snapshot["seats"][a],
            &snapshot["seats"][b],
            &snapshot["seats"][c],
            &snapshot["seats"][d]
        ],
        ["sold", "sold", "available", "held"]
    );

    // Each replica measures its streams (the recorder is shared within a test process).
    assert!(metric(&replicas[0], "sse_open_streams").await >= 3.0);
    assert!(metric(&replicas[0], "sse_events_sent_total").await >= 12.0);
    assert!(metric(&replicas[0], "sse_notification_to_send_seconds_count").await >= 10.0);

    for replica in replicas {
        replica.stop().await.expect("stops");
    }
    world.finish().await;
}

#[tokio::test]
async fn event_ids_increase_and_a_set_on_a_held_seat_is_no_new_hold() {
    let world = World::new().await;
    let session = world.seat_map(1, 4, "i").await;
    let replica = world.replica(&[]).await;
    let mut client = stream(&replica, &session.stream_path()).await;
    let snapshot = client.expect("snapshot").await;

    world
        .hold(&session, &[session.seat(0)], LONG)
        .await
        .expect("held");
    let held = client.expect("held").await;
    // An extension rewrites the key: the seat stays held, nobody needs telling.
    let key = world.keys.seat(&session.session_id, session.seat(0));
    redis::cmd("SET")
        .arg(&key)
        .arg("same-token")
        .arg("XX")
        .arg("PX")
        .arg(LONG.as_millis() as u64)
        .query_async::<()>(&mut world.redis().await)
        .await
        .expect("SET XX");
    world.delete(&session, &[session.seat(0)]).await;
    let released = client.expect("released").await;
    assert_eq!(released.seat_ids(), [session.seat(0)]);
    let ids = [snapshot.seq(), held.seq(), released.seq()];
    assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "{ids:?}");
    let epoch = |event: &crate::support::SseEvent| {
        event
            .id
            .clone()
            .expect("id")
            .rsplit_once('-')
            .expect("epoch-seq")
            .0
            .to_owned()
    };
    assert_eq!(epoch(&snapshot), epoch(&released));

    replica.stop().await.expect("stops");
    world.finish().await;
}

#[tokio::test]
async fn reconnecting_with_last_event_id_yields_exactly_the_missed_events() {
    let world = World::new().await;
    let session = world.seat_map(1, 6, "r").await;
    let replica = world.replica(&[]).await;
    // Keeps the session's channel alive on this replica while the other client is away.
    let mut watcher = stream(&replica, &session.stream_path()).await;
    watcher.expect("snapshot").await;
    let mut client = stream(&replica, &session.stream_path()).await;
    client.expect("snapshot").await;

    world
        .hold(&session, &[session.seat(0)], LONG)
        .await
        .expect("held");
    let seen = client.expect("held").await;
    watcher.expect("held").await;
    drop(client);

    world
        .hold(&session, &[session.seat(1)], LONG)
        .await
        .expect("held");
    world.delete(&session, &[session.seat(0)]).await;
    world
        .hold(&session, &[session.seat(2)], LONG)
        .await
        .expect("held");
    let mut missed = Vec::new();
    for _ in 0..3 {
        missed.push(watcher.next().await);
    }

    let last = seen.id.clone().expect("an id");
    let mut resumed = open_stream(
        &replica,
        &session.stream_path(),
        &[("last-event-id", &last)],
    )
    .await
    .expect("resumed");
    for expected in &missed {
        assert_eq!(&resumed.next().await, expected);
    }
    let names: Vec<&str> = missed.iter().map(|event| event.name.as_str()).collect();
    assert_eq!(names, ["held", "released", "held"]);

    // And it goes on live.
    world
        .hold(&session, &[session.seat(3)], LONG)
        .await
        .expect("held");
    resumed.expect_seats("held", &[session.seat(3)]).await;

    replica.stop().await.expect("stops");
    world.finish().await;
}

#[tokio::test]
async fn an_id_older_than_the_buffer_or_unknown_gets_a_resync_and_a_fresh_snapshot() {
    let world = World::new().await;
    let session = world.seat_map(1, 8, "o").await;
    let replica = world.replica(&["--sse-replay-capacity", "2"]).await;
    let mut watcher = stream(&replica, &session.stream_path()).await;
    let first = watcher.expect("snapshot").await;

    for index in 0..4 {
        world
            .hold(&session, &[session.seat(index)], LONG)
            .await
            .expect("held");
        watcher.expect("held").await;
    }

    let epoch = first.id.clone().expect("id");
    let epoch = epoch.rsplit_once('-').expect("epoch-seq").0;
    for (last, resync) in [
        (first.id.clone().expect("id"), true),
        (format!("{epoch}-999"), true),
        ("0badc0de-1".to_owned(), true),
        // Not an id this service ever sends: as if none was given.
        ("garbage".to_owned(), false),
    ] {
        let mut client = open_stream(
            &replica,
            &session.stream_path(),
            &[("last-event-id", &last)],
        )
        .await
        .expect("a stream");
        if resync {
            let notice = client.expect("resync").await;
            assert_eq!(notice.json()["reason"], "not_resumable", "after {last}");
        }
        let snapshot = client.expect("snapshot").await;
        let seats = &snapshot.json()["seats"];
        for index in 0..4 {
            assert_eq!(seats[session.seat(index)], "held", "after {last}");
        }
        assert_eq!(seats[session.seat(4)], "available");
    }

    replica.stop().await.expect("stops");
    world.finish().await;
}

/// The only watcher of `session` sees seat 0 held and leaves; then seat 1 is held while
/// nobody watches. Returns the id of the last event the watcher saw.
async fn watch_one_hold_then_leave(
    world: &World,
    session: &crate::support::SessionMap,
    replica: &test_support::RunningService,
) -> String {
    let mut client = stream(replica, &session.stream_path()).await;
    client.expect("snapshot").await;
    world
        .hold(session, &[session.seat(0)], LONG)
        .await
        .expect("held");
    let seen = client.expect("held").await;
    drop(client);
    world
        .hold(session, &[session.seat(1)], LONG)
        .await
        .expect("held");
    seen.id.expect("an id")
}

#[tokio::test]
async fn the_only_watcher_resumes_with_last_event_id_after_leaving() {
    let world = World::new().await;
    let session = world.seat_map(1, 6, "w").await;
    let replica = world.replica(&[]).await;
    let last = watch_one_hold_then_leave(&world, &session, &replica).await;
    world.delete(&session, &[session.seat(0)]).await;

    let mut resumed = open_stream(
        &replica,
        &session.stream_path(),
        &[("last-event-id", &last)],
    )
    .await
    .expect("resumed");
    resumed.expect_seats("held", &[session.seat(1)]).await;
    resumed.expect_seats("released", &[session.seat(0)]).await;

    replica.stop().await.expect("stops");
    world.finish().await;
}

#[tokio::test]
async fn a_position_that_expired_with_its_channel_gets_a_resync_before_the_snapshot() {
    let world = World::new().await;
    let session = world.seat_map(1, 6, "x").await;
    let replica = world
        .replica(&["--sse-replay-linger-secs", "0", "--sse-heartbeat-secs", "1"])
        .await;
    let last = watch_one_hold_then_leave(&world, &session, &replica).await;
    // The server notices the closed connection when it next writes to it.
    wait_until("the replica closes the stream", DEADLINE, || async {
        (metric(&replica, "sse_open_streams").await == 0.0).then_some(())
    })
    .await;

    let mut again = open_stream(
        &replica,
        &session.stream_path(),
        &[("last-event-id", &last)],
    )
    .await
    .expect("a stream");
    let notice = again.expect("resync").await;
    assert_eq!(notice.json()["reason"], "not_resumable");
    let snapshot = again.expect("snapshot").await;
    assert_eq!(snapshot.json()["seats"][session.seat(1)], "held");

    replica.stop().await.expect("stops");
    world.finish().await;
}
