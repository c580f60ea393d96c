//! Holds on a real three-master Redis Cluster: every key one hold script touches (seats, the
//! hold record, the buyer's count, standing sets, the held-seat index) is in the session's hash
//! slot, so multi-seat, mixed and best-available holds never fail across slots, and stay all or
//! nothing.

use reqwest::Method;
use serde_json::json;

use crate::support::{APPROVE, Options, SessionSpec, guest, seat, spawn_with};

#[tokio::test]
async fn holds_of_every_kind_work_on_a_three_master_redis_cluster() {
    let app = spawn_with(Options {
        redis_cluster: true,
        ..Options::default()
    })
    .await;
    let session = app.seed(SessionSpec::grid(2, 5).with_standing(5)).await;
    let path = format!("/api/sales/sessions/{}/holds", session.session_id);

    // Seats of two rows, and seats with standing places, in one hold each.
    let rows = app
        .hold(&session, &[seat('A', 1), seat('B', 1)], &guest(1))
        .await;
    assert_eq!(rows.status, 201, "{}", rows.body);
    let mixed = app
        .post(
            &path,
            json!({"seats": [seat('A', 2)], "standing": [{"block_id": "floor", "quantity": 3}], "buyer_id": guest(2)}),
        )
        .await;
    assert_eq!(mixed.status, 201, "{}", mixed.body);

    // All or nothing: one seat taken, or too few standing places, refuses the whole hold and
    // takes nothing.
    let clash = app
        .post(
            &path,
            json!({"seats": [seat('A', 3), seat('B', 1)], "buyer_id": guest(3)}),
        )
        .await;
    assert_eq!(clash.status, 409, "{}", clash.body);
    assert_eq!(clash.unavailable(), [seat('B', 1)]);
    let too_many = app
        .post(
            &path,
            json!({"seats": [seat('A', 3)], "standing": [{"block_id": "floor", "quantity": 3}], "buyer_id": guest(3)}),
        )
        .await;
    assert_eq!(too_many.status, 409, "{}", too_many.body);
    let third = app.hold(&session, &[seat('A', 3)], &guest(3)).await;
    assert_eq!(third.status, 201, "A3 was left free: {}", third.body);

    // Best available, seated and standing.
    let best = app
        .post(
            &path,
            json!({"tier_id": session.stalls, "quantity": 2, "buyer_id": guest(4)}),
        )
        .await;
    assert_eq!(best.status, 201, "{}", best.body);
    assert_eq!(best.seat_ids().len(), 2);
    let floor = app
        .post(
            &path,
            json!({"tier_id": session.floor, "quantity": 2, "buyer_id": guest(5)}),
        )
        .await;
    assert_eq!(floor.status, 201, "{}", floor.body);

    // Extend, release, and a hold turned into a paid order.
    let token = rows.str("hold_token");
    let extended = app
        .call(
            Method::POST,
            &format!("/api/sales/holds/{token}/extend"),
            None,
            None,
            &[],
        )
        .await;
    assert_eq!(extended.status, 200, "{}", extended.body);
    let released = app
        .call(
            Method::DELETE,
            &format!("/api/sales/holds/{}", mixed.str("hold_token")),
            None,
            None,
            &[],
        )
        .await;
    assert_eq!(released.status, 204, "{}", released.body);
    let again = app
        .post(
            &path,
            json!({"standing": [{"block_id": "floor", "quantity": 3}], "buyer_id": guest(6)}),
        )
        .await;
    assert_eq!(
        again.status, 201,
        "the released places are free: {}",
        again.body
    );
    let order = app
        .order(&token, &uuid::Uuid::new_v4().to_string(), None)
        .await;
    assert_eq!(order.status, 201, "{}", order.body);
    let paid = app.pay(order.id("order_id"), APPROVE).await;
    assert_eq!(paid.body["status"], "ticketed", "{}", paid.body);
    let sold = app.hold(&session, &[seat('A', 1)], &guest(7)).await;
    assert_eq!(sold.status, 409, "a sold seat stays sold: {}", sold.body);
}
