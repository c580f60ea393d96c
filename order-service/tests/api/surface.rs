//! The published surface: the OpenAPI document lists the fixed paths.

use reqwest::Method;

use crate::support::spawn_app;

#[tokio::test]
async fn the_openapi_document_lists_every_public_path() {
    let app = spawn_app().await;
    let document = app
        .call(Method::GET, "/openapi.json", None, None, &[])
        .await;
    assert_eq!(document.status, 200);
    let check_in = app
        .call(Method::GET, "/openapi/check-in.json", None, None, &[])
        .await;
    assert_eq!(check_in.status, 200);
    let mut paths = document.body["paths"].as_object().expect("paths").clone();
    assert!(
        paths.keys().all(|path| path.starts_with("/api/sales/")),
        "the sales document lists only /api/sales"
    );
    let check_in_paths = check_in.body["paths"].as_object().expect("paths");
    assert!(
        check_in_paths
            .keys()
            .all(|path| path.starts_with("/api/check-in/"))
    );
    paths.extend(check_in_paths.clone());
    for (path, method) in [
        ("/api/sales/sessions/{id}/holds", "post"),
        ("/api/sales/holds/{token}", "delete"),
        ("/api/sales/holds/{token}/extend", "post"),
        ("/api/sales/orders", "post"),
        ("/api/sales/orders/{id}", "get"),
        ("/api/sales/orders/{id}/pay", "post"),
        ("/api/sales/orders/{id}/cancel", "post"),
        ("/api/sales/payments/stripe/webhook", "post"),
        ("/api/sales/me/tickets", "get"),
        ("/api/sales/ticket-signing-key", "get"),
        ("/api/check-in/scans", "post"),
        ("/api/check-in/scans/batch", "post"),
    ] {
        assert!(
            paths.get(path).and_then(|item| item.get(method)).is_some(),
            "{method} {path} is documented"
        );
    }
    let health = app.call(Method::GET, "/health", None, None, &[]).await;
    assert_eq!(health.body["service"], "order-service");
}

#[tokio::test]
async fn every_route_documents_the_refusals_it_can_give() {
    let app = spawn_app().await;
    let document = app
        .call(Method::GET, "/openapi/check-in.json", None, None, &[])
        .await;
    let scan = &document.body["paths"]["/api/check-in/scans"]["post"]["responses"];
    for status in ["200", "401", "403", "413", "415", "422", "503"] {
        assert!(
            scan.get(status).is_some(),
            "POST /api/check-in/scans documents {status}"
        );
    }
    let document = app
        .call(Method::GET, "/openapi.json", None, None, &[])
        .await;
    let order = &document.body["paths"]["/api/sales/orders/{id}"]["get"]["responses"];
    for status in ["200", "400", "401", "404", "503"] {
        assert!(
            order.get(status).is_some(),
            "GET /api/sales/orders/{{id}} documents {status}"
        );
    }
    assert_eq!(
        order["400"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Error"
    );
}
