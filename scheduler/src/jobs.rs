//! The job table: planning a session's jobs from a change, and claiming due ones.
//!
//! A job is claimed inside a transaction with `FOR UPDATE SKIP LOCKED`: while one replica runs
//! it, the others skip its row, and it is marked done in the same transaction. A replica that
//! dies mid-job releases the lock with its connection and the job is run again; jobs are
//! idempotent, so that costs nothing.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool, Postgres, Transaction};
use uuid::Uuid;

use crate::plan::{JobKind, PlannedJob};

/// Writes a session's plan as seen at WAL position `lsn`; `false` when a newer change of the
/// session was planned already (the plan is left as it is).
pub async fn plan_session(
    pool: &PgPool,
    session_id: Uuid,
    event_id: Option<Uuid>,
    lsn: i64,
    jobs: &[PlannedJob],
) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let newer: bool = sqlx::query_scalar(
        "insert into scheduled_session (session_id, event_id, source_lsn) values ($1, $2, $3)
         on conflict (session_id) do update set
             source_lsn = excluded.source_lsn,
             event_id = coalesce(excluded.event_id, scheduled_session.event_id),
             planned_at = now()
           where scheduled_session.source_lsn < excluded.source_lsn
         returning true",
    )
    .bind(session_id)
    .bind(event_id)
    .bind(lsn)
    .fetch_optional(&mut *tx)
    .await?
    .unwrap_or(false);
    if !newer {
        return Ok(false);
    }
    let kinds: Vec<&str> = jobs.iter().map(|job| job.kind.as_str()).collect();
    // Pending jobs the session no longer needs go; done ones stay as the record of what ran.
    // Availability checks are asked for by ticket changes, not by the plan.
    sqlx::query(
        "delete from scheduled_job
         where session_id = $1 and status <> 'done' and not (kind = any($2))
           and kind <> 'check_availability'",
    )
    .bind(session_id)
    .bind(&kinds)
    .execute(&mut *tx)
    .await?;
    for job in jobs {
        upsert(&mut tx, session_id, job).await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// A new or moved due time makes the job pending again (with fresh attempts), and so does any
/// newer change of a session whose job failed; the same due time leaves a done job done.
async fn upsert(
    tx: &mut Transaction<'_, Postgres>,
    session_id: Uuid,
    job: &PlannedJob,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into scheduled_job (session_id, kind, due_at, run_at) values ($1, $2, $3, $3)
         on conflict (session_id, kind) do update set
             due_at = excluded.due_at,
             run_at = excluded.due_at,
             status = 'pending',
             attempts = 0,
             last_error = null,
             updated_at = now()
           where scheduled_job.due_at <> excluded.due_at or scheduled_job.status = 'failed'",
    )
    .bind(session_id)
    .bind(job.kind.as_str())
    .bind(job.due_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A session's tickets changed: its availability is checked at `due_at`, unless a check is
/// pending already (which will see this change too).
pub async fn ask_availability_check(
    pool: &PgPool,
    session_id: Uuid,
    due_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into scheduled_job (session_id, kind, due_at, run_at) values ($1, $2, $3, $3)
         on conflict (session_id, kind) do update set
             due_at = excluded.due_at,
             run_at = excluded.due_at,
             status = 'pending',
             attempts = 0,
             last_error = null,
             updated_at = now()
           where scheduled_job.status <> 'pending'",
    )
    .bind(session_id)
    .bind(JobKind::CheckAvailability.as_str())
    .bind(due_at)
    .execute(pool)
    .await?;
    Ok(())
}

/// Whether a session has a plan here (a delete of an unknown session is nobody's business).
pub async fn is_planned(pool: &PgPool, session_id: Uuid) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("select exists(select 1 from scheduled_session where session_id = $1)")
        .bind(session_id)
        .fetch_one(pool)
        .await
}

/// An event was published: jobs of its sessions that failed because it was not are due again
/// (now, if their time has passed). Returns how many were re-armed.
pub async fn rearm_event(
    pool: &PgPool,
    event_id: Uuid,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let rearmed = sqlx::query(
        "update scheduled_job set status = 'pending', run_at = greatest(due_at, $2),
             attempts = 0, updated_at = now()
         where status = 'failed'
           and session_id in (select session_id from scheduled_session where event_id = $1)",
    )
    .bind(event_id)
    .bind(now)
    .execute(pool)
    .await?
    .rows_affected();
    Ok(rearmed)
}

/// A job taken by this replica; its row stays locked until [`finish`] commits.
#[derive(Debug, Clone)]
pub struct ClaimedJob {
    pub session_id: Uuid,
    pub kind: JobKind,
    pub due_at: DateTime<Utc>,
    pub attempts: i32,
}

/// The earliest pending job due at `now` that no other replica holds; with `events`, only
/// jobs of those events' sessions.
pub async fn claim_due(
    tx: &mut Transaction<'_, Postgres>,
    now: DateTime<Utc>,
    events: Option<&[Uuid]>,
) -> Result<Option<ClaimedJob>, sqlx::Error> {
    let row: Option<(Uuid, String, DateTime<Utc>, i32)> = sqlx::query_as(
        "select session_id, kind, due_at, attempts from scheduled_job
         where status = 'pending' and run_at <= $1
           and ($2::uuid[] is null
                or session_id in (select session_id from scheduled_session
                                  where event_id = any($2)))
         order by run_at, session_id, kind
         limit 1
         for update skip locked",
    )
    .bind(now)
    .bind(events)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.and_then(|(session_id, kind, due_at, attempts)| {
        Some(ClaimedJob {
            session_id,
            kind: JobKind::parse(&kind)?,
            due_at,
            attempts,
        })
    }))
}

/// How a run of a job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The effect happened, or had happened already.
    Done,
    /// Worth trying again at the given time (the command API was unreachable, say).
    RetryAt(DateTime<Utc>, String),
    /// Cannot happen as things stand (e.g. the event is not published); a later change of the
    /// session plans it again.
    Failed(String),
}

pub async fn finish(
    conn: &mut PgConnection,
    job: &ClaimedJob,
    outcome: &Outcome,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let (status, run_at, error) = match outcome {
        Outcome::Done => ("done", job.due_at, None),
        Outcome::RetryAt(at, error) => ("pending", *at, Some(error.as_str())),
        Outcome::Failed(error) => ("failed", job.due_at, Some(error.as_str())),
    };
    sqlx::query(
        "update scheduled_job set status = $3, run_at = $4, last_error = $5,
             attempts = attempts + 1, done_at = case when $3 = 'done' then $6 end,
             updated_at = now()
         where session_id = $1 and kind = $2",
    )
    .bind(job.session_id)
    .bind(job.kind.as_str())
    .bind(status)
    .bind(run_at)
    .bind(error)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}
