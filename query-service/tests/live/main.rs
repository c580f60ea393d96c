//! The live seat map against real engines: seat maps merged with holds, seat streams driven
//! by Redis notifications on two replicas at once, resumption, lag, Redis restarts, limits
//! and shutdown, and the organisers' live sales view.

mod resilience;
mod sales;
mod seat_map;
mod seat_stream;
mod support;
mod through_order_service;
mod waiting_room;
