//! The catalogue's hot reads, cached in this replica (see `read_cache`):
//!
//! - an event's detail and session list, prepared together from one read of its document,
//!   kept until the projector says the event (or one of its sessions) changed, at most
//!   [`EVENT_TTL`], and never past the next opening or closing of a session's sales window
//!   (the answer says whether sales are open);
//! - searches and trending, identical requests answered from one read for [`SEARCH_TTL`]:
//!   results lag a change by at most that (or until the change's notice arrives).
//!
//! Every load waits for a permit of the read-store gate, so a burst of distinct searches
//! queues here instead of taking every connection of the pool (the readiness probe's too).

use std::sync::Arc;
use std::time::{Duration, Instant};

use shared_dto::read_model::EventDocument;
use shared_dto::read_model_change::ReadModelChange;
use tokio::sync::Semaphore;

use crate::error::ApiError;
use crate::read_cache::body::PreparedBody;
use crate::read_cache::notices::Invalidate;
use crate::read_cache::{Fresh, LoadError, ReadCache};

/// How long an event's answers are kept without a notice: what a lost notice can cost.
pub const EVENT_TTL: Duration = Duration::from_secs(10);
/// How long identical searches and trending requests share one answer.
pub const SEARCH_TTL: Duration = Duration::from_secs(2);
/// A read that takes longer is abandoned (its waiters get 503) rather than left to hold a
/// read-store connection while clients give up and ask again.
pub const LOAD_TIMEOUT: Duration = Duration::from_secs(5);
/// Concurrent catalogue loads per replica: below the read-store client's pool (10), so
/// probes and the live seat maps always find a connection.
pub const STORE_PERMITS: usize = 6;
const EVENT_CAPACITY: usize = 10_000;
const SEARCH_CAPACITY: usize = 2_000;

/// What the event pages answer, prepared once.
pub struct CachedEvent {
    pub event_id: String,
    pub session_ids: Vec<String>,
    pub detail: PreparedBody,
    pub sessions: PreparedBody,
}

/// `None`: no public event of that id (cached too, so probing ids does not reach the store).
pub type EventEntry = Option<Arc<CachedEvent>>;

/// The catalogue caches of this replica. Cheap to clone.
#[derive(Clone)]
pub struct HotReads(Arc<Inner>);

struct Inner {
    events: Arc<ReadCache<String, EventEntry>>,
    searches: Arc<ReadCache<String, Arc<PreparedBody>>>,
    gate: Arc<Semaphore>,
}

impl Default for HotReads {
    fn default() -> Self {
        Self::new()
    }
}

impl HotReads {
    pub fn new() -> Self {
        Self(Arc::new(Inner {
            events: Arc::new(ReadCache::new(
                "event",
                EVENT_TTL,
                LOAD_TIMEOUT,
                EVENT_CAPACITY,
            )),
            searches: Arc::new(ReadCache::new(
                "search",
                SEARCH_TTL,
                LOAD_TIMEOUT,
                SEARCH_CAPACITY,
            )),
            gate: Arc::new(Semaphore::new(STORE_PERMITS)),
        }))
    }

    /// The read-store gate, for loads of other caches.
    pub fn gate(&self) -> Arc<Semaphore> {
        Arc::clone(&self.0.gate)
    }

    /// The event's prepared answers, loaded by `load` on a miss.
    pub async fn event<Fut>(&self, event_id: &str, load: Fut) -> Result<EventEntry, ApiError>
    where
        Fut: Future<Output = Result<Option<EventDocument>, ApiError>> + Send + 'static,
    {
        let gate = self.gate();
        let key = event_id.to_owned();
        self.0
            .events
            .get(&key, move || async move {
                let _permit = gate.acquire_owned().await.map_err(LoadError::failed)?;
                let document = load.await.map_err(LoadError::failed)?;
                Ok(match document {
                    None => Fresh {
                        value: None,
                        until: None,
                    },
                    Some(document) => {
                        let until = next_sales_change(&document);
                        Fresh {
                            value: Some(Arc::new(
                                super::events::prepare(document).map_err(LoadError::failed)?,
                            )),
                            until,
                        }
                    }
                })
            })
            .await
            .map_err(unavailable)
    }

    /// A search or trending answer under its normalised `key`, loaded by `load` on a miss.
    pub async fn search<Fut>(&self, key: String, load: Fut) -> Result<Arc<PreparedBody>, ApiError>
    where
        Fut: Future<Output = Result<PreparedBody, ApiError>> + Send + 'static,
    {
        let gate = self.gate();
        self.0
            .searches
            .get(&key, move || async move {
                let _permit = gate.acquire_owned().await.map_err(LoadError::failed)?;
                // A refusal (422) is not a load failure: it is decided before any load.
                let body = load.await.map_err(LoadError::failed)?;
                Ok(Fresh {
                    value: Arc::new(body),
                    until: None,
                })
            })
            .await
            .map_err(unavailable)
    }
}

impl Invalidate for HotReads {
    fn invalidate(&self, change: &ReadModelChange) {
        if change.everything {
            self.clear();
            return;
        }
        for event in &change.events {
            self.0.events.invalidate(event);
        }
        if !change.sessions.is_empty() {
            // A session's change (its status, its capacity) shows on its event's pages.
            self.0.events.invalidate_where(|_, entry| {
                entry.and_then(Option::as_ref).is_some_and(|event| {
                    event
                        .session_ids
                        .iter()
                        .any(|session| change.sessions.contains(session))
                })
            });
        }
        if !change.events.is_empty() || !change.sessions.is_empty() {
            self.0.searches.clear();
        }
    }

    fn clear(&self) {
        self.0.events.clear();
        self.0.searches.clear();
    }
}

fn unavailable(error: LoadError) -> ApiError {
    ApiError::Unavailable(error.to_string())
}

/// The next instant a session of `event` opens or closes its sales window, which changes
/// `sales_open` in the answer.
fn next_sales_change(event: &EventDocument) -> Option<Instant> {
    let now_ms = super::now_ms();
    let next_ms = event
        .sessions
        .iter()
        .flat_map(|session| [session.sales_start_ms, session.sales_end_ms])
        .filter(|&at| at > now_ms)
        .min()?;
    let wait = u64::try_from(next_ms - now_ms).unwrap_or(0);
    Some(Instant::now() + Duration::from_millis(wait))
}
