//! `GET /api/catalog/events`: words, filters, date and price windows, paging, validation.

use crate::support::*;

#[tokio::test]
async fn every_word_must_match_and_title_hits_rank_first() {
    let app = CatalogApp::spawn().await;
    app.insert_events(&[
        // Mentions both words, but not in its title; also the soonest.
        event("Evening Session")
            .description("An easy night of JAZZ standards")
            .sessions(vec![session(BRISTOL, 2 * DAY_MS)])
            .build(),
        event("Jazz Night")
            .sessions(vec![session(BRISTOL, 5 * DAY_MS)])
            .build(),
        event("Jazz Brunch")
            .description("Pancakes and a trio")
            .build(),
        event("Rock Night").build(),
        event("Jazzy Nights Out")
            .sessions(vec![session(BATH, 9 * DAY_MS)])
            .build(),
    ])
    .await;

    let by_relevance = app
        .get("/api/catalog/events?q=jazz%20NIGHT&sort=relevance")
        .await;
    assert_eq!(by_relevance.status, 200, "{}", by_relevance.body);
    assert_eq!(
        by_relevance.titles(),
        ["Jazz Night", "Jazzy Nights Out", "Evening Session"]
    );
    assert_eq!(by_relevance.body["total"], 3);

    // The default order is by date, whatever the relevance.
    let by_date = app.get("/api/catalog/events?q=jazz%20night").await;
    assert_eq!(
        by_date.titles(),
        ["Evening Session", "Jazz Night", "Jazzy Nights Out"]
    );

    // Words match from the start of a word, not inside one.
    assert_eq!(app.get("/api/catalog/events?q=jaz").await.titles().len(), 4);
    assert!(
        app.get("/api/catalog/events?q=azz")
            .await
            .titles()
            .is_empty()
    );
    // Venue names and cities are searchable too.
    assert_eq!(
        app.get("/api/catalog/events?q=theatre%20royal")
            .await
            .titles(),
        ["Jazzy Nights Out"]
    );
    app.stop().await;
}

#[tokio::test]
async fn category_and_city_filters_combine() {
    let app = CatalogApp::spawn().await;
    app.insert_events(&[
        event("Bristol Gig").build(),
        event("Bath Comedy")
            .category("comedy", "Comedy")
            .sessions(vec![session(BATH, 3 * DAY_MS)])
            .build(),
        event("London Gig")
            .sessions(vec![session(LONDON, 4 * DAY_MS)])
            .build(),
        event("Touring Show")
            .category("theatre", "Theatre")
            .sessions(vec![session(LONDON, 6 * DAY_MS), session(BATH, 8 * DAY_MS)])
            .build(),
    ])
    .await;

    assert_eq!(
        app.get("/api/catalog/events?category=music").await.titles(),
        ["London Gig", "Bristol Gig"]
    );
    assert_eq!(
        app.get("/api/catalog/events?city=BATH").await.titles(),
        ["Bath Comedy", "Touring Show"]
    );
    assert_eq!(
        app.get("/api/catalog/events?category=music&city=bristol")
            .await
            .titles(),
        ["Bristol Gig"]
    );
    // Exact city, not a prefix.
    assert!(
        app.get("/api/catalog/events?city=bri")
            .await
            .titles()
            .is_empty()
    );
    app.stop().await;
}

#[tokio::test]
async fn the_date_window_applies_to_session_starts() {
    let app = CatalogApp::spawn().await;
    app.insert_events(&[
        event("Soon")
            .sessions(vec![session_at(BRISTOL, midnight_ms(2) + 20 * HOUR_MS)])
            .build(),
        event("Inside")
            .sessions(vec![session_at(BRISTOL, midnight_ms(10) + 19 * HOUR_MS)])
            .build(),
        // Its session inside the window is cancelled.
        event("Cancelled Inside")
            .sessions(vec![
                cancelled(session_at(BRISTOL, midnight_ms(11) + 19 * HOUR_MS)),
                session_at(BRISTOL, midnight_ms(30) + 19 * HOUR_MS),
            ])
            .build(),
        // One session before the window, one on its last day.
        event("Run")
            .sessions(vec![
                session_at(BRISTOL, midnight_ms(1) + 19 * HOUR_MS),
                session_at(BRISTOL, midnight_ms(15) + 23 * HOUR_MS),
            ])
            .build(),
        event("Later")
            .sessions(vec![session_at(BRISTOL, midnight_ms(16) + HOUR_MS)])
            .build(),
    ])
    .await;

    let window = app
        .get(&format!(
            "/api/catalog/events?from={}&to={}",
            day(5),
            day(15)
        ))
        .await;
    assert_eq!(window.status, 200, "{}", window.body);
    assert_eq!(window.titles(), ["Inside", "Run"]);
    // The next session shown is the one inside the window.
    let run = &window.body["items"][1]["next_session"]["starts_at"];
    let run_start = chrono::DateTime::parse_from_rfc3339(run.as_str().expect("a start"))
        .expect("RFC 3339")
        .timestamp_millis();
    assert_eq!(run_start, midnight_ms(15) + 23 * HOUR_MS);

    // RFC 3339 bounds are instants; `to` is inclusive.
    let exact = chrono::DateTime::from_timestamp_millis(midnight_ms(10) + 19 * HOUR_MS)
        .expect("instant")
        .to_rfc3339();
    let at_start = app
        .get(&format!(
            "/api/catalog/events?from={}&to={}",
            exact.replace('+', "%2B"),
            exact.replace('+', "%2B")
        ))
        .await;
    assert_eq!(at_start.titles(), ["Inside"]);

    let from_only = app
        .get(&format!("/api/catalog/events?from={}", day(16)))
        .await;
    assert_eq!(from_only.titles(), ["Later", "Cancelled Inside"]);
    app.stop().await;
}

#[tokio::test]
async fn price_filters_select_overlapping_tier_ranges() {
    let app = CatalogApp::spawn().await;
    app.insert_events(&[
        event("Mid").prices(&[1000, 2000]).build(),
        event("Dear")
            .prices(&[2500, 4000])
            .sessions(vec![session(BRISTOL, 11 * DAY_MS)])
            .build(),
        event("Cheap")
            .prices(&[500, 800])
            .sessions(vec![session(BRISTOL, 12 * DAY_MS)])
            .build(),
    ])
    .await;

    assert_eq!(
        app.get("/api/catalog/events?min_price=1800&max_price=2600")
            .await
            .titles(),
        ["Mid", "Dear"]
    );
    assert_eq!(
        app.get("/api/catalog/events?max_price=600").await.titles(),
        ["Cheap"]
    );
    assert_eq!(
        app.get("/api/catalog/events?min_price=4000").await.titles(),
        ["Dear"]
    );
    assert!(
        app.get("/api/catalog/events?min_price=4001")
            .await
            .titles()
            .is_empty()
    );
    let by_price = app.get("/api/catalog/events?sort=price").await;
    assert_eq!(by_price.titles(), ["Cheap", "Mid", "Dear"]);
    assert_eq!(by_price.body["items"][0]["price_min_minor"], 500);
    assert_eq!(by_price.body["items"][0]["price_max_minor"], 800);
    assert_eq!(by_price.body["items"][0]["currency"], "GBP");
    app.stop().await;
}

#[tokio::test]
async fn pages_cover_every_match_once_with_the_total() {
    let app = CatalogApp::spawn().await;
    let events: Vec<_> = (1..=7)
        .map(|n| {
            event(&format!("Show {n}"))
                .sessions(vec![session(BRISTOL, n * DAY_MS)])
                .build()
        })
        .collect();
    app.insert_events(&events).await;

    let mut seen = Vec::new();
    for (page, expected) in [(1, 3), (2, 3), (3, 1), (4, 0)] {
        let reply = app
            .get(&format!("/api/catalog/events?per_page=3&page={page}"))
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(reply.body["total"], 7);
        assert_eq!(reply.body["page"], page);
        assert_eq!(reply.body["per_page"], 3);
        let titles: Vec<String> = reply.titles().into_iter().map(str::to_owned).collect();
        assert_eq!(titles.len(), expected, "page {page}: {titles:?}");
        seen.extend(titles);
    }
    let expected: Vec<String> = (1..=7).map(|n| format!("Show {n}")).collect();
    assert_eq!(seen, expected);

    // Pages ranked in process page the same way.
    let ranked = app
        .get("/api/catalog/events?q=show&sort=relevance&per_page=5&page=2")
        .await;
    assert_eq!(ranked.body["total"], 7);
    assert_eq!(ranked.titles(), ["Show 6", "Show 7"]);
    app.stop().await;
}

#[tokio::test]
async fn drafts_cancelled_and_finished_events_are_never_listed() {
    let app = CatalogApp::spawn().await;
    app.insert_events(&[
        event("Jazz Draft").status("draft").build(),
        event("Jazz Cancelled").status("cancelled").build(),
        event("Jazz Past")
            .sessions(vec![session(BRISTOL, -DAY_MS)])
            .build(),
        event("Jazz All Cancelled")
            .sessions(vec![cancelled(session(BRISTOL, 4 * DAY_MS))])
            .build(),
        // Started an hour ago, ends in two: still listed.
        event("Jazz Under Way")
            .sessions(vec![session(BRISTOL, -HOUR_MS)])
            .build(),
    ])
    .await;

    for path in [
        "/api/catalog/events",
        "/api/catalog/events?q=jazz",
        "/api/catalog/events?q=jazz&sort=relevance",
        "/api/catalog/events?near=51.4545,-2.5879",
        "/api/catalog/events?category=music&city=bristol&sort=price",
    ] {
        let reply = app.get(path).await;
        assert_eq!(reply.titles(), ["Jazz Under Way"], "{path}");
        assert_eq!(reply.body["total"], 1, "{path}");
    }
    app.stop().await;
}

#[tokio::test]
async fn bad_parameters_are_422_naming_the_parameter() {
    let app = CatalogApp::spawn().await;
    for (query, field) in [
        ("near=bristol", "near"),
        ("near=51.45", "near"),
        ("near=95,-2.5", "near"),
        ("near=51.45,-2.58&radius_km=0", "radius_km"),
        ("near=51.45,-2.58&radius_km=501", "radius_km"),
        ("near=51.45,-2.58&radius_km=far", "radius_km"),
        ("radius_km=10", "radius_km"),
        ("from=next-week", "from"),
        ("from=2030-02-30", "from"),
        ("from=2030-06-02&to=2030-06-01", "to"),
        ("min_price=-5", "min_price"),
        ("min_price=900&max_price=100", "max_price"),
        ("sort=relevance", "sort"),
        ("sort=distance", "sort"),
        ("sort=random", "sort"),
        ("page=0", "page"),
        ("per_page=101", "per_page"),
    ] {
        let reply = app.get(&format!("/api/catalog/events?{query}")).await;
        assert_eq!(reply.status, 422, "{query}: {}", reply.body);
        assert_eq!(reply.body["error"]["code"], "invalid_field", "{query}");
        assert_eq!(reply.error_field(), Some(field), "{query}: {}", reply.body);
    }
    app.stop().await;
}

#[tokio::test]
async fn a_summary_carries_what_a_listing_shows() {
    let app = CatalogApp::spawn().await;
    let show = event("Summer Serenade")
        .sessions(vec![
            cancelled(session(BRISTOL, DAY_MS)),
            session(BATH, 3 * DAY_MS),
            session(BRISTOL, 5 * DAY_MS),
        ])
        .build();
    app.insert_events(std::slice::from_ref(&show)).await;

    let reply = app.get("/api/catalog/events").await;
    let item = &reply.body["items"][0];
    assert_eq!(item["event_id"], show.event_id.as_str());
    assert_eq!(item["category"]["category_id"], "music");
    assert_eq!(item["cover_image_url"], "https://img.example/cover.jpg");
    assert_eq!(item["organisation_name"], "Harbourside Promotions");
    assert_eq!(
        item["next_session"]["session_id"],
        show.sessions[1].session_id.as_str()
    );
    assert_eq!(item["next_session"]["venue_name"], "Theatre Royal Bath");
    assert_eq!(item["next_session"]["city"], "Bath");
    assert_eq!(item["next_session"]["available"], 200);
    assert_eq!(item["available"], 600);
    assert_eq!(
        (
            item["price_min_minor"].as_i64(),
            item["price_max_minor"].as_i64()
        ),
        (Some(1500), Some(3000))
    );
    assert!(item.get("distance_km").is_none(), "{item}");
    assert!(item.get("search_text").is_none(), "{item}");
    app.stop().await;
}

#[tokio::test]
async fn index_creation_is_idempotent() {
    let app = CatalogApp::spawn().await;
    // `spawn` created them once already.
    query_service::catalog::indexes(&app.mongo.database)
        .await
        .expect("indexes again");
    let names = app
        .mongo
        .database
        .collection::<mongodb::bson::Document>("events")
        .list_index_names()
        .await
        .expect("index names");
    assert!(names.len() >= 6, "{names:?}");
    app.stop().await;
}
