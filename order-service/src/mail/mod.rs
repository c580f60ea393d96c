//! Mail to buyers: order confirmations with their tickets' QR codes, refund and cancellation
//! notices. Rows are queued in the transaction that does what they report (see
//! [`crate::data::mail`]); the [`sender::MailSender`] renders and delivers them.

pub mod compose;
pub mod qr_png;
pub mod sender;
