//! Storage: SQL as free functions over PostgreSQL executors, and the Redis hold scripts.

pub mod holds;
pub mod mail;
pub mod orders;
pub mod payments;
pub mod refunds;
pub mod reports;
pub mod sessions;
pub mod tickets;
