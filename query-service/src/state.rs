//! `AppState`: what every handler is given. Lives apart from `lib.rs` so routes depend on the
//! state, not on the crate root that assembles the service.

use axum::extract::FromRef;
use service_runtime::auth::Authenticator;

use crate::catalog::hot::HotReads;
use crate::catalog::popularity::Popularity;
use crate::live::LiveSeats;

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub read_store: mongodb::Database,
    pub redis: redis::Client,
    pub auth: Authenticator,
    pub live: LiveSeats,
    /// The waiting rooms this replica's queue streams follow.
    pub waiting_room: crate::waiting_room::Rooms,
    pub popularity: Popularity,
    /// This replica's cache of hot catalogue reads.
    pub hot: HotReads,
}

impl FromRef<AppState> for Authenticator {
    fn from_ref(state: &AppState) -> Self {
        state.auth.clone()
    }
}
