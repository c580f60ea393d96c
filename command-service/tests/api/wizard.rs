//! The organiser wizard, step by step over HTTP, to a published event.

use serde_json::json;
use shared_dto::status::EventStatus;

use crate::support::{grid_layout, spawn_app};

#[tokio::test]
async fn the_wizard_creates_and_publishes_an_event_with_two_sessions_and_a_500_seat_layout() {
    let app = spawn_app().await;
    let token = app.organiser.clone();
    let organisation = app.organisation(&token).await;
    let venue = app.venue(&token, organisation).await;
    let event = app.draft_event(&token, organisation).await;
    let stalls = app.tier(&token, event, "Stalls", 4500).await;
    let balcony = app.tier(&token, event, "Balcony", 2500).await;

    let mut layout = grid_layout(20, 25, stalls);
    // The back five rows are the balcony tier.
    for seat in layout["blocks"][0]["seats"].as_array_mut().expect("seats") {
        if seat["row"].as_u64().expect("row") >= 15 {
            seat["tier_id"] = json!(balcony);
        }
    }
    let stored = app
        .put(
            &format!("/api/manage/events/{event}/layout"),
            &token,
            layout,
        )
        .await;
    assert_eq!(stored.status, 200, "{}", stored.body);
    assert_eq!(stored.body["seat_count"], 500);

    for day in [11, 12] {
        let session = app.session(&token, event, venue, day).await;
        assert_eq!(session.status, 201, "{}", session.body);
        assert_eq!(
            session.body["capacity"], 500,
            "the session copied the event's seat map"
        );
        assert_eq!(session.body["status"], "SCHEDULED");
    }
    let discount = app
        .post(
            &format!("/api/manage/events/{event}/discounts"),
            &token,
            json!({"code": "Summer10", "rule": {"kind": {"type": "percentage", "percent_bp": 1000}}}),
        )
        .await;
    assert_eq!(discount.status, 201, "{}", discount.body);

    let published = app
        .post(
            &format!("/api/manage/events/{event}/publish"),
            &token,
            json!({}),
        )
        .await;
    assert_eq!(published.status, 200, "{}", published.body);
    assert_eq!(published.body["status"], "published");
    assert!(published.body["published_at"].is_string());

    let sessions = app
        .get(&format!("/api/manage/events/{event}/sessions"), &token)
        .await;
    let session = sessions.body[0]["session_id"]
        .as_str()
        .expect("a session")
        .to_owned();
    let on_sale = app
        .post(
            &format!("/api/manage/sessions/{session}/status"),
            &token,
            json!({"status": "ON_SALE"}),
        )
        .await;
    assert_eq!(on_sale.status, 200, "{}", on_sale.body);
    assert_eq!(on_sale.body["status"], "ON_SALE");

    let layout_rows: i64 =
        sqlx::query_scalar("select count(*) from session_layout where seat_count = 500")
            .fetch_one(&app.pool)
            .await
            .expect("count");
    assert_eq!(layout_rows, 2);
}

#[tokio::test]
async fn an_incomplete_event_refuses_to_publish_and_says_what_is_missing() {
    let app = spawn_app().await;
    let token = app.organiser.clone();
    let organisation = app.organisation(&token).await;
    let response = app
        .post(
            "/api/manage/events",
            &token,
            json!({"organisation_id": organisation, "title": "Bare draft"}),
        )
        .await;
    let event = response.id("event_id");

    let refused = app
        .post(
            &format!("/api/manage/events/{event}/publish"),
            &token,
            json!({}),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(refused.code(), "incomplete");
    assert_eq!(
        refused.body["error"]["missing"],
        json!(["category", "tiers", "layout", "sessions"])
    );
    let status: EventStatus = sqlx::query_scalar("select status from event where event_id = $1")
        .bind(event)
        .fetch_one(&app.pool)
        .await
        .expect("event");
    assert_eq!(status, EventStatus::Draft);
}

#[tokio::test]
async fn a_session_follows_the_event_layout_until_it_has_its_own() {
    let app = spawn_app().await;
    let token = app.organiser.clone();
    let organisation = app.organisation(&token).await;
    let venue = app.venue(&token, organisation).await;
    let event = app.draft_event(&token, organisation).await;
    let tier = app.tier(&token, event, "Standard", 2000).await;
    let early = app.session(&token, event, venue, 3).await.id("session_id");
    assert_eq!(
        app.put(
            &format!("/api/manage/events/{event}/layout"),
            &token,
            grid_layout(2, 5, tier)
        )
        .await
        .status,
        200
    );
    let own = app
        .put(
            &format!("/api/manage/sessions/{early}/layout"),
            &token,
            grid_layout(1, 4, tier),
        )
        .await;
    assert_eq!(own.status, 200, "{}", own.body);
    let late = app.session(&token, event, venue, 4).await.id("session_id");

    assert_eq!(
        app.put(
            &format!("/api/manage/events/{event}/layout"),
            &token,
            grid_layout(3, 5, tier)
        )
        .await
        .status,
        200
    );
    let early_map = app
        .get(&format!("/api/manage/sessions/{early}/layout"), &token)
        .await;
    let late_map = app
        .get(&format!("/api/manage/sessions/{late}/layout"), &token)
        .await;
    assert_eq!(
        early_map.body["seat_count"], 4,
        "the diverged session keeps its own map"
    );
    assert_eq!(
        late_map.body["seat_count"], 15,
        "the following session takes the new event map"
    );
    assert_eq!(early_map.body["diverged"], true);
    assert_eq!(late_map.body["diverged"], false);
    let sessions = app
        .get(&format!("/api/manage/events/{event}/sessions"), &token)
        .await;
    let own: Vec<bool> = sessions
        .body
        .as_array()
        .expect("sessions")
        .iter()
        .map(|session| session["own_seat_map"].as_bool().expect("own_seat_map"))
        .collect();
    assert_eq!(
        own,
        [true, false],
        "the list says which session has its own map"
    );
}

#[tokio::test]
async fn a_template_lists_its_seat_count_and_opens_with_its_layout() {
    let app = spawn_app().await;
    let token = app.organiser.clone();
    let organisation = app.organisation(&token).await;
    let event = app.draft_event(&token, organisation).await;
    let tier = app.tier(&token, event, "Standard", 2000).await;
    let mut layout = grid_layout(3, 4, tier);
    layout["blocks"].as_array_mut().expect("blocks").push(
        json!({"type": "standing", "id": "FLOOR", "name": "Floor",
            "position": {"x": 0, "y": 400}, "size": {"width": 200, "height": 100},
            "capacity": 150, "tier_id": tier}),
    );
    let created = app
        .post(
            &format!("/api/manage/organisations/{organisation}/seat-map-templates"),
            &token,
            json!({"name": "Small hall", "layout": layout}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["seat_count"], 12);
    assert_eq!(created.body["standing_capacity"], 150);
    let template = created.id("seat_map_template_id");

    let listed = app
        .get(
            &format!("/api/manage/organisations/{organisation}/seat-map-templates"),
            &token,
        )
        .await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert_eq!(listed.body[0]["name"], "Small hall");
    assert_eq!(listed.body[0]["seat_count"], 12);
    assert_eq!(listed.body[0]["standing_capacity"], 150);

    let opened = app
        .get(
            &format!("/api/manage/seat-map-templates/{template}"),
            &token,
        )
        .await;
    assert_eq!(opened.status, 200, "{}", opened.body);
    assert_eq!(opened.body["name"], "Small hall");
    assert_eq!(
        opened.body["layout"]["blocks"][0]["seats"]
            .as_array()
            .map(Vec::len),
        Some(12)
    );

    let stranger = app
        .get(
            &format!("/api/manage/seat-map-templates/{template}"),
            &app.staff,
        )
        .await;
    assert_eq!(stranger.status, 404, "a non-member finds no template");
}
