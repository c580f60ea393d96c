//! The write model's SQL, one module per noun: free functions over PostgreSQL executors, so
//! handlers only extract, call and respond.

pub mod discounts;
pub mod events;
pub mod layouts;
pub mod organisations;
pub mod ownership;
pub mod sessions;
pub mod tiers;
pub mod venues;
pub mod waiting_room;
