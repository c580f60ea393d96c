//! Organisation data is private to its members; staff read; bad tokens are 401.

use reqwest::Method;
use serde_json::json;
use test_support::oidc::users;

use crate::support::spawn_app;

#[tokio::test]
async fn an_organiser_cannot_see_or_change_another_organisations_event() {
    let app = spawn_app().await;
    let organisation = app.organisation(&app.organiser).await;
    let event = app.draft_event(&app.organiser, organisation).await;
    let path = format!("/api/manage/events/{event}");

    let read = app.get(&path, &app.organiser_2).await;
    assert_eq!(
        read.status, 404,
        "another organisation's event does not exist for them"
    );
    let edit = app
        .patch(&path, &app.organiser_2, json!({"title": "Hijacked"}))
        .await;
    assert_eq!(edit.status, 404);
    let tier = app
        .post(
            &format!("{path}/tiers"),
            &app.organiser_2,
            json!({"name": "Free", "colour": "#000000", "price_minor": 0, "currency": "EUR"}),
        )
        .await;
    assert_eq!(tier.status, 404);
    let listed = app.get("/api/manage/events", &app.organiser_2).await;
    assert_eq!(listed.body["total"], 0, "{}", listed.body);

    let title: String = sqlx::query_scalar("select title from event where event_id = $1")
        .bind(event)
        .fetch_one(&app.pool)
        .await
        .expect("event");
    assert_eq!(title, "Night at the Harbour");
    assert_eq!(
        app.get(&path, &app.admin).await.status,
        200,
        "admins see everything"
    );
}

#[tokio::test]
async fn staff_can_read_their_organisation_but_not_write() {
    let app = spawn_app().await;
    let organisation = app.organisation(&app.organiser).await;
    let event = app.draft_event(&app.organiser, organisation).await;
    let added = app
        .post(
            &format!("/api/manage/organisations/{organisation}/members"),
            &app.organiser,
            json!({"email": users::STAFF, "role": "staff"}),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.body);
    let again = app
        .post(
            &format!("/api/manage/organisations/{organisation}/members"),
            &app.organiser,
            json!({"email": users::STAFF.to_uppercase(), "role": "staff"}),
        )
        .await;
    assert_eq!(again.status, 409);

    let path = format!("/api/manage/events/{event}");
    assert_eq!(app.get(&path, &app.staff).await.status, 200);
    let edit = app
        .patch(&path, &app.staff, json!({"title": "Staff edit"}))
        .await;
    assert_eq!(edit.status, 403, "{}", edit.body);
    let publish = app
        .post(&format!("{path}/publish"), &app.staff, json!({}))
        .await;
    assert_eq!(publish.status, 403);
    let members = app
        .post(
            &format!("/api/manage/organisations/{organisation}/members"),
            &app.staff,
            json!({"email": "friend@example.com", "role": "organiser"}),
        )
        .await;
    assert_eq!(members.status, 403);
}

#[tokio::test]
async fn attendees_cannot_create_organisations() {
    let app = spawn_app().await;
    let oidc = test_support::oidc::Oidc::new(&test_support::StackEnv::from_env());
    let attendee = oidc
        .user_token(users::ATTENDEE, users::PASSWORD)
        .await
        .expect("token");
    let response = app
        .post(
            "/api/manage/organisations",
            &attendee,
            json!({"name": "Mine"}),
        )
        .await;
    assert_eq!(response.status, 403);
}

#[tokio::test]
async fn missing_forged_and_tampered_tokens_are_401() {
    let app = spawn_app().await;
    let organisation = app.organisation(&app.organiser).await;
    let path = format!("/api/manage/organisations/{organisation}");

    let missing = app.call(Method::GET, &path, None, None).await;
    assert_eq!(missing.status, 401);
    assert_eq!(missing.code(), "unauthorized");

    // Same header and claims, different signature: flip the last signature character.
    let mut forged = app.organiser.clone();
    let last = forged.pop().expect("a token");
    forged.push(if last == 'A' { 'B' } else { 'A' });
    assert_eq!(app.get(&path, &forged).await.status, 401);

    // A tampered payload (claims swapped for another user's) with the original signature.
    let parts: Vec<&str> = app.organiser.split('.').collect();
    let other: Vec<&str> = app.organiser_2.split('.').collect();
    let spliced = format!("{}.{}.{}", parts[0], other[1], parts[2]);
    assert_eq!(app.get(&path, &spliced).await.status, 401);

    assert_eq!(app.get(&path, "not-a-jwt").await.status, 401);
    assert_eq!(app.get(&path, &app.organiser).await.status, 200);
}

#[tokio::test]
async fn organisers_change_and_remove_members_but_never_the_last_organiser() {
    let app = spawn_app().await;
    let organisation = app.organisation(&app.organiser).await;
    let members = format!("/api/manage/organisations/{organisation}/members");
    let added = app
        .post(
            &members,
            &app.organiser,
            json!({"email": users::STAFF, "role": "staff"}),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.body);
    let staff_path = format!("{members}/{}", users::STAFF);

    // Staff cannot manage members, outsiders find nothing.
    let by_staff = app
        .patch(&staff_path, &app.staff, json!({"role": "organiser"}))
        .await;
    assert_eq!(by_staff.status, 403, "{}", by_staff.body);
    let by_outsider = app
        .call(Method::DELETE, &staff_path, Some(&app.organiser_2), None)
        .await;
    assert_eq!(by_outsider.status, 404);

    let promoted = app
        .patch(&staff_path, &app.organiser, json!({"role": "organiser"}))
        .await;
    assert_eq!(promoted.status, 200, "{}", promoted.body);
    assert_eq!(promoted.body["role"], "organiser");
    // With two organisers, the creator may step down, and the other may not then follow.
    let creator = format!("{members}/{}", users::ORGANISER);
    let stepped_down = app
        .patch(&creator, &app.organiser, json!({"role": "staff"}))
        .await;
    assert_eq!(stepped_down.status, 200, "{}", stepped_down.body);
    let last = app
        .patch(&staff_path, &app.staff, json!({"role": "staff"}))
        .await;
    assert_eq!(last.status, 409, "{}", last.body);
    assert_eq!(last.code(), "last_organiser");
    let remove_last = app
        .call(Method::DELETE, &staff_path, Some(&app.staff), None)
        .await;
    assert_eq!(remove_last.status, 409, "{}", remove_last.body);

    let removed = app
        .call(Method::DELETE, &creator, Some(&app.staff), None)
        .await;
    assert_eq!(removed.status, 204, "{}", removed.body);
    let gone = app
        .call(Method::DELETE, &creator, Some(&app.staff), None)
        .await;
    assert_eq!(gone.status, 404);
    let bad_role = app
        .patch(&staff_path, &app.staff, json!({"role": "owner"}))
        .await;
    assert_eq!(bad_role.status, 422, "{}", bad_role.body);
    assert_eq!(bad_role.field(), "/role");

    let detail = app
        .get(
            &format!("/api/manage/organisations/{organisation}"),
            &app.staff,
        )
        .await;
    let emails: Vec<&str> = detail.body["members"]
        .as_array()
        .expect("members")
        .iter()
        .filter_map(|member| member["email"].as_str())
        .collect();
    assert_eq!(emails, [users::STAFF]);
}
