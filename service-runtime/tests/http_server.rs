//! Serving: a response given before the request body was read drains that body, so the
//! connection stays usable (a reset would destroy the response before a proxy reads it); only a
//! body too large to drain closes the connection, and says so. A request's span continues the
//! caller's trace (W3C `traceparent`).

use axum::Router;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::routing::{get, post};
use opentelemetry::trace::{TraceContextExt, TracerProvider as _};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use service_runtime::{HttpServer, ServerArgs};
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::prelude::*;

async fn serve() -> (String, tokio::sync::oneshot::Sender<()>) {
    let args = ServerArgs {
        listen: Some("127.0.0.1:0".parse().expect("an address")),
        request_timeout_secs: 10,
        trusted_proxies: Default::default(),
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
        )
        .route("/trace", get(trace_of_current_span));
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

/// The trace and span the handler runs in, as `trace_id/span_id` in hex.
async fn trace_of_current_span() -> String {
    let context = tracing::Span::current().context();
    let span = context.span();
    let span_context = span.span_context();
    format!("{}/{}", span_context.trace_id(), span_context.span_id())
}

/// Records spans the way an exporting service does, into memory; active on this thread (the
/// test runtime's only one) while the guard lives.
fn record_spans() -> (InMemorySpanExporter, tracing::subscriber::DefaultGuard) {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("test")));
    (exporter, tracing::subscriber::set_default(subscriber))
}

/// The request's span once it has ended, which is when the server has finished sending the
/// response: just after the client has read it.
async fn finished_request_span(spans: &InMemorySpanExporter) -> SpanData {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let finished = spans.get_finished_spans().expect("recorded spans");
        if let Some(request) = finished.into_iter().find(|span| span.name == "request") {
            return request;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the request span never ended"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_request_continues_the_trace_its_caller_sent() {
    let (spans, _recording) = record_spans();
    let (base, _stop) = serve().await;
    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let caller_span = "00f067aa0ba902b7";

    let handled = reqwest::Client::new()
        .get(format!("{base}/trace"))
        .header("traceparent", format!("00-{trace_id}-{caller_span}-01"))
        .header("tracestate", "vendor=value")
        .send()
        .await
        .expect("an answer")
        .text()
        .await
        .expect("text");
    let (handled_trace, handled_span) = handled.split_once('/').expect("trace/span");
    assert_eq!(handled_trace, trace_id);
    assert_ne!(
        handled_span, caller_span,
        "the request has a span of its own"
    );

    let request = finished_request_span(&spans).await;
    assert_eq!(request.span_context.trace_id().to_string(), trace_id);
    assert_eq!(request.parent_span_id.to_string(), caller_span);
    assert_eq!(request.span_context.span_id().to_string(), handled_span);
    assert_eq!(request.span_context.trace_state().header(), "vendor=value");
}

#[tokio::test]
async fn a_request_without_trace_context_starts_a_trace() {
    let (spans, _recording) = record_spans();
    let (base, _stop) = serve().await;

    let handled = reqwest::Client::new()
        .get(format!("{base}/trace"))
        .send()
        .await
        .expect("an answer")
        .text()
        .await
        .expect("text");
    let (handled_trace, _) = handled.split_once('/').expect("trace/span");
    assert_ne!(handled_trace, "00000000000000000000000000000000");

    let request = finished_request_span(&spans).await;
    assert_eq!(request.span_context.trace_id().to_string(), handled_trace);
    assert_eq!(
        request.parent_span_id,
        opentelemetry::trace::SpanId::INVALID,
        "a root span"
    );
}
