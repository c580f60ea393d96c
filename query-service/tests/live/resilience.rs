//! What keeps streams honest when things go wrong: slow clients, a Redis that goes away,
//! idle proxies, greedy clients, and shutdown.

use std::time::Duration;

use test_support::wait_until;

use crate::support::{
    DEADLINE, OwnRedis, SseClient, StalledClient, World, metric, open_stream, stream,
};

const LONG: Duration = Duration::from_secs(120);

/// The most bytes the kernel and the server can buffer for a client that does not read:
/// the server socket's largest send buffer, the client's (fixed, small) receive buffer, and
/// hyper's write buffer, with room to spare.
fn bytes_buffered_at_most() -> usize {
    let send_max = std::fs::read_to_string("/proc/sys/net/ipv4/tcp_wmem")
        .ok()
        .and_then(|text| text.split_whitespace().nth(2)?.parse().ok())
        .unwrap_or(4 * 1024 * 1024);
    send_max + 2 * 1024 * 1024
}

#[tokio::test]
async fn a_client_that_falls_behind_gets_resync_and_then_a_correct_snapshot() {
    let world = World::new().await;
    // Long seat ids make every change event large, so the buffers fill quickly.
    let stem = "x".repeat(56);
    let session = world.seat_map(10, 50, &stem).await;
    let capacity = 4;
    let replica = world
        .replica(&["--sse-broadcast-capacity", &capacity.to_string()])
        .await;
    let stalled = StalledClient::open(replica.addr, &session.stream_path()).await;

    // Every cycle holds and then releases all 500 seats: at least two events and twice the
    // seat ids' bytes. Enough cycles overflow every buffer and then the channel.
    let seats: Vec<&str> = session.seat_ids.iter().map(String::as_str).collect();
    let bytes_per_cycle: usize = 2 * seats.iter().map(|seat| seat.len() + 3).sum::<usize>();
    let cycles = bytes_buffered_at_most() / bytes_per_cycle + capacity + 2;
    for _ in 0..cycles {
        world.hold(&session, &seats, LONG).await.expect("all held");
        world.delete(&session, &seats).await;
    }
    // The state the client must end up knowing.
    let finally_held = [seats[7], seats[123], seats[499]];
    world
        .hold(&session, &finally_held, LONG)
        .await
        .expect("held");

    let mut client = stalled.resume();
    let snapshot = loop {
        let event = client.next().await;
        match event.name.as_str() {
            "held" | "released" | "snapshot" => continue,
            "resync" => {
                assert_eq!(event.json()["reason"], "lagged");
                assert_eq!(event.id, None, "a resync is not a position to resume from");
                break client.expect("snapshot").await;
            }
            other => panic!("unexpected event {other}: {event:?}"),
        }
    };
    let state = snapshot.json();
    for seat in &seats {
        let expected = if finally_held.contains(seat) {
            "held"
        } else {
            "available"
        };
        assert_eq!(state["seats"][*seat], expected, "{seat}");
    }
    assert_eq!(state["tiers"][0]["held"], 3);
    assert!(metric(&replica, "sse_lagged_clients_total").await >= 1.0);

    // Back in step, it follows changes again.
    world.delete(&session, &finally_held[..1]).await;
    client.expect_seats("released", &finally_held[..1]).await;

    replica.stop().await.expect("stops");
    world.finish().await;
}

#[tokio::test]
async fn after_redis_comes_back_every_client_resyncs_and_changes_flow_again() {
    let mut redis = OwnRedis::start().await;
    let world = World::on_redis(test_support::StackEnv::from_env(), redis.url()).await;
    let session = world.seat_map(1, 6, "k").await;
    let replicas = [world.replica(&[]).await, world.replica(&[]).await];
    let mut clients: Vec<SseClient> = Vec::new();
    for replica in &replicas {
        let mut client = stream(replica, &session.stream_path()).await;
        client.expect("snapshot").await;
        clients.push(client);
    }
    world
        .hold(&session, &[session.seat(0)], LONG)
        .await
        .expect("held");
    for client in &mut clients {
        client.expect("held").await;
    }

    redis.kill().await;
    redis.start_again().await;
    // The restarted Redis is empty: the hold is gone, and nobody was told.
    for client in &mut clients {
        let resync = client.expect("resync").await;
        assert_eq!(resync.json()["reason"], "feed_restarted");
        let snapshot = client.expect("snapshot").await;
        assert_eq!(snapshot.json()["seats"][session.seat(0)], "available");
    }

    world
        .hold(&session, &[session.seat(1)], LONG)
        .await
        .expect("held");
    for client in &mut clients {
        client.expect_seats("held", &[session.seat(1)]).await;
    }

    for replica in replicas {
        replica.stop().await.expect("stops");
    }
    world.finish().await;
}

#[tokio::test]
async fn an_idle_stream_carries_heartbeats() {
    let world = World::new().await;
    let session = world.seat_map(1, 2, "h").await;
    let replica = world.replica(&["--sse-heartbeat-secs", "1"]).await;
    let mut client = stream(&replica, &session.stream_path()).await;
    client.expect("snapshot").await;
    for _ in 0..2 {
        assert_eq!(client.next_raw().await.name, ":", "a heartbeat comment");
    }
    replica.stop().await.expect("stops");
    world.finish().await;
}

#[tokio::test]
async fn a_client_address_may_hold_only_so_many_streams() {
    let world = World::new().await;
    let session = world.seat_map(1, 2, "l").await;
    let replica = world.replica(&["--sse-max-streams-per-ip", "2"]).await;
    let path = session.stream_path();

    let first = stream(&replica, &path).await;
    let _second = stream(&replica, &path).await;
    let refused = open_stream(&replica, &path, &[])
        .await
        .err()
        .expect("a third stream is refused");
    assert_eq!(refused.status, 429);
    assert_eq!(refused.body["error"]["code"], "too_many_streams");

    // Behind the local proxy, the address it forwards is the client.
    let via_proxy = |address: &'static str| [("x-forwarded-for", address)];
    let _proxied = open_stream(&replica, &path, &via_proxy("198.51.100.1"))
        .await
        .expect("another client behind the proxy");
    let _spoofed = open_stream(
        &replica,
        &path,
        &[("x-forwarded-for", "10.9.9.9, 198.51.100.1")],
    )
    .await
    .expect("the proxy-added (last) entry is what counts");
    let over = open_stream(&replica, &path, &via_proxy("198.51.100.1")).await;
    assert_eq!(over.err().map(|refused| refused.status), Some(429));

    drop(first);
    let (_, waited) = wait_until("a closed stream frees its place", DEADLINE, || async {
        open_stream(&replica, &path, &[]).await.ok()
    })
    .await;
    assert!(waited < DEADLINE);

    replica.stop().await.expect("stops");
    world.finish().await;
}

#[tokio::test]
async fn shutting_down_ends_open_streams_promptly() {
    let world = World::new().await;
    let session = world.seat_map(1, 2, "q").await;
    let replica = world.replica(&[]).await;
    let mut clients = Vec::new();
    for _ in 0..3 {
        let mut client = stream(&replica, &session.stream_path()).await;
        client.expect("snapshot").await;
        clients.push(client);
    }
    let started = std::time::Instant::now();
    replica.stop().await.expect("stops");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "open streams do not hold up shutdown ({:?})",
        started.elapsed()
    );
    for client in &mut clients {
        client.ended().await;
    }
    world.finish().await;
}
