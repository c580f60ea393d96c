//! Refunds: an organiser returns some or all of an order's tickets; refunded tickets stop
//! scanning, their seats sell again, the money goes back once, discount uses come back.

use reqwest::Method;
use serde_json::{Value, json};
use test_support::oidc::users;
use uuid::Uuid;

use crate::support::{APPROVE, Seeded, SessionSpec, TestApp, guest, seat, spawn_app};

/// A paid order of three seats with a 10% discount, in an organisation `organiser@` runs and
/// `staff@` works for: the session, the order's id and its tickets.
async fn paid_order(app: &TestApp) -> (Seeded, Uuid, Vec<Value>) {
    let session = app.seed(SessionSpec::grid(1, 10)).await;
    app.add_member(session.organisation_id, users::ORGANISER, "organiser")
        .await;
    app.add_member(session.organisation_id, users::STAFF, "staff")
        .await;
    app.discount(
        &session,
        "TENOFF",
        json!({"kind": {"type": "percentage", "percent_bp": 1000}}),
        Some(5),
    )
    .await;
    let seats: Vec<String> = (1..=3).map(|column| seat('A', column)).collect();
    let hold = app.hold(&session, &seats, &guest(1)).await;
    assert_eq!(hold.status, 201, "{}", hold.body);
    let order = app
        .order(
            &hold.str("hold_token"),
            &Uuid::new_v4().to_string(),
            Some("tenoff"),
        )
        .await;
    assert_eq!(order.status, 201, "{}", order.body);
    let order_id = order.id("order_id");
    let paid = app.pay(order_id, APPROVE).await;
    assert_eq!(paid.body["status"], "ticketed", "{}", paid.body);
    let tickets = paid.body["tickets"].as_array().expect("tickets").clone();
    (session, order_id, tickets)
}

async fn refund(
    app: &TestApp,
    token: Option<&str>,
    order_id: Uuid,
    body: Value,
) -> crate::support::Response {
    app.call(
        Method::POST,
        &format!("/api/sales/orders/{order_id}/refunds"),
        token,
        Some(body),
        &[],
    )
    .await
}

fn ticket_id(ticket: &Value) -> String {
    ticket["ticket_id"]
        .as_str()
        .expect("a ticket id")
        .to_owned()
}

#[tokio::test]
async fn an_organiser_refunds_one_ticket_then_the_rest_and_nothing_twice() {
    let app = spawn_app().await;
    let (session, order_id, tickets) = paid_order(&app).await;
    let organiser = app.token(users::ORGANISER).await;
    let staff = app.token(users::STAFF).await;
    let mut announcements = app.listen().await;
    let second = ticket_id(&tickets[1]);

    let one = refund(
        &app,
        Some(&organiser),
        order_id,
        json!({"ticket_ids": [second], "reason": "restricted view"}),
    )
    .await;
    assert_eq!(one.status, 201, "{}", one.body);
    let price = tickets[1]["price_minor"].as_i64().expect("a price");
    assert_eq!(one.body["refund"]["amount_minor"], price);
    assert_eq!(
        one.body["refund"]["status"], "refunded",
        "the sandbox returns money at once"
    );
    assert_eq!(one.body["refund"]["ticket_ids"], json!([second]));
    assert_eq!(one.body["order_status"], "ticketed");

    // The refunded ticket no longer gets in; its seat is for sale again, and said to be.
    let refused = app
        .scan(&staff, tickets[1]["qr"].as_str().expect("qr"), "north-1")
        .await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert_eq!(refused.code(), "ticket_not_valid");
    let again = app.hold(&session, &[seat('A', 2)], &guest(2)).await;
    assert_eq!(again.status, 201, "{}", again.body);
    let freed = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            let (channel, message) = announcements.recv().await.expect("announcements");
            if channel.ends_with("seat-refunds") {
                return message;
            }
        }
    })
    .await
    .expect("the refund is announced to the live seat maps");
    assert_eq!(freed["seat_ids"], json!([seat('A', 2)]));

    // The same request again changes nothing.
    let repeated = refund(
        &app,
        Some(&organiser),
        order_id,
        json!({"ticket_ids": [second], "reason": "restricted view"}),
    )
    .await;
    assert_eq!(repeated.status, 200, "{}", repeated.body);
    assert!(repeated.body["refund"].is_null());
    assert_eq!(repeated.body["refunds"].as_array().map(Vec::len), Some(1));

    let discount_uses = "select uses::bigint from discount_usage";
    assert_eq!(app.count(discount_uses).await, 1);
    let rest = refund(
        &app,
        Some(&organiser),
        order_id,
        json!({"reason": "show moved"}),
    )
    .await;
    assert_eq!(rest.status, 201, "{}", rest.body);
    assert_eq!(rest.body["order_status"], "refunded");
    assert_eq!(
        rest.body["refund"]["ticket_ids"].as_array().map(Vec::len),
        Some(2)
    );
    // Every ticket refunded: the discount's use is given back.
    assert_eq!(app.count(discount_uses).await, 0);
    let nothing = refund(&app, Some(&organiser), order_id, json!({"reason": "again"})).await;
    assert_eq!(nothing.status, 200, "{}", nothing.body);

    // The money returned is exactly what was paid, in two refunds, each returned once.
    let paid: i64 =
        sqlx::query_scalar("select total_minor from purchase_order where order_id = $1")
            .bind(order_id)
            .fetch_one(&app.pool)
            .await
            .expect("the order");
    assert_eq!(
        app.count(
            "select coalesce(sum(amount_minor), 0)::bigint from refund where status = 'refunded'"
        )
        .await,
        paid
    );
    assert_eq!(
        app.count("select count(distinct provider_reference) from refund")
            .await,
        2
    );
    assert_eq!(
        app.count("select count(*) from ticket where status = 'valid'")
            .await,
        0
    );
    assert_eq!(app.seats_sold_twice().await, 0);
}

#[tokio::test]
async fn only_the_events_organisers_refund_and_bad_requests_say_why() {
    let app = spawn_app().await;
    let (session, order_id, _) = paid_order(&app).await;
    for user in [users::STAFF, users::ATTENDEE, users::ORGANISER_2] {
        let token = app.token(user).await;
        let response = refund(&app, Some(&token), order_id, json!({"reason": "mine"})).await;
        assert_eq!(response.status, 404, "{user}: {}", response.body);
    }
    let anonymous = refund(&app, None, order_id, json!({"reason": "mine"})).await;
    assert_eq!(anonymous.status, 401);

    let organiser = app.token(users::ORGANISER).await;
    let foreign = refund(
        &app,
        Some(&organiser),
        order_id,
        json!({"ticket_ids": [Uuid::new_v4()], "reason": "x"}),
    )
    .await;
    assert_eq!(foreign.status, 422, "{}", foreign.body);
    assert_eq!(foreign.field(), "/ticket_ids/0");
    let no_reason = refund(&app, Some(&organiser), order_id, json!({"reason": "  "})).await;
    assert_eq!(no_reason.status, 422, "{}", no_reason.body);
    assert_eq!(no_reason.field(), "/reason");

    // An order never paid has nothing to refund.
    let hold = app.hold(&session, &[seat('A', 9)], &guest(3)).await;
    let pending = app
        .order(&hold.str("hold_token"), &Uuid::new_v4().to_string(), None)
        .await;
    let unpaid = refund(
        &app,
        Some(&organiser),
        pending.id("order_id"),
        json!({"reason": "x"}),
    )
    .await;
    assert_eq!(unpaid.status, 409, "{}", unpaid.body);

    // Nothing of that refunded anything.
    assert_eq!(app.count("select count(*) from refund").await, 0);
    assert_eq!(
        app.count("select count(*) from ticket where status = 'valid'")
            .await,
        3
    );
}

#[tokio::test]
async fn a_cancelled_sessions_orders_are_refunded_exactly_once_however_often_asked() {
    let app = spawn_app().await;
    let session = app.seed(SessionSpec::grid(2, 10)).await;
    app.add_member(session.organisation_id, users::ORGANISER, "organiser")
        .await;
    for buyer in 0..20_u32 {
        let row = if buyer < 10 { 'A' } else { 'B' };
        app.buy(
            &session,
            &[seat(row, buyer % 10 + 1)],
            &guest(buyer as usize),
        )
        .await;
    }
    let organiser = app.token(users::ORGANISER).await;
    let path = format!("/api/sales/sessions/{}/refunds", session.session_id);
    let body = json!({"reason": "the performance is cancelled"});

    // Two refund runs racing (a retry overlapping a slow first attempt).
    let (first, second) = tokio::join!(
        app.call(
            Method::POST,
            &path,
            Some(&organiser),
            Some(body.clone()),
            &[]
        ),
        app.call(
            Method::POST,
            &path,
            Some(&organiser),
            Some(body.clone()),
            &[]
        ),
    );
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(second.status, 200, "{}", second.body);
    let refunded = first.body["refunded_orders"].as_u64().expect("a count")
        + second.body["refunded_orders"].as_u64().expect("a count");
    assert_eq!(refunded, 20, "{} / {}", first.body, second.body);
    assert_eq!(first.body["remaining_orders"], 0);
    assert_eq!(
        app.count("select count(*) from refund").await,
        20,
        "one refund per order"
    );
    assert_eq!(
        app.count("select count(*) from purchase_order where status = 'refunded'")
            .await,
        20
    );
    assert_eq!(
        app.count("select count(*) from ticket where status = 'valid'")
            .await,
        0
    );

    let again = app
        .call(Method::POST, &path, Some(&organiser), Some(body), &[])
        .await;
    assert_eq!(again.body["refunded_orders"], 0, "{}", again.body);
    assert_eq!(app.count("select count(*) from refund").await, 20);
}
