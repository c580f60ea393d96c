//! Tests of the local stack itself: the real CDC chain, the read store, the identity
//! provider, and the operational surface every service shares.

mod catalogue;
mod identity;
mod pipeline;
mod read_store;
mod services;
