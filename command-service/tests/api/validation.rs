//! Bad input gets a 4xx naming the field, and nothing is half-written.

use reqwest::Method;
use serde_json::json;
use shared_dto::status::{EventStatus, SessionStatus};
use uuid::Uuid;

use crate::support::{TestApp, grid_layout, spawn_app};

async fn event_with_tier(app: &TestApp) -> (Uuid, Uuid, Uuid) {
    let organisation = app.organisation(&app.organiser).await;
    let event = app.draft_event(&app.organiser, organisation).await;
    let tier = app.tier(&app.organiser, event, "Stalls", 3000).await;
    (organisation, event, tier)
}

#[tokio::test]
async fn malformed_json_is_a_400_and_unknown_fields_a_422_naming_the_field() {
    let app = spawn_app().await;
    let organisations_before = app.count("organisation").await;
    let response = app
        .http
        .post(app.service.url("/api/manage/organisations"))
        .bearer_auth(&app.organiser)
        .header("content-type", "application/json")
        .body(r#"{"name": "Unclosed"#)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["error"]["code"], "malformed_json");

    let unknown = app
        .post(
            "/api/manage/organisations",
            &app.organiser,
            json!({"name": "Acme", "colour": "red"}),
        )
        .await;
    assert_eq!(unknown.status, 422);
    assert_eq!(unknown.field(), "/colour");
    assert_eq!(app.count("organisation").await, organisations_before);
}

#[tokio::test]
async fn layout_errors_name_the_offending_seat_and_store_nothing() {
    let app = spawn_app().await;
    let (_, event, tier) = event_with_tier(&app).await;
    let path = format!("/api/manage/events/{event}/layout");

    let mut duplicate = grid_layout(2, 3, tier);
    duplicate["blocks"][0]["seats"][4]["id"] = duplicate["blocks"][0]["seats"][1]["id"].clone();
    let response = app.put(&path, &app.organiser, duplicate).await;
    assert_eq!(response.status, 422, "{}", response.body);
    assert_eq!(response.code(), "invalid_layout");
    assert_eq!(response.field(), "/blocks/0/seats/4/id");

    let mut unknown_tier = grid_layout(2, 3, tier);
    unknown_tier["blocks"][0]["seats"][2]["tier_id"] = json!(Uuid::new_v4());
    let response = app.put(&path, &app.organiser, unknown_tier).await;
    assert_eq!(response.status, 422, "{}", response.body);
    assert_eq!(response.field(), "/blocks/0/seats/2/tier_id");

    let mut wrong_type = grid_layout(2, 3, tier);
    wrong_type["blocks"][0]["rows"] = json!("two");
    let response = app.put(&path, &app.organiser, wrong_type).await;
    assert_eq!(response.status, 422, "{}", response.body);
    assert_eq!(response.field(), "/blocks/0/rows");

    let response = app
        .put(&path, &app.organiser, grid_layout(400, 251, tier))
        .await;
    assert_eq!(
        response.status, 422,
        "over 100,000 seats: {}",
        response.body["error"]["code"]
    );
    assert_eq!(
        response.body["error"]["errors"][0]["code"],
        "too_many_seats"
    );

    assert_eq!(app.count("event_layout").await, 0, "no layout was stored");
}

#[tokio::test]
async fn an_oversize_layout_body_is_a_413() {
    let app = spawn_app().await;
    let (_, event, _) = event_with_tier(&app).await;
    let padding = "x".repeat(shared_dto::layout::MAX_LAYOUT_BYTES + 1);
    let response = app
        .put(
            &format!("/api/manage/events/{event}/layout"),
            &app.organiser,
            json!({"padding": padding}),
        )
        .await;
    assert_eq!(response.status, 413);
    assert_eq!(response.code(), "payload_too_large");
}

#[tokio::test]
async fn a_bad_currency_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let (_, event, _) = event_with_tier(&app).await;
    let path = format!("/api/manage/events/{event}/tiers");
    for currency in ["EURO", "eur", "XYZ"] {
        let response = app
            .post(&path, &app.organiser, json!({"name": "Bad", "colour": "#000000", "price_minor": 100, "currency": currency}))
            .await;
        assert_eq!(response.status, 422, "{currency}: {}", response.body);
        assert_eq!(response.field(), "/currency");
    }
    let mixed = app
        .post(
            &path,
            &app.organiser,
            json!({"name": "Dollars", "colour": "#000000", "price_minor": 100, "currency": "USD"}),
        )
        .await;
    assert_eq!(mixed.status, 422, "one currency per event: {}", mixed.body);
    assert_eq!(app.count("tier").await, 1);
}

#[tokio::test]
async fn illegal_status_transitions_are_409_and_change_nothing() {
    let app = spawn_app().await;
    let (organisation, event, _) = event_with_tier(&app).await;
    let venue = app.venue(&app.organiser, organisation).await;
    let session = app
        .session(&app.organiser, event, venue, 5)
        .await
        .id("session_id");
    let path = format!("/api/manage/sessions/{session}/status");

    let skip = app
        .post(&path, &app.organiser, json!({"status": "CLOSED"}))
        .await;
    assert_eq!(skip.status, 409, "{}", skip.body);
    assert_eq!(skip.code(), "illegal_transition");
    let sold_out = app
        .post(&path, &app.organiser, json!({"status": "SOLD_OUT"}))
        .await;
    assert_eq!(sold_out.status.as_u16() / 100, 4, "{}", sold_out.body);
    let unpublished = app
        .post(&path, &app.organiser, json!({"status": "ON_SALE"}))
        .await;
    assert_eq!(
        unpublished.status, 409,
        "sales need a published event: {}",
        unpublished.body
    );
    let bogus = app
        .post(&path, &app.organiser, json!({"status": "PAUSED"}))
        .await;
    assert_eq!(bogus.status, 422);
    assert_eq!(bogus.field(), "/status");

    assert_eq!(
        app.post(&path, &app.organiser, json!({"status": "CANCELLED"}))
            .await
            .status,
        200
    );
    let revived = app
        .post(&path, &app.organiser, json!({"status": "ON_SALE"}))
        .await;
    assert_eq!(revived.status, 409);
    let status: SessionStatus =
        sqlx::query_scalar("select status from session where session_id = $1")
            .bind(session)
            .fetch_one(&app.pool)
            .await
            .expect("session");
    assert_eq!(status, SessionStatus::Cancelled);
}

#[tokio::test]
async fn bad_session_times_and_duplicate_discount_codes_are_refused() {
    let app = spawn_app().await;
    let (organisation, event, tier) = event_with_tier(&app).await;
    let venue = app.venue(&app.organiser, organisation).await;
    let backwards = app
        .post(
            &format!("/api/manage/events/{event}/sessions"),
            &app.organiser,
            json!({"venue_id": venue, "mode": "physical", "starts_at": "2027-06-01T20:00:00Z",
                   "ends_at": "2027-06-01T18:00:00Z", "sales_start_at": "2027-01-01T00:00:00Z",
                   "sales_end_at": "2027-06-01T17:00:00Z"}),
        )
        .await;
    assert_eq!(backwards.status, 422);
    assert_eq!(backwards.field(), "/ends_at");
    assert_eq!(app.count("session").await, 0);

    let path = format!("/api/manage/events/{event}/discounts");
    let rule = json!({"kind": {"type": "flat", "amount_minor": 500, "currency": "EUR"}, "tier_ids": [tier]});
    assert_eq!(
        app.post(
            &path,
            &app.organiser,
            json!({"code": "EARLY5", "rule": rule})
        )
        .await
        .status,
        201
    );
    let duplicate = app
        .post(
            &path,
            &app.organiser,
            json!({"code": " early5 ", "rule": rule}),
        )
        .await;
    assert_eq!(
        duplicate.status, 409,
        "codes are case-insensitive: {}",
        duplicate.body
    );
    let over = app
        .post(
            &path,
            &app.organiser,
            json!({"code": "HUGE", "rule": {"kind": {"type": "percentage", "percent_bp": 12000}}}),
        )
        .await;
    assert_eq!(over.status, 422);
    assert!(over.field().starts_with("/rule"), "{}", over.body);
    assert_eq!(app.count("discount").await, 1);

    let gone = app
        .call(
            Method::DELETE,
            &format!("/api/manage/tiers/{tier}"),
            Some(&app.organiser),
            None,
        )
        .await;
    assert_eq!(gone.status, 204, "an unused tier can be deleted");
}

#[tokio::test]
async fn a_tier_in_use_by_a_seat_map_cannot_be_deleted() {
    let app = spawn_app().await;
    let (_, event, tier) = event_with_tier(&app).await;
    assert_eq!(
        app.put(
            &format!("/api/manage/events/{event}/layout"),
            &app.organiser,
            grid_layout(2, 2, tier)
        )
        .await
        .status,
        200
    );
    let response = app
        .call(
            Method::DELETE,
            &format!("/api/manage/tiers/{tier}"),
            Some(&app.organiser),
            None,
        )
        .await;
    assert_eq!(response.status, 409);
    assert_eq!(response.code(), "tier_in_use");
    assert_eq!(app.count("tier").await, 1);
}

#[tokio::test]
async fn nul_characters_are_refused_naming_the_field_and_store_nothing() {
    let app = spawn_app().await;
    let (organisation, event, tier) = event_with_tier(&app).await;
    let organisations = app.count("organisation").await;
    let cases = [
        (
            Method::POST,
            "/api/manage/organisations".to_owned(),
            json!({"name": "Acme\u{0}"}),
            "/name",
        ),
        (
            Method::POST,
            "/api/manage/venues".to_owned(),
            json!({"organisation_id": organisation, "name": "Hall", "address_line": "1 Road\u{0}",
                   "city": "Bristol", "country": "GB", "latitude": 51.4, "longitude": -2.5,
                   "timezone": "Europe/London"}),
            "/address_line",
        ),
        (
            Method::PATCH,
            format!("/api/manage/events/{event}"),
            json!({"title": "Night\u{0}"}),
            "/title",
        ),
        (
            Method::PATCH,
            format!("/api/manage/tiers/{tier}"),
            json!({"name": "Stalls\u{0}"}),
            "/name",
        ),
    ];
    for (method, path, body, field) in cases {
        let response = app
            .call(method, &path, Some(&app.organiser), Some(body))
            .await;
        assert_eq!(response.status, 422, "{path}: {}", response.body);
        assert_eq!(response.field(), field, "{path}: {}", response.body);
    }
    let mut layout = grid_layout(1, 2, tier);
    layout["blocks"][0]["seats"][1]["id"] = json!("A\u{0}2");
    let response = app
        .put(
            &format!("/api/manage/events/{event}/layout"),
            &app.organiser,
            layout,
        )
        .await;
    assert_eq!(response.status, 422, "{}", response.body);
    assert_eq!(response.field(), "/blocks/0/seats/1/id");
    assert_eq!(app.count("organisation").await, organisations);
    assert_eq!(app.count("venue").await, 0);
    assert_eq!(app.count("event_layout").await, 0);
}

#[tokio::test]
async fn a_venue_needs_a_time_zone_of_the_tz_database() {
    let app = spawn_app().await;
    let organisation = app.organisation(&app.organiser).await;
    let venue = |timezone: &str| {
        json!({"organisation_id": organisation, "name": "Hall", "address_line": "1 Road",
               "city": "Bristol", "country": "GB", "latitude": 51.4, "longitude": -2.5,
               "timezone": timezone})
    };
    for timezone in ["Mars/Olympus", "Europe/Londn", "GMT+25", ""] {
        let response = app
            .post("/api/manage/venues", &app.organiser, venue(timezone))
            .await;
        assert_eq!(response.status, 422, "{timezone}: {}", response.body);
        assert_eq!(response.field(), "/timezone");
    }
    assert_eq!(app.count("venue").await, 0);
    for timezone in ["Europe/London", "America/Argentina/Buenos_Aires", "UTC"] {
        let response = app
            .post("/api/manage/venues", &app.organiser, venue(timezone))
            .await;
        assert_eq!(response.status, 201, "{timezone}: {}", response.body);
        assert_eq!(response.body["timezone"], timezone);
    }
}

#[tokio::test]
async fn every_refusal_is_json_naming_the_field_in_plain_words() {
    let app = spawn_app().await;
    let organisation = app.organisation(&app.organiser).await;

    let missing = app
        .post(
            "/api/manage/venues",
            &app.organiser,
            json!({"organisation_id": organisation, "name": "Hall"}),
        )
        .await;
    assert_eq!(missing.status, 422, "{}", missing.body);
    assert_eq!(missing.field(), "/address_line");
    let message = missing.body["error"]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(!message.contains("struct"), "{message}");

    let wrong_shape = app
        .post("/api/manage/venues", &app.organiser, json!(["a venue"]))
        .await;
    assert_eq!(wrong_shape.status, 422, "{}", wrong_shape.body);
    let message = wrong_shape.body["error"]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(!message.contains("CreateVenue"), "{message}");

    let bad_id = app
        .get("/api/manage/events/not-a-uuid", &app.organiser)
        .await;
    assert_eq!(bad_id.status, 400, "{}", bad_id.body);
    assert_eq!(bad_id.code(), "invalid_parameter");
    assert_eq!(bad_id.field(), "id");

    for (query, parameter) in [
        ("page=-1", "page"),
        ("page=1&page=2", "page"),
        ("status=bogus", "status"),
    ] {
        let response = app
            .get(&format!("/api/manage/events?{query}"), &app.organiser)
            .await;
        assert_eq!(response.status, 400, "{query}: {}", response.body);
        assert_eq!(response.field(), parameter, "{query}: {}", response.body);
    }

    let wrong_method = app
        .call(
            Method::PUT,
            "/api/manage/organisations",
            Some(&app.organiser),
            Some(json!({})),
        )
        .await;
    assert_eq!(wrong_method.status, 405, "{}", wrong_method.body);
    assert_eq!(wrong_method.code(), "method_not_allowed");
}

#[tokio::test]
async fn a_cancelled_event_cancels_its_sessions_and_takes_no_more_changes() {
    let app = spawn_app().await;
    let (organisation, event, tier) = event_with_tier(&app).await;
    let venue = app.venue(&app.organiser, organisation).await;
    let session = app
        .session(&app.organiser, event, venue, 5)
        .await
        .id("session_id");

    let cancelled = app
        .post(
            &format!("/api/manage/events/{event}/cancel"),
            &app.organiser,
            json!({}),
        )
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    assert_eq!(cancelled.body["status"], EventStatus::Cancelled.as_str());
    let again = app
        .post(
            &format!("/api/manage/events/{event}/cancel"),
            &app.organiser,
            json!({}),
        )
        .await;
    assert_eq!(
        again.status, 200,
        "cancelling twice is harmless: {}",
        again.body
    );
    let session_now = app
        .get(&format!("/api/manage/sessions/{session}"), &app.organiser)
        .await;
    assert_eq!(
        session_now.body["status"],
        SessionStatus::Cancelled.as_str()
    );

    let refusals = [
        app.session(&app.organiser, event, venue, 6).await,
        app.patch(
            &format!("/api/manage/events/{event}"),
            &app.organiser,
            json!({"title": "Another night"}),
        )
        .await,
        app.put(
            &format!("/api/manage/events/{event}/layout"),
            &app.organiser,
            grid_layout(2, 2, tier),
        )
        .await,
        app.post(
            &format!("/api/manage/events/{event}/publish"),
            &app.organiser,
            json!({}),
        )
        .await,
    ];
    for refusal in refusals {
        assert_eq!(refusal.status, 409, "{}", refusal.body);
        assert_eq!(refusal.code(), "event_closed", "{}", refusal.body);
    }
    assert_eq!(app.count("session").await, 1, "no session was added");
    assert_eq!(app.count("event_layout").await, 0, "no layout was stored");
    let unchanged = app
        .get(&format!("/api/manage/events/{event}"), &app.organiser)
        .await;
    assert_eq!(unchanged.body["title"], "Night at the Harbour");
}

#[tokio::test]
async fn waiting_room_settings_are_kept_checked_per_field_and_refused_once_a_session_is_cancelled()
{
    let app = spawn_app().await;
    let (organisation, event, _) = event_with_tier(&app).await;
    let venue = app.venue(&app.organiser, organisation).await;
    let session = app
        .session(&app.organiser, event, venue, 5)
        .await
        .id("session_id");
    let path = format!("/api/manage/sessions/{session}/waiting-room");

    let unset = app.get(&path, &app.organiser).await;
    assert_eq!(unset.status, 200, "{}", unset.body);
    assert_eq!(unset.body["enabled"], false);
    assert_eq!(unset.body["admit_per_minute"], 500);

    let set = app
        .put(
            &path,
            &app.organiser,
            json!({"enabled": true, "admit_per_minute": 1200, "pass_minutes": 5}),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.body);
    let stored = app.get(&path, &app.organiser).await;
    assert_eq!(stored.body["enabled"], true);
    assert_eq!(stored.body["admit_per_minute"], 1200);
    assert_eq!(stored.body["opens_minutes_before_sale"], 30);
    assert_eq!(stored.body["pass_minutes"], 5);

    let out_of_range = app
        .put(
            &path,
            &app.organiser,
            json!({"enabled": true, "pass_minutes": 0}),
        )
        .await;
    assert_eq!(out_of_range.status, 422, "{}", out_of_range.body);
    assert_eq!(out_of_range.field(), "/pass_minutes");

    let cancel = app
        .post(
            &format!("/api/manage/sessions/{session}/status"),
            &app.organiser,
            json!({"status": "CANCELLED"}),
        )
        .await;
    assert_eq!(cancel.status, 200, "{}", cancel.body);
    let closed = app
        .put(&path, &app.organiser, json!({"enabled": false}))
        .await;
    assert_eq!(closed.status, 409, "{}", closed.body);
    assert_eq!(closed.code(), "session_closed");
    assert_eq!(app.get(&path, &app.organiser).await.body["enabled"], true);
}
