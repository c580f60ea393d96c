//! Orders: idempotency, pricing at purchase time, discount caps under concurrency, expiry.

use std::collections::HashSet;

use reqwest::Method;
use serde_json::json;
use test_support::oidc::users;
use uuid::Uuid;

use crate::support::{Options, SessionSpec, eventually, guest, seat, spawn_app, spawn_with};

#[tokio::test]
async fn the_same_idempotency_key_places_one_order() {
    let app = spawn_app().await;
    let session = app.seed(SessionSpec::grid(1, 10)).await;
    let hold = app
        .hold(&session, &[seat('A', 1), seat('A', 2)], &guest(1))
        .await;
    let token = hold.str("hold_token");
    let key = Uuid::new_v4().to_string();

    let first = app.order(&token, &key, None).await;
    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(first.body["status"], "pending");
    let again = app.order(&token, &key, None).await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.id("order_id"), first.id("order_id"));

    let other_body = app
        .call(
            Method::POST,
            "/api/sales/orders",
            None,
            Some(json!({"hold_token": token, "buyer": {"name": "Someone Else", "email": "else@example.com"}})),
            &[("Idempotency-Key", key.as_str())],
        )
        .await;
    assert_eq!(other_body.status, 422, "{}", other_body.body);
    assert_eq!(other_body.code(), "idempotency_key_reused");

    // Another key for the same hold is a second order attempt, which the hold refuses.
    let second = app.order(&token, &Uuid::new_v4().to_string(), None).await;
    assert_eq!(second.status, 409, "{}", second.body);
    assert_eq!(second.code(), "hold_already_ordered");
    assert_eq!(app.count("select count(*) from purchase_order").await, 1);
    assert_eq!(app.count("select count(*) from order_item").await, 2);

    let missing_key = app
        .call(
            Method::POST,
            "/api/sales/orders",
            None,
            Some(json!({"hold_token": token, "buyer": {"name": "Grace Hopper", "email": "grace@example.com"}})),
            &[],
        )
        .await;
    assert_eq!(missing_key.status, 422);
    assert_eq!(missing_key.body["error"]["field"], "Idempotency-Key");
}

#[tokio::test]
async fn concurrent_retries_with_one_key_place_one_order() {
    let app = spawn_app().await;
    let session = app.seed(SessionSpec::grid(1, 10)).await;
    let hold = app.hold(&session, &[seat('A', 5)], &guest(1)).await;
    let token = hold.str("hold_token");
    let key = Uuid::new_v4().to_string();

    let responses = futures::future::join_all((0..10).map(|_| app.order(&token, &key, None))).await;
    let created = responses.iter().filter(|r| r.status == 201).count();
    let replayed = responses.iter().filter(|r| r.status == 200).count();
    assert_eq!(
        (created, replayed),
        (1, 9),
        "{:?}",
        responses.iter().map(|r| &r.body).collect::<Vec<_>>()
    );
    let ids: HashSet<Uuid> = responses.iter().map(|r| r.id("order_id")).collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(app.count("select count(*) from purchase_order").await, 1);
}

#[tokio::test]
async fn items_are_priced_from_their_tiers_when_ordered() {
    let app = spawn_app().await;
    let session = app.seed(SessionSpec::grid(1, 10).with_standing(50)).await;
    let hold = app
        .post(
            &format!("/api/sales/sessions/{}/holds", session.session_id),
            json!({"seats": [seat('A', 1), seat('A', 2)],
                   "standing": [{"block_id": "floor", "quantity": 1}],
                   "buyer_id": guest(1)}),
        )
        .await;
    assert_eq!(hold.status, 201, "{}", hold.body);
    // The organiser changes a price after the hold; the order pays today's price.
    sqlx::query("update tier set price_minor = 5000 where tier_id = $1")
        .bind(session.stalls)
        .execute(&app.pool)
        .await
        .expect("reprice");
    app.discount(
        &session,
        "Early10",
        json!({"kind": {"type": "percentage", "percent_bp": 1000}}),
        None,
    )
    .await;

    let order = app
        .order(
            &hold.str("hold_token"),
            &Uuid::new_v4().to_string(),
            Some(" early10 "),
        )
        .await;
    assert_eq!(order.status, 201, "{}", order.body);
    assert_eq!(order.body["subtotal_minor"], 2 * 5_000 + 3_000);
    assert_eq!(order.body["discount_minor"], 1_300);
    assert_eq!(order.body["total_minor"], 13_000 - 1_300);
    assert_eq!(order.body["discount_code"], "Early10");
    let items = order.body["items"].as_array().expect("items");
    assert_eq!(items.len(), 3);
    let shares: i64 = items
        .iter()
        .map(|item| item["discount_minor"].as_i64().expect("share"))
        .sum();
    assert_eq!(shares, 1_300);

    let unknown = app
        .order(
            &hold.str("hold_token"),
            &Uuid::new_v4().to_string(),
            Some("NOPE99"),
        )
        .await;
    assert_eq!(unknown.status, 422);
    assert_eq!(unknown.code(), "unknown_discount_code");
}

#[tokio::test]
async fn a_discount_with_one_use_is_redeemed_by_exactly_one_of_twenty_concurrent_orders() {
    let app = spawn_app().await;
    let session = app.seed(SessionSpec::grid(2, 10)).await;
    app.discount(
        &session,
        "ONCE",
        json!({"kind": {"type": "flat", "amount_minor": 1000, "currency": "EUR"}}),
        Some(1),
    )
    .await;
    let mut tokens = Vec::new();
    for n in 0..20u32 {
        let row = if n < 10 { 'A' } else { 'B' };
        let hold = app
            .hold(&session, &[seat(row, n % 10 + 1)], &guest(n as usize))
            .await;
        assert_eq!(hold.status, 201, "{}", hold.body);
        tokens.push(hold.str("hold_token"));
    }

    let keys: Vec<String> = tokens.iter().map(|_| Uuid::new_v4().to_string()).collect();
    let responses = futures::future::join_all(
        tokens
            .iter()
            .zip(&keys)
            .map(|(token, key)| app.order(token, key, Some("once"))),
    )
    .await;
    let winners: Vec<_> = responses.iter().filter(|r| r.status == 201).collect();
    assert_eq!(
        winners.len(),
        1,
        "{:?}",
        responses.iter().map(|r| &r.body).collect::<Vec<_>>()
    );
    assert_eq!(winners[0].body["discount_minor"], 1_000);
    for refused in responses.iter().filter(|r| r.status != 201) {
        assert_eq!(refused.status, 409, "{}", refused.body);
        assert_eq!(refused.code(), "discount_used_up");
    }
    assert_eq!(app.count("select count(*) from purchase_order").await, 1);
    assert_eq!(
        app.count("select count(*) from discount_redemption where status <> 'released'")
            .await,
        1
    );

    // A cancelled order gives its use back.
    let cancel = format!("/api/sales/orders/{}/cancel", winners[0].id("order_id"));
    let access = winners[0].str("access_token");
    let cancelled = app
        .call(
            Method::POST,
            &cancel,
            None,
            None,
            &[("Order-Access-Token", access.as_str())],
        )
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    assert_eq!(cancelled.body["status"], "cancelled");
    let loser = responses
        .iter()
        .position(|r| r.status != 201)
        .expect("a refused order");
    let retried = app
        .order(&tokens[loser], &Uuid::new_v4().to_string(), Some("ONCE"))
        .await;
    assert_eq!(retried.status, 201, "{}", retried.body);
    assert_eq!(retried.body["discount_minor"], 1_000);
}

#[tokio::test]
async fn a_customer_may_use_a_code_only_as_often_as_allowed() {
    let app = spawn_app().await;
    let session = app.seed(SessionSpec::grid(1, 10)).await;
    app.discount_with_limits(
        &session,
        "FRIENDS",
        json!({"kind": {"type": "percentage", "percent_bp": 500}}),
        None,
        Some(1),
    )
    .await;
    let first = app.hold(&session, &[seat('A', 1)], &guest(1)).await;
    let second = app.hold(&session, &[seat('A', 2)], &guest(2)).await;
    // Both orders are Grace Hopper's (the same email), from two browsers.
    let used = app
        .order(
            &first.str("hold_token"),
            &Uuid::new_v4().to_string(),
            Some("FRIENDS"),
        )
        .await;
    assert_eq!(used.status, 201, "{}", used.body);
    let again = app
        .order(
            &second.str("hold_token"),
            &Uuid::new_v4().to_string(),
            Some("FRIENDS"),
        )
        .await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert_eq!(again.code(), "discount_limit_reached");
    let without = app
        .order(&second.str("hold_token"), &Uuid::new_v4().to_string(), None)
        .await;
    assert_eq!(without.status, 201, "{}", without.body);
}

#[tokio::test]
async fn an_expired_hold_cannot_be_ordered_and_its_order_expires() {
    let app = spawn_with(Options {
        hold_ttl_secs: 3,
        ..Options::default()
    })
    .await;
    let session = app.seed(SessionSpec::grid(1, 4)).await;
    let held = app.hold(&session, &[seat('A', 1)], &guest(1)).await;
    let ordered = app.hold(&session, &[seat('A', 2)], &guest(2)).await;
    let order = app
        .order(
            &ordered.str("hold_token"),
            &Uuid::new_v4().to_string(),
            None,
        )
        .await;
    assert_eq!(order.status, 201, "{}", order.body);

    eventually("the hold expires in Redis", 10, || async {
        app.seat_holder(&session, &seat('A', 1)).await.is_none()
    })
    .await;
    let late = app
        .order(&held.str("hold_token"), &Uuid::new_v4().to_string(), None)
        .await;
    assert_eq!(late.status, 410, "{}", late.body);
    assert_eq!(late.code(), "hold_expired");

    let order_id = order.id("order_id");
    eventually("the unpaid order expires", 10, || async {
        app.order_status(order_id).await == "expired"
    })
    .await;
    let paid = app.pay(order_id, crate::support::APPROVE).await;
    assert_eq!(paid.status, 410, "{}", paid.body);
    // Its seat is for sale again.
    let again = app.hold(&session, &[seat('A', 2)], &guest(3)).await;
    assert_eq!(again.status, 201, "{}", again.body);
}

#[tokio::test]
async fn a_guest_order_is_read_and_changed_only_with_its_access_token() {
    let app = spawn_app().await;
    let session = app.seed(SessionSpec::grid(1, 4)).await;
    let hold = app.hold(&session, &[seat('A', 1)], &guest(1)).await;
    assert_eq!(hold.status, 201, "{}", hold.body);
    let order = app
        .order(&hold.str("hold_token"), &Uuid::new_v4().to_string(), None)
        .await;
    assert_eq!(order.status, 201, "{}", order.body);
    let order_id = order.id("order_id");
    let access = order.str("access_token");
    assert_eq!(access.len(), 64, "{}", order.body);
    let path = format!("/api/sales/orders/{order_id}");
    let cancel = format!("{path}/cancel");
    let stranger = app.token(users::ATTENDEE_2).await;

    // Another signed-in buyer, nobody, or a wrong token: as if the order did not exist.
    let wrong = "0".repeat(64);
    for (token, access) in [
        (Some(stranger.as_str()), None),
        (None, None),
        (None, Some(wrong.as_str())),
        (Some(stranger.as_str()), Some(wrong.as_str())),
    ] {
        let headers: Vec<(&str, &str)> = access
            .map(|access| vec![("Order-Access-Token", access)])
            .unwrap_or_default();
        let cancelled = app.call(Method::POST, &cancel, token, None, &headers).await;
        assert_eq!(cancelled.status, 404, "{}", cancelled.body);
        let read = app.call(Method::GET, &path, token, None, &headers).await;
        let expected = if token.is_none() && access.is_none() {
            401
        } else {
            404
        };
        assert_eq!(read.status, expected, "{}", read.body);
        let paid = app
            .call(
                Method::POST,
                &format!("{path}/pay"),
                token,
                Some(json!({"payment_method": crate::support::APPROVE})),
                &headers,
            )
            .await;
        assert_eq!(paid.status, 404, "{}", paid.body);
    }
    assert_eq!(
        app.count("select count(*) from purchase_order where status = 'pending'")
            .await,
        1
    );

    // The buyer's own token reads and cancels it.
    let own = [("Order-Access-Token", access.as_str())];
    let read = app.call(Method::GET, &path, None, None, &own).await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(read.body["status"], "pending");
    let cancelled = app.call(Method::POST, &cancel, None, None, &own).await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    assert_eq!(cancelled.body["status"], "cancelled");
}
