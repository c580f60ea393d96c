//! Redis losing everything mid-sale: PostgreSQL keeps every sold seat sold.

use uuid::Uuid;

use crate::support::{APPROVE, SessionSpec, guest, seat, spawn_app};

#[tokio::test]
async fn sold_seats_stay_sold_when_redis_forgets_everything() {
    let app = spawn_app().await;
    let session = app.seed(SessionSpec::grid(1, 10)).await;
    let (a1, a2, a3, a4) = (seat('A', 1), seat('A', 2), seat('A', 3), seat('A', 4));
    app.buy(&session, &[&a1, &a2], &guest(1)).await;
    // A3 is in an order awaiting payment.
    let pending = app.hold(&session, &[&a3], &guest(2)).await;
    let order = app
        .order(
            &pending.str("hold_token"),
            &Uuid::new_v4().to_string(),
            None,
        )
        .await;
    assert_eq!(order.status, 201, "{}", order.body);

    app.forget_redis().await;
    assert!(app.held_seats(&session).await.is_empty());

    for (seats, unavailable) in [
        (vec![&a1], vec![a1.clone()]),
        (vec![&a3], vec![a3.clone()]),
        (vec![&a2, &a4], vec![a2.clone()]),
    ] {
        let response = app.hold(&session, &seats, &guest(3)).await;
        assert_eq!(response.status, 409, "{seats:?}: {}", response.body);
        assert_eq!(response.unavailable(), unavailable);
    }
    // The refused all-or-nothing hold let go of the free seat it had taken.
    assert!(app.held_seats(&session).await.is_empty());
    let free = app.hold(&session, &[&a4], &guest(3)).await;
    assert_eq!(free.status, 201, "{}", free.body);

    // The pending order can still be paid: its seat was never anyone else's.
    let paid = app.pay(order.id("order_id"), APPROVE).await;
    assert_eq!(paid.status, 200, "{}", paid.body);
    assert_eq!(paid.body["status"], "ticketed");
    assert_eq!(app.seats_sold_twice().await, 0);
    assert_eq!(
        app.count("select count(*) from ticket where status = 'valid'")
            .await,
        3
    );
}

#[tokio::test]
async fn the_database_refuses_a_second_order_for_a_seat_that_two_holds_got() {
    let app = spawn_app().await;
    let session = app.seed(SessionSpec::grid(1, 10)).await;
    let a5 = seat('A', 5);
    let first = app.hold(&session, &[&a5], &guest(1)).await;
    assert_eq!(first.status, 201);
    // Redis forgets the first hold before it becomes an order, so a second buyer gets the
    // seat too: two holds, one seat.
    app.forget_redis().await;
    let second = app.hold(&session, &[&a5], &guest(2)).await;
    assert_eq!(second.status, 201, "{}", second.body);

    // The first hold's record went with Redis; re-create it as it was, the way a Redis
    // failover that kept one node's keys would leave it.
    let record = serde_json::json!({
        "token": first.str("hold_token"), "session_id": session.session_id.to_string(),
        "buyer": format!("guest:{}", guest(1)), "seat_ids": [a5],
        "standing": [], "expires_at_ms": chrono::Utc::now().timestamp_millis() + 60_000,
        "extended": false
    });
    redis::cmd("SET")
        .arg(app.keys.hold(&first.str("hold_token")))
        .arg(record.to_string())
        .arg("PX")
        .arg(60_000)
        .query_async::<()>(&mut app.redis().await)
        .await
        .expect("restore the first hold");

    let won = app
        .order(&second.str("hold_token"), &Uuid::new_v4().to_string(), None)
        .await;
    assert_eq!(won.status, 201, "{}", won.body);
    let lost = app
        .order(&first.str("hold_token"), &Uuid::new_v4().to_string(), None)
        .await;
    assert_eq!(lost.status, 409, "{}", lost.body);
    assert_eq!(lost.code(), "seats_unavailable");
    assert_eq!(lost.unavailable(), [a5]);

    let paid = app.pay(won.id("order_id"), APPROVE).await;
    assert_eq!(paid.body["status"], "ticketed", "{}", paid.body);
    assert_eq!(app.seats_sold_twice().await, 0);
    assert_eq!(app.count("select count(*) from purchase_order").await, 1);
}
