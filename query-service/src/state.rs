//! `AppState`: what every handler is given. Lives apart from `lib.rs` so routes depend on the
//! state, not on the crate root that assembles the service.

use axum::extract::FromRef;
use service_runtime::auth::Authenticator;

use crate::catalog::popularity::Popularity;
use crate::live::LiveSeats;

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub read_store: mongodb::Database,
    pub redis: redis::Client,
    pub auth: Authenticator,
    pub live: LiveSeats,
    pub popularity: Popularity,
}

impl FromRef<AppState> for Authenticator {
    fn from_ref(state: &AppState) -> Self {
        state.auth.clone()
    }
}
