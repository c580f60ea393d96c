//! Concurrent requests for one session's seat map share builds, and none is answered from a
//! build that began before it arrived: a buyer who has just held a seat sees it held.
//!
//! A flash sale sends thousands of identical requests at once; each building on its own read
//! Redis thousands of times over and timed out (the 2,000-VU spike: 1,921 answers 503). Here at
//! most one build per session runs; everyone who arrived while it ran shares the next one.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

pub(crate) struct FreshBuilds<T, E> {
    slots: Mutex<HashMap<String, Arc<Slot<T, E>>>>,
    /// Above this many keys, the idle ones are forgotten.
    kept: usize,
}

struct Slot<T, E> {
    /// Numbers the requests in their order of arrival.
    arrivals: AtomicU64,
    /// Held while a build runs; keeps the last one's result.
    last: tokio::sync::Mutex<Option<Finished<T, E>>>,
}

struct Finished<T, E> {
    /// The build began after every request numbered below this had arrived.
    covers_below: u64,
    result: Result<T, E>,
}

impl<T: Clone, E: Clone> FreshBuilds<T, E> {
    pub(crate) fn new(kept: usize) -> Self {
        Self {
            slots: Mutex::new(HashMap::new()),
            kept,
        }
    }

    /// `build`'s result, or that of a build of `key` which began after this call did.
    pub(crate) async fn run<F, Fut>(&self, key: &str, build: F) -> Result<T, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let slot = self.slot(key);
        let ticket = slot.arrivals.fetch_add(1, Ordering::SeqCst);
        let mut last = slot.last.lock().await;
        if let Some(finished) = last.as_ref()
            && finished.covers_below > ticket
        {
            return finished.result.clone();
        }
        let covers_below = slot.arrivals.load(Ordering::SeqCst);
        let result = build().await;
        *last = Some(Finished {
            covers_below,
            result: result.clone(),
        });
        result
    }

    fn slot(&self, key: &str) -> Arc<Slot<T, E>> {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(slot) = slots.get(key) {
            return Arc::clone(slot);
        }
        if slots.len() >= self.kept {
            slots.retain(|_, slot| Arc::strong_count(slot) > 1);
        }
        let slot = Arc::new(Slot {
            arrivals: AtomicU64::new(0),
            last: tokio::sync::Mutex::new(None),
        });
        slots.insert(key.to_owned(), Arc::clone(&slot));
        slot
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use tokio::sync::Notify;

    use super::*;

    #[tokio::test]
    async fn requests_during_a_build_share_one_later_build() {
        let builds = Arc::new(FreshBuilds::<u64, String>::new(10));
        let started = Arc::new(AtomicUsize::new(0));
        let release = Arc::new(Notify::new());
        let first = {
            let (builds, started, release) = (builds.clone(), started.clone(), release.clone());
            tokio::spawn(async move {
                builds
                    .run("s", || async move {
                        started.fetch_add(1, Ordering::SeqCst);
                        release.notified().await;
                        Ok(1)
                    })
                    .await
            })
        };
        while started.load(Ordering::SeqCst) == 0 {
            tokio::task::yield_now().await;
        }
        // 100 requests arrive while the first build is running.
        let waiting: Vec<_> = (0..100)
            .map(|_| {
                let (builds, started) = (builds.clone(), started.clone());
                tokio::spawn(async move {
                    builds
                        .run("s", || async move {
                            Ok(started.fetch_add(1, Ordering::SeqCst) as u64 + 1)
                        })
                        .await
                })
            })
            .collect();
        while builds.slot("s").arrivals.load(Ordering::SeqCst) < 101 {
            tokio::task::yield_now().await;
        }
        release.notify_one();
        assert_eq!(first.await.expect("first"), Ok(1));
        for request in waiting {
            // None of them is answered from the build that began before it arrived.
            assert_eq!(request.await.expect("waiting"), Ok(2));
        }
        assert_eq!(
            started.load(Ordering::SeqCst),
            2,
            "two builds for 101 requests"
        );
    }

    #[tokio::test]
    async fn a_request_after_a_build_finished_builds_again() {
        let builds = FreshBuilds::<u32, String>::new(10);
        assert_eq!(builds.run("s", || async { Ok(1) }).await, Ok(1));
        assert_eq!(builds.run("s", || async { Ok(2) }).await, Ok(2));
        assert_eq!(
            builds.run("s", || async { Err("down".to_owned()) }).await,
            Err("down".to_owned())
        );
        assert_eq!(builds.run("other", || async { Ok(3) }).await, Ok(3));
    }

    #[test]
    fn idle_keys_are_forgotten_beyond_the_bound() {
        let builds = FreshBuilds::<u32, String>::new(2);
        for key in ["a", "b", "c"] {
            drop(builds.slot(key));
        }
        let slots = builds.slots.lock().expect("slots");
        assert!(slots.len() <= 2, "{} keys kept", slots.len());
        assert!(slots.contains_key("c"));
    }
}
