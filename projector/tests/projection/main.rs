//! The projector against the real chain: PostgreSQL → Debezium → broker → projector → read store.

mod cdc;
mod dead_letters;
mod fixtures;
mod incremental;
mod recovery;
mod replay;
mod tallies;
mod tickets;
