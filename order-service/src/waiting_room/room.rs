//! A session's waiting room as order-service sees it: the organiser's settings (command-service's
//! `session_waiting_room`) with the session's sales window, read from PostgreSQL and trusted
//! for a second, so holds in a flash sale do not read the database each.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use shared_dto::status::SessionStatus;
use shared_dto::waiting_room::WaitingRoomSettings;
use sqlx::PgPool;
use uuid::Uuid;

/// How long a read is trusted: a room turned on or off takes effect within this long.
const FRESH_FOR: Duration = Duration::from_secs(1);

/// Rooms kept at most; past it the cache starts over, which only costs re-reads.
const MAX_CACHED: usize = 4_096;

/// One session's room at the moment of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Room {
    pub session_id: Uuid,
    pub event_id: Uuid,
    pub settings: WaitingRoomSettings,
    /// Whether the session is closed or cancelled (nothing to queue for).
    pub finished: bool,
    pub sales_start_at: DateTime<Utc>,
    pub sales_end_at: DateTime<Utc>,
}

impl Room {
    /// When the room opens for joining.
    pub fn opens_at(&self) -> DateTime<Utc> {
        self.sales_start_at
            - chrono::Duration::minutes(i64::from(self.settings.opens_minutes_before_sale))
    }

    /// Whether buyers must queue: the room is on, open and sales have not ended.
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        self.settings.enabled && !self.finished && now >= self.opens_at() && now < self.sales_end_at
    }

    /// Whether sales have opened: the early crowd has its places and admission runs.
    pub fn has_opened(&self, now: DateTime<Utc>) -> bool {
        now >= self.sales_start_at
    }

    pub fn pass_lifetime(&self) -> chrono::Duration {
        chrono::Duration::minutes(i64::from(self.settings.pass_minutes))
    }
}

/// Rooms as last read, per session.
#[derive(Default)]
pub struct RoomCache {
    entries: Mutex<HashMap<Uuid, (Instant, Option<Room>)>>,
}

impl RoomCache {
    /// The session's room (`None`: no such session), read again when older than a second.
    pub async fn room(&self, pool: &PgPool, session_id: Uuid) -> Result<Option<Room>, sqlx::Error> {
        if let Some((read_at, room)) = self
            .entries
            .lock()
            .expect("room cache")
            .get(&session_id)
            .cloned()
            && read_at.elapsed() < FRESH_FOR
        {
            return Ok(room);
        }
        let room = read(pool, session_id).await?;
        let mut entries = self.entries.lock().expect("room cache");
        if entries.len() >= MAX_CACHED {
            entries.clear();
        }
        entries.insert(session_id, (Instant::now(), room.clone()));
        Ok(room)
    }
}

async fn read(pool: &PgPool, session_id: Uuid) -> Result<Option<Room>, sqlx::Error> {
    // A session without a waiting room has none of its settings (a left join).
    let row = sqlx::query!(
        r#"select s.event_id, s.status as "status: SessionStatus", s.sales_start_at,
                  s.sales_end_at, w.enabled as "enabled?", w.admit_per_minute as "rate?",
                  w.opens_minutes_before_sale as "opens?", w.pass_minutes as "pass?"
           from session s left join session_waiting_room w using (session_id)
           where s.session_id = $1"#,
        session_id,
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|row| {
        let defaults = WaitingRoomSettings::default();
        let positive = |value: Option<i32>, default: u32| {
            value
                .and_then(|value| u32::try_from(value).ok())
                .unwrap_or(default)
        };
        Room {
            session_id,
            event_id: row.event_id,
            settings: WaitingRoomSettings {
                enabled: row.enabled.unwrap_or(false),
                admit_per_minute: positive(row.rate, defaults.admit_per_minute).max(1),
                opens_minutes_before_sale: positive(row.opens, defaults.opens_minutes_before_sale),
                pass_minutes: positive(row.pass, defaults.pass_minutes).max(1),
            },
            finished: matches!(row.status, SessionStatus::Closed | SessionStatus::Cancelled),
            sales_start_at: row.sales_start_at,
            sales_end_at: row.sales_end_at,
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room(enabled: bool) -> Room {
        let start = Utc::now();
        Room {
            session_id: Uuid::new_v4(),
            event_id: Uuid::new_v4(),
            settings: WaitingRoomSettings {
                enabled,
                admit_per_minute: 60,
                opens_minutes_before_sale: 10,
                pass_minutes: 5,
            },
            finished: false,
            sales_start_at: start,
            sales_end_at: start + chrono::Duration::hours(1),
        }
    }

    #[test]
    fn a_room_is_active_from_its_opening_until_sales_end() {
        let room = room(true);
        let start = room.sales_start_at;
        assert!(!room.is_active(start - chrono::Duration::minutes(11)));
        assert!(room.is_active(start - chrono::Duration::minutes(10)));
        assert!(!room.has_opened(start - chrono::Duration::minutes(1)));
        assert!(room.is_active(start) && room.has_opened(start));
        assert!(!room.is_active(room.sales_end_at));
        assert!(!self::room(false).is_active(start));
    }
}
