//! order-service against the real PostgreSQL, Redis and OIDC provider.

mod check_in;
mod cluster;
mod faults;
mod holds;
mod mail;
mod orders;
mod payments;
mod refunds;
mod reports;
mod support;
mod surface;
mod waiting_room;
