//! Sessions as the sale sees them: status, sales window and seat map, read from the write
//! model's tables (`session`, `session_layout`).
//!
//! A flash sale asks for the same session thousands of times a second, and a layout can be
//! megabytes of JSON, so a session is read once behind a single flight and trusted for one
//! second; its parsed seat map is kept while the layout version stays the same. A session
//! taken off sale therefore stops selling within a second, not at once.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use shared_dto::layout::Layout;
use shared_dto::status::SessionStatus;
use sqlx::PgPool;
use sqlx::types::Json;
use tokio::sync::OnceCell;
use uuid::Uuid;

/// Why a session cannot be sold from.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("no such session")]
    NotFound,
    #[error("this session has no seat map to sell from")]
    NoSeatMap,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Why a session does not sell right now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotOnSale {
    #[error("this session is not on sale (it is {0})")]
    Status(SessionStatus),
    #[error("sales have not started yet")]
    NotStarted(DateTime<Utc>),
    #[error("sales have ended")]
    Ended(DateTime<Utc>),
}

/// Sessions kept at most; past it the cache starts over, which only costs a re-read.
const MAX_CACHED_MAPS: usize = 256;

/// A seat's place on the map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatInfo {
    pub block_id: String,
    pub tier_id: Uuid,
    /// What the ticket prints, e.g. `A12`.
    pub label: String,
}

/// A standing area's tier and size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandingInfo {
    pub tier_id: Uuid,
    pub capacity: u32,
}

/// A session's layout with look-ups by id.
#[derive(Debug)]
pub struct SeatMap {
    pub layout: Layout,
    pub seats: HashMap<String, SeatInfo>,
    pub standing: HashMap<String, StandingInfo>,
}

impl SeatMap {
    pub fn new(layout: Layout) -> Self {
        let seats = layout
            .seats()
            .filter_map(|seat| {
                Some((
                    seat.seat_id.to_owned(),
                    SeatInfo {
                        block_id: seat.block_id.to_owned(),
                        tier_id: seat.tier_id?,
                        label: seat.label.to_owned(),
                    },
                ))
            })
            .collect();
        let standing = layout
            .standing_areas()
            .map(|area| {
                (
                    area.id.clone(),
                    StandingInfo {
                        tier_id: area.tier_id,
                        capacity: area.capacity,
                    },
                )
            })
            .collect();
        Self {
            layout,
            seats,
            standing,
        }
    }

    pub fn tier_has_seats(&self, tier_id: Uuid) -> bool {
        self.seats.values().any(|seat| seat.tier_id == tier_id)
    }

    pub fn tier_has_standing(&self, tier_id: Uuid) -> bool {
        self.standing.values().any(|area| area.tier_id == tier_id)
    }
}

/// One session at the moment of a request.
#[derive(Debug, Clone)]
pub struct SaleSession {
    pub session_id: Uuid,
    pub event_id: Uuid,
    pub status: SessionStatus,
    pub sales_start_at: DateTime<Utc>,
    pub sales_end_at: DateTime<Utc>,
    pub map: Arc<SeatMap>,
}

impl SaleSession {
    /// Only a session that is on sale, inside its sales window, sells.
    pub fn ensure_on_sale(&self, now: DateTime<Utc>) -> Result<(), NotOnSale> {
        if self.status != SessionStatus::OnSale {
            return Err(NotOnSale::Status(self.status));
        }
        if now < self.sales_start_at {
            return Err(NotOnSale::NotStarted(self.sales_start_at));
        }
        if now >= self.sales_end_at {
            return Err(NotOnSale::Ended(self.sales_end_at));
        }
        Ok(())
    }
}

/// How long a session's status, sales window and layout version are trusted before the
/// next request reads them again: a session taken off sale (or re-laid out) stops selling the
/// old way within this long. PostgreSQL still has the last word on what is sold.
const FRESH_FOR: Duration = Duration::from_secs(1);

/// What one read of a session told: its sale state and its parsed seat map.
#[derive(Debug)]
struct Known {
    event_id: Uuid,
    status: SessionStatus,
    sales_start_at: DateTime<Utc>,
    sales_end_at: DateTime<Utc>,
    layout_version: i64,
    map: Arc<SeatMap>,
}

/// One read of a session, shared by every request that arrives while it runs (single flight).
struct Entry {
    started: Instant,
    /// The read this one replaces, whose seat map is kept when the layout version is unchanged.
    previous: Option<Arc<Known>>,
    known: OnceCell<Arc<Known>>,
}

/// Sessions as last read, with their parsed seat maps, per session.
///
/// A flash sale sends thousands of holds a second at one fresh session: without a single
/// flight every one of them missed at once and parsed a megabyte layout each, exhausting the
/// pool. Now concurrent misses wait for one read, and a hold reads PostgreSQL at most once
/// per [`FRESH_FOR`] per session.
pub struct SeatMapCache {
    entries: Mutex<HashMap<Uuid, Arc<Entry>>>,
    fresh_for: Duration,
    layout_loads: AtomicU64,
}

impl Default for SeatMapCache {
    fn default() -> Self {
        Self::with_freshness(FRESH_FOR)
    }
}

impl SeatMapCache {
    pub fn with_freshness(fresh_for: Duration) -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            fresh_for,
            layout_loads: AtomicU64::new(0),
        }
    }

    /// How many layouts were read and parsed since start.
    pub fn layout_loads(&self) -> u64 {
        self.layout_loads.load(Ordering::Relaxed)
    }

    /// The session as known, read by `read` when unknown or stale; concurrent callers share
    /// one read. A failed read is not kept: the next caller tries again.
    async fn known<F, Fut>(&self, session_id: Uuid, read: F) -> Result<Arc<Known>, SessionError>
    where
        F: FnOnce(Option<Arc<Known>>) -> Fut,
        Fut: Future<Output = Result<Known, SessionError>>,
    {
        let entry = {
            let mut entries = self
                .entries
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            match entries.get(&session_id) {
                Some(entry)
                    if entry.known.get().is_none() || entry.started.elapsed() < self.fresh_for =>
                {
                    Arc::clone(entry)
                }
                stale => {
                    let previous = stale.and_then(|entry| entry.known.get().cloned());
                    if entries.len() >= MAX_CACHED_MAPS && previous.is_none() {
                        entries.clear();
                    }
                    let entry = Arc::new(Entry {
                        started: Instant::now(),
                        previous,
                        known: OnceCell::new(),
                    });
                    entries.insert(session_id, Arc::clone(&entry));
                    entry
                }
            }
        };
        let known = entry
            .known
            .get_or_try_init(|| async { read(entry.previous.clone()).await.map(Arc::new) })
            .await?;
        Ok(Arc::clone(known))
    }
}

/// The session with its seat map; `NotFound` when there is no such session. Status and sales
/// window may be up to [`FRESH_FOR`] old.
pub async fn load(
    pool: &PgPool,
    cache: &SeatMapCache,
    session_id: Uuid,
) -> Result<SaleSession, SessionError> {
    let known = cache
        .known(session_id, |previous| {
            read(pool, cache, session_id, previous)
        })
        .await?;
    Ok(SaleSession {
        session_id,
        event_id: known.event_id,
        status: known.status,
        sales_start_at: known.sales_start_at,
        sales_end_at: known.sales_end_at,
        map: Arc::clone(&known.map),
    })
}

async fn read(
    pool: &PgPool,
    cache: &SeatMapCache,
    session_id: Uuid,
    previous: Option<Arc<Known>>,
) -> Result<Known, SessionError> {
    let row = sqlx::query!(
        r#"select s.event_id, s.status as "status: SessionStatus", s.sales_start_at,
                  s.sales_end_at, l.version as "layout_version?"
           from session s left join session_layout l using (session_id)
           where s.session_id = $1"#,
        session_id,
    )
    .fetch_optional(pool)
    .await?
    .ok_or(SessionError::NotFound)?;
    let Some(version) = row.layout_version else {
        return Err(SessionError::NoSeatMap);
    };
    let (map, layout_version) = match previous {
        Some(previous) if previous.layout_version == version => {
            (Arc::clone(&previous.map), version)
        }
        _ => {
            let stored = sqlx::query!(
                r#"select layout as "layout: Json<Layout>", version from session_layout
                   where session_id = $1"#,
                session_id,
            )
            .fetch_one(pool)
            .await?;
            cache.layout_loads.fetch_add(1, Ordering::Relaxed);
            (Arc::new(SeatMap::new(stored.layout.0)), stored.version)
        }
    };
    Ok(Known {
        event_id: row.event_id,
        status: row.status,
        sales_start_at: row.sales_start_at,
        sales_end_at: row.sales_end_at,
        layout_version,
        map,
    })
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicU32;

    use shared_dto::layout::{Block, SeatedGrid, Size};
    use tokio::sync::Semaphore;

    use super::*;

    fn known(layout_version: i64) -> Known {
        Known {
            event_id: Uuid::nil(),
            status: SessionStatus::OnSale,
            sales_start_at: Utc::now(),
            sales_end_at: Utc::now(),
            layout_version,
            map: Arc::new(SeatMap::new(Layout {
                canvas: Size {
                    width: 10.0,
                    height: 10.0,
                },
                blocks: vec![Block::SeatedGrid(SeatedGrid::filled(
                    "stalls",
                    1,
                    2,
                    Uuid::nil(),
                ))],
            })),
        }
    }

    #[tokio::test]
    async fn concurrent_first_requests_for_a_session_read_it_once() {
        let cache = SeatMapCache::default();
        let session = Uuid::new_v4();
        let reads = AtomicU32::new(0);
        // The one read waits until every request has arrived and is waiting on it.
        let gate = Semaphore::new(0);
        let requests = (0..200).map(|_| {
            cache.known(session, |_| async {
                reads.fetch_add(1, Ordering::SeqCst);
                let _permit = gate.acquire().await.expect("open");
                Ok(known(1))
            })
        });
        let (answers, ()) = futures::join!(futures::future::join_all(requests), async {
            gate.add_permits(1)
        });
        assert_eq!(reads.load(Ordering::SeqCst), 1);
        let first = answers[0].as_ref().expect("read");
        assert!(
            answers
                .iter()
                .all(|answer| Arc::ptr_eq(answer.as_ref().expect("read"), first))
        );
    }

    #[tokio::test]
    async fn a_failed_read_is_not_kept_and_a_stale_one_is_read_again_with_its_predecessor() {
        let cache = SeatMapCache::with_freshness(Duration::ZERO);
        let session = Uuid::new_v4();
        let failed = cache
            .known(session, |_| async { Err(SessionError::NotFound) })
            .await;
        assert!(failed.is_err());
        let first = cache
            .known(session, |previous| async move {
                assert!(previous.is_none());
                Ok(known(1))
            })
            .await
            .expect("read");
        let second = cache
            .known(session, |previous| async move {
                let previous = previous.expect("the stale read is handed over");
                assert_eq!(previous.layout_version, 1);
                Ok(known(2))
            })
            .await
            .expect("read again");
        assert_eq!((first.layout_version, second.layout_version), (1, 2));

        let fresh = SeatMapCache::default();
        fresh
            .known(session, |_| async { Ok(known(1)) })
            .await
            .expect("read");
        let cached = fresh
            .known(session, |_| async {
                panic!("a fresh entry is not read again")
            })
            .await
            .expect("cached");
        assert_eq!(cached.layout_version, 1);
    }
}
