//! `GET /api/catalog/events/{id}` and `/sessions`.

use crate::support::*;

#[tokio::test]
async fn a_published_event_shows_everything_but_internals() {
    let app = CatalogApp::spawn().await;
    let show = event("Harbour Lights")
        .description("Songs by the water")
        .sessions(vec![
            session(BATH, 9 * DAY_MS),
            session(BRISTOL, 2 * DAY_MS),
            cancelled(session(LONDON, 5 * DAY_MS)),
        ])
        .build();
    app.insert_events(std::slice::from_ref(&show)).await;

    let reply = app
        .get(&format!("/api/catalog/events/{}", show.event_id))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let detail = &reply.body;
    assert_eq!(detail["event_id"], show.event_id.as_str());
    assert_eq!(detail["title"], "Harbour Lights");
    assert_eq!(detail["description"], "Songs by the water");
    assert_eq!(detail["status"], "published");
    assert_eq!(detail["organisation_id"], ORGANISATION_ID);
    assert_eq!(detail["tiers"].as_array().map(Vec::len), Some(2));
    assert_eq!(detail["tiers"][0]["price_minor"], 1500);
    assert!(detail["published_at"].is_string());
    for internal in ["search_text", "cities", "_id", "versions"] {
        assert!(
            detail.get(internal).is_none(),
            "{internal} leaked: {detail}"
        );
    }
    let cities: Vec<&str> = detail["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .filter_map(|session| session["venue"]["city"].as_str())
        .collect();
    assert_eq!(cities, ["Bristol", "London", "Bath"], "ordered by start");
    let bristol = &detail["sessions"][0];
    assert_eq!(bristol["status"], "ON_SALE");
    assert_eq!(bristol["sales_open"], true);
    assert_eq!(bristol["venue"]["latitude"], 51.4545);
    assert_eq!(bristol["available"], 200);
    assert_eq!(detail["sessions"][1]["sales_open"], false, "cancelled");

    let sessions = app
        .get(&format!("/api/catalog/events/{}/sessions", show.event_id))
        .await;
    assert_eq!(sessions.status, 200, "{}", sessions.body);
    assert_eq!(sessions.body["event_id"], show.event_id.as_str());
    assert_eq!(sessions.body["sessions"], detail["sessions"]);
    app.stop().await;
}

#[tokio::test]
async fn drafts_and_unknown_events_are_not_found() {
    let app = CatalogApp::spawn().await;
    let draft = event("Secret Draft").status("draft").build();
    let cancelled_event = event("Called Off").status("cancelled").build();
    app.insert_events(&[draft.clone(), cancelled_event.clone()])
        .await;

    for path in [
        format!("/api/catalog/events/{}", draft.event_id),
        format!("/api/catalog/events/{}/sessions", draft.event_id),
        "/api/catalog/events/no-such-event".to_owned(),
        "/api/catalog/events/no-such-event/sessions".to_owned(),
    ] {
        let reply = app.get(&path).await;
        assert_eq!(reply.status, 404, "{path}: {}", reply.body);
        assert_eq!(reply.body["error"]["code"], "not_found");
    }

    // Ticket holders can still look up a cancelled event.
    let reply = app
        .get(&format!("/api/catalog/events/{}", cancelled_event.event_id))
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["status"], "cancelled");
    app.stop().await;
}

#[tokio::test]
async fn the_openapi_document_describes_the_catalogue() {
    let app = CatalogApp::spawn().await;
    let document = app.get("/openapi.json").await.body;
    let search = &document["paths"]["/api/catalog/events"]["get"];
    let parameters: Vec<&str> = search["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .filter_map(|parameter| parameter["name"].as_str())
        .collect();
    for name in [
        "q",
        "category",
        "city",
        "from",
        "to",
        "min_price",
        "max_price",
        "near",
        "radius_km",
        "sort",
        "page",
        "per_page",
    ] {
        assert!(parameters.contains(&name), "{name} in {parameters:?}");
    }
    assert!(search["responses"]["422"].is_object());
    for path in [
        "/api/catalog/events/{id}",
        "/api/catalog/events/{id}/sessions",
        "/api/catalog/trending",
    ] {
        assert!(document["paths"][path]["get"].is_object(), "{path}");
    }
    let sales = &document["paths"]["/api/catalog/events/{id}/sales"]["get"];
    assert!(sales["security"][0]["bearer"].is_array(), "{sales}");
    assert!(document["components"]["securitySchemes"]["bearer"].is_object());
    assert!(document["components"]["schemas"]["EventSummary"].is_object());
    app.stop().await;
}
