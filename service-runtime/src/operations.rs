//! The operational endpoints every service exposes: `/health`, `/ready`, `/metrics`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use metrics_exporter_prometheus::PrometheusHandle;
use serde::Serialize;

use crate::probe::Probe;
use crate::telemetry;

/// How long one probe may take before the engine counts as unavailable.
const PROBE_DEADLINE: Duration = Duration::from_secs(2);

/// The set of engines a service needs in order to do useful work.
#[derive(Clone, Default)]
pub struct Readiness {
    probes: Vec<Arc<WatchedProbe>>,
}

/// A probe and whether it failed last time, so a state change is logged once rather than on
/// every poll of `/ready`.
struct WatchedProbe {
    probe: Box<dyn Probe>,
    failing: AtomicBool,
}

/// One engine's state as reported by `/ready`.
#[derive(Debug, Serialize)]
pub struct CheckReport {
    pub name: String,
    pub ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The whole `/ready` answer.
#[derive(Debug, Serialize)]
pub struct ReadinessReport {
    pub ready: bool,
    pub checks: Vec<CheckReport>,
}

impl Readiness {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with(mut self, probe: impl Probe + 'static) -> Self {
        self.probes.push(Arc::new(WatchedProbe {
            probe: Box::new(probe),
            failing: AtomicBool::new(false),
        }));
        self
    }

    /// Probes every engine concurrently, each bounded by its own deadline.
    pub async fn report(&self) -> ReadinessReport {
        let checks = futures::future::join_all(self.probes.iter().map(|watched| async move {
            let probe = &watched.probe;
            let outcome = tokio::time::timeout(PROBE_DEADLINE, probe.check()).await;
            let error = match outcome {
                Ok(Ok(())) => None,
                Ok(Err(error)) => Some(error.0),
                Err(_) => Some(format!("no answer within {PROBE_DEADLINE:?}")),
            };
            let was_failing = watched.failing.swap(error.is_some(), Ordering::Relaxed);
            match (&error, was_failing) {
                (Some(error), false) => {
                    tracing::warn!(engine = probe.name(), %error, "readiness probe failed");
                }
                (None, true) => tracing::info!(engine = probe.name(), "readiness probe recovered"),
                _ => {}
            }
            CheckReport {
                name: probe.name().to_owned(),
                ok: error.is_none(),
                error,
            }
        }))
        .await;
        ReadinessReport {
            ready: checks.iter().all(|check| check.ok),
            checks,
        }
    }
}

#[derive(Clone)]
struct OperationsState {
    service: &'static str,
    readiness: Readiness,
    metrics: PrometheusHandle,
}

/// Routes for `/health` (the process is alive), `/ready` (its engines answer) and `/metrics`.
pub fn operations_router<S>(service: &'static str, readiness: Readiness) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let state = OperationsState {
        service,
        readiness,
        metrics: telemetry::metrics_handle(),
    };
    Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/metrics", get(render_metrics))
        .with_state(state)
}

async fn health(State(state): State<OperationsState>) -> impl IntoResponse {
    Json(serde_json::json!({ "status": "ok", "service": state.service }))
}

async fn ready(State(state): State<OperationsState>) -> Response {
    let report = state.readiness.report().await;
    let status = if report.ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(report)).into_response()
}

async fn render_metrics(State(state): State<OperationsState>) -> impl IntoResponse {
    state.metrics.run_upkeep();
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}
