//! `GET /api/catalog/events/{id}/sales` with real access tokens from the stack's provider.

use test_support::oidc::{Oidc, users};

use crate::support::*;

async fn token(app: &CatalogApp, email: &str) -> String {
    Oidc::new(&app.env)
        .user_token(email, users::PASSWORD)
        .await
        .unwrap_or_else(|error| panic!("a token for {email}: {error:#}"))
}

async fn get_sales(app: &CatalogApp, event_id: &str, token: Option<&str>) -> Reply {
    let bearer = token.map(|token| format!("Bearer {token}"));
    let headers: Vec<(&str, &str)> = bearer
        .as_deref()
        .map(|bearer| ("Authorization", bearer))
        .into_iter()
        .collect();
    app.get_with(&format!("/api/catalog/events/{event_id}/sales"), &headers)
        .await
}

#[tokio::test]
async fn organisers_and_staff_of_the_organisation_and_admins_see_sales() {
    let app = CatalogApp::spawn().await;
    let show = event("Sold Well")
        .sessions(vec![
            session(BRISTOL, 2 * DAY_MS),
            session(BATH, 5 * DAY_MS),
        ])
        .build();
    let other = event("Someone Else's")
        .organisation("org-elsewhere")
        .build();
    app.insert_events(&[show.clone(), other.clone()]).await;
    app.insert_organisation(&organisation(
        ORGANISATION_ID,
        &[(users::ORGANISER, "organiser"), (users::STAFF, "staff")],
    ))
    .await;
    app.insert_organisation(&organisation(
        "org-elsewhere",
        &[(users::ORGANISER_2, "organiser")],
    ))
    .await;
    app.insert_sales(&[
        session_sales(
            &show,
            0,
            &[("tier-standard", 4, 2, 6000), ("tier-premium", 1, 1, 3000)],
        ),
        session_sales(&show, 1, &[("tier-standard", 2, 0, 3000)]),
    ])
    .await;

    let organiser = token(&app, users::ORGANISER).await;
    let reply = get_sales(&app, &show.event_id, Some(&organiser)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let sales = &reply.body;
    assert_eq!(sales["event_id"], show.event_id.as_str());
    assert_eq!(sales["currency"], "GBP");
    assert_eq!(sales["totals"]["sold"], 7);
    assert_eq!(sales["totals"]["checked_in"], 3);
    assert_eq!(sales["totals"]["revenue_minor"], 12000);
    assert_eq!(sales["by_tier"][0]["name"], "Standard");
    assert_eq!(sales["by_tier"][0]["sold"], 6);
    assert_eq!(sales["by_tier"][1]["name"], "Premium");
    assert_eq!(
        sales["sessions"][0]["session_id"],
        show.sessions[0].session_id.as_str()
    );
    assert_eq!(sales["sessions"][0]["sold"], 5);
    assert_eq!(sales["sessions"][1]["revenue_minor"], 3000);
    assert_eq!(reply.header("cache-control"), Some("private, no-cache"));
    let tag = reply.header("etag").expect("an ETag").to_owned();
    let revalidated = app
        .get_with(
            &format!("/api/catalog/events/{}/sales", show.event_id),
            &[
                ("Authorization", &format!("Bearer {organiser}")),
                ("If-None-Match", &tag),
            ],
        )
        .await;
    assert_eq!(revalidated.status, 304);

    let admin = get_sales(&app, &show.event_id, Some(&token(&app, users::ADMIN).await)).await;
    assert_eq!(admin.status, 200, "{}", admin.body);
    assert_eq!(admin.body["totals"]["sold"], 7);
    // Staff of the organisation check tickets in; revenue is not theirs to read.
    let staff = get_sales(&app, &show.event_id, Some(&token(&app, users::STAFF).await)).await;
    assert_eq!(staff.status, 404, "{}", staff.body);

    // Another organisation's event is as good as absent, even for an organiser.
    let reply = get_sales(&app, &other.event_id, Some(&organiser)).await;
    assert_eq!(reply.status, 404, "{}", reply.body);
    app.stop().await;
}

#[tokio::test]
async fn anyone_else_gets_404_and_no_token_gets_401() {
    let app = CatalogApp::spawn().await;
    let show = event("Private Figures").build();
    app.insert_events(std::slice::from_ref(&show)).await;
    app.insert_organisation(&organisation(
        ORGANISATION_ID,
        &[(users::ORGANISER, "organiser")],
    ))
    .await;
    app.insert_sales(&[session_sales(&show, 0, &[("tier-standard", 1, 0, 1500)])])
        .await;

    let anonymous = get_sales(&app, &show.event_id, None).await;
    assert_eq!(anonymous.status, 401, "{}", anonymous.body);
    assert!(anonymous.header("www-authenticate").is_some());
    let forged = get_sales(&app, &show.event_id, Some("not.a.token")).await;
    assert_eq!(forged.status, 401, "{}", forged.body);
    // Unknown events are not revealed to anonymous callers either.
    assert_eq!(get_sales(&app, "no-such-event", None).await.status, 401);

    for email in [users::ORGANISER_2, users::STAFF_2, users::ATTENDEE] {
        let reply = get_sales(&app, &show.event_id, Some(&token(&app, email).await)).await;
        assert_eq!(reply.status, 404, "{email}: {}", reply.body);
        assert_eq!(reply.body["error"]["code"], "not_found");
    }
    let organiser = token(&app, users::ORGANISER).await;
    assert_eq!(
        get_sales(&app, "no-such-event", Some(&organiser))
            .await
            .status,
        404
    );
    app.stop().await;
}
