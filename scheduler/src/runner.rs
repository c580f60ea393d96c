//! Runs due jobs: claim one (skipping rows other replicas hold), do it, mark it, commit; repeat
//! until nothing is due, then wait for the next poll.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use shared_dto::status::SessionStatus;
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::availability::{self, Verdict};
use crate::clock::Clock;
use crate::feed::Scope;
use crate::jobs::{self, ClaimedJob, Outcome};
use crate::plan::JobKind;
use crate::service_api::{ServiceApi, ServiceApiError, StatusChange};

/// Longest wait between two attempts of a job that keeps failing.
const MAX_BACKOFF_SECS: i64 = 300;

pub struct JobRunner {
    pub pool: PgPool,
    pub clock: Arc<dyn Clock>,
    pub services: Arc<ServiceApi>,
    pub poll_interval: Duration,
    /// The same scope as the feed's: a replica runs only jobs it could have planned.
    pub scope: Scope,
    pub stop: CancellationToken,
}

impl JobRunner {
    pub async fn run(self) {
        loop {
            match self.run_due().await {
                Ok(ran) if ran > 0 => tracing::debug!(ran, "due jobs run"),
                Ok(_) => {}
                Err(error) => {
                    metrics::counter!("scheduler_errors_total", "kind" => "database").increment(1);
                    tracing::warn!(%error, "running due jobs failed; trying again");
                }
            }
            tokio::select! {
                () = self.stop.cancelled() => return,
                () = tokio::time::sleep(self.poll_interval) => {}
            }
        }
    }

    /// Runs every job due now, one transaction each; returns how many ran.
    pub async fn run_due(&self) -> Result<usize, sqlx::Error> {
        let mut ran = 0;
        let events = self.scope.events();
        while !self.stop.is_cancelled() {
            let now = self.clock.now();
            let mut tx = self.pool.begin().await?;
            let Some(job) = jobs::claim_due(&mut tx, now, events.as_deref()).await? else {
                tx.commit().await?;
                break;
            };
            // One trace per job run, carried into the services it calls.
            let span =
                tracing::info_span!("job", kind = job.kind.as_str(), session_id = %job.session_id);
            let outcome = self.perform(&job, now).instrument(span).await;
            jobs::finish(&mut tx, &job, &outcome, now).await?;
            tx.commit().await?;
            record(&job, &outcome);
            ran += 1;
        }
        Ok(ran)
    }

    async fn perform(&self, job: &ClaimedJob, now: DateTime<Utc>) -> Outcome {
        let done = match job.kind {
            JobKind::OpenSales => self.set_status(job, SessionStatus::OnSale).await,
            JobKind::CloseSales => self.set_status(job, SessionStatus::Closed).await,
            JobKind::RefundCancelled => self.refund(job).await,
            JobKind::Remind => self.remind(job).await,
            JobKind::CheckAvailability => self.check_availability(job).await,
        };
        match done {
            Ok(outcome) => outcome,
            Err(error) => {
                let wait = 2_i64.saturating_pow(job.attempts.clamp(0, 16) as u32);
                let at = now + chrono::Duration::seconds(wait.min(MAX_BACKOFF_SECS));
                tracing::warn!(session_id = %job.session_id, kind = job.kind.as_str(), %error, retry_at = %at, "scheduled job failed; will retry");
                Outcome::RetryAt(at, error.to_string())
            }
        }
    }

    async fn check_availability(&self, job: &ClaimedJob) -> Result<Outcome, JobError> {
        let Some(seen) = availability::of_session(&self.pool, job.session_id).await? else {
            return Ok(Outcome::Done);
        };
        Ok(match seen.verdict() {
            Verdict::SoldOut => self.set_status(job, SessionStatus::SoldOut).await?,
            Verdict::BackOnSale => self.set_status(job, SessionStatus::OnSale).await?,
            Verdict::Unchanged => Outcome::Done,
        })
    }

    async fn set_status(
        &self,
        job: &ClaimedJob,
        status: SessionStatus,
    ) -> Result<Outcome, JobError> {
        Ok(
            match self
                .services
                .set_session_status(job.session_id, status)
                .await?
            {
                StatusChange::Changed => {
                    tracing::info!(session_id = %job.session_id, kind = job.kind.as_str(), status = status.as_str(), "session status changed on schedule");
                    Outcome::Done
                }
                // Opened or closed by hand already, cancelled, or gone: nothing left to do.
                StatusChange::NotFromHere | StatusChange::Gone => Outcome::Done,
                StatusChange::Refused { code, message } => {
                    tracing::warn!(session_id = %job.session_id, kind = job.kind.as_str(), code, message, "scheduled status change refused");
                    Outcome::Failed(format!("{code}: {message}"))
                }
            },
        )
    }

    async fn refund(&self, job: &ClaimedJob) -> Result<Outcome, JobError> {
        match self
            .services
            .refund_session(job.session_id, CANCELLATION_REASON)
            .await?
        {
            // Some refund failed inside order-service: ask again (finished ones stay so).
            Some(refunds) if refunds.remaining_orders > 0 => {
                Err(JobError::Service(ServiceApiError::Unexpected {
                    status: 200,
                    body: format!("{} paid orders still standing", refunds.remaining_orders),
                }))
            }
            Some(refunds) => {
                tracing::info!(session_id = %job.session_id, refunded = refunds.refunded_orders, "cancelled session refunded");
                Ok(Outcome::Done)
            }
            None => Ok(Outcome::Done),
        }
    }
}

impl JobRunner {
    async fn remind(&self, job: &ClaimedJob) -> Result<Outcome, JobError> {
        let queued = self.services.remind_session(job.session_id).await?;
        tracing::info!(session_id = %job.session_id, ?queued, "ticket holders reminded");
        Ok(Outcome::Done)
    }
}

/// Why a job could not run this time; it is tried again later.
#[derive(Debug, thiserror::Error)]
enum JobError {
    #[error(transparent)]
    Service(#[from] ServiceApiError),
    #[error("reading the session failed: {0}")]
    Database(#[from] sqlx::Error),
}

/// What buyers of a cancelled session read as the reason for their refund.
const CANCELLATION_REASON: &str = "The performance was cancelled.";

fn record(job: &ClaimedJob, outcome: &Outcome) {
    let result = match outcome {
        Outcome::Done => "done",
        Outcome::RetryAt(..) => "retry",
        Outcome::Failed(_) => "failed",
    };
    metrics::counter!("scheduler_jobs_total", "kind" => job.kind.as_str(), "result" => result)
        .increment(1);
}
