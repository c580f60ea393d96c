//! What every handler shares. Kept apart from `lib.rs` so routes do not import the crate root.

use axum::extract::FromRef;
use service_runtime::auth::Authenticator;

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub pool: sqlx::PgPool,
    pub auth: Authenticator,
}

impl FromRef<AppState> for Authenticator {
    fn from_ref(state: &AppState) -> Self {
        state.auth.clone()
    }
}
