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
    let changed = app
        .get_with(
            "/api/catalog/events?q=cached",
            &[("If-None-Match", &before)],
        )
        .await;
    assert_eq!(changed.status, 200);
    assert_ne!(changed.header("etag"), Some(before.as_str()));
    assert_eq!(changed.body["total"], 2);
    app.stop().await;
}
