//! Check-in: one admission per ticket however scans race, forged codes refused, staff of
//! other organisations refused, offline batches replayed safely.

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde_json::{Value, json};
use shared_dto::ticket_qr::{self, SigningKey, TicketClaims};
use test_support::oidc::users;
use uuid::Uuid;

use crate::support::{Seeded, SessionSpec, TestApp, guest, seat, service_signing_key, spawn_app};

/// A session whose organisation has `staff@` as staff, `staff2@` belonging to another one,
/// and `n` sold tickets: their QR codes.
async fn sold_tickets(app: &TestApp, n: u32) -> (Seeded, Vec<String>) {
    let session = app.seed(SessionSpec::grid(1, 10)).await;
    app.add_member(session.organisation_id, users::STAFF, "staff")
        .await;
    let elsewhere = app.seed(SessionSpec::grid(1, 1)).await;
    app.add_member(elsewhere.organisation_id, users::STAFF_2, "staff")
        .await;
    let seats: Vec<String> = (1..=n).map(|column| seat('A', column)).collect();
    let paid = app.buy(&session, &seats, &guest(1)).await;
    let codes = paid.body["tickets"]
        .as_array()
        .expect("tickets")
        .iter()
        .map(|ticket| ticket["qr"].as_str().expect("qr").to_owned())
        .collect();
    (session, codes)
}

#[tokio::test]
async fn two_simultaneous_scans_of_one_ticket_admit_one_person() {
    let app = spawn_app().await;
    let (_, codes) = sold_tickets(&app, 1).await;
    let staff = app.token(users::STAFF).await;

    let (north, south) = tokio::join!(
        app.scan(&staff, &codes[0], "north-1"),
        app.scan(&staff, &codes[0], "south-2")
    );
    let mut statuses = [north.status.as_u16(), south.status.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{} / {}", north.body, south.body);
    let (admitted, refused) = if north.status == 200 {
        (north, south)
    } else {
        (south, north)
    };
    assert_eq!(admitted.body["outcome"], "admitted");
    assert_eq!(admitted.body["ticket"]["seat_id"], seat('A', 1));
    assert_eq!(admitted.body["ticket"]["seat_label"], "A1");
    assert_eq!(admitted.body["ticket"]["tier_name"], "Stalls");
    assert_eq!(refused.code(), "already_admitted");
    assert_eq!(refused.body["error"]["gate"], admitted.body["gate"]);
    assert!(refused.body["error"]["checked_in_at"].is_string());
    assert_eq!(
        app.count("select count(*) from ticket where checked_in_at is not null")
            .await,
        1
    );
}

#[tokio::test]
async fn forged_and_altered_codes_are_refused() {
    let app = spawn_app().await;
    let (session, codes) = sold_tickets(&app, 1).await;
    let staff = app.token(users::STAFF).await;
    let code = &codes[0];

    let mut altered = code.clone().into_bytes();
    let middle = altered.len() / 2;
    altered[middle] = if altered[middle] == b'A' { b'B' } else { b'A' };
    let altered = String::from_utf8(altered).expect("ascii");
    let claims = ticket_qr::verify(code, &service_signing_key().verifying_key()).expect("genuine");
    let forged = ticket_qr::sign(&claims, &SigningKey::from_bytes(&[7; 32])).expect("signs");
    for qr in [altered.as_str(), forged.as_str(), "not a ticket", ""] {
        let response = app.scan(&staff, qr, "north-1").await;
        assert_eq!(response.status, 422, "{qr}: {}", response.body);
        assert_eq!(response.body["error"]["field"], "/qr");
    }

    // Genuinely signed, but no such ticket.
    let unknown = TicketClaims::new(
        Uuid::new_v4(),
        session.session_id,
        None,
        "Nobody",
        Utc::now(),
    );
    let unknown = ticket_qr::sign(&unknown, &service_signing_key()).expect("signs");
    assert_eq!(app.scan(&staff, &unknown, "north-1").await.status, 404);

    // None of that admitted anyone; the genuine code still works.
    assert_eq!(app.scan(&staff, code, "north-1").await.status, 200);
}

#[tokio::test]
async fn only_staff_of_the_events_organisation_may_admit() {
    let app = spawn_app().await;
    let (_, codes) = sold_tickets(&app, 1).await;
    for user in [users::STAFF_2, users::ATTENDEE] {
        let token = app.token(user).await;
        let response = app.scan(&token, &codes[0], "north-1").await;
        assert_eq!(response.status, 403, "{user}: {}", response.body);
    }
    let anonymous = app
        .call(
            Method::POST,
            "/api/check-in/scans",
            None,
            Some(json!({"qr": codes[0], "gate": "n"})),
            &[],
        )
        .await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(
        app.count("select count(*) from ticket where checked_in_at is not null")
            .await,
        0
    );
}

/// Offline scans happened a while ago: `minute` minutes after a base an hour back.
fn scan_time(base: DateTime<Utc>, minute: i64) -> DateTime<Utc> {
    base + chrono::Duration::minutes(minute)
}

fn outcomes(response: &Value) -> Vec<(String, String, Option<String>)> {
    response["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|result| {
            (
                result["scan_id"].as_str().unwrap_or_default().to_owned(),
                result["outcome"].as_str().unwrap_or_default().to_owned(),
                result["admitted_gate"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

#[tokio::test]
async fn offline_scans_in_one_batch_resolve_to_the_earliest_and_replays_admit_no_one() {
    let app = spawn_app().await;
    let (_, codes) = sold_tickets(&app, 2).await;
    let staff = app.token(users::STAFF).await;
    let base =
        DateTime::from_timestamp((Utc::now().timestamp() - 3_600) / 60 * 60, 0).expect("a time");
    let at = |minute| scan_time(base, minute).to_rfc3339();
    let batch = json!({"scans": [
        {"scan_id": "s1", "qr": codes[0], "gate": "north", "scanned_at": at(1)},
        {"scan_id": "s2", "qr": codes[0], "gate": "south", "scanned_at": at(0)},
        {"scan_id": "s3", "qr": codes[1], "gate": "north", "scanned_at": at(5)},
        {"scan_id": "s4", "qr": "garbage", "gate": "north", "scanned_at": at(6)},
    ]});
    let send = |body: Value| {
        let staff = staff.clone();
        let app = &app;
        async move {
            app.call(
                Method::POST,
                "/api/check-in/scans/batch",
                Some(&staff),
                Some(body),
                &[],
            )
            .await
        }
    };

    let first = send(batch.clone()).await;
    assert_eq!(first.status, 200, "{}", first.body);
    let expected = vec![
        (
            "s1".to_owned(),
            "already_admitted".to_owned(),
            Some("south".to_owned()),
        ),
        (
            "s2".to_owned(),
            "admitted".to_owned(),
            Some("south".to_owned()),
        ),
        (
            "s3".to_owned(),
            "admitted".to_owned(),
            Some("north".to_owned()),
        ),
        ("s4".to_owned(), "invalid_code".to_owned(), None),
    ];
    assert_eq!(outcomes(&first.body), expected);

    let replay = send(batch.clone()).await;
    assert_eq!(replay.status, 200);
    assert_eq!(replay.body, first.body);
    assert_eq!(
        app.count("select count(*) from ticket where checked_in_at is not null")
            .await,
        2
    );
    assert_eq!(app.count("select count(*) from ticket_scan").await, 4);

    // Another device syncs later with an even earlier scan of the second ticket: the first
    // admission stands and is not rewritten.
    let later = send(json!({"scans": [
        {"scan_id": "d2-1", "qr": codes[1], "gate": "east", "scanned_at": at(2)},
        {"scan_id": "d2-2", "qr": codes[0], "gate": "east", "scanned_at": at(3)},
    ]}))
    .await;
    assert_eq!(
        outcomes(&later.body),
        vec![
            (
                "d2-1".to_owned(),
                "already_admitted".to_owned(),
                Some("north".to_owned())
            ),
            (
                "d2-2".to_owned(),
                "already_admitted".to_owned(),
                Some("south".to_owned())
            ),
        ]
    );
    let (gate, admitted_at): (String, DateTime<Utc>) =
        sqlx::query_as("select checked_in_gate, checked_in_at from ticket where seat_id = $1")
            .bind(seat('A', 2))
            .fetch_one(&app.pool)
            .await
            .expect("ticket");
    assert_eq!((gate.as_str(), admitted_at), ("north", scan_time(base, 5)));

    // A live scan after the sync sees the admission.
    let live = app.scan(&staff, &codes[0], "north").await;
    assert_eq!(live.status, 409);
    assert_eq!(live.body["error"]["gate"], "south");
}

/// One offline batch of a single scan from a device of its own (`scan_id` is per device).
async fn sync_one(
    app: &TestApp,
    token: &str,
    scan_id: &str,
    qr: &str,
    gate: &str,
    at: DateTime<Utc>,
) -> Value {
    let response = app
        .call(
            Method::POST,
            "/api/check-in/scans/batch",
            Some(token),
            Some(json!({"scans": [
                {"scan_id": scan_id, "qr": qr, "gate": gate, "scanned_at": at.to_rfc3339()},
            ]})),
            &[],
        )
        .await;
    assert_eq!(response.status, 200, "{}", response.body);
    response.body["results"][0].clone()
}

#[tokio::test]
async fn a_ticket_admitted_online_is_never_admitted_again_by_earlier_offline_reports() {
    let app = spawn_app().await;
    let (_, codes) = sold_tickets(&app, 1).await;
    let staff = app.token(users::STAFF).await;

    let online = app.scan(&staff, &codes[0], "north").await;
    assert_eq!(online.status, 200, "{}", online.body);
    let admitted_at = online.body["checked_in_at"]
        .as_str()
        .expect("time")
        .to_owned();

    // Two other devices report scans they claim happened before the online admission.
    let an_hour_ago = Utc::now() - chrono::Duration::hours(1);
    for (device, gate) in [("device-b", "east"), ("device-c", "west")] {
        let result = sync_one(
            &app,
            &staff,
            &format!("{device}-1"),
            &codes[0],
            gate,
            an_hour_ago,
        )
        .await;
        assert_eq!(result["outcome"], "already_admitted", "{device}: {result}");
        assert_eq!(result["admitted_gate"], "north");
        let reported: DateTime<Utc> = result["admitted_at"]
            .as_str()
            .expect("time")
            .parse()
            .expect("rfc3339");
        assert_eq!(
            reported,
            admitted_at.parse::<DateTime<Utc>>().expect("rfc3339")
        );
    }

    let (gate, stored_at): (String, DateTime<Utc>) =
        sqlx::query_as("select checked_in_gate, checked_in_at from ticket")
            .fetch_one(&app.pool)
            .await
            .expect("ticket");
    assert_eq!(gate, "north");
    assert_eq!(
        stored_at,
        admitted_at.parse::<DateTime<Utc>>().expect("rfc3339")
    );
    assert_eq!(
        app.count("select count(*) from ticket_scan where outcome = 'admitted'")
            .await,
        1
    );
}

#[tokio::test]
async fn offline_scans_with_impossible_times_are_refused_one_by_one() {
    let app = spawn_app().await;
    let (_, codes) = sold_tickets(&app, 2).await;
    let staff = app.token(users::STAFF).await;
    let year_one = "0001-01-01T00:00:00Z";
    let tomorrow = (Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    let a_minute_ago = (Utc::now() - chrono::Duration::minutes(1)).to_rfc3339();
    let response = app
        .call(
            Method::POST,
            "/api/check-in/scans/batch",
            Some(&staff),
            Some(json!({"scans": [
                {"scan_id": "past", "qr": codes[0], "gate": "north", "scanned_at": year_one},
                {"scan_id": "future", "qr": codes[0], "gate": "north", "scanned_at": tomorrow},
                {"scan_id": "fine", "qr": codes[1], "gate": "north", "scanned_at": a_minute_ago},
            ]})),
            &[],
        )
        .await;
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(
        outcomes(&response.body),
        vec![
            ("past".to_owned(), "invalid_scan_time".to_owned(), None),
            ("future".to_owned(), "invalid_scan_time".to_owned(), None),
            (
                "fine".to_owned(),
                "admitted".to_owned(),
                Some("north".to_owned())
            ),
        ]
    );
    assert_eq!(
        app.count("select count(*) from ticket where checked_in_at is not null")
            .await,
        1
    );
    // The refused ticket can still be admitted by a scan with a true time.
    assert_eq!(app.scan(&staff, &codes[0], "north").await.status, 200);
}

#[tokio::test]
async fn staff_download_a_sessions_manifest_with_its_admissions_and_nothing_more() {
    let app = spawn_app().await;
    let (session, codes) = sold_tickets(&app, 3).await;
    let staff = app.token(users::STAFF).await;
    assert_eq!(app.scan(&staff, &codes[0], "north-1").await.status, 200);
    sqlx::query("update ticket set status = 'refunded' where seat_id = $1")
        .bind(seat('A', 3))
        .execute(&app.pool)
        .await
        .expect("refund one ticket");
    let path = format!("/api/check-in/sessions/{}/manifest", session.session_id);

    let manifest = app.call(Method::GET, &path, Some(&staff), None, &[]).await;
    assert_eq!(manifest.status, 200, "{}", manifest.body);
    let body = &manifest.body;
    assert_eq!(body["session_id"], session.session_id.to_string());
    assert_eq!(body["expected"], 2, "{body}");
    assert_eq!(body["admitted"], 1, "{body}");
    assert_eq!(body["gates"], json!([{"gate": "north-1", "admitted": 1}]));
    let tickets = body["tickets"].as_array().expect("tickets");
    let summary: Vec<(String, String, bool, Option<String>)> = tickets
        .iter()
        .map(|ticket| {
            (
                ticket["seat_label"].as_str().expect("label").to_owned(),
                ticket["status"].as_str().expect("status").to_owned(),
                ticket["checked_in_at"].is_string(),
                ticket["gate"].as_str().map(str::to_owned),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("A1".into(), "valid".into(), true, Some("north-1".into())),
            ("A2".into(), "valid".into(), false, None),
            ("A3".into(), "refunded".into(), false, None),
        ]
    );
    assert_eq!(tickets[0]["tier_name"], "Stalls");
    assert_eq!(tickets[0]["holder_name"], "Grace Hopper");
    // What a gate needs, not the buyer's contact details or what they paid.
    let text = body.to_string();
    assert!(!text.contains("grace@example.com"), "{text}");
    assert!(tickets[0].get("price_minor").is_none());
}

#[tokio::test]
async fn a_manifest_is_for_staff_of_the_events_organisation_only() {
    let app = spawn_app().await;
    let (session, _) = sold_tickets(&app, 1).await;
    let path = format!("/api/check-in/sessions/{}/manifest", session.session_id);
    for user in [users::STAFF_2, users::ATTENDEE] {
        let token = app.token(user).await;
        let response = app.call(Method::GET, &path, Some(&token), None, &[]).await;
        assert_eq!(response.status, 403, "{user}: {}", response.body);
    }
    let anonymous = app.call(Method::GET, &path, None, None, &[]).await;
    assert_eq!(anonymous.status, 401);

    let staff = app.token(users::STAFF).await;
    let unknown = format!("/api/check-in/sessions/{}/manifest", Uuid::new_v4());
    let missing = app
        .call(Method::GET, &unknown, Some(&staff), None, &[])
        .await;
    assert_eq!(missing.status, 404, "{}", missing.body);
    let malformed = app
        .call(
            Method::GET,
            "/api/check-in/sessions/not-a-uuid/manifest",
            Some(&staff),
            None,
            &[],
        )
        .await;
    assert_eq!(malformed.status, 400, "{}", malformed.body);
    assert!(
        malformed.body["error"]["field"].is_string(),
        "{}",
        malformed.body
    );
}

/// The numbers printed on `n` sold tickets of a fresh session (see `sold_tickets`).
async fn sold_numbers(app: &TestApp, n: u32) -> (Seeded, Vec<String>) {
    let session = app.seed(SessionSpec::grid(1, 10)).await;
    app.add_member(session.organisation_id, users::STAFF, "staff")
        .await;
    let seats: Vec<String> = (1..=n).map(|column| seat('A', column)).collect();
    let paid = app.buy(&session, &seats, &guest(1)).await;
    let numbers = paid.body["tickets"]
        .as_array()
        .expect("tickets")
        .iter()
        .map(|ticket| ticket["ticket_number"].as_str().expect("number").to_owned())
        .collect();
    (session, numbers)
}

async fn scan_number(
    app: &TestApp,
    token: &str,
    number: &str,
    session: &Seeded,
    gate: &str,
) -> crate::support::Response {
    app.call(
        Method::POST,
        "/api/check-in/scans",
        Some(token),
        Some(json!({"ticket_number": number, "session_id": session.session_id, "gate": gate})),
        &[],
    )
    .await
}

/// Typed numbers are Crockford base32, shown as `XXXX-XXXX-XXXX`.
fn looks_like_a_ticket_number(number: &str) -> bool {
    let groups: Vec<&str> = number.split('-').collect();
    groups.len() == 3
        && groups.iter().all(|group| {
            group.len() == 4
                && group.chars().all(|symbol| {
                    symbol.is_ascii_digit()
                        || (symbol.is_ascii_uppercase() && !"ILOU".contains(symbol))
                })
        })
}

#[tokio::test]
async fn a_typed_ticket_number_admits_once_then_is_already_admitted() {
    let app = spawn_app().await;
    let (session, numbers) = sold_numbers(&app, 2).await;
    let staff = app.token(users::STAFF).await;
    assert!(looks_like_a_ticket_number(&numbers[0]), "{}", numbers[0]);
    assert_ne!(numbers[0], numbers[1]);

    // Typed sloppily: lower case, spaces for dashes, O and I for 0 and 1.
    let typed = numbers[0]
        .to_lowercase()
        .replace('-', " ")
        .replace('0', "o")
        .replace('1', "I");
    let admitted = scan_number(&app, &staff, &typed, &session, "north-1").await;
    assert_eq!(admitted.status, 200, "{typed}: {}", admitted.body);
    assert_eq!(admitted.body["outcome"], "admitted");
    assert_eq!(admitted.body["ticket"]["ticket_number"], numbers[0]);
    assert_eq!(admitted.body["ticket"]["seat_label"], "A1");

    let again = scan_number(&app, &staff, &numbers[0], &session, "south-2").await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert_eq!(again.code(), "already_admitted");
    assert_eq!(again.body["error"]["gate"], "north-1");
    assert_eq!(
        app.count("select count(*) from ticket where checked_in_at is not null")
            .await,
        1
    );

    // Where people see their tickets and where gates look them up offline, the number is there.
    let manifest = app
        .call(
            Method::GET,
            &format!("/api/check-in/sessions/{}/manifest", session.session_id),
            Some(&staff),
            None,
            &[],
        )
        .await;
    let listed: Vec<&str> = manifest.body["tickets"]
        .as_array()
        .expect("tickets")
        .iter()
        .map(|ticket| ticket["ticket_number"].as_str().expect("number"))
        .collect();
    assert_eq!(listed, numbers);
}

#[tokio::test]
async fn a_number_that_names_no_ticket_of_the_session_is_not_found() {
    let app = spawn_app().await;
    let (session, numbers) = sold_numbers(&app, 1).await;
    let (_, elsewhere) = sold_numbers(&app, 1).await;
    let staff = app.token(users::STAFF).await;

    for number in ["ZZZZ-ZZZZ-ZZZZ", elsewhere[0].as_str()] {
        let response = scan_number(&app, &staff, number, &session, "north-1").await;
        assert_eq!(response.status, 404, "{number}: {}", response.body);
    }
    for malformed in ["K7Q2-9XMB", "K7Q2-9XMB-4TZU", "not a number at all"] {
        let response = scan_number(&app, &staff, malformed, &session, "north-1").await;
        assert_eq!(response.status, 422, "{malformed}: {}", response.body);
        assert_eq!(response.field(), "/ticket_number");
    }
    // Staff of another organisation are refused, whether or not the number is a ticket.
    let other = app.token(users::STAFF_2).await;
    for number in [numbers[0].as_str(), "ZZZZ-ZZZZ-ZZZZ"] {
        let response = scan_number(&app, &other, number, &session, "north-1").await;
        assert_eq!(response.status, 403, "{number}: {}", response.body);
    }
    assert_eq!(
        app.count("select count(*) from ticket where checked_in_at is not null")
            .await,
        0
    );
}

#[tokio::test]
async fn a_scan_names_its_ticket_by_a_code_or_a_number_not_both() {
    let app = spawn_app().await;
    let (session, codes) = sold_tickets(&app, 1).await;
    let number = "K7Q2-9XMB-4TZ8";
    let staff = app.token(users::STAFF).await;
    let session_id = session.session_id;
    let cases = [
        (
            json!({"qr": codes[0], "ticket_number": number, "session_id": session_id, "gate": "n"}),
            "/ticket_number",
        ),
        (json!({"gate": "n"}), "/qr"),
        (
            json!({"qr": null, "ticket_number": null, "gate": "n"}),
            "/qr",
        ),
        (json!({"ticket_number": number, "gate": "n"}), "/session_id"),
        (
            json!({"qr": codes[0], "session_id": session_id, "gate": "n"}),
            "/session_id",
        ),
    ];
    for (body, field) in cases {
        let response = app
            .call(
                Method::POST,
                "/api/check-in/scans",
                Some(&staff),
                Some(body.clone()),
                &[],
            )
            .await;
        assert_eq!(response.status, 422, "{body}: {}", response.body);
        assert_eq!(response.field(), field, "{body}: {}", response.body);

        let mut offline = body;
        offline["scan_id"] = json!("s1");
        offline["scanned_at"] = json!(Utc::now().to_rfc3339());
        let batch = app
            .call(
                Method::POST,
                "/api/check-in/scans/batch",
                Some(&staff),
                Some(json!({"scans": [offline]})),
                &[],
            )
            .await;
        assert_eq!(batch.status, 422, "{}", batch.body);
        assert_eq!(batch.field(), format!("/scans/0{field}"), "{}", batch.body);
    }
    assert_eq!(app.count("select count(*) from ticket_scan").await, 0);
}

#[tokio::test]
async fn offline_batches_carry_typed_numbers_and_replay_safely() {
    let app = spawn_app().await;
    let (session, numbers) = sold_numbers(&app, 2).await;
    let staff = app.token(users::STAFF).await;
    let at = |minutes_ago: i64| (Utc::now() - chrono::Duration::minutes(minutes_ago)).to_rfc3339();
    let typed = |scan_id: &str, number: &str, gate: &str, scanned_at: String| {
        json!({"scan_id": scan_id, "ticket_number": number, "session_id": session.session_id,
               "gate": gate, "scanned_at": scanned_at})
    };
    let batch = json!({"scans": [
        typed("n1", &numbers[0].to_lowercase(), "north", at(10)),
        typed("n2", &numbers[0], "south", at(5)),
        typed("n3", &numbers[1].replace('-', ""), "north", at(4)),
        typed("n4", "ZZZZ-ZZZZ-ZZZZ", "north", at(3)),
        typed("n5", "12", "north", at(2)),
    ]});
    let send = || {
        app.call(
            Method::POST,
            "/api/check-in/scans/batch",
            Some(&staff),
            Some(batch.clone()),
            &[],
        )
    };

    let first = send().await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(
        outcomes(&first.body),
        vec![
            ("n1".into(), "admitted".into(), Some("north".into())),
            ("n2".into(), "already_admitted".into(), Some("north".into())),
            ("n3".into(), "admitted".into(), Some("north".into())),
            ("n4".into(), "unknown_ticket".into(), None),
            ("n5".into(), "invalid_code".into(), None),
        ]
    );
    assert_eq!(
        first.body["results"][0]["ticket"]["ticket_number"],
        numbers[0]
    );

    let replay = send().await;
    assert_eq!(replay.body, first.body);
    assert_eq!(
        app.count("select count(*) from ticket where checked_in_at is not null")
            .await,
        2
    );
}

#[tokio::test]
async fn a_gates_counts_are_the_manifests_without_its_tickets() {
    let app = spawn_app().await;
    let (session, codes) = sold_tickets(&app, 4).await;
    let staff = app.token(users::STAFF).await;
    assert_eq!(app.scan(&staff, &codes[0], "north-1").await.status, 200);
    assert_eq!(app.scan(&staff, &codes[1], "south-2").await.status, 200);
    assert_eq!(app.scan(&staff, &codes[2], "south-2").await.status, 200);
    sqlx::query("update ticket set status = 'refunded' where seat_id = $1")
        .bind(seat('A', 3))
        .execute(&app.pool)
        .await
        .expect("refund an admitted ticket");
    let path = |what: &str| format!("/api/check-in/sessions/{}/{what}", session.session_id);

    let counts = app
        .call(Method::GET, &path("counts"), Some(&staff), None, &[])
        .await;
    assert_eq!(counts.status, 200, "{}", counts.body);
    assert_eq!(counts.body["expected"], 3, "{}", counts.body);
    assert_eq!(counts.body["admitted"], 2, "{}", counts.body);
    assert_eq!(
        counts.body["gates"],
        json!([{"gate": "north-1", "admitted": 1}, {"gate": "south-2", "admitted": 1}])
    );
    assert!(counts.body.get("tickets").is_none());
    let manifest = app
        .call(Method::GET, &path("manifest"), Some(&staff), None, &[])
        .await;
    for field in ["session_id", "event_id", "expected", "admitted", "gates"] {
        assert_eq!(counts.body[field], manifest.body[field], "{field}");
    }

    for user in [users::STAFF_2, users::ATTENDEE] {
        let token = app.token(user).await;
        let refused = app
            .call(Method::GET, &path("counts"), Some(&token), None, &[])
            .await;
        assert_eq!(refused.status, 403, "{user}: {}", refused.body);
    }
    let unknown = format!("/api/check-in/sessions/{}/counts", Uuid::new_v4());
    let missing = app
        .call(Method::GET, &unknown, Some(&staff), None, &[])
        .await;
    assert_eq!(missing.status, 404);
}
