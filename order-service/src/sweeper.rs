//! The background sweep: expires overdue orders (giving back their places and discount
//! uses), asks the provider about payments still processing, and retries refunds owed.
//!
//! Nothing depends on it for correctness against double-selling: places of an overdue order
//! are released on demand by whoever needs them. It keeps discount counts and the sales
//! figures honest when nobody asks.

use std::time::Duration;

use chrono::Utc;
use tokio_util::sync::CancellationToken;

use crate::data::{orders, payments, refunds};
use crate::fulfilment::{self, FulfilmentError};
use crate::payment::ChargeStatus;
use crate::state::AppState;

/// Rows handled per kind and sweep, so one sweep stays short.
const BATCH: i64 = 100;
/// A refund just attempted is not retried before this.
const REFUND_RETRY_AFTER: Duration = Duration::from_secs(10);

/// Why a sweep stopped early; the next one starts over.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error(transparent)]
    Fulfilment(#[from] FulfilmentError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

pub async fn run(state: AppState, interval: Duration, stop: CancellationToken) {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = stop.cancelled() => break,
            _ = ticker.tick() => {}
        }
        if let Err(error) = sweep(&state).await {
            tracing::warn!(%error, "sweep failed; trying again next round");
        }
    }
}

async fn sweep(state: &AppState) -> Result<(), SweepError> {
    for order_id in orders::overdue(&state.pool, BATCH).await? {
        if fulfilment::expire(state, order_id).await? {
            tracing::debug!(%order_id, "order expired");
        }
    }

    let now = Utc::now();
    let poll_after = chrono::Duration::from_std(state.payments.poll_after()).unwrap_or_default();
    for payment in
        payments::unsettled(&state.pool, state.payments.name(), now - poll_after, BATCH).await?
    {
        let Some(reference) = payment.provider_reference.as_deref() else {
            continue;
        };
        let status = match state.payments.status(reference, payment.created_at).await {
            Ok(status) => status,
            Err(error) => {
                tracing::warn!(payment_id = %payment.payment_id, %error, "payment status unknown");
                continue;
            }
        };
        match status {
            ChargeStatus::Processing => {}
            ChargeStatus::Succeeded => {
                let settlement =
                    fulfilment::payment_succeeded(state, payment.payment_id, Some(reference))
                        .await?;
                tracing::info!(payment_id = %payment.payment_id, ?settlement, "payment settled");
            }
            ChargeStatus::Failed { code, message } => {
                payments::fail(&state.pool, payment.payment_id, None, &code, &message).await?;
            }
        }
    }

    let retry_before = now - chrono::Duration::from_std(REFUND_RETRY_AFTER).unwrap_or_default();
    for payment in payments::refunds_owed(&state.pool, retry_before, BATCH).await? {
        if let Err(error) = fulfilment::refund(state, &payment).await {
            tracing::warn!(payment_id = %payment.payment_id, %error, "refund still owed");
        }
    }
    for refund in refunds::pending(&state.pool, retry_before, BATCH).await? {
        if let Err(error) = crate::refunds::return_money(state, &refund).await {
            tracing::warn!(refund_id = %refund.refund_id, %error, "refund still owed");
        }
    }
    Ok(())
}
