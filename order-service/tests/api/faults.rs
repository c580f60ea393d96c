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
        .arg(app.keys.hold(
            &shared_dto::seat_hold::HoldToken::parse(&first.str("hold_token")).expect("a token"),
        ))
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

/// Cancelling a session whose refund run dies halfway (SIGKILL of the process doing it): the
/// restarted service finishes it, every order is refunded exactly once, every seat is
/// announced free, and every buyer gets exactly one cancellation notice.
#[tokio::test]
async fn a_cancelled_sessions_refunds_survive_killing_order_service_halfway() {
    use std::collections::HashSet;
    use std::time::Duration;

    use mail_parser::MessageParser;
    use reqwest::Method;
    use serde_json::json;
    use test_support::oidc::users;
    use test_support::wait_until;

    let app = spawn_app().await;
    let session = app.seed(SessionSpec::grid(2, 10)).await;
    app.add_member(session.organisation_id, users::ORGANISER, "organiser")
        .await;
    let run = Uuid::new_v4().simple().to_string();
    let recipient = |buyer: u32| format!("cancel-{run}-{buyer}@example.com");
    let mut orders = Vec::new();
    for buyer in 0..20_u32 {
        let row = if buyer < 10 { 'A' } else { 'B' };
        let hold = app
            .hold(
                &session,
                &[seat(row, buyer % 10 + 1)],
                &guest(buyer as usize),
            )
            .await;
        assert_eq!(hold.status, 201, "{}", hold.body);
        let order = app
            .call(
                Method::POST,
                "/api/sales/orders",
                None,
                Some(json!({
                    "hold_token": hold.str("hold_token"),
                    "buyer": {"name": format!("Buyer {buyer}"), "email": recipient(buyer)}
                })),
                &[("Idempotency-Key", &Uuid::new_v4().to_string())],
            )
            .await;
        assert_eq!(order.status, 201, "{}", order.body);
        let order_id = order.id("order_id");
        let paid = app
            .call(
                Method::POST,
                &format!("/api/sales/orders/{order_id}/pay"),
                None,
                Some(json!({"payment_method": APPROVE})),
                &[("Order-Access-Token", &order.str("access_token"))],
            )
            .await;
        assert_eq!(paid.body["status"], "ticketed", "{}", paid.body);
        orders.push(order_id);
    }
    let buyers_orders = orders.clone();
    orders.sort();
    let organiser = app.token(users::ORGANISER).await;
    let mut announcements = app.listen().await;
    // The confirmations go out first, so the only mail a kill can catch in flight is a notice.
    wait_until(
        "the confirmations sent",
        Duration::from_secs(60),
        || async {
            (app.count("select count(*) from mail_outbox where sent_at is null")
                .await
                == 0)
                .then_some(())
        },
    )
    .await;

    // The run refunds orders in id order; holding the eleventh order's row stops it there,
    // with ten done, until the process is killed.
    let mut blocker = app.pool.begin().await.expect("a transaction");
    sqlx::query("select 1 from purchase_order where order_id = $1 for update")
        .bind(orders[10])
        .execute(&mut *blocker)
        .await
        .expect("the row lock");
    let doomed = app.spawn_binary().await;
    let path = format!("/api/sales/sessions/{}/refunds", session.session_id);
    let body = json!({"reason": "the performance is cancelled"});
    let request = app
        .http
        .post(format!("{}{path}", doomed.url))
        .bearer_auth(&organiser)
        .json(&body)
        .send();
    let asked = tokio::spawn(request);
    wait_until("ten orders refunded", Duration::from_secs(30), || async {
        (app.count("select count(*) from refund").await == 10).then_some(())
    })
    .await;
    doomed.kill().await;
    assert!(
        asked.await.expect("the request task").is_err(),
        "the killed process never answers"
    );
    blocker.rollback().await.expect("the lock released");
    assert_eq!(app.count("select count(*) from refund").await, 10);

    // Restarted, asked again (as the scheduler's job retries): the other ten, and nothing twice.
    let restarted = app.spawn_binary().await;
    let finished = app
        .http
        .post(format!("{}{path}", restarted.url))
        .bearer_auth(&organiser)
        .json(&body)
        .send()
        .await
        .expect("the restarted service answers");
    assert_eq!(finished.status(), 200);
    let finished: serde_json::Value = finished.json().await.expect("JSON");
    assert_eq!(finished["refunded_orders"], 10, "{finished}");
    assert_eq!(finished["remaining_orders"], 0, "{finished}");
    assert_eq!(app.count("select count(*) from refund").await, 20);
    assert_eq!(
        app.count("select count(distinct order_id) from refund")
            .await,
        20,
        "one refund per order"
    );
    assert_eq!(
        app.count(
            "select count(*) from refund r join purchase_order o using (order_id)
             where r.amount_minor <> o.total_minor"
        )
        .await,
        0,
        "each refund returns what its order paid"
    );
    assert_eq!(
        app.count("select count(*) from ticket where status = 'valid'")
            .await,
        0
    );

    // Every seat announced free to the live maps, by the killed process or the restarted one.
    let mut freed = HashSet::new();
    tokio::time::timeout(Duration::from_secs(30), async {
        while freed.len() < 20 {
            let (channel, message) = announcements.recv().await.expect("announcements");
            if channel.ends_with("seat-refunds") {
                for seat in message["seat_ids"].as_array().into_iter().flatten() {
                    freed.insert(seat.as_str().unwrap_or_default().to_owned());
                }
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("only {} of 20 seats announced free", freed.len()));
    assert_eq!(freed.len(), 20);
    drop(restarted);

    // Exactly one confirmation and one cancellation per buyer, once the outbox is empty.
    wait_until("every mail sent", Duration::from_secs(60), || async {
        (app.count("select count(*) from mail_outbox where sent_at is null")
            .await
            == 0)
            .then_some(())
    })
    .await;
    assert_eq!(
        app.count("select count(*) from mail_outbox where kind = 'cancellation'")
            .await,
        20
    );
    // SMTP has no exactly-once: a mail the killed process handed over but had not marked sent
    // goes again, with the same Message-ID, which is how receivers recognise the repeat. So:
    // exactly two distinct messages per buyer, and at most the one mail in flight twice.
    let mut deliveries = 0;
    for (buyer, order_id) in (0..20_u32).zip(buyers_orders) {
        let received = test_support::smtp::messages_to(&app.env.maildir, &recipient(buyer))
            .expect("the sink's Maildir");
        deliveries += received.len();
        let parsed: Vec<_> = received
            .iter()
            .map(|raw| MessageParser::default().parse(raw).expect("a mail"))
            .collect();
        let distinct: HashSet<&str> = parsed.iter().filter_map(|mail| mail.message_id()).collect();
        assert_eq!(
            distinct.len(),
            2,
            "one confirmation and one notice to buyer {buyer}"
        );
        let notice = parsed
            .iter()
            .find(|mail| {
                mail.subject()
                    .is_some_and(|subject| !subject.starts_with("Your tickets"))
            })
            .expect("the cancellation notice");
        let text = notice.body_text(0).expect("a plain-text part");
        assert!(text.contains("is cancelled"), "{text}");
        assert!(text.contains("Refunded: "), "{text}");
        let number = order_service::mail::compose::order_number(order_id);
        assert!(text.contains(&number), "{number} in {text}");
    }
    assert!(
        (40..=41).contains(&deliveries),
        "{deliveries} deliveries for 40 mails: none lost, at most the one in flight twice"
    );
}
