//! `GET /api/catalog/trending`.

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
