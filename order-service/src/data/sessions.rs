//! Sessions as the sale sees them: status, sales window and seat map, read from the write
//! model's tables (`session`, `session_layout`).
//!
//! A flash sale asks for the same session thousands of times a second, and a layout can be
//! megabytes of JSON, so parsed seat maps are cached per layout version. Status and window
//! are read on every request, so a session taken off sale stops selling at once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use shared_dto::layout::Layout;
use sqlx::PgPool;
use sqlx::types::Json;
use uuid::Uuid;

use crate::error::ApiError;

/// Parsed seat maps kept at most; past it the cache starts over, which only costs a re-read.
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
    pub status: String,
    pub sales_start_at: DateTime<Utc>,
    pub sales_end_at: DateTime<Utc>,
    pub map: Arc<SeatMap>,
}

impl SaleSession {
    /// Only a session that is on sale, inside its sales window, sells.
    pub fn ensure_on_sale(&self, now: DateTime<Utc>) -> Result<(), ApiError> {
        if self.status != "ON_SALE" {
            return Err(ApiError::conflict(
                "not_on_sale",
                format!("this session is not on sale (it is {})", self.status),
            )
            .with("status", self.status.clone()));
        }
        if now < self.sales_start_at {
            return Err(
                ApiError::conflict("not_on_sale", "sales have not started yet")
                    .with("sales_start_at", self.sales_start_at.to_rfc3339()),
            );
        }
        if now >= self.sales_end_at {
            return Err(ApiError::conflict("not_on_sale", "sales have ended")
                .with("sales_end_at", self.sales_end_at.to_rfc3339()));
        }
        Ok(())
    }
}

/// Parsed seat maps by session, tagged with the layout row version they came from.
#[derive(Default)]
pub struct SeatMapCache {
    maps: Mutex<HashMap<Uuid, (i64, Arc<SeatMap>)>>,
}

impl SeatMapCache {
    fn get(&self, session_id: Uuid, version: i64) -> Option<Arc<SeatMap>> {
        let maps = self
            .maps
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        maps.get(&session_id)
            .filter(|(cached, _)| *cached == version)
            .map(|(_, map)| Arc::clone(map))
    }

    fn put(&self, session_id: Uuid, version: i64, map: Arc<SeatMap>) {
        let mut maps = self
            .maps
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if maps.len() >= MAX_CACHED_MAPS && !maps.contains_key(&session_id) {
            maps.clear();
        }
        maps.insert(session_id, (version, map));
    }
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    event_id: Uuid,
    status: String,
    sales_start_at: DateTime<Utc>,
    sales_end_at: DateTime<Utc>,
    layout_version: Option<i64>,
}

/// The session with its seat map; `NotFound` when there is no such session.
pub async fn load(
    pool: &PgPool,
    cache: &SeatMapCache,
    session_id: Uuid,
) -> Result<SaleSession, ApiError> {
    let row: SessionRow = sqlx::query_as(
        "select s.event_id, s.status::text as status, s.sales_start_at, s.sales_end_at,
                l.version as layout_version
         from session s left join session_layout l using (session_id)
         where s.session_id = $1",
    )
    .bind(session_id)
    .fetch_optional(pool)
    .await?
    .ok_or(ApiError::NotFound)?;
    let Some(version) = row.layout_version else {
        return Err(ApiError::conflict(
            "no_seat_map",
            "this session has no seat map to sell from",
        ));
    };
    let map = match cache.get(session_id, version) {
        Some(map) => map,
        None => {
            let (layout, version): (Json<Layout>, i64) =
                sqlx::query_as("select layout, version from session_layout where session_id = $1")
                    .bind(session_id)
                    .fetch_one(pool)
                    .await?;
            let map = Arc::new(SeatMap::new(layout.0));
            cache.put(session_id, version, Arc::clone(&map));
            map
        }
    };
    Ok(SaleSession {
        session_id,
        event_id: row.event_id,
        status: row.status,
        sales_start_at: row.sales_start_at,
        sales_end_at: row.sales_end_at,
        map,
    })
}
