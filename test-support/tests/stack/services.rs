//! The operational surface every service shares: liveness, readiness that reflects its
//! engines, Prometheus metrics, and JSON errors for unknown routes.

use clap::Parser;
use serde_json::Value;
use std::time::Duration;

use test_support::{RunningService, unique_name, wait_until};

/// Builds a service from its real configuration type (engine settings from the environment,
/// defaulting to the local stack) and runs it on a free port.
macro_rules! spawn_service {
    ($service:ident $(, $arg:expr)*) => {{
        let config = $service::Config::try_parse_from([
            stringify!($service), "--listen", "127.0.0.1:0" $(, $arg)*
        ])
        .expect("valid configuration");
        let app = $service::App::build(config).await.expect("the service builds");
        RunningService::spawn(app.local_addr(), |stop| app.run_until(stop))
    }};
}

async fn get_json(service: &RunningService, path: &str) -> (u16, Value) {
    let response = reqwest::get(service.url(path)).await.expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.expect("a JSON body"))
}

async fn assert_operational(service: RunningService, name: &str) {
    let (status, health) = get_json(&service, "/health").await;
    assert_eq!((status, health["service"].as_str()), (200, Some(name)));

    // Readiness can take a moment (the projector first joins its consumer group).
    let (ready, _) = wait_until(
        &format!("{name} is ready with the stack up"),
        Duration::from_secs(30),
        || async {
            let (status, ready) = get_json(&service, "/ready").await;
            (status == 200).then_some(ready)
        },
    )
    .await;
    assert_eq!(ready["ready"], true);

    let (status, error) = get_json(&service, "/no/such/route").await;
    assert_eq!(status, 404);
    assert_eq!(error["error"]["code"], "not_found");

    let metrics = reqwest::get(service.url("/metrics"))
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    assert!(
        metrics.contains("http_requests_total{") && metrics.contains(r#"route="/health""#),
        "{name} exposes request metrics per route:\n{metrics}"
    );
    service.stop().await.expect("stops gracefully");
}

async fn assert_not_ready_because_of(service: RunningService, engines: &[&str]) {
    let (status, ready) = get_json(&service, "/ready").await;
    assert_eq!(status, 503, "not ready while {engines:?} fail: {ready}");
    let failing: Vec<&str> = ready["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|check| check["ok"] == false)
        .filter_map(|check| check["name"].as_str())
        .collect();
    assert_eq!(failing, engines);
    // Liveness is about the process, not its engines: a restart would not help.
    assert_eq!(get_json(&service, "/health").await.0, 200);
}

#[tokio::test]
async fn command_service_is_live_ready_and_measured() {
    assert_operational(spawn_service!(command_service), "command-service").await;
}

#[tokio::test]
async fn query_service_is_live_ready_and_measured() {
    assert_operational(spawn_service!(query_service), "query-service").await;
}

#[tokio::test]
async fn order_service_is_live_ready_and_measured() {
    assert_operational(spawn_service!(order_service), "order-service").await;
}

#[tokio::test]
async fn projector_is_live_ready_and_measured() {
    let (group, database) = (unique_name("projector"), unique_name("read-models"));
    let service = spawn_service!(
        projector,
        "--group-id",
        &group,
        "--mongo-database",
        &database
    );
    assert_operational(service, "projector").await;
}

#[tokio::test]
async fn scheduler_is_live_ready_and_measured() {
    assert_operational(spawn_service!(scheduler), "scheduler").await;
}

#[tokio::test]
async fn command_service_is_not_ready_without_postgres() {
    let service = spawn_service!(
        command_service,
        "--database-url",
        "postgres://boxoffice:boxoffice@127.0.0.1:1/boxoffice"
    );
    assert_not_ready_because_of(service, &["postgres"]).await;
}

#[tokio::test]
async fn query_service_is_not_ready_without_redis() {
    let service = spawn_service!(query_service, "--redis-url", "redis://127.0.0.1:1/");
    assert_not_ready_because_of(service, &["redis"]).await;
}

#[tokio::test]
async fn projector_is_not_ready_without_the_read_store() {
    let group = unique_name("projector");
    let service = spawn_service!(
        projector,
        "--mongo-url",
        "mongodb://127.0.0.1:1/",
        "--group-id",
        &group
    );
    // It only starts consuming once the read store answers, so it holds no partitions either.
    assert_not_ready_because_of(service, &["kafka-assignment", "mongodb"]).await;
}

#[tokio::test]
async fn scheduler_is_not_ready_without_the_broker() {
    let service = spawn_service!(scheduler, "--kafka-brokers", "127.0.0.1:1");
    assert_not_ready_because_of(service, &["kafka"]).await;
}

#[tokio::test]
async fn order_service_is_not_ready_without_the_identity_provider() {
    let service = spawn_service!(order_service, "--oidc-issuer", "http://127.0.0.1:1");
    assert_not_ready_because_of(service, &["oidc"]).await;
}
