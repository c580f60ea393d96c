//! Serving: a response given before the request body was read closes the connection, so a
//! keep-alive proxy never reuses a connection that is about to be dropped.

use axum::Router;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::routing::post;
use service_runtime::{HttpServer, ServerArgs};

async fn serve() -> (String, tokio::sync::oneshot::Sender<()>) {
    let args = ServerArgs {
        listen: Some("127.0.0.1:0".parse().expect("an address")),
        request_timeout_secs: 10,
    };
    let server = HttpServer::bind(&args, "127.0.0.1:0".parse().expect("an address"))
        .await
        .expect("binds");
    let base = format!("http://{}", server.local_addr());
    let router = Router::new()
        .route("/refuse", post(|| async { StatusCode::UNAUTHORIZED }))
        .route(
            "/read",
            post(|body: Bytes| async move { body.len().to_string() }),
        );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.serve(router, async move {
        let _ = stopped.await;
    }));
    (base, stop)
}

#[tokio::test]
async fn an_unread_body_closes_the_connection_and_a_read_one_keeps_it() {
    let (base, _stop) = serve().await;
    let http = reqwest::Client::new();
    let body = vec![b'x'; 256 * 1024];

    let refused = http
        .post(format!("{base}/refuse"))
        .body(body.clone())
        .send()
        .await
        .expect("an answer");
    assert_eq!(refused.status(), 401);
    assert_eq!(
        refused.headers().get("connection").map(|v| v.as_bytes()),
        Some(&b"close"[..])
    );

    let read = http
        .post(format!("{base}/read"))
        .body(body)
        .send()
        .await
        .expect("an answer");
    assert_eq!(read.status(), 200);
    assert!(read.headers().get("connection").is_none());
    assert_eq!(read.text().await.expect("text"), (256 * 1024).to_string());

    let empty = http
        .post(format!("{base}/refuse"))
        .send()
        .await
        .expect("an answer");
    assert!(empty.headers().get("connection").is_none());
}
