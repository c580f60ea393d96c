//! `GET /api/catalog/events/{id}/sales/stream`: organisers watch their events' sales live.

use std::collections::BTreeMap;

use mongodb::bson::{Document, doc};
use shared_dto::read_model::{MemberView, OrganisationDocument, collection};
use shared_dto::seat_hold::{SalesActivity, SalesActivityKind};
use test_support::oidc::{Oidc, users};
use uuid::Uuid;

use crate::support::{World, open_stream};

/// An event of an organisation with `organiser@boxoffice.test` as organiser and
/// `staff@boxoffice.test` as staff.
async fn organised_event(world: &World) -> String {
    let organisation_id = Uuid::new_v4().to_string();
    let event_id = Uuid::new_v4().to_string();
    world
        .mongo
        .database
        .collection::<OrganisationDocument>(collection::ORGANISATIONS)
        .insert_one(OrganisationDocument {
            organisation_id: organisation_id.clone(),
            name: "Live Nation of Tests".to_owned(),
            members: vec![
                MemberView {
                    email: users::ORGANISER.to_owned(),
                    user_subject: None,
                    role: "organiser".to_owned(),
                },
                MemberView {
                    email: users::STAFF.to_owned(),
                    user_subject: None,
                    role: "staff".to_owned(),
                },
            ],
            versions: BTreeMap::new(),
        })
        .await
        .expect("insert the organisation");
    world
        .mongo
        .database
        .collection::<Document>(collection::EVENTS)
        .insert_one(doc! { "_id": &event_id, "organisation_id": &organisation_id, "title": "Gig" })
        .await
        .expect("insert the event");
    event_id
}

fn activity(event_id: &str, kind: SalesActivityKind, quantity: u32) -> SalesActivity {
    SalesActivity {
        event_id: event_id.to_owned(),
        session_id: Uuid::new_v4().to_string(),
        kind,
        order_id: Some(Uuid::new_v4().to_string()),
        ticket_id: None,
        quantity,
        amount_minor: 9_000,
        currency: Some("EUR".to_owned()),
        gate: None,
        at_ms: 1_700_000_000_000,
    }
}

#[tokio::test]
async fn an_organiser_watches_their_events_sales_as_they_happen() {
    let world = World::new().await;
    let event_id = organised_event(&world).await;
    let other_event_id = organised_event(&world).await;
    let replica = world.replica(&[]).await;
    let oidc = Oidc::new(&world.env);
    let token = oidc
        .user_token(users::ORGANISER, users::PASSWORD)
        .await
        .expect("a token");
    let path = format!("/api/catalog/events/{event_id}/sales/stream");
    let bearer = format!("Bearer {token}");
    let mut client = open_stream(&replica, &path, &[("authorization", &bearer)])
        .await
        .expect("the organiser's stream");

    let channel = world.keys.sales_activity_channel();
    // Another event's activity is not this stream's business.
    let elsewhere = activity(&other_event_id, SalesActivityKind::OrderPaid, 1);
    world
        .publish(&channel, &serde_json::to_string(&elsewhere).expect("json"))
        .await;
    let sent = [
        activity(&event_id, SalesActivityKind::OrderPaid, 2),
        activity(&event_id, SalesActivityKind::TicketsIssued, 2),
    ];
    for item in &sent {
        world
            .publish(&channel, &serde_json::to_string(item).expect("json"))
            .await;
    }
    for item in &sent {
        let event = client.expect("activity").await;
        let received: SalesActivity = serde_json::from_str(&event.data).expect("an activity");
        assert_eq!(&received, item);
        assert!(event.id.is_some());
    }

    replica.stop().await.expect("stops");
    world.finish().await;
}

#[tokio::test]
async fn only_the_events_organisers_and_admins_may_watch_its_sales() {
    let world = World::new().await;
    let event_id = organised_event(&world).await;
    let replica = world.replica(&[]).await;
    let oidc = Oidc::new(&world.env);
    let path = format!("/api/catalog/events/{event_id}/sales/stream");

    let anonymous = open_stream(&replica, &path, &[])
        .await
        .err()
        .expect("refused");
    assert_eq!(anonymous.status, 401);

    for (user, expected) in [
        (users::ORGANISER_2, Some(404)),
        (users::ATTENDEE, Some(404)),
        (users::STAFF_2, Some(404)),
        (users::STAFF, Some(404)),
        (users::ADMIN, None),
    ] {
        let token = oidc
            .user_token(user, users::PASSWORD)
            .await
            .expect("a token");
        let bearer = format!("Bearer {token}");
        let outcome = open_stream(&replica, &path, &[("authorization", &bearer)]).await;
        assert_eq!(
            outcome.err().map(|refused| refused.status),
            expected,
            "{user}"
        );
    }

    let token = oidc
        .user_token(users::ORGANISER, users::PASSWORD)
        .await
        .expect("a token");
    let bearer = format!("Bearer {token}");
    let unknown = format!("/api/catalog/events/{}/sales/stream", Uuid::new_v4());
    let refused = open_stream(&replica, &unknown, &[("authorization", &bearer)])
        .await
        .err()
        .expect("no such event");
    assert_eq!(refused.status, 404);

    replica.stop().await.expect("stops");
    world.finish().await;
}
