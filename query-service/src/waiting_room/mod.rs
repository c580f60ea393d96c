//! The waiting room's live side: each waiting visitor follows their place over SSE
//! (`/api/catalog/sessions/{id}/queue/stream?visitor=`), told their position whenever it
//! changes and `admitted` when order-service's admission loop lets them through. The queue
//! itself is order-service's, in Redis (layout in `shared_dto::waiting_room`).
//!
//! Thousands of visitors wait on one session, so a replica reads each session's queue once per
//! tick (one script, one round trip: the waiting visitors in order and the room) in a watcher
//! shared by all of that session's streams, and fans the snapshot out over a `watch` channel
//! (every stream only ever needs the latest one); a stream looks itself up in the snapshot.
//! Redis is asked about one visitor only when their stream starts and when they leave the
//! waiting list. A watcher stops when its last stream has gone.

mod stream;
mod watcher;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use service_runtime::redis_store::RedisStore;
use shared_dto::waiting_room::QueueKeys;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;
pub use watcher::Snapshot;

/// How often a session's queue is read.
pub const TICK: Duration = Duration::from_millis(500);

/// Heartbeat comments on a quiet stream, so proxies keep it open.
const HEARTBEAT: Duration = Duration::from_secs(15);

/// The waiting rooms this replica's streams follow.
#[derive(Clone)]
pub struct Rooms(Arc<Inner>);

struct Inner {
    store: RedisStore,
    keys: QueueKeys,
    /// The watcher of each followed session, by its latest snapshot's channel.
    watchers: Mutex<HashMap<String, watch::Receiver<Option<Arc<Snapshot>>>>>,
    /// Stops every watcher (and so ends every stream) when the service stops.
    stop: CancellationToken,
}

impl Rooms {
    pub fn new(store: RedisStore, keys: QueueKeys, stop: CancellationToken) -> Self {
        Self(Arc::new(Inner {
            store,
            keys,
            watchers: Mutex::new(HashMap::new()),
            stop,
        }))
    }

    /// The latest snapshots of `session`'s queue, starting its watcher if none runs.
    fn follow(&self, session: &str) -> watch::Receiver<Option<Arc<Snapshot>>> {
        let mut watchers = self.0.watchers.lock().expect("watchers");
        if let Some(receiver) = watchers.get(session) {
            return receiver.clone();
        }
        let (sender, receiver) = watch::channel(None);
        watchers.insert(session.to_owned(), receiver.clone());
        tokio::spawn(watcher::run(self.clone(), session.to_owned(), sender));
        receiver
    }

    /// Whether the watcher of `session` may stop: no stream follows it any more. Decided under
    /// the lock that `follow` takes, so a stream never subscribes to a watcher that is ending.
    fn release_if_unwatched(
        &self,
        session: &str,
        sender: &watch::Sender<Option<Arc<Snapshot>>>,
    ) -> bool {
        let mut watchers = self.0.watchers.lock().expect("watchers");
        // The map's own receiver is one of them.
        if sender.receiver_count() > 1 && !self.0.stop.is_cancelled() {
            return false;
        }
        watchers.remove(session);
        true
    }

    /// Ends every queue stream (their watchers stop): on shutdown, so the server can drain.
    pub fn close_streams(&self) {
        self.0.stop.cancel();
    }

    /// Sessions with a running watcher on this replica (for tests and metrics).
    pub fn watched(&self) -> usize {
        self.0.watchers.lock().expect("watchers").len()
    }
}

#[derive(utoipa::OpenApi)]
#[openapi(components(schemas(stream::QueuePositionEvent)))]
struct QueuePayloads;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(<QueuePayloads as utoipa::OpenApi>::openapi())
        .routes(routes!(stream::stream_queue))
}
