//! Running a service in-process for a test, on a port of its own.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};

/// A service serving on `addr` until [`RunningService::stop`] (or the end of the test).
pub struct RunningService {
    pub addr: SocketAddr,
    shutdown: CancellationToken,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl RunningService {
    /// Spawns `run`, which serves on `addr` until the shutdown future it is given resolves.
    ///
    /// ```ignore
    /// let app = App::build(config).await?;
    /// let service = RunningService::spawn(app.local_addr(), |stop| app.run_until(stop));
    /// ```
    pub fn spawn<F, Fut>(addr: SocketAddr, run: F) -> Self
    where
        F: FnOnce(WaitForCancellationFutureOwned) -> Fut,
        Fut: Future<Output = std::io::Result<()>> + Send + 'static,
    {
        let shutdown = CancellationToken::new();
        let task = tokio::spawn(run(shutdown.clone().cancelled_owned()));
        Self {
            addr,
            shutdown,
            task: Some(task),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Asks the service to shut down and waits (bounded) for it to finish.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        if let Some(task) = self.task.take() {
            tokio::time::timeout(Duration::from_secs(10), task).await???;
        }
        Ok(())
    }
}

impl Drop for RunningService {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}
