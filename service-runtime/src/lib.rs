//! Process plumbing shared by every Boxoffice deployable.
//!
//! Each service binary is `parse config → telemetry::init → App::build → serve until shutdown`.
//! This crate owns the parts of that which are identical everywhere, so that a service crate
//! only contains its own domain: how a process logs and traces, how it stops, how it reports
//! health, readiness and metrics, and how it serves HTTP.
//!
//! Engine support is opt-in, one cargo feature per engine (`postgres`, `redis`, `mongo`,
//! `kafka`, `oidc`): its settings, client, readiness probe and start-up errors. A service
//! enables the ones it talks to and compiles no other engine's client.

#[cfg(feature = "oidc")]
pub mod auth;
pub mod backoff;
pub mod client_ip;
pub mod engine;
pub mod http_server;
pub mod json_body;
pub mod openapi;
pub mod operations;
pub mod params;
pub mod probe;
pub mod redact;
#[cfg(feature = "redis")]
pub mod redis_store;
pub mod routing;
pub mod shutdown;
pub mod startup;
pub mod telemetry;
pub mod trace_context;

pub use backoff::Backoff;
pub use client_ip::{ClientIp, TrustedProxies};
pub use http_server::{HttpServer, ServerArgs};
pub use json_body::JsonBody;
pub use operations::{Readiness, operations_router};
pub use probe::{Probe, ProbeError};
pub use startup::StartupError;
