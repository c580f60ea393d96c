//! The public catalogue against the real read store: documents are inserted as the projector
//! writes them, then read through the HTTP API.

mod caching;
mod detail;
mod geo;
mod sales;
mod search;
mod support;
mod trending;
