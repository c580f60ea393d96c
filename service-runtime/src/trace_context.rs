//! W3C trace context (`traceparent`, `tracestate`) across service-to-service HTTP calls, so
//! that one trace runs from the proxy through every service a request touches.
//!
//! Only HTTP carries it: the services publish no Kafka messages of their own (Debezium produces
//! the change events from PostgreSQL's log), so there is no producer to stamp a context on.
//!
//! Both directions are no-ops unless trace export is configured (`telemetry::init`): without
//! the OpenTelemetry layer a span has no trace context to continue or pass on.

use axum::http::HeaderMap;
use opentelemetry::propagation::TextMapPropagator;
use opentelemetry_http::{HeaderExtractor, HeaderInjector};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// Makes the caller's trace, when its request `headers` carry one, the parent of `span`.
/// Call it on a span just created, before it is entered.
pub fn continue_caller_trace(span: &tracing::Span, headers: &HeaderMap) {
    if !headers.contains_key("traceparent") {
        return;
    }
    let parent = TraceContextPropagator::new().extract(&HeaderExtractor(headers));
    // Fails only when nothing records trace context (export off): nothing to continue then.
    let _ = span.set_parent(parent);
}

/// The current span's trace context as headers for a call to another service; empty when no
/// trace is being recorded.
pub fn headers_for_call() -> HeaderMap {
    let mut headers = HeaderMap::new();
    let context = tracing::Span::current().context();
    TraceContextPropagator::new().inject_context(&context, &mut HeaderInjector(&mut headers));
    headers
}
