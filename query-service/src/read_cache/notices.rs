//! Listens for the projector's read-model change notices and drops what they name from this
//! replica's caches. Whenever the subscription is (re)established everything is dropped,
//! since notices sent meanwhile are lost.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use shared_dto::read_model_change::{ReadModelChange, channel};
use tokio_util::sync::CancellationToken;

/// Whatever caches read models: told what changed.
pub trait Invalidate: Send + Sync {
    fn invalidate(&self, change: &ReadModelChange);
    /// Notices may have been missed: forget everything.
    fn clear(&self);
}

const SUBSCRIBE_TIMEOUT: Duration = Duration::from_secs(5);
const RETRY_MIN: Duration = Duration::from_millis(200);
const RETRY_MAX: Duration = Duration::from_secs(5);

/// Runs until `stop`: subscribes, applies notices, resubscribes after a loss.
pub async fn follow(
    redis: redis::Client,
    prefix: String,
    caches: Vec<Arc<dyn Invalidate>>,
    stop: CancellationToken,
) {
    let channel = channel(&prefix);
    let mut retry = RETRY_MIN;
    loop {
        let subscribed = tokio::select! {
            () = stop.cancelled() => return,
            subscribed = tokio::time::timeout(SUBSCRIBE_TIMEOUT, async {
                let mut pubsub = redis.get_async_pubsub().await?;
                pubsub.subscribe(&channel).await?;
                redis::RedisResult::Ok(pubsub)
            }) => subscribed,
        };
        match subscribed {
            Ok(Ok(mut pubsub)) => {
                retry = RETRY_MIN;
                caches.iter().for_each(|cache| cache.clear());
                tracing::debug!(channel, "following read-model change notices");
                let mut messages = pubsub.on_message();
                loop {
                    let message = tokio::select! {
                        () = stop.cancelled() => return,
                        message = messages.next() => message,
                    };
                    let Some(message) = message else { break };
                    match serde_json::from_slice::<ReadModelChange>(message.get_payload_bytes()) {
                        Ok(change) => caches.iter().for_each(|cache| cache.invalidate(&change)),
                        Err(error) => {
                            tracing::warn!(%error, "unreadable read-model change notice; dropping every cached read model");
                            caches.iter().for_each(|cache| cache.clear());
                        }
                    }
                }
                tracing::warn!(channel, "lost the read-model change notices; resubscribing");
            }
            Ok(Err(error)) => {
                tracing::warn!(%error, "cannot subscribe to read-model change notices");
            }
            Err(_) => tracing::warn!("subscribing to read-model change notices timed out"),
        }
        // Until resubscribed, the caches' TTL is what bounds staleness.
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(retry) => {}
        }
        retry = (retry * 2).min(RETRY_MAX);
    }
}
