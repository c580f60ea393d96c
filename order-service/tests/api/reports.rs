//! An event's orders and attendees for its organisers, as JSON pages and as CSV; staff are
//! refused, other organisations find nothing, and spreadsheet formulas in buyers' names are
//! defused.

use reqwest::Method;
use serde_json::{Value, json};
use test_support::oidc::users;
use uuid::Uuid;

use crate::support::{APPROVE, Response, Seeded, SessionSpec, TestApp, guest, seat, spawn_app};

async fn get(app: &TestApp, token: Option<&str>, path: &str, accept: &str) -> Response {
    app.call(Method::GET, path, token, None, &[("Accept", accept)])
        .await
}

/// Holds, orders and pays as a guest with the given buyer name: the paid order.
async fn buy_as(app: &TestApp, session: &Seeded, hold: Value, name: &str, email: &str) -> Value {
    let hold = app
        .post(
            &format!("/api/sales/sessions/{}/holds", session.session_id),
            hold,
        )
        .await;
    assert_eq!(hold.status, 201, "{}", hold.body);
    let key = Uuid::new_v4().to_string();
    let order = app
        .call(
            Method::POST,
            "/api/sales/orders",
            None,
            Some(json!({"hold_token": hold.str("hold_token"), "buyer": {"name": name, "email": email}})),
            &[("Idempotency-Key", key.as_str())],
        )
        .await;
    assert_eq!(order.status, 201, "{}", order.body);
    let order_id = order.id("order_id");
    let token = order.str("access_token");
    let paid = app
        .call(
            Method::POST,
            &format!("/api/sales/orders/{order_id}/pay"),
            None,
            Some(json!({"payment_method": APPROVE})),
            &[("Order-Access-Token", token.as_str())],
        )
        .await;
    assert_eq!(paid.body["status"], "ticketed", "{}", paid.body);
    paid.body
}

/// A session with two seats bought by a buyer whose name is a formula, two standing places by
/// another, and a third order left unpaid; one seat checked in at the north gate.
async fn sold_event(app: &TestApp) -> (Seeded, Value, Value) {
    let session = app.seed(SessionSpec::grid(2, 4).with_standing(50)).await;
    app.add_member(session.organisation_id, users::ORGANISER, "organiser")
        .await;
    app.add_member(session.organisation_id, users::STAFF, "staff")
        .await;
    let seats = buy_as(
        app,
        &session,
        json!({"seats": [seat('A', 1), seat('A', 2)], "buyer_id": guest(1)}),
        "=HYPERLINK(\"http://evil.example\",\"Click\")",
        "formula@example.com",
    )
    .await;
    let standing = buy_as(
        app,
        &session,
        json!({"tier_id": session.floor, "quantity": 2, "buyer_id": guest(2)}),
        "Jo Smith, Jr.",
        "jo@example.com",
    )
    .await;
    let hold = app.hold(&session, &[seat('B', 1)], &guest(3)).await;
    let unpaid = app
        .order(&hold.str("hold_token"), &Uuid::new_v4().to_string(), None)
        .await;
    assert_eq!(unpaid.status, 201, "{}", unpaid.body);

    let staff = app.token(users::STAFF).await;
    let qr = seats["tickets"][0]["qr"].as_str().expect("a QR").to_owned();
    let scanned = app.scan(&staff, &qr, "North").await;
    assert_eq!(scanned.status, 200, "{}", scanned.body);
    (session, seats, standing)
}

#[tokio::test]
async fn an_organiser_pages_through_orders_and_filters_them() {
    let app = spawn_app().await;
    let (session, seats, _) = sold_event(&app).await;
    let organiser = app.token(users::ORGANISER).await;
    let event = session.event_id;

    let all = get(
        &app,
        Some(&organiser),
        &format!("/api/sales/events/{event}/orders"),
        "application/json",
    )
    .await;
    assert_eq!(all.status, 200, "{}", all.body);
    assert_eq!(all.body["total"], 3);
    assert_eq!(all.body["per_page"], 50);
    let items = all.body["items"].as_array().expect("items");
    assert_eq!(items.len(), 3);
    // Newest first: the unpaid order was placed last.
    assert_eq!(items[0]["status"], "pending");

    let ticketed = get(
        &app,
        Some(&organiser),
        &format!(
            "/api/sales/events/{event}/orders?status=ticketed&session_id={}&per_page=1&page=2",
            session.session_id
        ),
        "application/json",
    )
    .await;
    assert_eq!(ticketed.status, 200, "{}", ticketed.body);
    assert_eq!(ticketed.body["total"], 2);
    let page = ticketed.body["items"].as_array().expect("items");
    assert_eq!(page.len(), 1);
    // The first ticketed order is on the second page of one.
    assert_eq!(page[0]["order_id"], seats["order_id"]);
    assert_eq!(page[0]["places"], 2);
    assert_eq!(page[0]["total_minor"], 9_000);
    assert_eq!(page[0]["currency"], "EUR");

    let elsewhere = get(
        &app,
        Some(&organiser),
        &format!(
            "/api/sales/events/{event}/orders?session_id={}",
            Uuid::new_v4()
        ),
        "application/json",
    )
    .await;
    assert_eq!(elsewhere.body["total"], 0);

    for query in ["status=shipped", "per_page=500", "page=0"] {
        let refused = get(
            &app,
            Some(&organiser),
            &format!("/api/sales/events/{event}/orders?{query}"),
            "application/json",
        )
        .await;
        assert_eq!(refused.status, 422, "{query}: {}", refused.body);
    }
}

#[tokio::test]
async fn orders_and_attendees_export_as_csv_with_formulas_defused() {
    let app = spawn_app().await;
    let (session, seats, standing) = sold_event(&app).await;
    let organiser = app.token(users::ORGANISER).await;
    let event = session.event_id;

    let orders = app
        .http
        .get(
            app.service
                .url(&format!("/api/sales/events/{event}/orders")),
        )
        .bearer_auth(&organiser)
        .header("Accept", "text/csv")
        .send()
        .await
        .expect("request");
    assert_eq!(orders.status(), 200);
    assert_eq!(orders.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        orders.headers()["content-disposition"],
        format!("attachment; filename=\"orders-{event}.csv\"").as_str()
    );
    let text = orders.text().await.expect("body");
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').split("\r\n").collect();
    assert_eq!(
        lines[0],
        "order_id,session_starts_at,buyer_name,buyer_email,status,places,currency,subtotal,discount,total,discount_code,ordered_at,paid_at"
    );
    assert_eq!(
        lines.len(),
        5,
        "a header, three orders and the final line break"
    );
    let formula_row = lines
        .iter()
        .find(|line| line.starts_with(seats["order_id"].as_str().expect("id")))
        .expect("the formula buyer's order");
    assert!(
        formula_row.contains(",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"Click\"\")\",formula@example.com,ticketed,2,EUR,90.00,0.00,90.00,,"),
        "{formula_row}"
    );
    assert!(text.contains(",\"Jo Smith, Jr.\",jo@example.com,ticketed,2,EUR,60.00,"));

    let attendees = get(
        &app,
        Some(&organiser),
        &format!("/api/sales/events/{event}/attendees"),
        "text/csv",
    )
    .await;
    assert_eq!(attendees.status, 200);
    let text = attendees.body.as_str().expect("CSV text");
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').split("\r\n").collect();
    assert_eq!(
        lines[0],
        "order_id,ticket_id,session_starts_at,buyer_name,buyer_email,ticket_holder,seat,block,tier,price_paid,currency,status,checked_in,checked_in_at,gate"
    );
    assert_eq!(lines.len(), 6, "four tickets");
    let checked = seats["tickets"][0]["ticket_id"].as_str().expect("id");
    let row = lines
        .iter()
        .find(|line| line.contains(checked))
        .expect("the checked-in ticket");
    assert!(
        row.contains(",A1,stalls,Stalls,45.00,EUR,valid,yes,"),
        "{row}"
    );
    assert!(row.ends_with(",North"), "{row}");
    let floor = standing["tickets"][0]["ticket_id"].as_str().expect("id");
    let row = lines
        .iter()
        .find(|line| line.contains(floor))
        .expect("a standing ticket");
    assert!(
        row.contains(",Floor,floor,Floor,30.00,EUR,valid,no,,"),
        "{row}"
    );
}

#[tokio::test]
async fn attendees_come_one_ticket_a_row_with_labels_and_check_ins() {
    let app = spawn_app().await;
    let (session, seats, _) = sold_event(&app).await;
    let organiser = app.token(users::ORGANISER).await;
    let event = session.event_id;

    let page = get(
        &app,
        Some(&organiser),
        &format!("/api/sales/events/{event}/attendees?status=valid"),
        "application/json",
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.body["total"], 4);
    let items = page.body["items"].as_array().expect("items");
    let seated: Vec<&Value> = items
        .iter()
        .filter(|item| item["order_id"] == seats["order_id"])
        .collect();
    assert_eq!(seated.len(), 2);
    let labels: Vec<&str> = seated
        .iter()
        .filter_map(|item| item["place_label"].as_str())
        .collect();
    assert_eq!(labels, ["A1", "A2"]);
    assert_eq!(seated[0]["tier_name"], "Stalls");
    assert_eq!(seated[0]["price_minor"], 4_500);
    assert_eq!(seated[0]["buyer_email"], "formula@example.com");
    assert_eq!(
        items
            .iter()
            .filter(|item| item["checked_in_at"].is_string())
            .count(),
        1
    );

    let refunded = get(
        &app,
        Some(&organiser),
        &format!("/api/sales/events/{event}/attendees?status=refunded"),
        "application/json",
    )
    .await;
    assert_eq!(refunded.body["total"], 0);
}

#[tokio::test]
async fn staff_are_refused_and_other_organisations_find_nothing() {
    let app = spawn_app().await;
    let (session, _, _) = sold_event(&app).await;
    let event = session.event_id;
    for path in [
        format!("/api/sales/events/{event}/orders"),
        format!("/api/sales/events/{event}/attendees"),
    ] {
        let staff = app.token(users::STAFF).await;
        let other = app.token(users::ORGANISER_2).await;
        let attendee = app.token(users::ATTENDEE).await;
        let admin = app.token(users::ADMIN).await;
        assert_eq!(
            get(&app, Some(&staff), &path, "text/csv").await.status,
            403,
            "{path}"
        );
        assert_eq!(
            get(&app, Some(&other), &path, "text/csv").await.status,
            404,
            "{path}"
        );
        assert_eq!(
            get(&app, Some(&attendee), &path, "application/json")
                .await
                .status,
            404,
            "{path}"
        );
        assert_eq!(
            get(&app, None, &path, "application/json").await.status,
            401,
            "{path}"
        );
        assert_eq!(
            get(&app, Some(&admin), &path, "application/json")
                .await
                .status,
            200,
            "{path}"
        );
    }
    let organiser = app.token(users::ORGANISER).await;
    let unknown = get(
        &app,
        Some(&organiser),
        &format!("/api/sales/events/{}/orders", Uuid::new_v4()),
        "application/json",
    )
    .await;
    assert_eq!(unknown.status, 404);
}
