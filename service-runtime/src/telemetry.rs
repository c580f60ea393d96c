//! Structured logging, trace export over OTLP, and the process-wide Prometheus recorder.
//!
//! Spans are exported only when a collector is configured (`OTEL_EXPORTER_OTLP_ENDPOINT`);
//! otherwise no OpenTelemetry layer, exporter or task exists and logging is exactly as before.

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use axum::http::Uri;
use clap::ValueEnum;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{Protocol, WithExportConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;
use opentelemetry_sdk::trace::span_processor_with_async_runtime::BatchSpanProcessor;
use tracing_subscriber::{EnvFilter, prelude::*};

/// How log lines are written to stderr.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable, for a terminal.
    #[default]
    Pretty,
    /// One JSON object per line, for log shippers in production.
    Json,
}

/// Logging and trace export options shared by every binary.
#[derive(Debug, Clone, clap::Args)]
pub struct LogArgs {
    /// Log line format.
    #[arg(long = "log-format", env = "LOG_FORMAT", value_enum, default_value_t)]
    pub format: LogFormat,
    /// Log filter in `tracing` directive syntax (e.g. `info,sqlx=warn`). Spans it filters out
    /// are not exported either.
    #[arg(long = "log", env = "RUST_LOG", default_value = "info")]
    pub filter: String,
    /// Base URL of an OTLP/HTTP collector (e.g. `http://otel-collector.observability:4318`);
    /// spans go to `<url>/v1/traces`, and only when this is set. The exporter itself reads
    /// the rest of the standard settings (`OTEL_EXPORTER_OTLP_HEADERS`,
    /// `OTEL_EXPORTER_OTLP_TIMEOUT`, `OTEL_RESOURCE_ATTRIBUTES`) from the environment.
    #[arg(long = "otlp-endpoint", env = "OTEL_EXPORTER_OTLP_ENDPOINT")]
    pub otlp_endpoint: Option<OtlpEndpoint>,
}

/// An OTLP/HTTP collector's base URL. Shown without any user information in it, so that a
/// credential written into the URL never reaches a log line.
#[derive(Clone, PartialEq, Eq)]
pub struct OtlpEndpoint(Uri);

impl OtlpEndpoint {
    /// Where spans are posted: the base URL with the signal's path, as the OTLP spec derives
    /// it from `OTEL_EXPORTER_OTLP_ENDPOINT` (an explicit endpoint is otherwise used as is).
    pub fn traces_url(&self) -> String {
        format!("{}/v1/traces", self.0.to_string().trim_end_matches('/'))
    }
}

impl FromStr for OtlpEndpoint {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        if value.is_empty() {
            return Err(
                "empty (leave OTEL_EXPORTER_OTLP_ENDPOINT unset to export no traces)".into(),
            );
        }
        let uri: Uri = value
            .parse()
            .map_err(|_| "not a URL (expected e.g. http://collector:4318)".to_owned())?;
        match (uri.scheme_str(), uri.authority()) {
            (Some("http" | "https"), Some(_)) => Ok(Self(uri)),
            _ => Err("expected an http:// or https:// URL with a host".to_owned()),
        }
    }
}

impl fmt::Display for OtlpEndpoint {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = self.0.scheme_str().unwrap_or("http");
        let host = self.0.host().unwrap_or_default();
        match self.0.port_u16() {
            Some(port) => write!(formatter, "{scheme}://{host}:{port}{}", self.0.path()),
            None => write!(formatter, "{scheme}://{host}{}", self.0.path()),
        }
    }
}

impl fmt::Debug for OtlpEndpoint {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "OtlpEndpoint({self})")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    #[error("invalid log filter {filter:?}: {source}")]
    Filter {
        filter: String,
        source: tracing_subscriber::filter::ParseError,
    },
    #[error("a global tracing subscriber is already installed")]
    AlreadyInstalled,
    #[error("cannot set up the OTLP trace exporter: {0}")]
    Exporter(#[from] opentelemetry_otlp::ExporterBuildError),
}

/// What keeps trace export running. Dropping it flushes the spans still buffered and stops the
/// exporter, so it has to be dropped before the runtime it was given (the export runs there).
#[must_use = "dropping it stops trace export at once"]
pub struct Telemetry {
    tracer_provider: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Whether spans are being exported.
    pub fn exports_traces(&self) -> bool {
        self.tracer_provider.is_some()
    }
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        if let Some(provider) = self.tracer_provider.take()
            && let Err(error) = provider.shutdown()
        {
            tracing::warn!(%error, "flushing the last spans to the collector failed");
        }
    }
}

/// Installs the global tracing subscriber, exporting spans as `service` when a collector is
/// configured (the batch exporter then runs as a task on `runtime`). Call once, from `main`,
/// and keep the returned guard until the runtime has stopped serving.
pub fn init(
    args: &LogArgs,
    service: &'static str,
    runtime: &tokio::runtime::Handle,
) -> Result<Telemetry, TelemetryError> {
    let filter = EnvFilter::try_new(&args.filter).map_err(|source| TelemetryError::Filter {
        filter: args.filter.clone(),
        source,
    })?;
    let tracer_provider = tracer_provider(args, service, runtime)?;
    let spans = tracer_provider
        .as_ref()
        .map(|provider| tracing_opentelemetry::layer().with_tracer(provider.tracer(service)));
    let registry = tracing_subscriber::registry().with(filter).with(spans);
    let installed = match args.format {
        LogFormat::Pretty => registry
            .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
            .try_init(),
        LogFormat::Json => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(true)
                    .with_writer(std::io::stderr),
            )
            .try_init(),
    };
    installed.map_err(|_| TelemetryError::AlreadyInstalled)?;
    if let Some(endpoint) = &args.otlp_endpoint {
        tracing::info!(%endpoint, "exporting traces over OTLP/HTTP");
    }
    Ok(Telemetry { tracer_provider })
}

/// The OTLP exporter behind a batching processor, or `None` when no collector is configured.
fn tracer_provider(
    args: &LogArgs,
    service: &'static str,
    runtime: &tokio::runtime::Handle,
) -> Result<Option<SdkTracerProvider>, TelemetryError> {
    let Some(endpoint) = &args.otlp_endpoint else {
        return Ok(None);
    };
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpBinary)
        .with_endpoint(endpoint.traces_url())
        .build()?;
    // The processor spawns its batching task on the runtime current while it is built; on the
    // services' runtime rather than a thread of its own, as the exporter's HTTP client needs it.
    let _entered = runtime.enter();
    let processor =
        BatchSpanProcessor::builder(exporter, opentelemetry_sdk::runtime::Tokio).build();
    Ok(Some(
        SdkTracerProvider::builder()
            .with_span_processor(processor)
            .with_resource(Resource::builder().with_service_name(service).build())
            .build(),
    ))
}

/// The process-wide Prometheus recorder, installed on first use.
///
/// Tests run several services in one process, and `metrics` allows one global recorder,
/// so every service in the process shares this handle rather than installing its own.
pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            // Losing the race to another recorder only means metrics go elsewhere; the
            // handle still renders an (empty) exposition, so serving never fails.
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use axum::Router;
    use axum::body::Bytes;
    use axum::http::HeaderMap;
    use axum::routing::post;
    use clap::{CommandFactory, Parser};
    use opentelemetry::trace::{Tracer as _, TracerProvider as _};

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        log: LogArgs,
    }

    fn args(otlp_endpoint: Option<&str>) -> LogArgs {
        LogArgs {
            format: LogFormat::Json,
            filter: "info".to_owned(),
            otlp_endpoint: otlp_endpoint.map(|url| url.parse().expect("an endpoint")),
        }
    }

    #[test]
    fn the_endpoint_is_the_standard_otlp_variable_and_off_by_default() {
        let command = Cli::command();
        let endpoint = command
            .get_arguments()
            .find(|arg| arg.get_id() == "otlp_endpoint")
            .expect("an --otlp-endpoint flag");
        assert_eq!(
            endpoint.get_env(),
            Some(std::ffi::OsStr::new("OTEL_EXPORTER_OTLP_ENDPOINT"))
        );
        assert!(endpoint.get_default_values().is_empty());
        assert!(!endpoint.is_required_set());
    }

    #[tokio::test]
    async fn without_an_endpoint_no_exporter_is_installed() {
        let provider = tracer_provider(
            &args(None),
            "test-service",
            &tokio::runtime::Handle::current(),
        )
        .expect("no error");
        assert!(provider.is_none());
        assert!(
            !Telemetry {
                tracer_provider: provider
            }
            .exports_traces()
        );
    }

    #[test]
    fn an_endpoint_is_shown_without_its_credentials() {
        let cli = Cli::try_parse_from([
            "service",
            "--otlp-endpoint",
            "https://tenant:s3cret@collector.example:4318/",
        ])
        .expect("parses");
        let endpoint = cli.log.otlp_endpoint.clone().expect("an endpoint");
        assert_eq!(
            endpoint.traces_url(),
            "https://tenant:s3cret@collector.example:4318/v1/traces"
        );
        let shown = format!("{endpoint} {:?}", cli.log);
        assert!(
            !shown.contains("s3cret") && !shown.contains("tenant"),
            "{shown}"
        );
        assert!(shown.contains("https://collector.example:4318/"), "{shown}");
    }

    #[test]
    fn a_malformed_endpoint_is_refused_at_startup() {
        for value in ["", "collector:4318", "ftp://collector", "/v1/traces"] {
            assert!(
                Cli::try_parse_from(["service", "--otlp-endpoint", value]).is_err(),
                "{value:?} accepted"
            );
        }
    }

    /// A collector stand-in: the content type and body of every export it receives.
    async fn collector() -> (String, Arc<Mutex<Vec<(String, Bytes)>>>) {
        let received = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&received);
        let router = Router::new().route(
            "/v1/traces",
            post(move |headers: HeaderMap, body: Bytes| async move {
                let content_type = headers
                    .get("content-type")
                    .and_then(|value| value.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                seen.lock()
                    .expect("not poisoned")
                    .push((content_type, body));
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binds");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        tokio::spawn(async move { axum::serve(listener, router).await });
        (url, received)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn spans_reach_the_collector_when_the_guard_is_dropped() {
        let (url, received) = collector().await;
        let provider = tracer_provider(
            &args(Some(&url)),
            "test-service",
            &tokio::runtime::Handle::current(),
        )
        .expect("an exporter")
        .expect("one is configured");
        provider.tracer("test-service").in_span("sell_seat", |_| ());
        // Well inside the batch delay: only the flush on drop can have sent it. Dropping blocks
        // until the export task has finished, so it happens off the runtime's workers.
        let telemetry = Telemetry {
            tracer_provider: Some(provider),
        };
        tokio::task::spawn_blocking(move || drop(telemetry))
            .await
            .expect("dropped");

        let received = received.lock().expect("not poisoned");
        assert_eq!(received.len(), 1, "one batch, posted to /v1/traces");
        let (content_type, body) = &received[0];
        assert_eq!(content_type, "application/x-protobuf");
        let body = String::from_utf8_lossy(body);
        assert!(body.contains("sell_seat"), "the span is in the batch");
        assert!(body.contains("test-service"), "named after its service");
    }
}
