//! Holds: all-or-nothing under contention, per-buyer caps, release, extension, best
//! available and standing capacity.

use std::collections::{HashMap, HashSet};

use reqwest::Method;
use serde_json::json;
use uuid::Uuid;

use crate::support::{Options, SessionSpec, guest, seat, spawn_app, spawn_with};

#[tokio::test]
async fn a_seat_held_by_one_buyer_cannot_be_held_by_another() {
    let app = spawn_app().await;
    let session = app.seed(SessionSpec::grid(2, 10)).await;
    let (a1, a2) = (seat('A', 1), seat('A', 2));

    let first = app.hold(&session, &[&a1], &guest(1)).await;
    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(first.seat_ids(), std::slice::from_ref(&a1));

    let second = app.hold(&session, &[&a1, &a2], &guest(2)).await;
    assert_eq!(second.status, 409, "{}", second.body);
    assert_eq!(second.unavailable(), std::slice::from_ref(&a1));
    // All or nothing: the free seat of the refused hold was not taken either.
    assert_eq!(app.seat_holder(&session, &a2).await, None);
    assert_eq!(
        app.seat_holder(&session, &a1).await,
        Some(first.str("hold_token"))
    );
}

#[tokio::test]
async fn two_hundred_concurrent_buyers_never_share_a_seat() {
    let app = spawn_app().await;
    // One row of 24 seats, fought over by 200 buyers each wanting 1-4 adjacent seats.
    let session = app.seed(SessionSpec::grid(1, 24)).await;
    let requests: Vec<Vec<String>> = (0..200u32)
        .map(|n| {
            let size = 1 + (n * 7 % 4);
            let start = 1 + (n * 13 % (25 - size));
            (start..start + size)
                .map(|column| seat('A', column))
                .collect()
        })
        .collect();

    let outcomes = futures::future::join_all(requests.iter().enumerate().map(|(n, seats)| {
        let app = &app;
        let session = &session;
        async move { (n, app.hold(session, seats, &guest(n)).await) }
    }))
    .await;

    let mut owner: HashMap<String, String> = HashMap::new();
    let (mut granted, mut refused) = (0, 0);
    for (n, response) in &outcomes {
        match response.status.as_u16() {
            201 => {
                granted += 1;
                assert_eq!(response.seat_ids(), {
                    let mut asked = requests[*n].clone();
                    asked.sort();
                    asked
                });
                for seat in response.seat_ids() {
                    let previous = owner.insert(seat.clone(), response.str("hold_token"));
                    assert!(previous.is_none(), "{seat} was granted to two holds");
                }
            }
            409 => {
                refused += 1;
                let unavailable = response.unavailable();
                assert!(!unavailable.is_empty(), "{}", response.body);
                assert!(unavailable.iter().all(|seat| requests[*n].contains(seat)));
            }
            other => panic!("unexpected {other}: {}", response.body),
        }
    }
    // 200 requests for ~500 seat-claims on 24 seats: both outcomes happen, and every request
    // got one of them.
    assert!(
        granted > 0 && refused > 0,
        "{granted} granted, {refused} refused"
    );
    assert_eq!(granted + refused, requests.len());
    // What Redis holds is exactly what was granted: every seat of every granted hold carries
    // its token, and no refused hold left a seat behind.
    assert_eq!(app.held_seats(&session).await, owner);
    let tokens: HashSet<&String> = owner.values().collect();
    assert_eq!(tokens.len(), granted);
}

#[tokio::test]
async fn a_buyer_may_not_hold_more_than_the_cap() {
    let app = spawn_with(Options {
        max_places_per_buyer: 6,
        ..Options::default()
    })
    .await;
    let session = app.seed(SessionSpec::grid(2, 10)).await;
    let seats = |row: char, from: u32, to: u32| -> Vec<String> {
        (from..=to).map(|column| seat(row, column)).collect()
    };

    let four = app.hold(&session, &seats('A', 1, 4), &guest(1)).await;
    assert_eq!(four.status, 201, "{}", four.body);
    let three_more = app.hold(&session, &seats('A', 5, 7), &guest(1)).await;
    assert_eq!(three_more.status, 429, "{}", three_more.body);
    assert_eq!(three_more.code(), "hold_limit");
    assert_eq!(app.seat_holder(&session, &seat('A', 5)).await, None);
    let two_more = app.hold(&session, &seats('A', 5, 6), &guest(1)).await;
    assert_eq!(two_more.status, 201, "{}", two_more.body);

    // Each buyer has an allowance of their own; one request above the cap is refused outright.
    let seven = app.hold(&session, &seats('B', 1, 7), &guest(2)).await;
    assert_eq!(seven.status, 429, "{}", seven.body);

    // Releasing a hold gives its places back to the buyer's allowance.
    let release = format!("/api/sales/holds/{}", four.str("hold_token"));
    assert_eq!(
        app.call(Method::DELETE, &release, None, None, &[])
            .await
            .status,
        204
    );
    let again = app.hold(&session, &seats('B', 1, 4), &guest(1)).await;
    assert_eq!(again.status, 201, "{}", again.body);
}

#[tokio::test]
async fn a_hold_is_released_once_and_extended_once() {
    let app = spawn_app().await;
    let session = app.seed(SessionSpec::grid(1, 10)).await;
    let held = app.hold(&session, &[&seat('A', 3)], &guest(1)).await;
    assert_eq!(held.status, 201, "{}", held.body);
    let token = held.str("hold_token");

    let extend = format!("/api/sales/holds/{token}/extend");
    let extended = app.call(Method::POST, &extend, None, None, &[]).await;
    assert_eq!(extended.status, 200, "{}", extended.body);
    assert_eq!(extended.body["extended"], true);
    let expiry = |response: &crate::support::Response| {
        chrono::DateTime::parse_from_rfc3339(&response.str("expires_at")).expect("a time")
    };
    assert_eq!(
        (expiry(&extended) - expiry(&held)).num_seconds(),
        120,
        "the default extension"
    );
    let again = app.call(Method::POST, &extend, None, None, &[]).await;
    assert_eq!(again.status, 409);
    assert_eq!(again.code(), "already_extended");

    let release = format!("/api/sales/holds/{token}");
    assert_eq!(
        app.call(Method::DELETE, &release, None, None, &[])
            .await
            .status,
        204
    );
    assert_eq!(app.seat_holder(&session, &seat('A', 3)).await, None);
    assert_eq!(
        app.call(Method::DELETE, &release, None, None, &[])
            .await
            .status,
        404
    );
    let unknown = format!("/api/sales/holds/{}", "0".repeat(32));
    assert_eq!(
        app.call(Method::DELETE, &unknown, None, None, &[])
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn only_sessions_on_sale_inside_their_window_sell() {
    let app = spawn_app().await;
    let scheduled = app.seed(SessionSpec::grid(1, 4).status("SCHEDULED")).await;
    let ended = app.seed(SessionSpec::grid(1, 4).sales_ended()).await;
    for session in [&scheduled, &ended] {
        let response = app.hold(session, &[&seat('A', 1)], &guest(1)).await;
        assert_eq!(response.status, 409, "{}", response.body);
        assert_eq!(response.code(), "not_on_sale");
    }
    let missing = app
        .post(
            &format!("/api/sales/sessions/{}/holds", Uuid::new_v4()),
            json!({"seats": ["stalls-A-1"], "buyer_id": guest(1)}),
        )
        .await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn invalid_requests_name_the_field() {
    let app = spawn_app().await;
    let session = app.seed(SessionSpec::grid(1, 4)).await;
    let path = format!("/api/sales/sessions/{}/holds", session.session_id);
    for (body, field) in [
        (
            json!({"seats": ["stalls-Z-9"], "buyer_id": guest(1)}),
            "/seats/0",
        ),
        (
            json!({"seats": ["stalls-A-1", "stalls-A-1"], "buyer_id": guest(1)}),
            "/seats/1",
        ),
        (json!({"seats": ["stalls-A-1"]}), "/buyer_id"),
        (json!({"seats": [], "buyer_id": guest(1)}), "/seats"),
        (
            json!({"tier_id": session.stalls, "buyer_id": guest(1)}),
            "/quantity",
        ),
        (
            json!({"tier_id": Uuid::new_v4(), "quantity": 1, "buyer_id": guest(1)}),
            "/tier_id",
        ),
    ] {
        let response = app.post(&path, body.clone()).await;
        assert_eq!(response.status, 422, "{body}: {}", response.body);
        assert_eq!(response.body["error"]["field"], field, "{body}");
    }
}

#[tokio::test]
async fn best_available_keeps_a_group_together_without_stranding_a_seat() {
    let app = spawn_app().await;
    let session = app.seed(SessionSpec::grid(2, 6)).await;
    // Row A: 1-3 free, 4 taken, 5-6 free. Any pair from 1-3 would strand a single seat.
    let taken = app.hold(&session, &[&seat('A', 4)], &guest(1)).await;
    assert_eq!(taken.status, 201);

    let best = app
        .post(
            &format!("/api/sales/sessions/{}/holds", session.session_id),
            json!({"tier_id": session.stalls, "quantity": 2, "buyer_id": guest(2)}),
        )
        .await;
    assert_eq!(best.status, 201, "{}", best.body);
    assert_eq!(best.seat_ids(), [seat('A', 5), seat('A', 6)]);

    let three = app
        .post(
            &format!("/api/sales/sessions/{}/holds", session.session_id),
            json!({"tier_id": session.stalls, "quantity": 3, "buyer_id": guest(3)}),
        )
        .await;
    assert_eq!(three.status, 201, "{}", three.body);
    assert_eq!(three.seat_ids(), [seat('A', 1), seat('A', 2), seat('A', 3)]);
}

#[tokio::test]
async fn standing_places_are_held_by_quantity_against_capacity() {
    let app = spawn_app().await;
    let session = app.seed(SessionSpec::grid(1, 2).with_standing(5)).await;
    let path = format!("/api/sales/sessions/{}/holds", session.session_id);
    let standing = |quantity: u32, n: usize| json!({"standing": [{"block_id": "floor", "quantity": quantity}], "buyer_id": guest(n)});

    let three = app.post(&path, standing(3, 1)).await;
    assert_eq!(three.status, 201, "{}", three.body);
    let refused = app.post(&path, standing(3, 2)).await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert_eq!(refused.unavailable(), ["floor"]);
    let two = app.post(&path, standing(2, 2)).await;
    assert_eq!(two.status, 201, "{}", two.body);

    // Ordered places move from Redis to PostgreSQL and still count.
    let order = app
        .order(&three.str("hold_token"), &Uuid::new_v4().to_string(), None)
        .await;
    assert_eq!(order.status, 201, "{}", order.body);
    assert_eq!(app.post(&path, standing(1, 3)).await.status, 409);

    let release = format!("/api/sales/holds/{}", two.str("hold_token"));
    assert_eq!(
        app.call(Method::DELETE, &release, None, None, &[])
            .await
            .status,
        204
    );
    let best = app
        .post(
            &path,
            json!({"tier_id": session.floor, "quantity": 2, "buyer_id": guest(4)}),
        )
        .await;
    assert_eq!(best.status, 201, "{}", best.body);
    assert_eq!(best.body["standing"][0]["quantity"], 2);
    assert_eq!(app.post(&path, standing(1, 5)).await.status, 409);
}
