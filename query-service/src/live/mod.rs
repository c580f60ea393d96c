//! Live seat state: seat maps merged with holds from Redis, and server-sent event streams of
//! seat changes driven by Redis keyspace notifications.

use shared_dto::seat_hold::HoldKeys;
use tokio_util::sync::CancellationToken;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

/// Options of the live seat streams.
#[derive(Debug, Clone, clap::Args)]
pub struct LiveArgs {}

/// The live seat fan-out of this replica.
#[derive(Clone)]
pub struct LiveSeats {}

impl LiveSeats {
    pub fn start(
        _args: &LiveArgs,
        _redis: redis::Client,
        _keys: HoldKeys,
        _read_store: mongodb::Database,
        _stop: CancellationToken,
    ) -> Self {
        Self {}
    }

    /// Ends every open stream (graceful shutdown).
    pub fn close_streams(&self) {}

    /// Resolves once the background tasks have stopped.
    pub async fn stopped(&self) {}
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}
