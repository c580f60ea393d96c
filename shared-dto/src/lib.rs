//! Wire types shared between Boxoffice deployables. No I/O lives here: only the shapes
//! that cross a process boundary (Kafka topics, Redis keys, HTTP payloads) and pure logic
//! that two services must compute identically.

pub mod cdc;
pub mod discount;
pub mod error;
pub mod layout;
pub mod money;
pub mod read_model;
pub mod read_model_change;
pub mod rows;
pub mod seat_hold;
pub mod status;
pub mod ticket_qr;
pub mod topic;
pub mod trending;
pub mod waiting_room;
