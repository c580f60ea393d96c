//! The sandbox provider: no money moves, the card number decides what happens.
//!
//! | card | outcome |
//! |---|---|
//! | `4242 4242 4242 4242` | approved |
//! | `4000 0000 0000 0002` | declined (`card_declined`) |
//! | `4000 0000 0000 9995` | declined (`insufficient_funds`) |
//! | `4000 0000 0000 3220` | processing; approved once the settle delay has passed |
//! | anything else | declined (`unknown_test_card`) |

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::FutureExt;
use futures::future::BoxFuture;
use uuid::Uuid;

use super::{Charge, ChargeOutcome, ChargeStatus, PaymentError, PaymentProvider};

pub const APPROVED_CARD: &str = "4242424242424242";
pub const DECLINED_CARD: &str = "4000000000000002";
pub const INSUFFICIENT_FUNDS_CARD: &str = "4000000000009995";
pub const DELAYED_CARD: &str = "4000000000003220";

const DELAYED_PREFIX: &str = "sbx_delayed_";

pub struct Sandbox {
    settle_delay: Duration,
}

impl Sandbox {
    pub fn new(settle_delay: Duration) -> Self {
        Self { settle_delay }
    }
}

impl PaymentProvider for Sandbox {
    fn name(&self) -> &'static str {
        "sandbox"
    }

    fn charge<'a>(
        &'a self,
        charge: Charge<'a>,
    ) -> BoxFuture<'a, Result<ChargeOutcome, PaymentError>> {
        let card: String = charge
            .payment_method
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        let outcome = match card.as_str() {
            APPROVED_CARD => ChargeOutcome::Succeeded {
                reference: format!("sbx_{}", charge.payment_id.simple()),
            },
            DELAYED_CARD => ChargeOutcome::Processing {
                reference: format!("{DELAYED_PREFIX}{}", charge.payment_id.simple()),
                client_secret: None,
            },
            DECLINED_CARD => declined("card_declined", "the card was declined"),
            INSUFFICIENT_FUNDS_CARD => {
                declined("insufficient_funds", "the card has insufficient funds")
            }
            _ => declined(
                "unknown_test_card",
                "the sandbox only accepts its test card numbers",
            ),
        };
        futures::future::ready(Ok(outcome)).boxed()
    }

    fn status<'a>(
        &'a self,
        reference: &'a str,
        started_at: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<ChargeStatus, PaymentError>> {
        let settled =
            !reference.starts_with(DELAYED_PREFIX) || Utc::now() >= started_at + self.settle_delay;
        let status = if settled {
            ChargeStatus::Succeeded
        } else {
            ChargeStatus::Processing
        };
        futures::future::ready(Ok(status)).boxed()
    }

    fn refund<'a>(
        &'a self,
        key: Uuid,
        _reference: &'a str,
        _amount_minor: i64,
    ) -> BoxFuture<'a, Result<String, PaymentError>> {
        futures::future::ready(Ok(format!("sbx_refund_{}", key.simple()))).boxed()
    }

    fn poll_after(&self) -> Duration {
        self.settle_delay
    }
}

fn declined(code: &str, message: &str) -> ChargeOutcome {
    ChargeOutcome::Declined {
        reference: None,
        code: code.to_owned(),
        message: message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn charge(card: &str) -> Charge<'_> {
        Charge {
            payment_id: Uuid::from_u128(1),
            order_id: Uuid::from_u128(2),
            amount_minor: 1_000,
            currency: "EUR",
            payment_method: card,
        }
    }

    #[tokio::test]
    async fn test_cards_decide_the_outcome() {
        let sandbox = Sandbox::new(Duration::from_secs(60));
        assert!(matches!(
            sandbox.charge(charge("4242 4242 4242 4242")).await,
            Ok(ChargeOutcome::Succeeded { .. })
        ));
        assert!(matches!(
            sandbox.charge(charge("4000-0000-0000-0002")).await,
            Ok(ChargeOutcome::Declined { code, .. }) if code == "card_declined"
        ));
        assert!(matches!(
            sandbox.charge(charge("1234")).await,
            Ok(ChargeOutcome::Declined { code, .. }) if code == "unknown_test_card"
        ));
    }

    #[tokio::test]
    async fn the_delayed_card_settles_after_the_delay() {
        let sandbox = Sandbox::new(Duration::from_secs(60));
        let Ok(ChargeOutcome::Processing { reference, .. }) =
            sandbox.charge(charge(DELAYED_CARD)).await
        else {
            panic!("the delayed card is processing at first");
        };
        let now = Utc::now();
        assert_eq!(
            sandbox.status(&reference, now).await.ok(),
            Some(ChargeStatus::Processing)
        );
        let long_ago = now - chrono::Duration::seconds(61);
        assert_eq!(
            sandbox.status(&reference, long_ago).await.ok(),
            Some(ChargeStatus::Succeeded)
        );
    }
}
