//! Binding, serving and gracefully stopping a service's HTTP router.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::{Extension, Router};
use futures::StreamExt;
use tokio::net::TcpListener;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnFailure, TraceLayer};

use crate::client_ip::TrustedProxies;
use crate::trace_context;

/// Listening options shared by every service.
#[derive(Debug, Clone, clap::Args)]
pub struct ServerArgs {
    /// Address to listen on (default: the service's own local port); port 0 picks a free
    /// port, which is what tests do.
    #[arg(long = "listen", env = "LISTEN_ADDR")]
    pub listen: Option<SocketAddr>,
    /// Longest time a request may take to produce its response head before it is answered
    /// 408. A streaming body (SSE) is not bounded by it once its head is sent.
    #[arg(long, env = "REQUEST_TIMEOUT_SECS", default_value_t = 30)]
    pub request_timeout_secs: u64,
    /// Proxies whose `X-Forwarded-For` is believed when working out a client's address
    /// (comma-separated networks or addresses; loopback always): in a cluster, the ingress
    /// pods' network, or every buyer would share the ingress's address.
    #[arg(long, env = "TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: TrustedProxies,
}

/// A bound listener waiting for its router.
pub struct HttpServer {
    listener: TcpListener,
    request_timeout: Duration,
    trusted_proxies: TrustedProxies,
}

impl HttpServer {
    pub async fn bind(args: &ServerArgs, default_addr: SocketAddr) -> std::io::Result<Self> {
        let listener = TcpListener::bind(args.listen.unwrap_or(default_addr)).await?;
        Ok(Self {
            listener,
            request_timeout: Duration::from_secs(args.request_timeout_secs),
            trusted_proxies: args.trusted_proxies.clone(),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound TCP listener has a local address")
    }

    /// Serves `router` until `shutdown` resolves, then lets in-flight requests finish.
    pub async fn serve(
        self,
        router: Router,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let router = router
            .layer(Extension(self.trusted_proxies.clone()))
            .layer(middleware::from_fn(record_http_metrics))
            .layer(middleware::from_fn(close_if_body_unread))
            .layer(TimeoutLayer::with_status_code(
                axum::http::StatusCode::REQUEST_TIMEOUT,
                self.request_timeout,
            ))
            // Failures are logged where they are understood (a service's ApiError, a probe's
            // state change); at ERROR here a polled `/ready` would log every poll.
            .layer(TraceLayer::new_for_http().on_failure(DefaultOnFailure::new().level(tracing::Level::DEBUG)).make_span_with(
                |request: &Request| {
                    let request_id = request
                        .headers()
                        .get("x-request-id")
                        .and_then(|value| value.to_str().ok())
                        .unwrap_or("");
                    let span = tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id);
                    trace_context::continue_caller_trace(&span, request.headers());
                    span
                },
            ))
            .layer(PropagateRequestIdLayer::x_request_id())
            .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid));
        tracing::info!(addr = %self.local_addr(), "listening");
        axum::serve(
            self.listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
    }
}

/// Most a response given before its request body was read will read and discard of that body
/// so the connection can close cleanly or be reused.
const UNREAD_BODY_DRAIN_BYTES: usize = 1024 * 1024;
/// How long draining an unread body may delay the response.
const UNREAD_BODY_DRAIN_TIME: Duration = Duration::from_secs(2);

/// A response given before its request's body was read (a 401 before a POST's JSON, a 413)
/// leaves bytes on the connection. Closing a socket with unread bytes sends a TCP reset, which
/// can destroy the response before the proxy has read it: nginx then answers 502. So the rest
/// of the body is read and discarded (bounded in size and time) before the response goes out;
/// only a body too large or slow to drain gets `Connection: close`, which keeps a keep-alive
/// proxy from sending its next request down the dying connection.
async fn close_if_body_unread(request: Request, next: Next) -> Response {
    let announces_body = request.headers().get(header::CONTENT_LENGTH).map_or_else(
        || request.headers().contains_key(header::TRANSFER_ENCODING),
        |length| length.as_bytes() != b"0",
    );
    if !announces_body {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    // The body stays here so that whatever the handler leaves unread can be drained after it.
    let unread = Arc::new(Mutex::new(Some(body.into_data_stream())));
    let handler_side = Arc::clone(&unread);
    let stream = futures::stream::poll_fn(move |cx| {
        let mut slot = handler_side
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some(stream) = slot.as_mut() else {
            return Poll::Ready(None);
        };
        let next = stream.poll_next_unpin(cx);
        if matches!(next, Poll::Ready(None)) {
            *slot = None;
        }
        next
    });
    let mut response = next
        .run(Request::from_parts(parts, Body::from_stream(stream)))
        .await;
    let rest = unread
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take();
    if let Some(rest) = rest {
        let drained = tokio::time::timeout(UNREAD_BODY_DRAIN_TIME, drain(rest))
            .await
            .unwrap_or(false);
        if !drained {
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
    }
    response
}

/// Reads and discards a body; false when it is larger than the drain limit or fails.
async fn drain(mut rest: axum::body::BodyDataStream) -> bool {
    let mut seen = 0usize;
    while let Some(chunk) = rest.next().await {
        match chunk {
            Ok(bytes) => {
                seen += bytes.len();
                if seen > UNREAD_BODY_DRAIN_BYTES {
                    return false;
                }
            }
            Err(_) => return false,
        }
    }
    true
}

/// Request count and latency per route template (not per concrete path, to bound cardinality).
async fn record_http_metrics(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels)
        .record(started.elapsed().as_secs_f64());
    response
}
