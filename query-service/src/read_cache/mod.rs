//! In-process caches of hot read models, one per replica: event detail and sessions, the
//! static part of seat maps, short-lived search and trending pages.
//!
//! - Single flight: concurrent misses of one key share one load, which runs as its own task
//!   under a deadline, so a client that gives up neither cancels it halfway (leaving a
//!   read-store connection taken) nor starts it again.
//! - Invalidation: the projector publishes what it changed after each stored batch
//!   (`notices`); every replica drops those keys. An invalidation that arrives while a load
//!   is running keeps that load's result out of the cache (it may predate the change).
//! - A time to live bounds the staleness when a notice is lost (the subscription was down,
//!   a replica was partitioned from Redis): see each cache's TTL.

pub mod body;
pub mod notices;

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use futures::FutureExt;
use futures::future::{BoxFuture, Shared};

/// Why a value could not be loaded; shared by every request that waited for the load.
#[derive(Debug, Clone, thiserror::Error)]
pub enum LoadError {
    #[error("{0}")]
    Failed(Arc<str>),
    #[error("loading took longer than {0:?}")]
    TimedOut(Duration),
}

impl LoadError {
    pub fn failed(error: impl std::fmt::Display) -> Self {
        Self::Failed(error.to_string().into())
    }
}

/// A loaded value and until when it may be served.
pub struct Fresh<V> {
    pub value: V,
    /// Earlier than the cache's TTL when the value itself says so (a sales window opens).
    pub until: Option<Instant>,
}

type SharedLoad<V> = Shared<BoxFuture<'static, Result<V, LoadError>>>;

enum Slot<V> {
    Ready { value: V, until: Instant },
    Loading { id: u64, load: SharedLoad<V> },
}

/// A keyed cache of `V` (cheap to clone: an `Arc` or a small value).
pub struct ReadCache<K, V> {
    name: &'static str,
    ttl: Duration,
    load_timeout: Duration,
    /// Entries are dropped once this many are kept; the hot set of a sale is small.
    capacity: usize,
    slots: Mutex<HashMap<K, Slot<V>>>,
    next_load: AtomicU64,
}

impl<K, V> ReadCache<K, V>
where
    K: Eq + Hash + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    pub fn new(name: &'static str, ttl: Duration, load_timeout: Duration, capacity: usize) -> Self {
        Self {
            name,
            ttl,
            load_timeout,
            capacity: capacity.max(1),
            slots: Mutex::new(HashMap::new()),
            next_load: AtomicU64::new(0),
        }
    }

    fn slots(&self) -> MutexGuard<'_, HashMap<K, Slot<V>>> {
        self.slots.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The cached value of `key`, or the one a running load gives, or a new load's.
    pub async fn get<F, Fut>(self: &Arc<Self>, key: &K, load: F) -> Result<V, LoadError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Fresh<V>, LoadError>> + Send + 'static,
    {
        let now = Instant::now();
        let load = {
            let mut slots = self.slots();
            match slots.get(key) {
                Some(Slot::Ready { value, until }) if *until > now => {
                    metrics::counter!("read_cache_hits_total", "cache" => self.name).increment(1);
                    return Ok(value.clone());
                }
                Some(Slot::Loading { load, .. }) => load.clone(),
                _ => {
                    metrics::counter!("read_cache_misses_total", "cache" => self.name).increment(1);
                    if slots.len() >= self.capacity {
                        slots.retain(|_, slot| match slot {
                            Slot::Ready { until, .. } => *until > now,
                            Slot::Loading { .. } => true,
                        });
                        if slots.len() >= self.capacity {
                            slots.clear();
                        }
                    }
                    let id = self.next_load.fetch_add(1, Ordering::Relaxed);
                    let shared = self.start(key.clone(), id, load());
                    slots.insert(
                        key.clone(),
                        Slot::Loading {
                            id,
                            load: shared.clone(),
                        },
                    );
                    shared
                }
            }
        };
        load.await
    }

    /// Runs the load as a task of its own, bounded by the load timeout, and stores its
    /// result unless the key was invalidated meanwhile.
    fn start(
        self: &Arc<Self>,
        key: K,
        id: u64,
        load: impl Future<Output = Result<Fresh<V>, LoadError>> + Send + 'static,
    ) -> SharedLoad<V> {
        let cache = Arc::clone(self);
        let task = tokio::spawn(async move {
            let result = match tokio::time::timeout(cache.load_timeout, load).await {
                Ok(result) => result,
                Err(_) => Err(LoadError::TimedOut(cache.load_timeout)),
            };
            let mut slots = cache.slots();
            let ours = matches!(slots.get(&key), Some(Slot::Loading { id: running, .. }) if *running == id);
            if ours {
                match &result {
                    Ok(fresh) => {
                        let ttl_end = Instant::now() + cache.ttl;
                        let until = fresh.until.map_or(ttl_end, |until| until.min(ttl_end));
                        slots.insert(
                            key,
                            Slot::Ready {
                                value: fresh.value.clone(),
                                until,
                            },
                        );
                    }
                    // Failures are not kept: the next request tries again.
                    Err(_) => {
                        slots.remove(&key);
                    }
                }
            }
            result.map(|fresh| fresh.value)
        });
        async move {
            task.await
                .unwrap_or_else(|error| Err(LoadError::failed(format!("the load failed: {error}"))))
        }
        .boxed()
        .shared()
    }

    /// Forgets `key`; a load running for it still answers its waiters but is not kept.
    pub fn invalidate(&self, key: &K) {
        self.slots().remove(key);
    }

    /// Forgets every key for which `stale` says so.
    pub fn invalidate_where(&self, mut stale: impl FnMut(&K, Option<&V>) -> bool) {
        self.slots().retain(|key, slot| {
            let value = match slot {
                Slot::Ready { value, .. } => Some(&*value),
                Slot::Loading { .. } => None,
            };
            !stale(key, value)
        });
    }

    /// Forgets everything (the notices may have been missed).
    pub fn clear(&self) {
        self.slots().clear();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;

    fn new_cache(ttl: Duration) -> Arc<ReadCache<String, u64>> {
        Arc::new(ReadCache::new("test", ttl, Duration::from_secs(5), 100))
    }

    #[tokio::test]
    async fn concurrent_misses_share_one_load() {
        let cache = new_cache(Duration::from_secs(60));
        let loads = Arc::new(AtomicUsize::new(0));
        let (release, released) = tokio::sync::oneshot::channel::<()>();
        let released = released.shared();
        let key = "k".to_owned();
        let waiters: Vec<_> = (0..20)
            .map(|_| {
                let (cache, loads, released, key) =
                    (cache.clone(), loads.clone(), released.clone(), key.clone());
                tokio::spawn(async move {
                    cache
                        .get(&key, || async move {
                            loads.fetch_add(1, Ordering::SeqCst);
                            let _ = released.await;
                            Ok(Fresh {
                                value: 7,
                                until: None,
                            })
                        })
                        .await
                })
            })
            .collect();
        tokio::task::yield_now().await;
        release.send(()).expect("waiting");
        for waiter in waiters {
            assert_eq!(waiter.await.expect("joined").expect("loaded"), 7);
        }
        assert_eq!(loads.load(Ordering::SeqCst), 1);
        // And the value is kept.
        let again = cache
            .get(&key, || async {
                Ok(Fresh {
                    value: 8,
                    until: None,
                })
            })
            .await;
        assert_eq!(again.expect("cached"), 7);
    }

    #[tokio::test]
    async fn an_invalidation_during_a_load_keeps_its_result_out() {
        let cache = new_cache(Duration::from_secs(60));
        let key = "k".to_owned();
        let (release, released) = tokio::sync::oneshot::channel::<()>();
        let pending = {
            let cache = cache.clone();
            let key = key.clone();
            tokio::spawn(async move {
                cache
                    .get(&key, || async move {
                        let _ = released.await;
                        Ok(Fresh {
                            value: 1,
                            until: None,
                        })
                    })
                    .await
            })
        };
        // Wait (with a deadline) until the load is registered, then invalidate it.
        let deadline = Instant::now() + Duration::from_secs(5);
        while !matches!(cache.slots().get(&key), Some(Slot::Loading { .. })) {
            assert!(Instant::now() < deadline, "the load never started");
            tokio::task::yield_now().await;
        }
        cache.invalidate(&key);
        release.send(()).expect("waiting");
        assert_eq!(pending.await.expect("joined").expect("loaded"), 1);
        let next = cache
            .get(&key, || async {
                Ok(Fresh {
                    value: 2,
                    until: None,
                })
            })
            .await;
        assert_eq!(next.expect("reloaded"), 2);
    }

    #[tokio::test]
    async fn values_expire_at_their_own_deadline_or_the_ttl() {
        let cache = new_cache(Duration::from_secs(60));
        let key = "k".to_owned();
        let first = cache
            .get(&key, || async {
                Ok(Fresh {
                    value: 1,
                    until: Some(Instant::now()),
                })
            })
            .await;
        assert_eq!(first.expect("loaded"), 1);
        let second = cache
            .get(&key, || async {
                Ok(Fresh {
                    value: 2,
                    until: None,
                })
            })
            .await;
        assert_eq!(
            second.expect("reloaded"),
            2,
            "an expired value is loaded again"
        );
        let failing = new_cache(Duration::from_secs(60));
        let error = failing
            .get(&key, || async { Err(LoadError::failed("down")) })
            .await;
        assert!(error.is_err());
        let after = failing
            .get(&key, || async {
                Ok(Fresh {
                    value: 3,
                    until: None,
                })
            })
            .await;
        assert_eq!(after.expect("a failure is not kept"), 3);
    }
}
