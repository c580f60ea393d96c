//! Checks on a service's real binary, as a supervisor (k3s, the stack tool) runs it.

use std::time::Duration;

use crate::wait_until;

/// Starts `binary` on a free port, waits until it is live, sends SIGTERM, and asserts that it
/// exits successfully within a deadline.
pub async fn assert_stops_on_sigterm(binary: &str) {
    let port = crate::free_port();
    let mut child = tokio::process::Command::new(binary)
        .env("LISTEN_ADDR", format!("127.0.0.1:{port}"))
        // A consumer group and read-store database of its own (for binaries that use them):
        // short-lived members of one shared group can leave the local broker's coordinator stuck.
        .env("PROJECTOR_GROUP_ID", crate::unique_name("projector"))
        .env("MONGO_DATABASE", crate::unique_name("read-models"))
        .env("RUST_LOG", "warn")
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts");
    let health = format!("http://127.0.0.1:{port}/health");
    wait_until(
        "the binary answers /health",
        Duration::from_secs(30),
        || async {
            let response = reqwest::get(&health).await.ok()?;
            response.status().is_success().then_some(())
        },
    )
    .await;

    let pid = child.id().expect("a running child has a pid");
    let signalled = tokio::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .await
        .expect("kill runs");
    assert!(signalled.success());
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("the binary exits within 10s of SIGTERM")
        .expect("wait");
    assert!(
        status.success(),
        "{binary} exits cleanly on SIGTERM, got {status}"
    );
}
