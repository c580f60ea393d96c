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
    let paths = document.body["paths"].as_object().expect("paths");
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
