//! The HTTP API under `/api/sales` and `/api/check-in`, one module per noun.

pub mod check_in;
pub mod holds;
pub mod order_view;
pub mod orders;
pub mod payments;
pub mod refunds;
pub mod reports;
pub mod tickets;
pub mod waiting_room;
