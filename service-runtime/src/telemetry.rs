//! Structured logging and the process-wide Prometheus recorder.

use std::sync::OnceLock;

use clap::ValueEnum;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tracing_subscriber::{EnvFilter, fmt, prelude::*};

/// How log lines are written to stderr.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable, for a terminal.
    #[default]
    Pretty,
    /// One JSON object per line, for log shippers in production.
    Json,
}

/// Logging options shared by every binary.
#[derive(Debug, Clone, clap::Args)]
pub struct LogArgs {
    /// Log line format.
    #[arg(long = "log-format", env = "LOG_FORMAT", value_enum, default_value_t)]
    pub format: LogFormat,
    /// Log filter in `tracing` directive syntax (e.g. `info,sqlx=warn`).
    #[arg(long = "log", env = "RUST_LOG", default_value = "info")]
    pub filter: String,
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
}

/// Installs the global tracing subscriber. Call once, from `main`.
pub fn init(args: &LogArgs) -> Result<(), TelemetryError> {
    let filter = EnvFilter::try_new(&args.filter).map_err(|source| TelemetryError::Filter {
        filter: args.filter.clone(),
        source,
    })?;
    let registry = tracing_subscriber::registry().with(filter);
    let installed = match args.format {
        LogFormat::Pretty => registry
            .with(fmt::layer().with_writer(std::io::stderr))
            .try_init(),
        LogFormat::Json => registry
            .with(
                fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(true)
                    .with_writer(std::io::stderr),
            )
            .try_init(),
    };
    installed.map_err(|_| TelemetryError::AlreadyInstalled)
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
