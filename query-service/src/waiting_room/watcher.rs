//! One session's queue, read once per tick for every stream of this replica that follows it.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Utc;
use redis::Script;
use shared_dto::waiting_room::RoomFields;
use tokio::sync::watch;

use super::{Rooms, TICK};

/// The waiting visitors in order and the room's settings, in one round trip.
///
/// KEYS: waiting, room. ARGV: the room hash's sales-start and rate fields.
const READ: &str = r"
local room = redis.call('HMGET', KEYS[2], ARGV[1], ARGV[2])
return {redis.call('ZRANGE', KEYS[1], 0, -1), room[1] or '', room[2] or ''}
";

/// A session's queue at one moment.
#[derive(Debug)]
pub struct Snapshot {
    /// Counts up per snapshot of this watcher: the streams' event ids.
    pub seq: u64,
    /// Whether sales have opened (before, the early crowd has no positions yet).
    pub opened: bool,
    pub admit_per_minute: u32,
    /// Each waiting visitor's 0-based rank.
    pub ranks: HashMap<String, u64>,
}

/// Reads the queue every tick until no stream follows it (or the service stops); a snapshot
/// is only sent when something a visitor sees changed.
pub async fn run(rooms: Rooms, session: String, sender: watch::Sender<Option<Arc<Snapshot>>>) {
    let read = Script::new(READ);
    let keys = &rooms.0.keys;
    let (waiting_key, room_key) = (keys.waiting(&session), keys.room(&session));
    let mut interval = tokio::time::interval(TICK);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut seq = 0;
    let mut last: Option<(Vec<String>, bool, u32)> = None;
    loop {
        tokio::select! {
            () = rooms.0.stop.cancelled() => {}
            _ = interval.tick() => {}
        }
        if rooms.release_if_unwatched(&session, &sender) {
            break;
        }
        let reply: redis::RedisResult<(Vec<String>, String, String)> = async {
            read.key(&waiting_key)
                .key(&room_key)
                .arg(RoomFields::SALES_START_AT)
                .arg(RoomFields::ADMIT_PER_MINUTE)
                .invoke_async(&mut rooms.0.store.connection().await?)
                .await
        }
        .await;
        let (waiting, sales_start, rate) = match reply {
            Ok(reply) => reply,
            Err(error) => {
                tracing::warn!(%error, %session, "cannot read the waiting room's queue");
                continue;
            }
        };
        let opened = sales_start
            .parse::<i64>()
            .is_ok_and(|start| Utc::now().timestamp_millis() >= start);
        let admit_per_minute = rate.parse::<u32>().unwrap_or(1).max(1);
        let current = (waiting, opened, admit_per_minute);
        if last.as_ref() == Some(&current) {
            continue;
        }
        seq += 1;
        let ranks = current
            .0
            .iter()
            .zip(0u64..)
            .map(|(visitor, rank)| (visitor.clone(), rank))
            .collect();
        sender.send_replace(Some(Arc::new(Snapshot {
            seq,
            opened,
            admit_per_minute,
            ranks,
        })));
        last = Some(current);
    }
}
