//! `GET /api/catalog/trending`.

use shared_dto::trending::{TrendingDetail, TrendingKeys};

use crate::support::*;

fn trending(reply: &Reply) -> Vec<(String, u64)> {
    reply.body["items"]
        .as_array()
        .unwrap_or_else(|| panic!("a list, got {} {}", reply.status, reply.body))
        .iter()
        .map(|item| {
            (
                item["title"].as_str().unwrap_or_default().to_owned(),
                item["tickets_last_7_days"].as_u64().unwrap_or(u64::MAX),
            )
        })
        .collect()
}

fn owned(expected: &[(&str, u64)]) -> Vec<(String, u64)> {
    expected
        .iter()
        .map(|(title, tickets)| ((*title).to_owned(), *tickets))
        .collect()
}

#[tokio::test]
async fn events_selling_most_this_week_come_first_then_the_soonest() {
    let app = CatalogApp::spawn().await;
    let steady = event("Steady Seller").build();
    let hot = event("Hot Ticket")
        .sessions(vec![session(BRISTOL, 20 * DAY_MS)])
        .build();
    let quiet = event("Quiet Night")
        .sessions(vec![session(BRISTOL, 3 * DAY_MS)])
        .build();
    let quieter = event("Quieter Night")
        .sessions(vec![session(BRISTOL, 4 * DAY_MS)])
        .build();
    let draft = event("Draft Sensation").status("draft").build();
    let finished = event("Finished Run")
        .sessions(vec![session(BRISTOL, -2 * DAY_MS)])
        .build();
    let last_month = event("Last Month's Hit").build();
    app.insert_events(&[
        steady.clone(),
        hot.clone(),
        quiet.clone(),
        quieter.clone(),
        draft.clone(),
        finished.clone(),
        last_month.clone(),
    ])
    .await;
    let mut sold = Vec::new();
    sold.extend(tickets(&steady, 3, 2 * DAY_MS));
    sold.extend(tickets(&hot, 5, HOUR_MS));
    // Older than the window: does not count.
    sold.extend(tickets(&hot, 1, 8 * DAY_MS));
    sold.extend(tickets(&last_month, 20, 30 * DAY_MS));
    // Not listed, however well they sold.
    sold.extend(tickets(&draft, 9, HOUR_MS));
    sold.extend(tickets(&finished, 8, 3 * DAY_MS));
    app.insert_tickets(&sold).await;

    let reply = app.get("/api/catalog/trending").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        trending(&reply),
        owned(&[
            ("Hot Ticket", 5),
            ("Steady Seller", 3),
            ("Quiet Night", 0),
            ("Quieter Night", 0),
            ("Last Month's Hit", 0),
        ])
    );
    assert!(reply.body["items"][0]["next_session"]["starts_at"].is_string());
    assert!(
        reply
            .header("cache-control")
            .is_some_and(|value| value.starts_with("public")),
    );

    assert_eq!(
        trending(&app.get("/api/catalog/trending?limit=3").await),
        owned(&[("Hot Ticket", 5), ("Steady Seller", 3), ("Quiet Night", 0)])
    );
    assert_eq!(
        trending(&app.get("/api/catalog/trending?limit=1").await),
        owned(&[("Hot Ticket", 5)])
    );
    for limit in ["0", "51", "ten"] {
        let reply = app
            .get(&format!("/api/catalog/trending?limit={limit}"))
            .await;
        assert_eq!(reply.status, 422, "{limit}");
        assert_eq!(reply.error_field(), Some("limit"));
    }
    app.stop().await;
}

#[tokio::test]
async fn without_sales_trending_is_the_soonest_upcoming() {
    let app = CatalogApp::spawn().await;
    app.insert_events(&[
        event("Later")
            .sessions(vec![session(BATH, 9 * DAY_MS)])
            .build(),
        event("Sooner")
            .sessions(vec![session(BATH, 2 * DAY_MS)])
            .build(),
        event("Draft").status("draft").build(),
    ])
    .await;
    assert_eq!(
        trending(&app.get("/api/catalog/trending").await),
        owned(&[("Sooner", 0), ("Later", 0)])
    );
    app.stop().await;
}

#[tokio::test]
async fn the_schedulers_ranking_orders_trending_and_skips_what_is_no_longer_listed() {
    let app = CatalogApp::spawn().await;
    let sold = event("Sold Well").build();
    let viewed = event("Much Viewed").build();
    let withdrawn = event("Withdrawn").status("draft").build();
    app.insert_events(&[sold.clone(), viewed.clone(), withdrawn.clone()])
        .await;
    // The ranking as the scheduler writes it: the withdrawn event was hot minutes ago.
    let keys = TrendingKeys::new(app.prefix.as_str());
    let mut redis = app.redis().await;
    let detail = |tickets: u64, views: u64| {
        serde_json::to_string(&TrendingDetail {
            tickets_last_7_days: tickets,
            views_last_24_hours: views,
            sell_through: 0.25,
            ..TrendingDetail::default()
        })
        .expect("JSON")
    };
    redis::pipe()
        .zadd(keys.ranking(), &withdrawn.event_id, 20.0)
        .zadd(keys.ranking(), &viewed.event_id, 9.0)
        .zadd(keys.ranking(), &sold.event_id, 3.0)
        .hset(keys.details(), &viewed.event_id, detail(1, 80))
        .hset(keys.details(), &sold.event_id, detail(3, 2))
        .query_async::<()>(&mut redis)
        .await
        .expect("a ranking");

    let reply = app.get("/api/catalog/trending").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        trending(&reply),
        owned(&[("Much Viewed", 1), ("Sold Well", 3)])
    );
    let top = &reply.body["items"][0];
    assert_eq!(top["views_last_24_hours"], 80);
    assert_eq!(top["sell_through"], 0.25);
    assert!(top["score"].as_f64().is_some(), "{top}");
    app.stop().await;
}

#[tokio::test]
async fn an_event_page_counts_each_visitor_once_per_hour() {
    let app = CatalogApp::spawn().await;
    let watched = event("Watched").build();
    app.insert_events(std::slice::from_ref(&watched)).await;
    let path = format!("/api/catalog/events/{}", watched.event_id);
    let first_hour = shared_dto::trending::hour_of(chrono::Utc::now().timestamp_millis());
    for visitor in ["198.51.100.1", "198.51.100.1", "198.51.100.2"] {
        let reply = app.get_with(&path, &[("X-Forwarded-For", visitor)]).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    // Unpublished or unknown events count nothing.
    assert_eq!(
        app.get("/api/catalog/events/no-such-event").await.status,
        404
    );
    let last_hour = shared_dto::trending::hour_of(chrono::Utc::now().timestamp_millis());
    let keys = TrendingKeys::new(app.prefix.as_str());
    let mut redis = app.redis().await;
    let counted = test_support::wait_until(
        "the visitors counted",
        std::time::Duration::from_secs(10),
        || {
            let keys = &keys;
            let mut redis = redis.clone();
            let id = watched.event_id.clone();
            async move {
                let mut visitors = 0_u64;
                for hour in first_hour..=last_hour {
                    let count: u64 = redis::cmd("PFCOUNT")
                        .arg(keys.views(&id, hour))
                        .query_async(&mut redis)
                        .await
                        .expect("PFCOUNT");
                    visitors += count;
                }
                (visitors >= 2).then_some(visitors)
            }
        },
    )
    .await
    .0;
    assert_eq!(counted, 2, "two distinct visitors");
    let ttl: i64 = redis::cmd("TTL")
        .arg(keys.views(&watched.event_id, last_hour))
        .query_async(&mut redis)
        .await
        .expect("TTL");
    assert!(ttl > 0, "view counts expire: {ttl}");
    app.stop().await;
}
