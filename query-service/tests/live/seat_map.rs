//! `GET /api/catalog/sessions/{id}/seat-map`.

use std::time::Duration;

use crate::support::{World, get_json};

#[tokio::test]
async fn the_seat_map_merges_sold_places_and_live_holds() {
    let world = World::new().await;
    let session = world.seat_map(2, 3, "m").await;
    world
        .sold_place(&session, Some(session.seat(0)), "stalls")
        .await;
    world.sold_place(&session, None, "floor").await;
    world.sold_place(&session, None, "floor").await;
    world
        .hold(
            &session,
            &[session.seat(0), session.seat(1)],
            Duration::from_secs(60),
        )
        .await;
    world.delete(&session, &[session.seat(0)]).await;
    world
        .hold(
            &session,
            &[session.seat(0), session.seat(2)],
            Duration::from_secs(60),
        )
        .await
        .expect("both seats are free in Redis");
    world.hold_standing(&session, 3, 60_000).await;
    world.hold_standing(&session, 4, -1_000).await;
    let replica = world.replica(&[]).await;

    let (status, map) = get_json(&replica, &session.seat_map_path()).await;
    assert_eq!(status, 200, "{map}");
    assert_eq!(map["session_id"], session.session_id.as_str());
    assert_eq!(
        map["seats"][session.seat(0)],
        "sold",
        "sold wins over a hold"
    );
    assert_eq!(map["seats"][session.seat(1)], "held");
    assert_eq!(map["seats"][session.seat(2)], "held");
    assert_eq!(map["seats"][session.seat(3)], "available");
    assert_eq!(map["seats"].as_object().expect("seats").len(), 6);
    let stalls = &map["tiers"][0];
    assert_eq!(
        (
            &stalls["name"],
            &stalls["capacity"],
            &stalls["available"],
            &stalls["held"],
            &stalls["sold"]
        ),
        (&"Stalls".into(), &6.into(), &3.into(), &2.into(), &1.into())
    );
    // The expired standing hold (4) no longer counts.
    let floor = &map["standing"][0];
    assert_eq!(
        (
            &floor["block_id"],
            &floor["capacity"],
            &floor["available"],
            &floor["held"],
            &floor["sold"]
        ),
        (&"floor".into(), &10.into(), &5.into(), &3.into(), &2.into())
    );
    assert_eq!(map["totals"]["capacity"], 16);
    assert_eq!(map["totals"]["sold"], 3);
    assert!(map["layout"]["blocks"].is_array());

    replica.stop().await.expect("stops");
    world.finish().await;
}

#[tokio::test]
async fn an_unchanged_seat_map_is_not_sent_again() {
    let world = World::new().await;
    let session = world.seat_map(1, 4, "e").await;
    let replica = world.replica(&[]).await;
    let http = reqwest::Client::new();
    let url = replica.url(&session.seat_map_path());

    let first = http.get(&url).send().await.expect("request");
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["cache-control"], "no-cache");
    let etag = first.headers()["etag"].to_str().expect("ascii").to_owned();
    let body: serde_json::Value = first.json().await.expect("json");
    assert_eq!(
        format!("\"{}\"", body["version"].as_str().expect("version")),
        etag
    );

    let again = http
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("request");
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"], etag.as_str());

    world
        .hold(&session, &[session.seat(1)], Duration::from_secs(60))
        .await
        .expect("held");
    let changed = http
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("request");
    assert_eq!(changed.status(), 200, "a hold changes the version");
    assert_ne!(changed.headers()["etag"], etag.as_str());

    replica.stop().await.expect("stops");
    world.finish().await;
}

#[tokio::test]
async fn a_session_without_a_seat_map_is_not_found() {
    let world = World::new().await;
    let replica = world.replica(&[]).await;
    for id in [uuid::Uuid::new_v4().to_string(), "not-a-session".to_owned()] {
        let (status, body) =
            get_json(&replica, &format!("/api/catalog/sessions/{id}/seat-map")).await;
        assert_eq!((status, &body["error"]["code"]), (404, &"not_found".into()));
        let (status, _) = get_json(
            &replica,
            &format!("/api/catalog/sessions/{id}/seats/stream"),
        )
        .await;
        assert_eq!(status, 404);
    }
    replica.stop().await.expect("stops");
    world.finish().await;
}

#[tokio::test]
async fn a_large_seat_map_is_sent_compressed_as_the_client_asks() {
    let world = World::new().await;
    // 20,000 seats: the flash-sale size that used to go out as 1.5 MB of plain JSON.
    let session = world.seat_map(100, 200, "z").await;
    let replica = world.replica(&[]).await;
    let http = reqwest::Client::new();
    let url = replica.url(&session.seat_map_path());

    let plain = http.get(&url).send().await.expect("request");
    assert_eq!(plain.status(), 200);
    assert!(plain.headers().get("content-encoding").is_none());
    let plain = plain.bytes().await.expect("body").len();
    for encoding in ["gzip", "br"] {
        let response = http
            .get(&url)
            .header("accept-encoding", encoding)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-encoding"], encoding);
        let compressed = response.bytes().await.expect("body").len();
        assert!(
            compressed * 5 < plain,
            "{encoding}: {compressed} bytes of {plain}"
        );
    }

    replica.stop().await.expect("stops");
    world.finish().await;
}
