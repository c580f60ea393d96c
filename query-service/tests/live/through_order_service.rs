//! The whole path through order-service's real HTTP API: holds, extensions, releases and a
//! paid order reach the seat streams of two query-service replicas, and the sale reaches the
//! organiser's live sales view.

use std::collections::BTreeMap;

use clap::Parser;
use mongodb::bson::{Document, doc};
use serde_json::{Value, json};
use shared_dto::layout::{Block, Layout, SeatedGrid, Size};
use shared_dto::read_model::{
    MemberView, OrganisationDocument, SeatMapDocument, TierView, collection,
};
use test_support::RunningService;
use test_support::oidc::{Oidc, users};
use test_support::postgres::TestDatabase;
use uuid::Uuid;

use crate::support::{World, open_stream, stream};

/// What command-service would have written for one on-sale session of a 1 × 6 grid.
struct Sale {
    organisation_id: Uuid,
    event_id: Uuid,
    session_id: Uuid,
    layout: Layout,
    tier_id: Uuid,
}

async fn seed_sale(pool: &sqlx::PgPool) -> Sale {
    let tier_id = Uuid::new_v4();
    let sale = Sale {
        organisation_id: Uuid::new_v4(),
        event_id: Uuid::new_v4(),
        session_id: Uuid::new_v4(),
        tier_id,
        layout: Layout {
            canvas: Size {
                width: 600.0,
                height: 200.0,
            },
            blocks: vec![Block::SeatedGrid(SeatedGrid::filled(
                "stalls", 1, 6, tier_id,
            ))],
        },
    };
    let statements = [
        "insert into organisation (organisation_id, name) values ($1, 'Harbour Hall Ltd')",
        "insert into event (event_id, organisation_id, title, status, published_at)
         values ($2, $1, 'Night at the Harbour', 'published', now())",
        "insert into tier (tier_id, event_id, name, colour, price_minor, currency)
         values ($4, $2, 'Stalls', '#3366ff', 4500, 'EUR')",
        "insert into organisation_member (organisation_id, email, role)
         values ($1, 'organiser@boxoffice.test', 'organiser')",
        "insert into session (session_id, event_id, mode, starts_at, ends_at, sales_start_at,
                              sales_end_at, status)
         values ($3, $2, 'online', now() + interval '2 days', now() + interval '2 days 3 hours',
                 now() - interval '1 day', now() + interval '1 day', 'on_sale')",
    ];
    for statement in statements {
        sqlx::query(statement)
            .bind(sale.organisation_id)
            .bind(sale.event_id)
            .bind(sale.session_id)
            .bind(sale.tier_id)
            .execute(pool)
            .await
            .unwrap_or_else(|error| panic!("{statement}: {error}"));
    }
    sqlx::query(
        "insert into session_layout (session_id, layout, seat_count, standing_capacity, tier_ids)
         values ($1, $2, $3, 0, $4)",
    )
    .bind(sale.session_id)
    .bind(sqlx::types::Json(&sale.layout))
    .bind(i32::try_from(sale.layout.seat_count()).expect("seat count"))
    .bind(vec![sale.tier_id])
    .execute(pool)
    .await
    .expect("session layout");
    sale
}

/// The read models the projector would have built for the sale.
async fn project(world: &World, sale: &Sale) {
    let database = &world.mongo.database;
    database
        .collection::<SeatMapDocument>(collection::SEAT_MAPS)
        .insert_one(SeatMapDocument {
            session_id: sale.session_id.to_string(),
            event_id: sale.event_id.to_string(),
            session_status: shared_dto::status::SessionStatus::OnSale,
            layout: sale.layout.clone(),
            tiers: vec![TierView {
                tier_id: sale.tier_id.to_string(),
                name: "Stalls".to_owned(),
                colour: "#3366ff".to_owned(),
                price_minor: 4_500,
                currency: "EUR".to_owned(),
            }],
            capacity: 6,
            standing_capacity: BTreeMap::new(),
            versions: BTreeMap::new(),
        })
        .await
        .expect("seat map");
    database
        .collection::<Document>(collection::EVENTS)
        .insert_one(doc! {
            "_id": sale.event_id.to_string(),
            "organisation_id": sale.organisation_id.to_string(),
        })
        .await
        .expect("event");
    database
        .collection::<OrganisationDocument>(collection::ORGANISATIONS)
        .insert_one(OrganisationDocument {
            organisation_id: sale.organisation_id.to_string(),
            name: "Harbour Hall Ltd".to_owned(),
            members: vec![MemberView {
                email: users::ORGANISER.to_owned(),
                user_subject: None,
                role: "organiser".to_owned(),
            }],
            versions: BTreeMap::new(),
        })
        .await
        .expect("organisation");
}

async fn spawn_order_service(world: &World, database: &TestDatabase) -> RunningService {
    spawn_order_service_with(world, database, &[]).await
}

async fn spawn_order_service_with(
    world: &World,
    database: &TestDatabase,
    extra: &[&str],
) -> RunningService {
    let mut args = vec![
        "order-service",
        "--listen",
        "127.0.0.1:0",
        "--database-url",
        &database.url,
        "--redis-url",
        &world.redis_url,
        "--hold-key-prefix",
        world.prefix.as_str(),
        "--oidc-issuer",
        &world.env.oidc_issuer,
    ];
    args.extend(extra);
    let config = order_service::Config::try_parse_from(args).expect("order-service configuration");
    let app = order_service::App::build(config)
        .await
        .expect("order-service builds");
    RunningService::spawn(app.local_addr(), |stop| app.run_until(stop))
}

async fn call(
    service: &RunningService,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    call_as_guest(service, method, path, body, "").await
}

/// A call that presents a guest order's access token.
async fn call_as_guest(
    service: &RunningService,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
    order_access_token: &str,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .request(method, service.url(path))
        .header("idempotency-key", Uuid::new_v4().to_string())
        .header("order-access-token", order_access_token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("order-service answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn holds_and_sales_made_through_order_service_reach_both_replicas() {
    let world = World::new().await;
    let database = TestDatabase::create(
        &world.env,
        &[&command_service::MIGRATOR, &order_service::MIGRATOR],
    )
    .await
    .expect("a write-store database");
    let sale = seed_sale(&database.pool).await;
    project(&world, &sale).await;
    let orders = spawn_order_service(&world, &database).await;
    let replicas = [world.replica(&[]).await, world.replica(&[]).await];
    let seats_path = format!("/api/catalog/sessions/{}/seats/stream", sale.session_id);
    let mut clients = Vec::new();
    for replica in &replicas {
        let mut client = stream(replica, &seats_path).await;
        client.expect("snapshot").await;
        clients.push(client);
    }
    let token = Oidc::new(&world.env)
        .user_token(users::ORGANISER, users::PASSWORD)
        .await
        .expect("a token");
    let mut organiser = open_stream(
        &replicas[0],
        &format!("/api/catalog/events/{}/sales/stream", sale.event_id),
        &[("authorization", &format!("Bearer {token}"))],
    )
    .await
    .expect("the organiser's sales stream");

    let holds = format!("/api/sales/sessions/{}/holds", sale.session_id);
    let (status, hold) = call(
        &orders,
        reqwest::Method::POST,
        &holds,
        Some(json!({"seats": ["stalls-A-1", "stalls-A-2"], "buyer_id": "guest-buyer-0001"})),
    )
    .await;
    assert_eq!(status, 201, "{hold}");
    let hold_token = hold["hold_token"].as_str().expect("a hold token");
    for client in &mut clients {
        client
            .expect_seats("held", &["stalls-A-1", "stalls-A-2"])
            .await;
    }

    // Extending keeps the seats held: nothing to tell. Releasing frees them.
    let (status, _) = call(
        &orders,
        reqwest::Method::POST,
        &format!("/api/sales/holds/{hold_token}/extend"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = call(
        &orders,
        reqwest::Method::DELETE,
        &format!("/api/sales/holds/{hold_token}"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    for client in &mut clients {
        client
            .expect_seats("released", &["stalls-A-1", "stalls-A-2"])
            .await;
    }

    // A purchase: held, then sold, and never released in between or after.
    let (status, hold) = call(
        &orders,
        reqwest::Method::POST,
        &holds,
        Some(json!({"seats": ["stalls-A-3"], "buyer_id": "guest-buyer-0002"})),
    )
    .await;
    assert_eq!(status, 201, "{hold}");
    let (status, order) = call(
        &orders,
        reqwest::Method::POST,
        "/api/sales/orders",
        Some(json!({
            "hold_token": hold["hold_token"],
            "buyer": {"name": "Grace Hopper", "email": "grace@example.com"}
        })),
    )
    .await;
    assert_eq!(status, 201, "{order}");
    let order_id = order["order_id"].as_str().expect("an order id");
    let (status, paid) = call_as_guest(
        &orders,
        reqwest::Method::POST,
        &format!("/api/sales/orders/{order_id}/pay"),
        Some(json!({"payment_method": "4242 4242 4242 4242"})),
        order["access_token"].as_str().unwrap_or_default(),
    )
    .await;
    assert_eq!(status, 200, "{paid}");
    let (status, _) = call(
        &orders,
        reqwest::Method::POST,
        &holds,
        Some(json!({"seats": ["stalls-A-6"], "buyer_id": "guest-buyer-0003"})),
    )
    .await;
    assert_eq!(status, 201);
    for client in &mut clients {
        client.expect_seats("held", &["stalls-A-3"]).await;
        let sold = client.expect("sold").await;
        assert_eq!(sold.seat_ids(), ["stalls-A-3"]);
        client.expect_seats("held", &["stalls-A-6"]).await;
    }

    let activity = organiser.expect("activity").await.json();
    assert_eq!(activity["event_id"], sale.event_id.to_string());
    assert_eq!(activity["session_id"], sale.session_id.to_string());

    // A refund puts the sold seat back on sale: every watcher sees it free again.
    let refunded = reqwest::Client::new()
        .post(orders.url(&format!("/api/sales/orders/{order_id}/refunds")))
        .bearer_auth(&token)
        .json(&json!({"reason": "the buyer cannot come"}))
        .send()
        .await
        .expect("order-service answers");
    assert_eq!(refunded.status(), 201);
    for client in &mut clients {
        client.expect_seats("released", &["stalls-A-3"]).await;
    }

    orders.stop().await.expect("order-service stops");
    for replica in replicas {
        replica.stop().await.expect("stops");
    }
    world.finish().await;
}

/// On a real three-master Redis Cluster: every key of a session's holds sits in the session's
/// hash slot, so multi-seat and best-available holds never fail across slots, and each
/// replica hears the keyspace notifications of every master, whichever holds the session.
#[tokio::test]
async fn on_a_three_master_redis_cluster_holds_reach_the_streams_of_sessions_on_every_master() {
    use std::collections::HashSet;

    let cluster = test_support::redis_cluster::RedisCluster::start().await;
    let world = World::on_redis(test_support::StackEnv::from_env(), cluster.urls()).await;
    let database = TestDatabase::create(
        &world.env,
        &[&command_service::MIGRATOR, &order_service::MIGRATOR],
    )
    .await
    .expect("a write-store database");
    // One on-sale session whose keys live on each master.
    let mut sales = Vec::new();
    let mut masters = HashSet::new();
    while masters.len() < cluster.ports().len() {
        let sale = seed_sale(&database.pool).await;
        let master = cluster.master_of(&world.keys.seat(&sale.session_id.to_string(), "x"));
        if masters.insert(master) {
            project(&world, &sale).await;
            sales.push(sale);
        }
    }
    let orders = spawn_order_service_with(&world, &database, &["--redis-cluster"]).await;
    let replicas = [
        world.replica(&["--redis-cluster"]).await,
        world.replica(&["--redis-cluster"]).await,
    ];

    for (index, sale) in sales.iter().enumerate() {
        let seats_path = format!("/api/catalog/sessions/{}/seats/stream", sale.session_id);
        let mut clients = Vec::new();
        for replica in &replicas {
            let mut client = stream(replica, &seats_path).await;
            client.expect("snapshot").await;
            clients.push(client);
        }
        let holds = format!("/api/sales/sessions/{}/holds", sale.session_id);
        let (status, named) = call(
            &orders,
            reqwest::Method::POST,
            &holds,
            Some(json!({"seats": ["stalls-A-1", "stalls-A-2"], "buyer_id": format!("guest-{index}-1")})),
        )
        .await;
        assert_eq!(status, 201, "{named}");
        for client in &mut clients {
            client
                .expect_seats("held", &["stalls-A-1", "stalls-A-2"])
                .await;
        }
        let (status, best) = call(
            &orders,
            reqwest::Method::POST,
            &holds,
            Some(json!({"tier_id": sale.tier_id, "quantity": 3, "buyer_id": format!("guest-{index}-2")})),
        )
        .await;
        assert_eq!(status, 201, "{best}");
        let best_seats: Vec<String> = best["seats"]
            .as_array()
            .expect("held seats")
            .iter()
            .map(|seat| seat["seat_id"].as_str().expect("a seat id").to_owned())
            .collect();
        assert_eq!(best_seats.len(), 3, "{best}");
        let best_seats: Vec<&str> = best_seats.iter().map(String::as_str).collect();
        for client in &mut clients {
            client.expect_seats("held", &best_seats).await;
        }
        // All or nothing across the session's keys: one taken seat refuses the whole hold.
        let (status, refused) = call(
            &orders,
            reqwest::Method::POST,
            &holds,
            Some(json!({"seats": ["stalls-A-2", "stalls-A-6"], "buyer_id": format!("guest-{index}-3")})),
        )
        .await;
        let free_sixth = !best_seats.contains(&"stalls-A-6");
        assert_eq!(status, 409, "{refused}");
        let (status, _) = call(
            &orders,
            reqwest::Method::DELETE,
            &format!(
                "/api/sales/holds/{}",
                named["hold_token"].as_str().expect("a token")
            ),
            None,
        )
        .await;
        assert_eq!(status, 204);
        for client in &mut clients {
            client
                .expect_seats("released", &["stalls-A-1", "stalls-A-2"])
                .await;
        }
        if free_sixth {
            // The refused hold took nothing: the sixth seat is still free to hold.
            let (status, sixth) = call(
                &orders,
                reqwest::Method::POST,
                &holds,
                Some(json!({"seats": ["stalls-A-6"], "buyer_id": format!("guest-{index}-4")})),
            )
            .await;
            assert_eq!(status, 201, "{sixth}");
        }
    }

    orders.stop().await.expect("order-service stops");
    for replica in replicas {
        replica.stop().await.expect("stops");
    }
    world.finish().await;
}
