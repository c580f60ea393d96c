//! The admission loop: every tick, for each room with visitors whose sale has opened, let the
//! next buyers through at the configured rate. Every replica runs the loop, but a room admits
//! only for the replica holding its lease in Redis (renewed each tick, taken over by another
//! replica once it lapses), and the token bucket lives in Redis too, so a restart or a
//! take-over neither admits twice nor exceeds the rate.

use std::time::Duration;

use chrono::Utc;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::queue::AdmitRequest;
use crate::error::ApiError;
use crate::state::AppState;

/// How often rooms admit.
pub const TICK: Duration = Duration::from_millis(250);

/// How long a replica's lease on a room lasts without renewal: a dead holder's rooms move to
/// another replica after this long.
const LEASE: Duration = Duration::from_secs(3);

/// Runs until `stop`.
pub async fn run(state: AppState, stop: CancellationToken) {
    let mut interval = tokio::time::interval(TICK);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = stop.cancelled() => break,
            _ = interval.tick() => {}
        }
        if let Err(error) = admit_everywhere(&state).await {
            tracing::warn!(%error, "waiting room admission step failed");
        }
    }
}

/// One tick over every room.
async fn admit_everywhere(state: &AppState) -> Result<(), ApiError> {
    let waiting_room = &state.waiting_room;
    for session in waiting_room.queue().rooms().await? {
        let Ok(session_id) = session.parse::<Uuid>() else {
            waiting_room.queue().forget_room(&session).await?;
            continue;
        };
        let room = match waiting_room.room(&state.pool, session_id).await {
            Ok(room) => room,
            Err(ApiError::NotFound) => {
                waiting_room.queue().forget_room(&session).await?;
                continue;
            }
            Err(error) => return Err(error),
        };
        let now = Utc::now();
        if room.finished || now >= room.sales_end_at {
            waiting_room.queue().forget_room(&session).await?;
            continue;
        }
        if !room.settings.enabled || !room.has_opened(now) {
            continue;
        }
        let rate = room.settings.admit_per_minute;
        let one_tick = f64::from(rate) * TICK.as_secs_f64() / 60.0;
        let admitted = waiting_room
            .queue()
            .admit(&AdmitRequest {
                session_id: &session,
                replica: waiting_room.replica(),
                lease_ms: u64::try_from(LEASE.as_millis()).unwrap_or(u64::MAX),
                now_ms: now.timestamp_millis(),
                sales_start_ms: room.sales_start_at.timestamp_millis(),
                admit_per_minute: rate,
                bucket_cap: one_tick.max(1.0),
                expire_at_ms: (room.sales_end_at + super::KEPT_AFTER_SALES).timestamp_millis(),
            })
            .await?;
        if let Some(count) = admitted.filter(|count| *count > 0) {
            metrics::counter!("waiting_room_admissions_total").increment(count);
            tracing::debug!(%session_id, admitted = count, "admitted from the waiting room");
        }
    }
    Ok(())
}
