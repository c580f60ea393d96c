//! Test harness for Boxoffice: isolated resources on the running local stack.
//!
//! Every test gets its own PostgreSQL database (cloned from a migrated template, so it is
//! cheap), Redis key prefix, Kafka topic and group names, and MongoDB database name, and can
//! run any service in-process on port 0. Tests never sleep to synchronise: they wait for a
//! condition with [`wait_until`]. Engines come from `devstack/stack up --engines` (the test
//! command starts them); connection settings are read from the same environment variables
//! the services use, with the same local defaults.

#[cfg(feature = "kafka")]
pub mod kafka;
pub mod mongo;
pub mod oidc;
pub mod postgres;
pub mod process;
pub mod redis_cluster;
pub mod redis_keys;
pub mod service;
pub mod smtp;
pub mod stack;
pub mod wait;

pub use service::RunningService;
pub use stack::StackEnv;
pub use wait::wait_until;

/// A loopback port free right now, for a process the test starts (it binds it itself).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// A name unique to this test run, e.g. `unique_name("group")` → `test-group-1a2b…`.
pub fn unique_name(kind: &str) -> String {
    format!("test-{kind}-{}", uuid::Uuid::new_v4().simple())
}

/// Installs a test-friendly tracing subscriber once per process (`RUST_LOG` controls it).
pub fn init_tracing() {
    use std::sync::Once;
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        let filter = tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_test_writer()
            .try_init();
    });
}
