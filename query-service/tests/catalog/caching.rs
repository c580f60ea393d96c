//! ETags and `If-None-Match` on catalogue reads.

use crate::support::*;

#[tokio::test]
async fn a_current_etag_gets_304_and_a_change_gets_a_new_body() {
    let app = CatalogApp::spawn().await;
    let show = event("Cached Show").build();
    app.insert_events(std::slice::from_ref(&show)).await;
    let detail_path = format!("/api/catalog/events/{}", show.event_id);

    for path in [
        "/api/catalog/events?q=cached",
        detail_path.as_str(),
        "/api/catalog/trending",
    ] {
        let first = app.get(path).await;
        assert_eq!(first.status, 200, "{path}");
        let tag = first.header("etag").expect("an ETag").to_owned();
        assert!(tag.starts_with('"') && tag.ends_with('"'), "{tag}");
        let cache_control = first.header("cache-control").expect("Cache-Control");
        assert!(
            cache_control.starts_with("public, max-age="),
            "{cache_control}"
        );

        // Same body, same tag.
        assert_eq!(app.get(path).await.header("etag"), Some(tag.as_str()));

        let revalidated = app.get_with(path, &[("If-None-Match", &tag)]).await;
        assert_eq!(revalidated.status, 304, "{path}");
        assert_eq!(revalidated.body, serde_json::Value::Null);
        assert_eq!(revalidated.header("etag"), Some(tag.as_str()));

        let weak = app
            .get_with(path, &[("If-None-Match", &format!("\"other\", W/{tag}"))])
            .await;
        assert_eq!(weak.status, 304, "{path}: weak comparison over a list");

        let stale = app.get_with(path, &[("If-None-Match", "\"stale\"")]).await;
        assert_eq!(stale.status, 200, "{path}");
    }

    let search = app.get("/api/catalog/events?q=cached").await;
    let before = search.header("etag").expect("an ETag").to_owned();
    app.insert_events(&[event("Cached Encore").build()]).await;
    // The change notice reaches the replica's cache a moment after the insert.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let changed = loop {
        let reply = app
            .get_with(
                "/api/catalog/events?q=cached",
                &[("If-None-Match", &before)],
            )
            .await;
        if reply.status != 304 || std::time::Instant::now() > deadline {
            break reply;
        }
        tokio::task::yield_now().await;
    };
    assert_eq!(changed.status, 200);
    assert_ne!(changed.header("etag"), Some(before.as_str()));
    assert_eq!(changed.body["total"], 2);
    app.stop().await;
}

#[tokio::test]
async fn event_pages_are_served_from_the_replica_until_the_projector_announces_a_change() {
    let app = CatalogApp::spawn().await;
    let show = event("Remembered Show").build();
    app.insert_events(std::slice::from_ref(&show)).await;
    let path = format!("/api/catalog/events/{}", show.event_id);
    let sessions = format!("{path}/sessions");
    let first = app.get(&path).await;
    assert_eq!(first.status, 200);
    let tag = first.header("etag").expect("an ETag").to_owned();
    assert_eq!(first.header("vary"), Some("accept-encoding"));
    assert_eq!(app.get(&sessions).await.status, 200);

    // Gone from the store without a notice: the replica still answers from its cache, so
    // neither a revalidation nor a full answer reached the store.
    app.mongo
        .database
        .collection::<mongodb::bson::Document>(shared_dto::read_model::collection::EVENTS)
        .delete_one(mongodb::bson::doc! { "_id": &show.event_id })
        .await
        .expect("delete");
    let revalidated = app.get_with(&path, &[("If-None-Match", &tag)]).await;
    assert_eq!(revalidated.status, 304);
    assert_eq!(app.get(&path).await.body["title"], "Remembered Show");
    assert_eq!(app.get(&sessions).await.status, 200);

    // The notice drops it.
    app.announce_change().await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while app.get(&path).await.status != 404 {
        assert!(
            std::time::Instant::now() < deadline,
            "the notice never dropped the cached event"
        );
        tokio::task::yield_now().await;
    }
    assert_eq!(app.get(&sessions).await.status, 404);
    app.stop().await;
}

#[tokio::test]
async fn cached_answers_are_compressed_as_the_client_asks() {
    let app = CatalogApp::spawn().await;
    let show = event("Compressed Show")
        .description(&"A long description. ".repeat(100))
        .build();
    app.insert_events(std::slice::from_ref(&show)).await;
    let path = format!("/api/catalog/events/{}", show.event_id);
    let url = app.url(&path);
    let http = reqwest::Client::new();
    let plain = http.get(&url).send().await.expect("a response");
    assert!(plain.headers().get("content-encoding").is_none());
    let plain_len = plain.bytes().await.expect("body").len();
    for encoding in ["gzip", "br"] {
        let response = http
            .get(&url)
            .header("accept-encoding", encoding)
            .send()
            .await
            .expect("a response");
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-encoding"], encoding);
        assert_eq!(response.headers()["vary"], "accept-encoding");
        let compressed = response.bytes().await.expect("body").len();
        assert!(
            compressed * 3 < plain_len,
            "{encoding}: {compressed} of {plain_len}"
        );
    }
    app.stop().await;
}
