//! What an order costs: one item per seat or standing place at its tier's price at the
//! moment of purchase, less a discount computed by `shared_dto::discount::apply` (the same
//! maths command-service validates rules with).

use std::collections::HashMap;

use shared_dto::discount::{Cart, CartItem, DiscountRule, NotApplicable, apply};
use shared_dto::money::Currency;
use uuid::Uuid;

/// One seat or one standing place to be bought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedItem {
    /// The seat id, or `<block id>#<n>` for the n-th standing place of a block; seat ids
    /// cannot contain `#`, so the two never clash.
    pub item_id: String,
    pub seat_id: Option<String>,
    pub block_id: String,
    pub tier_id: Uuid,
}

impl PlannedItem {
    pub fn seat(seat_id: &str, block_id: &str, tier_id: Uuid) -> Self {
        Self {
            item_id: seat_id.to_owned(),
            seat_id: Some(seat_id.to_owned()),
            block_id: block_id.to_owned(),
            tier_id,
        }
    }

    /// `quantity` interchangeable places of a standing block.
    pub fn standing(block_id: &str, tier_id: Uuid, quantity: u32) -> impl Iterator<Item = Self> {
        (1..=quantity).map(move |n| Self {
            item_id: format!("{block_id}#{n}"),
            seat_id: None,
            block_id: block_id.to_owned(),
            tier_id,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TierPrice {
    pub price_minor: i64,
    pub currency: Currency,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedItem {
    pub item: PlannedItem,
    pub unit_price_minor: i64,
    /// This item's share of the order's discount, so a refund of it returns what was paid.
    pub discount_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedOrder {
    pub currency: Currency,
    pub items: Vec<PricedItem>,
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    pub total_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PricingError {
    #[error("nothing to price")]
    Empty,
    #[error("tier {0} has no price")]
    UnknownTier(Uuid),
    #[error("the tiers of this order are priced in different currencies")]
    MixedCurrencies,
    #[error(transparent)]
    Discount(#[from] NotApplicable),
}

/// Prices `items` of `session_id` with `tiers`' current prices and, if given, a discount.
pub fn price(
    session_id: Uuid,
    items: Vec<PlannedItem>,
    tiers: &HashMap<Uuid, TierPrice>,
    discount: Option<&DiscountRule>,
) -> Result<PricedOrder, PricingError> {
    let first = items.first().ok_or(PricingError::Empty)?;
    let currency = tiers
        .get(&first.tier_id)
        .ok_or(PricingError::UnknownTier(first.tier_id))?
        .currency;
    let mut cart = Cart {
        currency,
        items: Vec::with_capacity(items.len()),
    };
    for item in &items {
        let tier = tiers
            .get(&item.tier_id)
            .ok_or(PricingError::UnknownTier(item.tier_id))?;
        if tier.currency != currency {
            return Err(PricingError::MixedCurrencies);
        }
        cart.items.push(CartItem {
            item_id: item.item_id.clone(),
            session_id,
            tier_id: item.tier_id,
            unit_price_minor: tier.price_minor,
        });
    }
    let (subtotal_minor, discount_minor, per_item) = match discount {
        Some(rule) => {
            let outcome = apply(rule, &cart)?;
            let per_item = outcome
                .per_item
                .into_iter()
                .map(|share| share.discount_minor)
                .collect();
            (outcome.subtotal_minor, outcome.discount_minor, per_item)
        }
        None => {
            let subtotal = cart
                .items
                .iter()
                .try_fold(0i64, |sum, item| sum.checked_add(item.unit_price_minor));
            let subtotal = subtotal.ok_or(PricingError::Discount(NotApplicable::InvalidCart(
                shared_dto::discount::CartError::Overflow,
            )))?;
            (subtotal, 0, vec![0; cart.items.len()])
        }
    };
    let items = items
        .into_iter()
        .zip(cart.items)
        .zip(per_item)
        .map(|((item, cart_item), discount_minor)| PricedItem {
            item,
            unit_price_minor: cart_item.unit_price_minor,
            discount_minor,
        })
        .collect();
    Ok(PricedOrder {
        currency,
        items,
        subtotal_minor,
        discount_minor,
        total_minor: subtotal_minor - discount_minor,
    })
}

#[cfg(test)]
mod tests {
    use shared_dto::discount::DiscountKind;

    use super::*;

    const STALLS: Uuid = Uuid::from_u128(1);
    const FLOOR: Uuid = Uuid::from_u128(2);
    const SESSION: Uuid = Uuid::from_u128(9);

    fn tiers() -> HashMap<Uuid, TierPrice> {
        HashMap::from([
            (
                STALLS,
                TierPrice {
                    price_minor: 4_500,
                    currency: Currency::EUR,
                },
            ),
            (
                FLOOR,
                TierPrice {
                    price_minor: 3_000,
                    currency: Currency::EUR,
                },
            ),
        ])
    }

    fn items() -> Vec<PlannedItem> {
        let mut items = vec![
            PlannedItem::seat("A1", "stalls", STALLS),
            PlannedItem::seat("A2", "stalls", STALLS),
        ];
        items.extend(PlannedItem::standing("floor", FLOOR, 2));
        items
    }

    #[test]
    fn items_are_priced_from_their_tiers() {
        let order = price(SESSION, items(), &tiers(), None).expect("priced");
        assert_eq!(order.subtotal_minor, 2 * 4_500 + 2 * 3_000);
        assert_eq!(order.total_minor, order.subtotal_minor);
        assert_eq!(order.items[2].item.item_id, "floor#1");
        assert_eq!(order.items[3].item.item_id, "floor#2");
        assert!(order.items.iter().all(|item| item.discount_minor == 0));
    }

    #[test]
    fn a_discount_is_spread_over_the_items_it_covers() {
        let rule = DiscountRule {
            kind: DiscountKind::Percentage {
                percent_bp: 1_000,
                max_discount_minor: None,
            },
            min_spend_minor: None,
            tier_ids: Some([STALLS].into()),
            session_ids: None,
        };
        let order = price(SESSION, items(), &tiers(), Some(&rule)).expect("priced");
        assert_eq!(order.discount_minor, 900);
        assert_eq!(order.total_minor, 15_000 - 900);
        let shares: Vec<i64> = order.items.iter().map(|item| item.discount_minor).collect();
        assert_eq!(shares, [450, 450, 0, 0]);
    }

    #[test]
    fn a_discount_that_does_not_apply_is_an_error() {
        let rule = DiscountRule {
            kind: DiscountKind::Flat {
                amount_minor: 500,
                currency: Currency::EUR,
            },
            min_spend_minor: Some(100_000),
            tier_ids: None,
            session_ids: None,
        };
        assert!(matches!(
            price(SESSION, items(), &tiers(), Some(&rule)),
            Err(PricingError::Discount(NotApplicable::BelowMinSpend { .. }))
        ));
    }

    #[test]
    fn mixed_currencies_and_unknown_tiers_are_refused() {
        let mut tiers = tiers();
        tiers.get_mut(&FLOOR).expect("floor").currency = Currency::GBP;
        assert_eq!(
            price(SESSION, items(), &tiers, None),
            Err(PricingError::MixedCurrencies)
        );
        tiers.remove(&FLOOR);
        assert_eq!(
            price(SESSION, items(), &tiers, None),
            Err(PricingError::UnknownTier(FLOOR))
        );
    }
}
