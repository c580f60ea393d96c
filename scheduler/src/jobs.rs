//! The job table: planning a session's jobs from a change, and claiming due ones.
//!
//! A job is claimed inside a transaction with `FOR UPDATE SKIP LOCKED`: while one replica runs
//! it, the others skip its row, and it is marked done in the same transaction. A replica that
//! dies mid-job releases the lock with its connection and the job is run again; jobs are
//! idempotent, so that costs nothing.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool, Postgres, Transaction};
use uuid::Uuid;

use crate::plan::{JobKind, PlannedJob};

/// Where a job stands: `scheduled_job.status`, owned by the scheduler alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobStatus {
    /// Waiting for its `run_at`, or to be tried again.
    Pending,
    /// Ran; kept as the record of what ran.
    Done,
    /// Cannot run as things stand; a later change of the session (or its event's publication)
    /// makes it pending again.
    Failed,
}

impl JobStatus {
    pub const ALL: [JobStatus; 3] = [JobStatus::Pending, JobStatus::Done, JobStatus::Failed];

    /// The column spelling.
    pub const fn as_db_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }
}

impl fmt::Display for JobStatus {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_db_str())
    }
}

/// A `scheduled_job.status` value that names no [`JobStatus`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a job status")]
pub struct UnknownJobStatus(pub String);

impl FromStr for JobStatus {
    type Err = UnknownJobStatus;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_db_str() == value)
            .ok_or_else(|| UnknownJobStatus(value.to_owned()))
    }
}

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
    let newer = sqlx::query_scalar!(
        r#"insert into scheduled_session (session_id, event_id, source_lsn) values ($1, $2, $3)
         on conflict (session_id) do update set
             source_lsn = excluded.source_lsn,
             event_id = coalesce(excluded.event_id, scheduled_session.event_id),
             planned_at = now()
           where scheduled_session.source_lsn < excluded.source_lsn
         returning true as "newer!""#,
        session_id,
        event_id,
        lsn
    )
    .fetch_optional(&mut *tx)
    .await?
    .unwrap_or(false);
    if !newer {
        return Ok(false);
    }
    let kinds: Vec<String> = jobs
        .iter()
        .map(|job| job.kind.as_str().to_owned())
        .collect();
    // Pending jobs the session no longer needs go; done ones stay as the record of what ran.
    // Availability checks are asked for by ticket changes, not by the plan.
    sqlx::query!(
        "delete from scheduled_job
         where session_id = $1 and status <> $3 and not (kind = any($2)) and kind <> $4",
        session_id,
        &kinds,
        JobStatus::Done.as_db_str(),
        JobKind::CheckAvailability.as_str(),
    )
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
    sqlx::query!(
        "insert into scheduled_job (session_id, kind, due_at, run_at) values ($1, $2, $3, $3)
         on conflict (session_id, kind) do update set
             due_at = excluded.due_at,
             run_at = excluded.due_at,
             status = $4,
             attempts = 0,
             last_error = null,
             updated_at = now()
           where scheduled_job.due_at <> excluded.due_at or scheduled_job.status = $5",
        session_id,
        job.kind.as_str(),
        job.due_at,
        JobStatus::Pending.as_db_str(),
        JobStatus::Failed.as_db_str(),
    )
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
    sqlx::query!(
        "insert into scheduled_job (session_id, kind, due_at, run_at) values ($1, $2, $3, $3)
         on conflict (session_id, kind) do update set
             due_at = excluded.due_at,
             run_at = excluded.due_at,
             status = $4,
             attempts = 0,
             last_error = null,
             updated_at = now()
           where scheduled_job.status <> $4",
        session_id,
        JobKind::CheckAvailability.as_str(),
        due_at,
        JobStatus::Pending.as_db_str(),
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Whether a session has a plan here (a delete of an unknown session is nobody's business).
pub async fn is_planned(pool: &PgPool, session_id: Uuid) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select exists(select 1 from scheduled_session where session_id = $1) as "planned!""#,
        session_id
    )
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
    let rearmed = sqlx::query!(
        "update scheduled_job set status = $3, run_at = greatest(due_at, $2),
             attempts = 0, updated_at = now()
         where status = $4
           and session_id in (select session_id from scheduled_session where event_id = $1)",
        event_id,
        now,
        JobStatus::Pending.as_db_str(),
        JobStatus::Failed.as_db_str(),
    )
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
    // 'pending' is written out (not bound) so the planner can match the partial index
    // `scheduled_job_runnable`; it is JobStatus::Pending's column spelling.
    let row = sqlx::query!(
        "select session_id, kind, due_at, attempts from scheduled_job
         where status = 'pending' and run_at <= $1
           and ($2::uuid[] is null
                or session_id in (select session_id from scheduled_session
                                  where event_id = any($2)))
         order by run_at, session_id, kind
         limit 1
         for update skip locked",
        now,
        events,
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.and_then(|row| {
        Some(ClaimedJob {
            session_id: row.session_id,
            kind: JobKind::parse(&row.kind)?,
            due_at: row.due_at,
            attempts: row.attempts,
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
        Outcome::Done => (JobStatus::Done, job.due_at, None),
        Outcome::RetryAt(at, error) => (JobStatus::Pending, *at, Some(error.as_str())),
        Outcome::Failed(error) => (JobStatus::Failed, job.due_at, Some(error.as_str())),
    };
    let done_at = (status == JobStatus::Done).then_some(now);
    sqlx::query!(
        "update scheduled_job set status = $3, run_at = $4, last_error = $5,
             attempts = attempts + 1, done_at = $6, updated_at = now()
         where session_id = $1 and kind = $2",
        job.session_id,
        job.kind.as_str(),
        status.as_db_str(),
        run_at,
        error,
        done_at,
    )
    .execute(conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_status_reads_back_from_its_column_spelling() {
        for status in JobStatus::ALL {
            assert_eq!(status.to_string().parse(), Ok(status));
        }
        assert_eq!(
            "running".parse::<JobStatus>(),
            Err(UnknownJobStatus("running".to_owned()))
        );
    }
}
