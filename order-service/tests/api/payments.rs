//! Payments: tickets and announcements on success, declines, delayed settlement, Stripe
//! webhooks, and payments that arrive after their hold ran out.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use shared_dto::ticket_qr;
use test_support::oidc::users;
use uuid::Uuid;

use crate::support::{
    APPROVE, DECLINE, FakeStripe, Options, SETTLES_LATER, SessionSpec, TestApp, eventually, guest,
    seat, spawn_app, spawn_with, stripe_signature,
};

#[tokio::test]
async fn paying_issues_a_signed_ticket_per_place_and_announces_the_sale() {
    let app = spawn_app().await;
    let session = app.seed(SessionSpec::grid(1, 10).with_standing(20)).await;
    let mut announcements = app.listen().await;
    let hold = app
        .post(
            &format!("/api/sales/sessions/{}/holds", session.session_id),
            json!({"seats": [seat('A', 1), seat('A', 2)],
                   "standing": [{"block_id": "floor", "quantity": 2}],
                   "buyer_id": guest(1)}),
        )
        .await;
    assert_eq!(hold.status, 201, "{}", hold.body);
    let order = app
        .order(&hold.str("hold_token"), &Uuid::new_v4().to_string(), None)
        .await;
    let paid = app.pay(order.id("order_id"), APPROVE).await;
    assert_eq!(paid.status, 200, "{}", paid.body);
    assert_eq!(paid.body["status"], "ticketed");
    assert_eq!(paid.body["total_minor"], 2 * 4_500 + 2 * 3_000);

    let key = app
        .call(
            Method::GET,
            "/api/sales/ticket-signing-key",
            None,
            None,
            &[],
        )
        .await;
    assert_eq!(key.body["algorithm"], "Ed25519");
    let public_key = ticket_qr::decode_public_key(&key.str("public_key")).expect("a key");
    let tickets = paid.body["tickets"].as_array().expect("tickets");
    assert_eq!(tickets.len(), 4);
    for ticket in tickets {
        let claims = ticket_qr::verify(ticket["qr"].as_str().expect("qr"), &public_key)
            .expect("the code verifies offline");
        assert_eq!(
            claims.ticket_id.to_string(),
            ticket["ticket_id"].as_str().expect("id")
        );
        assert_eq!(claims.holder_name, "Grace Hopper");
        assert_eq!(claims.seat_id.as_deref(), ticket["seat_id"].as_str());
    }

    // The seats now show as sold: announced, and their hold keys gone.
    let mut sold = None;
    let mut kinds = Vec::new();
    while sold.is_none() || kinds.len() < 2 {
        let (channel, message) = tokio::time::timeout(Duration::from_secs(5), announcements.recv())
            .await
            .expect("an announcement")
            .expect("the channel is open");
        if channel == app.keys.sales_channel() {
            sold = Some(message);
        } else {
            kinds.push(message["kind"].as_str().unwrap_or_default().to_owned());
        }
    }
    let sold = sold.expect("seats sold");
    assert_eq!(sold["session_id"], session.session_id.to_string());
    assert_eq!(sold["seat_ids"], json!([seat('A', 1), seat('A', 2)]));
    assert_eq!(
        sold["standing"],
        json!([{"block_id": "floor", "quantity": 2}])
    );
    assert_eq!(kinds, ["order_paid", "tickets_issued"]);
    assert!(app.held_seats(&session).await.is_empty());
    assert_eq!(app.seats_sold_twice().await, 0);

    // Paying again changes nothing.
    let again = app.pay(order.id("order_id"), APPROVE).await;
    assert_eq!(again.status, 200);
    assert_eq!(app.count("select count(*) from ticket").await, 4);
}

#[tokio::test]
async fn a_declined_card_is_402_and_another_card_may_pay() {
    let app = spawn_app().await;
    let session = app.seed(SessionSpec::grid(1, 10)).await;
    let hold = app.hold(&session, &[seat('A', 3)], &guest(1)).await;
    let order = app
        .order(&hold.str("hold_token"), &Uuid::new_v4().to_string(), None)
        .await;
    let order_id = order.id("order_id");

    let declined = app.pay(order_id, DECLINE).await;
    assert_eq!(declined.status, 402, "{}", declined.body);
    assert_eq!(declined.code(), "payment_declined");
    assert_eq!(declined.body["error"]["decline_code"], "card_declined");
    assert_eq!(app.order_status(order_id).await, "pending");

    let paid = app.pay(order_id, APPROVE).await;
    assert_eq!(paid.status, 200, "{}", paid.body);
    assert_eq!(paid.body["status"], "ticketed");
    let statuses: Vec<&str> = paid.body["payments"]
        .as_array()
        .expect("payments")
        .iter()
        .filter_map(|payment| payment["status"].as_str())
        .collect();
    assert_eq!(statuses, ["failed", "succeeded"]);
}

#[tokio::test]
async fn a_payment_that_settles_later_tickets_the_order_in_the_background() {
    let app = spawn_with(Options {
        sandbox_settle_delay_ms: 1_500,
        ..Options::default()
    })
    .await;
    let session = app.seed(SessionSpec::grid(1, 10)).await;
    let hold = app.hold(&session, &[seat('A', 4)], &guest(1)).await;
    let order = app
        .order(&hold.str("hold_token"), &Uuid::new_v4().to_string(), None)
        .await;
    let order_id = order.id("order_id");

    let processing = app.pay(order_id, SETTLES_LATER).await;
    assert_eq!(processing.status, 200, "{}", processing.body);
    assert_eq!(processing.body["status"], "pending");
    assert_eq!(processing.body["payments"][0]["status"], "processing");
    let in_progress = app.pay(order_id, APPROVE).await;
    assert_eq!(in_progress.status, 409, "{}", in_progress.body);
    assert_eq!(in_progress.code(), "payment_in_progress");

    eventually(
        "the payment settles and the order is ticketed",
        10,
        || async { app.order_status(order_id).await == "ticketed" },
    )
    .await;
    assert_eq!(app.count("select count(*) from ticket").await, 1);
}

/// An order whose Stripe payment is still processing when its short hold runs out.
async fn order_paying_late(app: &TestApp, seat_id: &str, buyer: usize) -> (Uuid, String) {
    let session = app.seed(SessionSpec::grid(1, 10)).await;
    let hold = app.hold(&session, &[seat_id], &guest(buyer)).await;
    assert_eq!(hold.status, 201, "{}", hold.body);
    let order = app
        .order(&hold.str("hold_token"), &Uuid::new_v4().to_string(), None)
        .await;
    let order_id = order.id("order_id");
    let processing = app.pay(order_id, "pm_processing").await;
    assert_eq!(processing.status, 200, "{}", processing.body);
    assert_eq!(
        processing.body["client_secret"]
            .as_str()
            .map(|s| s.ends_with("_secret")),
        Some(true)
    );
    eventually("the order's hold runs out", 10, || async {
        app.order_status(order_id).await == "expired"
    })
    .await;
    let intent: String =
        sqlx::query_scalar("select provider_reference from payment where order_id = $1")
            .bind(order_id)
            .fetch_one(&app.pool)
            .await
            .expect("the intent");
    (order_id, intent)
}

async fn send_webhook(app: &TestApp, event: &str) -> crate::support::Response {
    let signature = stripe_signature(event, chrono::Utc::now().timestamp());
    let response = app
        .http
        .post(app.service.url("/api/sales/payments/stripe/webhook"))
        .header("Stripe-Signature", signature)
        .header("Content-Type", "application/json")
        .body(event.to_owned())
        .send()
        .await
        .expect("webhook");
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    crate::support::Response { status, body }
}

#[tokio::test]
async fn a_late_payment_completes_the_sale_when_the_seat_is_still_free() {
    let stripe = FakeStripe::start().await;
    let app = spawn_with(Options {
        hold_ttl_secs: 3,
        stripe: Some(stripe.url.clone()),
        ..Options::default()
    })
    .await;
    let (order_id, intent) = order_paying_late(&app, &seat('A', 1), 1).await;

    let delivered = send_webhook(&app, &stripe.succeed(&intent)).await;
    assert_eq!(delivered.status, 200, "{}", delivered.body);
    assert_eq!(app.order_status(order_id).await, "ticketed");
    assert_eq!(
        app.count("select count(*) from ticket where status = 'valid'")
            .await,
        1
    );
    assert!(stripe.refunds().is_empty());

    // Stripe delivers events at least once: a repeat changes nothing.
    let repeated = send_webhook(&app, &stripe.succeed(&intent)).await;
    assert_eq!(repeated.status, 200);
    assert_eq!(app.count("select count(*) from ticket").await, 1);
}

#[tokio::test]
async fn a_late_payment_is_refunded_when_the_seat_was_sold_meanwhile() {
    let stripe = FakeStripe::start().await;
    let app = spawn_with(Options {
        hold_ttl_secs: 3,
        stripe: Some(stripe.url.clone()),
        ..Options::default()
    })
    .await;
    let (late_order, intent) = order_paying_late(&app, &seat('A', 1), 1).await;
    let session_id: Uuid =
        sqlx::query_scalar("select session_id from purchase_order where order_id = $1")
            .bind(late_order)
            .fetch_one(&app.pool)
            .await
            .expect("session");

    // Someone else buys the seat once the first hold has run out.
    let hold = app
        .post(
            &format!("/api/sales/sessions/{session_id}/holds"),
            json!({"seats": [seat('A', 1)], "buyer_id": guest(2)}),
        )
        .await;
    assert_eq!(hold.status, 201, "{}", hold.body);
    let order = app
        .order(&hold.str("hold_token"), &Uuid::new_v4().to_string(), None)
        .await;
    let paid = app.pay(order.id("order_id"), "pm_card_visa").await;
    assert_eq!(paid.body["status"], "ticketed", "{}", paid.body);

    let delivered = send_webhook(&app, &stripe.succeed(&intent)).await;
    assert_eq!(delivered.status, 200, "{}", delivered.body);
    assert_eq!(app.order_status(late_order).await, "refunded");
    assert_eq!(stripe.refunds(), [(intent.clone(), 4_500)]);
    let refunded: String =
        sqlx::query_scalar("select status from payment where provider_reference = $1")
            .bind(&intent)
            .fetch_one(&app.pool)
            .await
            .expect("payment");
    assert_eq!(refunded, "refunded");
    assert_eq!(app.seats_sold_twice().await, 0);
    assert_eq!(app.count("select count(*) from ticket").await, 1);
}

#[tokio::test]
async fn webhooks_without_a_valid_signature_are_refused() {
    let app = spawn_app().await;
    let event = json!({"id": "evt_1", "type": "payment_intent.succeeded",
                       "data": {"object": {"id": "pi_1"}}})
    .to_string();
    let url = app.service.url("/api/sales/payments/stripe/webhook");
    let now = chrono::Utc::now().timestamp();
    for signature in [
        None,
        Some("t=1,v1=00".to_owned()),
        Some(stripe_signature(&event, now - 3_600)),
        Some(stripe_signature(&event.replace("pi_1", "pi_2"), now)),
    ] {
        let mut request = app.http.post(&url).body(event.clone());
        if let Some(signature) = &signature {
            request = request.header("Stripe-Signature", signature);
        }
        let response = request.send().await.expect("webhook");
        assert_eq!(response.status(), 400, "{signature:?}");
    }
    let unknown = send_webhook(&app, &event).await;
    assert_eq!(unknown.status, 200);
    assert_eq!(unknown.body["action"], "ignored");
}

#[tokio::test]
async fn a_signed_in_buyer_reads_their_order_and_tickets() {
    let app = spawn_app().await;
    let session = app.seed(SessionSpec::grid(1, 10)).await;
    let attendee = app.token(users::ATTENDEE).await;
    let hold = app
        .call(
            Method::POST,
            &format!("/api/sales/sessions/{}/holds", session.session_id),
            Some(&attendee),
            Some(json!({"seats": [seat('A', 7)]})),
            &[],
        )
        .await;
    assert_eq!(hold.status, 201, "{}", hold.body);
    let order_body = json!({"hold_token": hold.str("hold_token"),
                            "buyer": {"name": "Alex Attendee", "email": "attendee@boxoffice.test"}});
    let key = Uuid::new_v4().to_string();
    // A signed-in buyer's hold is theirs alone.
    let other = app.token(users::ATTENDEE_2).await;
    let stolen = app
        .call(
            Method::POST,
            "/api/sales/orders",
            Some(&other),
            Some(order_body.clone()),
            &[("Idempotency-Key", key.as_str())],
        )
        .await;
    assert_eq!(stolen.status, 403, "{}", stolen.body);
    let order = app
        .call(
            Method::POST,
            "/api/sales/orders",
            Some(&attendee),
            Some(order_body),
            &[("Idempotency-Key", key.as_str())],
        )
        .await;
    assert_eq!(order.status, 201, "{}", order.body);
    let order_id = order.id("order_id");
    let paid = app
        .call(
            Method::POST,
            &format!("/api/sales/orders/{order_id}/pay"),
            Some(&attendee),
            Some(json!({"payment_method": APPROVE})),
            &[],
        )
        .await;
    assert_eq!(paid.body["status"], "ticketed", "{}", paid.body);

    let path = format!("/api/sales/orders/{order_id}");
    let mine = app
        .call(Method::GET, &path, Some(&attendee), None, &[])
        .await;
    assert_eq!(mine.status, 200);
    assert_eq!(mine.body["tickets"][0]["seat_label"], "A7");
    assert_eq!(
        app.call(Method::GET, &path, Some(&other), None, &[])
            .await
            .status,
        404
    );
    assert_eq!(
        app.call(Method::GET, &path, None, None, &[]).await.status,
        401
    );

    let tickets = app
        .call(
            Method::GET,
            "/api/sales/me/tickets",
            Some(&attendee),
            None,
            &[],
        )
        .await;
    assert_eq!(tickets.status, 200);
    assert_eq!(tickets.body["tickets"].as_array().map(Vec::len), Some(1));
    assert!(tickets.body["tickets"][0]["qr"].is_string());
    let none = app
        .call(
            Method::GET,
            "/api/sales/me/tickets",
            Some(&other),
            None,
            &[],
        )
        .await;
    assert_eq!(none.body["tickets"], json!([]));
}
