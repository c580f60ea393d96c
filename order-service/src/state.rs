//! What every handler and background task shares: engine clients, caches and the sale's
//! limits. Kept apart from `lib.rs` so routes and domain modules do not import the crate root.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::FromRef;
use service_runtime::auth::Authenticator;

use crate::data::holds::HoldStore;
use crate::data::sessions::SeatMapCache;
use crate::order_access::OrderAccess;
use crate::payment::PaymentProvider;
use crate::payment::stripe::WebhookVerifier;
use crate::signing::TicketSigner;
use crate::waiting_room::WaitingRoom;

/// Limits of the sale, from the configuration.
#[derive(Debug, Clone, Copy)]
pub struct SaleRules {
    pub hold_ttl: Duration,
    pub hold_extension: Duration,
    pub max_places_per_buyer: u32,
}

/// Shared by every handler and the sweeper.
#[derive(Clone)]
pub struct AppState {
    pub pool: sqlx::PgPool,
    pub auth: Authenticator,
    pub holds: HoldStore,
    pub seat_maps: Arc<SeatMapCache>,
    pub payments: Arc<dyn PaymentProvider>,
    pub webhooks: WebhookVerifier,
    pub tickets: Arc<TicketSigner>,
    pub order_access: Arc<OrderAccess>,
    pub rules: SaleRules,
    pub waiting_room: Arc<WaitingRoom>,
}

impl FromRef<AppState> for Authenticator {
    fn from_ref(state: &AppState) -> Self {
        state.auth.clone()
    }
}
