//! Radius search with real city coordinates.

use serde_json::Value;

use crate::support::*;

const NEAR_BRISTOL: &str = "near=51.4545,-2.5879";

fn distances(reply: &Reply) -> Vec<(String, f64)> {
    reply.body["items"]
        .as_array()
        .unwrap_or_else(|| panic!("a list, got {}", reply.body))
        .iter()
        .map(|item| {
            (
                item["title"].as_str().unwrap_or_default().to_owned(),
                item["distance_km"].as_f64().unwrap_or(f64::NAN),
            )
        })
        .collect()
}

fn assert_distances(actual: &[(String, f64)], expected: &[(&str, f64)]) {
    let titles: Vec<&str> = actual.iter().map(|(title, _)| title.as_str()).collect();
    let expected_titles: Vec<&str> = expected.iter().map(|(title, _)| *title).collect();
    assert_eq!(titles, expected_titles, "{actual:?}");
    for ((title, distance), (_, want)) in actual.iter().zip(expected) {
        assert!(
            (distance - want).abs() < 0.02,
            "{title}: {distance} km, expected about {want} km"
        );
    }
}

#[tokio::test]
async fn only_events_within_the_radius_are_found_nearest_first_with_their_distance() {
    let app = CatalogApp::spawn().await;
    app.insert_events(&[
        // Soonest first, so date order differs from distance order.
        event("In Weston")
            .sessions(vec![session(WESTON, DAY_MS)])
            .build(),
        event("In Bath")
            .sessions(vec![session(BATH, 2 * DAY_MS)])
            .build(),
        event("In Stroud")
            .sessions(vec![session(STROUD, 3 * DAY_MS)])
            .build(),
        event("In Cardiff")
            .sessions(vec![session(CARDIFF, 4 * DAY_MS)])
            .build(),
        event("In London")
            .sessions(vec![session(LONDON, 5 * DAY_MS)])
            .build(),
        event("In Bristol")
            .sessions(vec![session(BRISTOL, 6 * DAY_MS)])
            .build(),
        // London soon, Bath later: found through Bath, at Bath's distance.
        event("On Tour")
            .sessions(vec![session(LONDON, DAY_MS), session(BATH, 7 * DAY_MS)])
            .build(),
        // The only nearby session is cancelled.
        event("Called Off Nearby")
            .sessions(vec![
                cancelled(session(BRISTOL, 2 * DAY_MS)),
                session(LONDON, 3 * DAY_MS),
            ])
            .build(),
    ])
    .await;

    // Stroud lies inside the 40 km bounding box but 41.3 km away: refined out.
    let nearest = app
        .get(&format!(
            "/api/catalog/events?{NEAR_BRISTOL}&radius_km=40&sort=distance"
        ))
        .await;
    assert_eq!(nearest.status, 200, "{}", nearest.body);
    assert_distances(
        &distances(&nearest),
        &[
            ("In Bristol", 0.0),
            ("In Bath", 17.85),
            ("On Tour", 17.85),
            ("In Weston", 29.89),
        ],
    );
    assert_eq!(nearest.body["total"], 4);
    let tour = &nearest.body["items"][2]["next_session"];
    assert_eq!(
        tour["city"], "Bath",
        "the nearby session, not the earlier London one"
    );

    // Date order within the same radius.
    let by_date = app
        .get(&format!("/api/catalog/events?{NEAR_BRISTOL}&radius_km=40"))
        .await;
    assert_eq!(
        by_date.titles(),
        ["In Weston", "In Bath", "In Bristol", "On Tour"]
    );

    // The default radius is 25 km.
    let default_radius = app
        .get(&format!("/api/catalog/events?{NEAR_BRISTOL}&sort=distance"))
        .await;
    assert_eq!(
        default_radius.titles(),
        ["In Bristol", "In Bath", "On Tour"]
    );

    // A wide radius reaches London at its real distance.
    let wide = app
        .get(&format!(
            "/api/catalog/events?{NEAR_BRISTOL}&radius_km=200&sort=distance"
        ))
        .await;
    let wide = distances(&wide);
    let london = wide
        .iter()
        .find(|(title, _)| title == "In London")
        .expect("London within 200 km");
    assert!((london.1 - 170.47).abs() < 0.02, "{london:?}");
    assert_eq!(
        wide.last().map(|(_, d)| (*d * 100.0).round()),
        Some(17047.0)
    );
    app.stop().await;
}

#[tokio::test]
async fn radius_search_combines_with_words_and_pages() {
    let app = CatalogApp::spawn().await;
    app.insert_events(&[
        event("Bath Jazz")
            .sessions(vec![session(BATH, DAY_MS)])
            .build(),
        event("Bristol Jazz")
            .sessions(vec![session(BRISTOL, 2 * DAY_MS)])
            .build(),
        event("Weston Jazz")
            .sessions(vec![session(WESTON, 3 * DAY_MS)])
            .build(),
        event("Bristol Folk")
            .sessions(vec![session(BRISTOL, 4 * DAY_MS)])
            .build(),
        event("London Jazz")
            .sessions(vec![session(LONDON, 5 * DAY_MS)])
            .build(),
    ])
    .await;

    let first = app
        .get(&format!(
            "/api/catalog/events?q=jazz&{NEAR_BRISTOL}&radius_km=50&sort=distance&per_page=2"
        ))
        .await;
    assert_eq!(first.titles(), ["Bristol Jazz", "Bath Jazz"]);
    assert_eq!(first.body["total"], 3);
    let second = app
        .get(&format!(
            "/api/catalog/events?q=jazz&{NEAR_BRISTOL}&radius_km=50&sort=distance&per_page=2&page=2"
        ))
        .await;
    assert_eq!(second.titles(), ["Weston Jazz"]);
    assert!(matches!(
        second.body["items"][0]["distance_km"],
        Value::Number(_)
    ));
    app.stop().await;
}
