//! A session's waiting-room settings (`session_waiting_room`); order-service reads the row.

use shared_dto::waiting_room::WaitingRoomSettings;
use sqlx::PgExecutor;
use uuid::Uuid;

/// The stored settings, or the defaults (off) for a session never set.
pub async fn settings(
    executor: impl PgExecutor<'_>,
    session_id: Uuid,
) -> Result<WaitingRoomSettings, sqlx::Error> {
    let row = sqlx::query!(
        "select enabled, admit_per_minute, opens_minutes_before_sale, pass_minutes
         from session_waiting_room where session_id = $1",
        session_id
    )
    .fetch_optional(executor)
    .await?;
    Ok(match row {
        Some(row) => WaitingRoomSettings {
            enabled: row.enabled,
            admit_per_minute: row.admit_per_minute.try_into().unwrap_or(1),
            opens_minutes_before_sale: row.opens_minutes_before_sale.try_into().unwrap_or(0),
            pass_minutes: row.pass_minutes.try_into().unwrap_or(1),
        },
        None => WaitingRoomSettings::default(),
    })
}

pub async fn store(
    executor: impl PgExecutor<'_>,
    session_id: Uuid,
    settings: &WaitingRoomSettings,
) -> Result<(), sqlx::Error> {
    // The settings' ranges (at most 100,000 a minute) fit the int columns.
    let column = |value: u32| i32::try_from(value).unwrap_or(i32::MAX);
    sqlx::query!(
        "insert into session_waiting_room
            (session_id, enabled, admit_per_minute, opens_minutes_before_sale, pass_minutes)
         values ($1, $2, $3, $4, $5)
         on conflict (session_id) do update set enabled = excluded.enabled,
            admit_per_minute = excluded.admit_per_minute,
            opens_minutes_before_sale = excluded.opens_minutes_before_sale,
            pass_minutes = excluded.pass_minutes",
        session_id,
        settings.enabled,
        column(settings.admit_per_minute),
        column(settings.opens_minutes_before_sale),
        column(settings.pass_minutes)
    )
    .execute(executor)
    .await?;
    Ok(())
}
