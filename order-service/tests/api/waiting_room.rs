//! The waiting room: fair order (the early crowd shuffled, later arrivals first come first
//! served), admissions within the configured rate, passes on holds, and places kept across a
//! restart of the process.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use chrono::Utc;
use futures::StreamExt;
use hmac::{Hmac, Mac};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use shared_dto::waiting_room::QueueKeys;
use uuid::Uuid;

use crate::support::{
    Response, SIGNING_SEED, Seeded, SessionSpec, TestApp, eventually, seat, spawn_app,
};

/// Turns the session's waiting room on, with sales opening `opens_in` from now (negative:
/// already open), as an organiser would through command-service.
async fn room(app: &TestApp, opens_in: chrono::Duration, admit_per_minute: i32) -> Seeded {
    let session = app.seed(SessionSpec::grid(4, 10)).await;
    sqlx::query("update session set sales_start_at = $2 where session_id = $1")
        .bind(session.session_id)
        .bind(Utc::now() + opens_in)
        .execute(&app.pool)
        .await
        .expect("sales start");
    sqlx::query(
        "insert into session_waiting_room
            (session_id, enabled, admit_per_minute, opens_minutes_before_sale, pass_minutes)
         values ($1, true, $2, 30, 5)",
    )
    .bind(session.session_id)
    .bind(admit_per_minute)
    .execute(&app.pool)
    .await
    .expect("waiting room");
    session
}

fn queue_path(session: &Seeded) -> String {
    format!("/api/sales/sessions/{}/queue", session.session_id)
}

/// A client address per buyer, so the per-address join limit does not apply.
fn address(n: usize) -> String {
    format!("10.{}.{}.{}", n / 65_536 % 256, n / 256 % 256, n % 256)
}

fn buyer(n: usize) -> String {
    format!("queue-buyer-{n:05}")
}

async fn join(app: &TestApp, session: &Seeded, n: usize) -> Response {
    app.call(
        Method::POST,
        &queue_path(session),
        None,
        Some(json!({"buyer_id": buyer(n)})),
        &[("x-forwarded-for", &address(n))],
    )
    .await
}

async fn me(app: &TestApp, session: &Seeded, n: usize) -> Response {
    let path = format!("{}/me?buyer_id={}", queue_path(session), buyer(n));
    app.call(Method::GET, &path, None, None, &[]).await
}

/// Joins buyers `0..count` a few at a time; their visitor ids in buyer order.
async fn join_all(app: &TestApp, session: &Seeded, count: usize) -> Vec<(String, Value)> {
    let joined: Vec<(usize, Response)> = futures::stream::iter(0..count)
        .map(|n| async move { (n, join(app, session, n).await) })
        .buffered(16)
        .collect()
        .await;
    joined
        .into_iter()
        .map(|(n, response)| {
            assert_eq!(
                response.status,
                StatusCode::CREATED,
                "buyer {n}: {}",
                response.body
            );
            (response.str("visitor_id"), response.body)
        })
        .collect()
}

/// Admitted visitors and the moment of admission (ms), from Redis.
async fn admitted(app: &TestApp, session: &Seeded) -> HashMap<String, i64> {
    let keys = QueueKeys::new(app.prefix.as_str());
    let pairs: Vec<(String, f64)> = redis::cmd("ZRANGE")
        .arg(keys.admitted(&session.session_id.to_string()))
        .arg(0)
        .arg(-1)
        .arg("WITHSCORES")
        .query_async(&mut app.redis().await)
        .await
        .expect("ZRANGE");
    pairs
        .into_iter()
        .map(|(visitor, at)| (visitor, at as i64))
        .collect()
}

async fn sales_start_ms(app: &TestApp, session: &Seeded) -> i64 {
    let at: chrono::DateTime<Utc> =
        sqlx::query_scalar("select sales_start_at from session where session_id = $1")
            .bind(session.session_id)
            .fetch_one(&app.pool)
            .await
            .expect("sales start");
    at.timestamp_millis()
}

#[tokio::test]
async fn the_early_crowd_is_admitted_in_a_random_order_and_later_arrivals_in_theirs() {
    let app = spawn_app().await;
    let session = room(&app, chrono::Duration::seconds(6), 12_000).await;
    let early = join_all(&app, &session, 300).await;
    for (_, body) in &early {
        assert_eq!(body["state"], "waiting");
        assert!(
            body["position"].is_null(),
            "no position before sales open: {body}"
        );
    }
    assert!(
        Utc::now().timestamp_millis() < sales_start_ms(&app, &session).await,
        "every early buyer joined before the opening"
    );
    // A second tab shares the first tab's place.
    let again = join(&app, &session, 7).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.str("visitor_id"), early[7].0);

    eventually("every early buyer is admitted", 30, || async {
        admitted(&app, &session).await.len() >= early.len()
    })
    .await;
    let admitted_at = admitted(&app, &session).await;
    let joined: HashSet<&String> = early.iter().map(|(visitor, _)| visitor).collect();
    let let_in: HashSet<&String> = admitted_at.keys().collect();
    assert_eq!(joined, let_in, "the admitted are exactly the joiners");
    // Admitted in join order would mean no later joiner was let in a tick before an earlier one.
    let in_join_order: Vec<i64> = early
        .iter()
        .map(|(visitor, _)| admitted_at[visitor])
        .collect();
    let inversions = in_join_order
        .windows(2)
        .filter(|pair| pair[0] > pair[1])
        .count();
    assert!(
        inversions > 10,
        "the early crowd was shuffled ({inversions} inversions)"
    );

    // After the opening: first come, first served.
    let late: Vec<String> = futures::stream::iter(300..340)
        .then(|n| {
            let app = &app;
            let session = &session;
            async move {
                let response = join(app, session, n).await;
                assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
                response.str("visitor_id")
            }
        })
        .collect()
        .await;
    eventually("every later buyer is admitted", 30, || async {
        let admitted = admitted(&app, &session).await;
        late.iter().all(|visitor| admitted.contains_key(visitor))
    })
    .await;
    let admitted_at = admitted(&app, &session).await;
    let in_join_order: Vec<i64> = late.iter().map(|visitor| admitted_at[visitor]).collect();
    assert!(
        in_join_order.windows(2).all(|pair| pair[0] <= pair[1]),
        "later arrivals are admitted in the order they came: {in_join_order:?}"
    );
}

#[tokio::test]
async fn admissions_never_exceed_the_configured_rate() {
    let app = spawn_app().await;
    let rate = 1_200; // 20 a second, 5 a tick.
    let session = room(&app, chrono::Duration::seconds(3), rate).await;
    join_all(&app, &session, 150).await;
    let start = sales_start_ms(&app, &session).await;
    let one_tick = 5;
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut samples = 0;
    loop {
        let count = admitted(&app, &session).await.len() as i64;
        let elapsed_ms = (Utc::now().timestamp_millis() - start).max(0);
        let allowed = i64::from(rate) * elapsed_ms / 60_000 + one_tick;
        assert!(
            count <= allowed,
            "{count} admitted {elapsed_ms} ms after the opening, at most {allowed}"
        );
        samples += 1;
        if count >= 100 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "admission runs (only {count} admitted)"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The window as a whole: the last admission against the rate since the opening.
    let admitted_at = admitted(&app, &session).await;
    let last = admitted_at.values().max().copied().unwrap_or(start);
    let allowed = i64::from(rate) * (last - start) / 60_000 + one_tick;
    assert!(
        admitted_at.len() as i64 <= allowed,
        "{} admitted by {last}",
        admitted_at.len()
    );
    assert!(samples > 10, "the count was watched as it grew");
}

/// The admission pass of buyer `n`, once admitted.
async fn pass_of(app: &TestApp, session: &Seeded, n: usize) -> Value {
    eventually("the buyer is admitted", 20, || async move {
        me(app, session, n).await.body["state"] == "admitted"
    })
    .await;
    let response = me(app, session, n).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    response.body
}

async fn hold_with(app: &TestApp, session: &Seeded, n: usize, pass: Option<&str>) -> Response {
    let mut body = json!({"seats": [seat('A', n as u32 + 1)], "buyer_id": buyer(n)});
    if let Some(pass) = pass {
        body["admission_pass"] = json!(pass);
    }
    app.post(
        &format!("/api/sales/sessions/{}/holds", session.session_id),
        body,
    )
    .await
}

/// A pass signed the way the service signs them, with the test's signing seed.
fn signed_pass(session_id: Uuid, buyer_key: &str, expires_at_ms: i64) -> String {
    let mut digest = Sha256::new();
    digest.update(b"admission-pass");
    digest.update(SIGNING_SEED);
    let key: [u8; 32] = digest.finalize().into();
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key).expect("key");
    mac.update(b"v1");
    mac.update(session_id.as_bytes());
    mac.update(&expires_at_ms.to_be_bytes());
    mac.update(buyer_key.as_bytes());
    format!(
        "v1.{expires_at_ms}.{}",
        hex::encode(mac.finalize().into_bytes())
    )
}

#[tokio::test]
async fn a_hold_needs_the_buyers_own_valid_pass_while_the_room_is_active() {
    let app = spawn_app().await;
    let session = room(&app, chrono::Duration::seconds(-1), 60_000).await;
    for n in 0..2 {
        assert_eq!(join(&app, &session, n).await.status, StatusCode::CREATED);
    }
    let mine = pass_of(&app, &session, 0).await;
    let theirs = pass_of(&app, &session, 1).await;
    let pass = mine["pass"].as_str().expect("a pass").to_owned();
    // The same pass and expiry on every read.
    let again = me(&app, &session, 0).await;
    assert_eq!(again.body["pass"], mine["pass"]);
    assert_eq!(again.body["pass_expires_at"], mine["pass_expires_at"]);

    let without = hold_with(&app, &session, 0, None).await;
    assert_eq!(without.status, StatusCode::FORBIDDEN, "{}", without.body);
    assert_eq!(without.code(), "admission_pass_required");
    assert_eq!(without.body["error"]["queue"], queue_path(&session));
    assert!(
        without.body["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("queue")
    );
    let someone_elses = hold_with(&app, &session, 0, theirs["pass"].as_str()).await;
    assert_eq!(someone_elses.status, StatusCode::FORBIDDEN);
    let forged = format!("{}0", &pass[..pass.len() - 1]);
    let forged = if forged == pass {
        format!("{}1", &pass[..pass.len() - 1])
    } else {
        forged
    };
    assert_eq!(
        hold_with(&app, &session, 0, Some(&forged)).await.status,
        StatusCode::FORBIDDEN
    );
    let expired = signed_pass(
        session.session_id,
        &format!("guest:{}", buyer(0)),
        Utc::now().timestamp_millis() - 1_000,
    );
    assert_eq!(
        hold_with(&app, &session, 0, Some(&expired)).await.status,
        StatusCode::FORBIDDEN
    );
    let other_session = room(&app, chrono::Duration::seconds(-1), 60_000).await;
    let elsewhere = signed_pass(
        other_session.session_id,
        &format!("guest:{}", buyer(0)),
        Utc::now().timestamp_millis() + 60_000,
    );
    assert_eq!(
        hold_with(&app, &session, 0, Some(&elsewhere)).await.status,
        StatusCode::FORBIDDEN
    );
    assert!(app.held_seats(&session).await.is_empty(), "nothing held");

    let held = hold_with(&app, &session, 0, Some(&pass)).await;
    assert_eq!(held.status, StatusCode::CREATED, "{}", held.body);

    // A session without a room needs no pass.
    let open = app.seed(SessionSpec::grid(1, 2)).await;
    assert_eq!(
        app.hold(&open, &[seat('A', 1)], &buyer(0)).await.status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn joining_is_refused_outside_the_rooms_opening_and_limited_per_address() {
    let app = spawn_app().await;
    let off = app.seed(SessionSpec::grid(1, 2)).await;
    let refused = join(&app, &off, 1).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.code(), "queue_not_open");
    let early = room(&app, chrono::Duration::hours(2), 100).await;
    assert_eq!(join(&app, &early, 1).await.code(), "queue_not_open");
    let missing = app
        .call(
            Method::POST,
            &format!("/api/sales/sessions/{}/queue", Uuid::new_v4()),
            None,
            Some(json!({"buyer_id": buyer(1)})),
            &[],
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let nobody = app.post(&queue_path(&early), json!({})).await;
    assert_eq!(nobody.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(nobody.field(), "/buyer_id");

    let session = room(&app, chrono::Duration::seconds(-1), 100).await;
    let mut statuses = Vec::new();
    for n in 0..35 {
        let response = app
            .call(
                Method::POST,
                &queue_path(&session),
                None,
                Some(json!({"buyer_id": buyer(n)})),
                &[("x-forwarded-for", "198.51.100.23")],
            )
            .await;
        statuses.push(response.status);
    }
    assert!(
        statuses[..30]
            .iter()
            .all(|status| *status == StatusCode::CREATED)
    );
    assert!(
        statuses[30..]
            .iter()
            .all(|status| *status == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    // Another address still gets in.
    assert_eq!(join(&app, &session, 99).await.status, StatusCode::CREATED);
}

#[tokio::test]
async fn a_restarted_service_keeps_every_place() {
    let app = spawn_app().await;
    // One admission a minute, and the first only a minute after the opening: places stay put.
    let session = room(&app, chrono::Duration::seconds(-1), 1).await;
    let binary = app.spawn_binary().await;
    let places = |url: String| {
        let app = &app;
        let session = &session;
        async move {
            let mut places = Vec::new();
            for n in 0..25 {
                let response = app
                    .http
                    .get(format!(
                        "{url}{}/me?buyer_id={}",
                        queue_path(session),
                        buyer(n)
                    ))
                    .send()
                    .await
                    .expect("request");
                assert_eq!(response.status(), StatusCode::OK);
                let body: Value = response.json().await.expect("json");
                places.push((body["visitor_id"].clone(), body["position"].clone()));
            }
            places
        }
    };
    for n in 0..25 {
        let response = app
            .http
            .post(format!("{}{}", binary.url, queue_path(&session)))
            .header("x-forwarded-for", address(n))
            .json(&json!({"buyer_id": buyer(n)}))
            .send()
            .await
            .expect("join");
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    let before = places(binary.url.clone()).await;
    let positions: Vec<u64> = before
        .iter()
        .map(|(_, position)| position.as_u64().expect("a position"))
        .collect();
    assert_eq!(positions, (1..=25).collect::<Vec<u64>>());
    binary.kill().await;
    let restarted = app.spawn_binary().await;
    let after = places(restarted.url.clone()).await;
    assert_eq!(before, after, "every place survives the restart");
    restarted.kill().await;
}
