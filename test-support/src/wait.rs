//! Waiting on a condition with a deadline, instead of sleeping and hoping.

use std::future::Future;
use std::time::{Duration, Instant};

/// How often a condition is re-checked; short, because the condition is the synchronisation.
const POLL_INTERVAL: Duration = Duration::from_millis(20);

/// Re-evaluates `check` until it yields `Some`, and returns that value with the time it took.
/// Panics naming `what` when `deadline` passes first.
pub async fn wait_until<T, F, Fut>(what: &str, deadline: Duration, mut check: F) -> (T, Duration)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let started = Instant::now();
    loop {
        if let Some(value) = check().await {
            return (value, started.elapsed());
        }
        assert!(
            started.elapsed() < deadline,
            "timed out after {deadline:?} waiting until {what}"
        );
        tokio::time::sleep(POLL_INTERVAL).await;
    }
}
