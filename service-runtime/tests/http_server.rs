//! Serving: a response given before the request body was read drains that body, so the
//! connection stays usable (a reset would destroy the response before a proxy reads it); only a
//! body too large to drain closes the connection, and says so.

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
async fn an_unread_body_is_drained_and_the_connection_kept() {
    let (base, _stop) = serve().await;
    let http = reqwest::Client::new();

    let refused = http
        .post(format!("{base}/refuse"))
        .body(vec![b'x'; 256 * 1024])
        .send()
        .await
        .expect("an answer");
    assert_eq!(refused.status(), 401);
    assert!(refused.headers().get("connection").is_none());

    let read = http
        .post(format!("{base}/read"))
        .body(vec![b'x'; 256 * 1024])
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

#[tokio::test]
async fn a_body_too_large_to_drain_closes_the_connection() {
    let (base, _stop) = serve().await;
    let refused = reqwest::Client::new()
        .post(format!("{base}/refuse"))
        .body(vec![b'x'; 4 * 1024 * 1024])
        .send()
        .await
        .expect("an answer");
    assert_eq!(refused.status(), 401);
    assert_eq!(
        refused.headers().get("connection").map(|v| v.as_bytes()),
        Some(&b"close"[..])
    );
}

/// The body arrives after the handler has answered, as it does through a proxy that sends the
/// head first; the same connection then carries a second request.
#[tokio::test]
async fn a_late_body_is_drained_and_the_connection_carries_the_next_request() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (base, _stop) = serve().await;
    let addr = base.trim_start_matches("http://");
    let mut socket = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connects");
    let body = "{\"name\":\"late\"}";
    socket
        .write_all(
            format!(
                "POST /refuse HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                body.len()
            )
            .as_bytes(),
        )
        .await
        .expect("writes the head");
    socket.flush().await.expect("flushes");
    // The handler answers without the body; the drain waits for it.
    socket
        .write_all(body.as_bytes())
        .await
        .expect("writes the body");
    socket
        .write_all(b"POST /read HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
        .await
        .expect("writes the second request");

    let mut answers = String::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut buffer = [0u8; 4096];
    while answers.matches("HTTP/1.1 ").count() < 2 {
        let read = tokio::time::timeout_at(deadline, socket.read(&mut buffer))
            .await
            .expect("both answers within the deadline")
            .expect("reads");
        assert!(read > 0, "the connection closed after: {answers}");
        answers.push_str(&String::from_utf8_lossy(&buffer[..read]));
    }
    assert!(answers.starts_with("HTTP/1.1 401"), "{answers}");
    assert!(answers.contains("HTTP/1.1 200"), "{answers}");
    assert!(
        !answers.to_ascii_lowercase().contains("connection: close"),
        "{answers}"
    );
}
