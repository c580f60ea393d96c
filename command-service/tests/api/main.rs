//! command-service against the real PostgreSQL and real OIDC tokens.

mod authorisation;
mod support;
mod validation;
mod wizard;
