//! Discount rules and the maths that applies them to a cart. command-service validates
//! rules with it and order-service prices orders with it, so a quote and a charge agree to
//! the minor unit. Validity windows and usage caps need the database; only their pure
//! parts live here.

use std::cmp::Reverse;
use std::collections::{BTreeSet, HashSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::money::{Currency, Money};

/// 100 % in basis points.
pub const FULL_PERCENT_BP: u32 = 10_000;
/// Shortest discount code, in characters.
pub const MIN_CODE_LEN: usize = 3;
/// Longest discount code, in characters.
pub const MAX_CODE_LEN: usize = 32;

/// How a discount reduces the price, tagged by `"type"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum DiscountKind {
    /// A share of the eligible subtotal, optionally capped.
    Percentage {
        /// Basis points: 1250 is 12.5 %.
        percent_bp: u32,
        /// In the cart's currency.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_discount_minor: Option<i64>,
    },
    /// A fixed amount off the eligible subtotal, never more than it.
    Flat {
        amount_minor: i64,
        currency: Currency,
    },
    /// In every complete group of `buy + get` eligible items, the `get` cheapest are free.
    #[serde(rename = "buy_n_get_m")]
    BuyNGetM { buy: u32, get: u32 },
}

/// A discount and what it applies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiscountRule {
    pub kind: DiscountKind,
    /// The eligible items must add up to at least this, in the cart's currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_spend_minor: Option<i64>,
    /// Only items of these tiers are eligible; `None` means every tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier_ids: Option<BTreeSet<Uuid>>,
    /// Only items of these sessions are eligible; `None` means every session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_ids: Option<BTreeSet<Uuid>>,
}

/// A rule, window or code that cannot be saved. [`DiscountError::field`] names the
/// offending member as a JSON pointer relative to the checked value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiscountError {
    #[error("{field} must be at most {FULL_PERCENT_BP} basis points (100 %), got {value}")]
    PercentOutOfRange { field: &'static str, value: u32 },
    #[error("{field} must not be negative")]
    Negative { field: &'static str },
    #[error("{field} must be at least 1")]
    Zero { field: &'static str },
    #[error("{field} must list at least one id, or be left out to match all")]
    EmptyFilter { field: &'static str },
    #[error("ends_at must be after starts_at")]
    EmptyWindow,
    #[error(
        "a discount code is {MIN_CODE_LEN} to {MAX_CODE_LEN} characters of A-Z, 0-9, `_` or `-`"
    )]
    InvalidCode,
}

impl DiscountError {
    pub fn field(&self) -> &'static str {
        match self {
            DiscountError::PercentOutOfRange { field, .. }
            | DiscountError::Negative { field }
            | DiscountError::Zero { field }
            | DiscountError::EmptyFilter { field } => field,
            DiscountError::EmptyWindow => "/ends_at",
            DiscountError::InvalidCode => "",
        }
    }
}

impl DiscountRule {
    /// Reports the first member that makes the rule unusable.
    pub fn validate(&self) -> Result<(), DiscountError> {
        match self.kind {
            DiscountKind::Percentage {
                percent_bp,
                max_discount_minor,
            } => {
                if percent_bp > FULL_PERCENT_BP {
                    return Err(DiscountError::PercentOutOfRange {
                        field: "/kind/percent_bp",
                        value: percent_bp,
                    });
                }
                non_negative("/kind/max_discount_minor", max_discount_minor)?;
            }
            DiscountKind::Flat { amount_minor, .. } => {
                non_negative("/kind/amount_minor", Some(amount_minor))?;
            }
            DiscountKind::BuyNGetM { buy, get } => {
                if buy == 0 {
                    return Err(DiscountError::Zero { field: "/kind/buy" });
                }
                if get == 0 {
                    return Err(DiscountError::Zero { field: "/kind/get" });
                }
            }
        }
        non_negative("/min_spend_minor", self.min_spend_minor)?;
        // An empty set would match nothing, which is never what an organiser means.
        if self.tier_ids.as_ref().is_some_and(BTreeSet::is_empty) {
            return Err(DiscountError::EmptyFilter { field: "/tier_ids" });
        }
        if self.session_ids.as_ref().is_some_and(BTreeSet::is_empty) {
            return Err(DiscountError::EmptyFilter {
                field: "/session_ids",
            });
        }
        Ok(())
    }

    /// Whether the rule's tier and session filters let this item in.
    pub fn covers(&self, item: &CartItem) -> bool {
        self.tier_ids
            .as_ref()
            .is_none_or(|tiers| tiers.contains(&item.tier_id))
            && self
                .session_ids
                .as_ref()
                .is_none_or(|sessions| sessions.contains(&item.session_id))
    }
}

fn non_negative(field: &'static str, value: Option<i64>) -> Result<(), DiscountError> {
    match value {
        Some(value) if value < 0 => Err(DiscountError::Negative { field }),
        _ => Ok(()),
    }
}

/// What is being bought: one item per seat or standing place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cart {
    pub currency: Currency,
    pub items: Vec<CartItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CartItem {
    /// The seat id, or a reference to one standing place; unique within the cart.
    pub item_id: String,
    pub session_id: Uuid,
    pub tier_id: Uuid,
    pub unit_price_minor: i64,
}

/// The priced cart. Invariants: `0 <= discount_minor <= eligible_subtotal_minor <=
/// subtotal_minor`, `total_minor == subtotal_minor - discount_minor`, and `per_item` has
/// one entry per cart item, in cart order, summing to `discount_minor`, none above its
/// item's price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscountOutcome {
    pub subtotal_minor: i64,
    pub eligible_subtotal_minor: i64,
    pub discount_minor: i64,
    pub total_minor: i64,
    pub per_item: Vec<ItemDiscount>,
}

/// The part of the discount carried by one item, so a refund of that item returns what
/// was actually paid for it and revenue per tier adds up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemDiscount {
    pub item_id: String,
    pub discount_minor: i64,
}

/// Why a rule gives nothing on this cart.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotApplicable {
    #[error("no item in the cart is eligible for this discount")]
    NoEligibleItems,
    #[error("eligible items come to {eligible_subtotal}; this discount needs at least {min_spend}")]
    BelowMinSpend {
        min_spend: Money,
        eligible_subtotal: Money,
    },
    #[error("this discount is in {discount} but the cart is in {cart}")]
    CurrencyMismatch { discount: Currency, cart: Currency },
    /// The stored rule is broken; saving it should have been refused.
    #[error("invalid discount rule: {0}")]
    InvalidRule(DiscountError),
    /// The caller built an impossible cart.
    #[error("invalid cart: {0}")]
    InvalidCart(CartError),
}

impl NotApplicable {
    /// Stable machine-readable code for API responses.
    pub fn code(&self) -> &'static str {
        match self {
            NotApplicable::NoEligibleItems => "no_eligible_items",
            NotApplicable::BelowMinSpend { .. } => "below_min_spend",
            NotApplicable::CurrencyMismatch { .. } => "currency_mismatch",
            NotApplicable::InvalidRule(_) => "invalid_rule",
            NotApplicable::InvalidCart(_) => "invalid_cart",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CartError {
    #[error("item `{item_id}` has a negative price")]
    NegativePrice { item_id: String },
    #[error("item `{item_id}` is in the cart twice")]
    DuplicateItem { item_id: String },
    #[error("the cart's subtotal is out of range")]
    Overflow,
}

/// Applies `rule` to `cart`. The result depends only on the set of items, not their
/// order: ties are broken by `item_id`.
pub fn apply(rule: &DiscountRule, cart: &Cart) -> Result<DiscountOutcome, NotApplicable> {
    rule.validate().map_err(NotApplicable::InvalidRule)?;
    if let DiscountKind::Flat { currency, .. } = rule.kind
        && currency != cart.currency
    {
        return Err(NotApplicable::CurrencyMismatch {
            discount: currency,
            cart: cart.currency,
        });
    }
    let subtotal_minor = checked_subtotal(&cart.items)?;

    let eligible: Vec<usize> = (0..cart.items.len())
        .filter(|&index| rule.covers(&cart.items[index]))
        .collect();
    if eligible.is_empty() {
        return Err(NotApplicable::NoEligibleItems);
    }
    // Cannot overflow: the eligible items are a subset of non-negative prices that fit.
    let eligible_subtotal_minor: i64 = eligible
        .iter()
        .map(|&index| cart.items[index].unit_price_minor)
        .sum();
    if let Some(min_spend) = rule.min_spend_minor
        && eligible_subtotal_minor < min_spend
    {
        return Err(NotApplicable::BelowMinSpend {
            min_spend: Money::new(min_spend, cart.currency),
            eligible_subtotal: Money::new(eligible_subtotal_minor, cart.currency),
        });
    }

    let mut discounts = vec![0i64; cart.items.len()];
    match rule.kind {
        DiscountKind::Percentage {
            percent_bp,
            max_discount_minor,
        } => {
            let exact = i128::from(eligible_subtotal_minor) * i128::from(percent_bp);
            let bp = i128::from(FULL_PERCENT_BP);
            // Half up; exact is non-negative, so adding half before dividing rounds it.
            let rounded = (exact + bp / 2) / bp;
            let capped = max_discount_minor.map_or(rounded, |cap| rounded.min(i128::from(cap)));
            // percent_bp <= 100 % keeps the result within the eligible subtotal.
            let amount = i64::try_from(capped).unwrap_or(eligible_subtotal_minor);
            spread(amount, &cart.items, &eligible, &mut discounts);
        }
        DiscountKind::Flat { amount_minor, .. } => {
            let amount = amount_minor.min(eligible_subtotal_minor);
            spread(amount, &cart.items, &eligible, &mut discounts);
        }
        DiscountKind::BuyNGetM { buy, get } => {
            free_cheapest(buy, get, &cart.items, &eligible, &mut discounts);
        }
    }

    let discount_minor: i64 = discounts.iter().sum();
    Ok(DiscountOutcome {
        subtotal_minor,
        eligible_subtotal_minor,
        discount_minor,
        total_minor: subtotal_minor - discount_minor,
        per_item: cart
            .items
            .iter()
            .zip(discounts)
            .map(|(item, discount_minor)| ItemDiscount {
                item_id: item.item_id.clone(),
                discount_minor,
            })
            .collect(),
    })
}

fn checked_subtotal(items: &[CartItem]) -> Result<i64, NotApplicable> {
    let mut seen = HashSet::with_capacity(items.len());
    let mut subtotal: i64 = 0;
    for item in items {
        if item.unit_price_minor < 0 {
            return Err(NotApplicable::InvalidCart(CartError::NegativePrice {
                item_id: item.item_id.clone(),
            }));
        }
        if !seen.insert(item.item_id.as_str()) {
            return Err(NotApplicable::InvalidCart(CartError::DuplicateItem {
                item_id: item.item_id.clone(),
            }));
        }
        subtotal = subtotal
            .checked_add(item.unit_price_minor)
            .ok_or(NotApplicable::InvalidCart(CartError::Overflow))?;
    }
    Ok(subtotal)
}

/// Splits `amount` over the eligible items in proportion to their prices (largest
/// remainder method), so the parts sum to `amount` exactly and none exceeds its price.
/// Leftover units go to the largest remainders, then the dearer item, then the lower
/// `item_id`, which keeps the split independent of cart order.
fn spread(amount: i64, items: &[CartItem], eligible: &[usize], discounts: &mut [i64]) {
    let total: i128 = eligible
        .iter()
        .map(|&index| i128::from(items[index].unit_price_minor))
        .sum();
    if amount <= 0 || total == 0 {
        return;
    }
    let amount_wide = i128::from(amount);
    let mut remainders = Vec::with_capacity(eligible.len());
    let mut allocated: i128 = 0;
    for &index in eligible {
        let weighted = amount_wide * i128::from(items[index].unit_price_minor);
        let share = weighted / total;
        // share <= price because amount <= total, so it fits in i64.
        discounts[index] = i64::try_from(share).unwrap_or(i64::MAX);
        allocated += share;
        remainders.push((weighted % total, index));
    }
    remainders.sort_by(|(left_rem, left), (right_rem, right)| {
        let (left_item, right_item) = (&items[*left], &items[*right]);
        right_rem
            .cmp(left_rem)
            .then(right_item.unit_price_minor.cmp(&left_item.unit_price_minor))
            .then(left_item.item_id.cmp(&right_item.item_id))
    });
    // Fewer leftover units than items with a non-zero remainder, so each +1 stays within
    // its item's price.
    let leftover = usize::try_from(amount_wide - allocated).unwrap_or(0);
    for &(_, index) in remainders.iter().take(leftover) {
        discounts[index] += 1;
    }
}

/// Dearest first, groups of `buy + get`; the last `get` of each complete group are free.
/// A trailing incomplete group pays in full.
fn free_cheapest(
    buy: u32,
    get: u32,
    items: &[CartItem],
    eligible: &[usize],
    discounts: &mut [i64],
) {
    let mut by_price = eligible.to_vec();
    by_price.sort_by_key(|&index| {
        let item = &items[index];
        (Reverse(item.unit_price_minor), item.item_id.as_str())
    });
    let buy = usize::try_from(buy).unwrap_or(usize::MAX);
    let group = buy.saturating_add(usize::try_from(get).unwrap_or(usize::MAX));
    for chunk in by_price.chunks_exact(group) {
        for &index in &chunk[buy..] {
            discounts[index] = items[index].unit_price_minor;
        }
    }
}

/// When a code can be redeemed; an open end is unbounded. `starts_at` is inclusive,
/// `ends_at` exclusive, so back-to-back windows never overlap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiscountWindow {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_at: Option<DateTime<Utc>>,
}

impl DiscountWindow {
    pub fn contains(&self, now: DateTime<Utc>) -> bool {
        self.starts_at.is_none_or(|start| start <= now) && self.ends_at.is_none_or(|end| now < end)
    }

    pub fn validate(&self) -> Result<(), DiscountError> {
        match (self.starts_at, self.ends_at) {
            (Some(start), Some(end)) if end <= start => Err(DiscountError::EmptyWindow),
            _ => Ok(()),
        }
    }
}

/// The one spelling a code is stored and looked up by: trimmed and upper-cased, so
/// `" Summer10"` and `"SUMMER10"` are the same code.
pub fn normalise_code(code: &str) -> Result<String, DiscountError> {
    // ASCII-only upper-casing: a Unicode mapping such as `ß` → `SS` could turn a rejected
    // character into an accepted one.
    let code = code.trim().to_ascii_uppercase();
    let valid_len = (MIN_CODE_LEN..=MAX_CODE_LEN).contains(&code.len());
    let valid_chars = code
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    if valid_len && valid_chars {
        Ok(code)
    } else {
        Err(DiscountError::InvalidCode)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    const EVENING: Uuid = Uuid::from_u128(1);
    const MATINEE: Uuid = Uuid::from_u128(2);
    const STALLS: Uuid = Uuid::from_u128(10);
    const VIP: Uuid = Uuid::from_u128(11);

    fn item(item_id: &str, tier_id: Uuid, unit_price_minor: i64) -> CartItem {
        CartItem {
            item_id: item_id.to_owned(),
            session_id: EVENING,
            tier_id,
            unit_price_minor,
        }
    }

    fn cart(prices: &[(&str, i64)]) -> Cart {
        Cart {
            currency: Currency::EUR,
            items: prices
                .iter()
                .map(|&(item_id, price)| item(item_id, STALLS, price))
                .collect(),
        }
    }

    fn rule(kind: DiscountKind) -> DiscountRule {
        DiscountRule {
            kind,
            min_spend_minor: None,
            tier_ids: None,
            session_ids: None,
        }
    }

    fn percent(percent_bp: u32) -> DiscountRule {
        rule(DiscountKind::Percentage {
            percent_bp,
            max_discount_minor: None,
        })
    }

    fn flat(amount_minor: i64) -> DiscountRule {
        rule(DiscountKind::Flat {
            amount_minor,
            currency: Currency::EUR,
        })
    }

    fn bogo(buy: u32, get: u32) -> DiscountRule {
        rule(DiscountKind::BuyNGetM { buy, get })
    }

    fn eur(minor: i64) -> Money {
        Money::new(minor, Currency::EUR)
    }

    /// (name, rule, cart, expected discount per item in cart order or the refusal)
    type Case = (
        &'static str,
        DiscountRule,
        Cart,
        Result<Vec<i64>, NotApplicable>,
    );

    fn cases() -> Vec<Case> {
        let mixed_tiers = Cart {
            currency: Currency::EUR,
            items: vec![
                item("A1", STALLS, 4000),
                item("V1", VIP, 10000),
                item("V2", VIP, 10000),
            ],
        };
        let mixed_sessions = Cart {
            currency: Currency::EUR,
            items: vec![
                item("A1", STALLS, 4000),
                CartItem {
                    session_id: MATINEE,
                    ..item("M1", STALLS, 3000)
                },
            ],
        };
        vec![
            (
                "buy 1 get 1 on two seats frees the cheaper one",
                bogo(1, 1),
                cart(&[("A1", 3000), ("A2", 5000)]),
                Ok(vec![3000, 0]),
            ),
            (
                "buy 1 get 1 on three seats still frees one",
                bogo(1, 1),
                cart(&[("A1", 5000), ("A2", 4000), ("A3", 3000)]),
                Ok(vec![0, 4000, 0]),
            ),
            (
                "buy 1 get 1 on four seats frees two",
                bogo(1, 1),
                cart(&[("A1", 5000), ("A2", 4000), ("A3", 3000), ("A4", 2000)]),
                Ok(vec![0, 4000, 0, 2000]),
            ),
            (
                "buy 1 get 1 on one seat frees nothing",
                bogo(1, 1),
                cart(&[("A1", 5000)]),
                Ok(vec![0]),
            ),
            (
                "buy 2 get 1 on six mixed seats frees the cheapest of each group of three",
                bogo(2, 1),
                cart(&[
                    ("A1", 1000),
                    ("A2", 6000),
                    ("A3", 3000),
                    ("A4", 5000),
                    ("A5", 2000),
                    ("A6", 4000),
                ]),
                Ok(vec![1000, 0, 0, 0, 0, 4000]),
            ),
            (
                "equal prices free the later item id",
                bogo(1, 1),
                cart(&[("B", 1000), ("A", 1000)]),
                Ok(vec![1000, 0]),
            ),
            (
                "percentage rounds half up",
                percent(1000),
                cart(&[("A1", 1005)]),
                Ok(vec![101]),
            ),
            (
                "percentage rounds below half down",
                percent(1000),
                cart(&[("A1", 1004)]),
                Ok(vec![100]),
            ),
            (
                "12.5 % of 9.99",
                percent(1250),
                cart(&[("A1", 999)]),
                Ok(vec![125]),
            ),
            (
                "percentage is capped",
                rule(DiscountKind::Percentage {
                    percent_bp: 5000,
                    max_discount_minor: Some(1000),
                }),
                cart(&[("A1", 6000), ("A2", 4000)]),
                Ok(vec![600, 400]),
            ),
            (
                "100 % makes the eligible items free",
                percent(FULL_PERCENT_BP),
                cart(&[("A1", 1234), ("A2", 1)]),
                Ok(vec![1234, 1]),
            ),
            (
                "a flat amount is split by price with the remainder placed by item id",
                flat(100),
                cart(&[("C", 1000), ("A", 1000), ("B", 1000)]),
                Ok(vec![33, 34, 33]),
            ),
            (
                "a flat amount above the subtotal is capped",
                flat(50_000),
                cart(&[("A1", 3000), ("A2", 2000)]),
                Ok(vec![3000, 2000]),
            ),
            (
                "a tier filter discounts only that tier",
                DiscountRule {
                    tier_ids: Some(BTreeSet::from([VIP])),
                    ..percent(1000)
                },
                mixed_tiers.clone(),
                Ok(vec![0, 1000, 1000]),
            ),
            (
                "a session filter discounts only that session",
                DiscountRule {
                    session_ids: Some(BTreeSet::from([MATINEE])),
                    ..flat(500)
                },
                mixed_sessions,
                Ok(vec![0, 500]),
            ),
            (
                "min spend reached",
                DiscountRule {
                    min_spend_minor: Some(8000),
                    ..percent(1000)
                },
                cart(&[("A1", 4000), ("A2", 4000)]),
                Ok(vec![400, 400]),
            ),
            (
                "min spend not reached",
                DiscountRule {
                    min_spend_minor: Some(10000),
                    ..percent(1000)
                },
                cart(&[("A1", 4000), ("A2", 4000)]),
                Err(NotApplicable::BelowMinSpend {
                    min_spend: eur(10000),
                    eligible_subtotal: eur(8000),
                }),
            ),
            (
                "min spend counts only eligible items",
                DiscountRule {
                    min_spend_minor: Some(10000),
                    tier_ids: Some(BTreeSet::from([STALLS])),
                    ..percent(1000)
                },
                mixed_tiers.clone(),
                Err(NotApplicable::BelowMinSpend {
                    min_spend: eur(10000),
                    eligible_subtotal: eur(4000),
                }),
            ),
            (
                "no eligible item",
                DiscountRule {
                    tier_ids: Some(BTreeSet::from([Uuid::from_u128(99)])),
                    ..percent(1000)
                },
                mixed_tiers,
                Err(NotApplicable::NoEligibleItems),
            ),
            (
                "an empty cart",
                percent(1000),
                cart(&[]),
                Err(NotApplicable::NoEligibleItems),
            ),
            (
                "a flat amount in another currency",
                rule(DiscountKind::Flat {
                    amount_minor: 500,
                    currency: Currency::GBP,
                }),
                cart(&[("A1", 4000)]),
                Err(NotApplicable::CurrencyMismatch {
                    discount: Currency::GBP,
                    cart: Currency::EUR,
                }),
            ),
            (
                "an invalid rule",
                percent(10_001),
                cart(&[("A1", 4000)]),
                Err(NotApplicable::InvalidRule(
                    DiscountError::PercentOutOfRange {
                        field: "/kind/percent_bp",
                        value: 10_001,
                    },
                )),
            ),
            (
                "a negative price",
                percent(1000),
                cart(&[("A1", -1)]),
                Err(NotApplicable::InvalidCart(CartError::NegativePrice {
                    item_id: "A1".to_owned(),
                })),
            ),
            (
                "one seat twice",
                percent(1000),
                cart(&[("A1", 100), ("A1", 100)]),
                Err(NotApplicable::InvalidCart(CartError::DuplicateItem {
                    item_id: "A1".to_owned(),
                })),
            ),
            (
                "a subtotal beyond i64",
                percent(1000),
                cart(&[("A1", i64::MAX), ("A2", 1)]),
                Err(NotApplicable::InvalidCart(CartError::Overflow)),
            ),
        ]
    }

    #[test]
    fn discounts_apply_as_the_table_says() {
        for (name, rule, cart, expected) in cases() {
            let outcome = apply(&rule, &cart);
            match expected {
                Ok(per_item) => {
                    let outcome = outcome.unwrap_or_else(|error| panic!("{name}: {error}"));
                    let got: Vec<i64> = outcome.per_item.iter().map(|d| d.discount_minor).collect();
                    assert_eq!(got, per_item, "{name}");
                    assert_eq!(
                        outcome.discount_minor,
                        per_item.iter().sum::<i64>(),
                        "{name}"
                    );
                    assert_eq!(
                        outcome.total_minor,
                        outcome.subtotal_minor - outcome.discount_minor,
                        "{name}"
                    );
                }
                Err(refusal) => assert_eq!(outcome, Err(refusal), "{name}"),
            }
        }
    }

    #[test]
    fn an_outcome_reports_subtotals_and_names_every_item() {
        let outcome = apply(
            &DiscountRule {
                tier_ids: Some(BTreeSet::from([VIP])),
                ..bogo(1, 1)
            },
            &Cart {
                currency: Currency::EUR,
                items: vec![
                    item("V1", VIP, 9000),
                    item("A1", STALLS, 4000),
                    item("V2", VIP, 8000),
                ],
            },
        )
        .expect("applies");
        assert_eq!(
            outcome,
            DiscountOutcome {
                subtotal_minor: 21000,
                eligible_subtotal_minor: 17000,
                discount_minor: 8000,
                total_minor: 13000,
                per_item: vec![
                    ItemDiscount {
                        item_id: "V1".to_owned(),
                        discount_minor: 0
                    },
                    ItemDiscount {
                        item_id: "A1".to_owned(),
                        discount_minor: 0
                    },
                    ItemDiscount {
                        item_id: "V2".to_owned(),
                        discount_minor: 8000
                    },
                ],
            }
        );
    }

    #[test]
    fn validation_names_the_offending_field() {
        let cases = [
            (percent(10_001), "/kind/percent_bp"),
            (
                rule(DiscountKind::Percentage {
                    percent_bp: 1000,
                    max_discount_minor: Some(-1),
                }),
                "/kind/max_discount_minor",
            ),
            (flat(-5), "/kind/amount_minor"),
            (bogo(0, 1), "/kind/buy"),
            (bogo(1, 0), "/kind/get"),
            (
                DiscountRule {
                    min_spend_minor: Some(-1),
                    ..percent(1000)
                },
                "/min_spend_minor",
            ),
            (
                DiscountRule {
                    tier_ids: Some(BTreeSet::new()),
                    ..percent(1000)
                },
                "/tier_ids",
            ),
            (
                DiscountRule {
                    session_ids: Some(BTreeSet::new()),
                    ..percent(1000)
                },
                "/session_ids",
            ),
        ];
        for (rule, field) in cases {
            let error = rule.validate().expect_err(field);
            assert_eq!(error.field(), field, "{error}");
        }
        for valid in [percent(0), percent(FULL_PERCENT_BP), flat(0), bogo(3, 2)] {
            assert_eq!(valid.validate(), Ok(()));
        }
    }

    #[test]
    fn rules_have_a_tagged_json_shape() {
        let stored = json!({
            "kind": {"type": "percentage", "percent_bp": 1250, "max_discount_minor": 2000},
            "tier_ids": [VIP],
        });
        let parsed: DiscountRule = serde_json::from_value(stored.clone()).expect("rule");
        assert_eq!(
            parsed,
            DiscountRule {
                kind: DiscountKind::Percentage {
                    percent_bp: 1250,
                    max_discount_minor: Some(2000)
                },
                tier_ids: Some(BTreeSet::from([VIP])),
                ..flat(0)
            }
        );
        assert_eq!(serde_json::to_value(&parsed).expect("serialise"), stored);
        assert_eq!(
            serde_json::to_value(bogo(2, 1).kind).expect("serialise"),
            json!({"type": "buy_n_get_m", "buy": 2, "get": 1})
        );
        assert_eq!(
            serde_json::to_value(flat(500).kind).expect("serialise"),
            json!({"type": "flat", "amount_minor": 500, "currency": "EUR"})
        );
        for rejected in [
            json!({"kind": {"type": "flat", "amount_minor": 5, "currency": "EUR", "extra": 1}}),
            json!({"kind": {"type": "free_beer"}}),
            json!({"kind": {"type": "flat", "amount_minor": 5, "currency": "eur"}}),
            json!({"kind": {"type": "buy_n_get_m", "buy": 1, "get": 1}, "code": "X"}),
        ] {
            assert!(
                serde_json::from_value::<DiscountRule>(rejected.clone()).is_err(),
                "{rejected}"
            );
        }
    }

    #[test]
    fn codes_are_compared_in_one_spelling() {
        assert_eq!(normalise_code(" Summer10 "), Ok("SUMMER10".to_owned()));
        assert_eq!(normalise_code("SUMMER10"), normalise_code("summer10"));
        assert_eq!(
            normalise_code("early-bird_2"),
            Ok("EARLY-BIRD_2".to_owned())
        );
        let too_long = "X".repeat(MAX_CODE_LEN + 1);
        for bad in [
            "AB",
            "",
            "   ",
            "SUMMER 10",
            "straße",
            "ÉTÉ10",
            "10%OFF",
            too_long.as_str(),
        ] {
            assert_eq!(
                normalise_code(bad),
                Err(DiscountError::InvalidCode),
                "{bad}"
            );
        }
        assert_eq!(
            normalise_code(&"X".repeat(MAX_CODE_LEN)).map(|c| c.len()),
            Ok(32)
        );
    }

    #[test]
    fn a_window_includes_its_start_and_excludes_its_end() {
        let at = |hour| {
            Utc.with_ymd_and_hms(2025, 6, 1, hour, 0, 0)
                .single()
                .expect("time")
        };
        let window = DiscountWindow {
            starts_at: Some(at(9)),
            ends_at: Some(at(17)),
        };
        assert!(!window.contains(at(8)));
        assert!(window.contains(at(9)));
        assert!(window.contains(at(16)));
        assert!(!window.contains(at(17)));
        assert!(DiscountWindow::default().contains(at(0)));
        assert!(
            DiscountWindow {
                starts_at: None,
                ..window
            }
            .contains(at(1))
        );
        assert_eq!(window.validate(), Ok(()));
        let backwards = DiscountWindow {
            starts_at: Some(at(17)),
            ends_at: Some(at(17)),
        };
        assert_eq!(backwards.validate(), Err(DiscountError::EmptyWindow));
        assert_eq!(DiscountError::EmptyWindow.field(), "/ends_at");
    }

    fn any_rule() -> impl Strategy<Value = DiscountRule> {
        let kind = prop_oneof![
            (0..=FULL_PERCENT_BP, proptest::option::of(0..50_000i64)).prop_map(
                |(percent_bp, max_discount_minor)| DiscountKind::Percentage {
                    percent_bp,
                    max_discount_minor
                }
            ),
            (0..200_000i64).prop_map(|amount_minor| DiscountKind::Flat {
                amount_minor,
                currency: Currency::EUR
            }),
            (1..5u32, 1..4u32).prop_map(|(buy, get)| DiscountKind::BuyNGetM { buy, get }),
        ];
        (
            kind,
            proptest::option::of(0..100_000i64),
            proptest::option::of(proptest::sample::subsequence(vec![STALLS, VIP], 1..=2)),
        )
            .prop_map(|(kind, min_spend_minor, tiers)| DiscountRule {
                kind,
                min_spend_minor,
                tier_ids: tiers.map(BTreeSet::from_iter),
                session_ids: None,
            })
    }

    fn any_cart(max_price: i64) -> impl Strategy<Value = Cart> {
        proptest::collection::vec((0..=max_price, any::<bool>()), 0..24).prop_map(|prices| Cart {
            currency: Currency::EUR,
            items: prices
                .into_iter()
                .enumerate()
                .map(|(index, (price, vip))| {
                    item(&format!("S{index}"), if vip { VIP } else { STALLS }, price)
                })
                .collect(),
        })
    }

    fn assert_invariants(rule: &DiscountRule, cart: &Cart, outcome: &DiscountOutcome) {
        assert!(outcome.discount_minor >= 0);
        assert!(outcome.discount_minor <= outcome.eligible_subtotal_minor);
        assert!(outcome.eligible_subtotal_minor <= outcome.subtotal_minor);
        assert_eq!(
            outcome.total_minor,
            outcome.subtotal_minor - outcome.discount_minor
        );
        assert_eq!(
            outcome
                .per_item
                .iter()
                .map(|d| d.discount_minor)
                .sum::<i64>(),
            outcome.discount_minor
        );
        assert_eq!(outcome.per_item.len(), cart.items.len());
        for (item, share) in cart.items.iter().zip(&outcome.per_item) {
            assert_eq!(share.item_id, item.item_id);
            assert!(share.discount_minor >= 0);
            assert!(share.discount_minor <= item.unit_price_minor);
            if !rule.covers(item) {
                assert_eq!(share.discount_minor, 0);
            }
        }
    }

    proptest! {
        #[test]
        fn every_outcome_keeps_the_invariants(rule in any_rule(), cart in any_cart(100_000)) {
            match apply(&rule, &cart) {
                Ok(outcome) => assert_invariants(&rule, &cart, &outcome),
                Err(refusal) => prop_assert!(
                    matches!(refusal, NotApplicable::NoEligibleItems | NotApplicable::BelowMinSpend { .. }),
                    "{refusal:?}"
                ),
            }
        }

        #[test]
        fn huge_prices_never_overflow(rule in any_rule(), cart in any_cart(i64::MAX / 8)) {
            match apply(&rule, &cart) {
                Ok(outcome) => assert_invariants(&rule, &cart, &outcome),
                Err(refusal) => prop_assert!(matches!(
                    refusal,
                    NotApplicable::NoEligibleItems
                        | NotApplicable::BelowMinSpend { .. }
                        | NotApplicable::InvalidCart(CartError::Overflow)
                ), "{refusal:?}"),
            }
        }

        #[test]
        fn the_order_of_the_cart_does_not_matter(
            rule in any_rule(),
            (cart, shuffled) in any_cart(100_000).prop_flat_map(|cart| {
                let items = cart.items.clone();
                (Just(cart), Just(items).prop_shuffle())
            }),
        ) {
            let shuffled = Cart { currency: cart.currency, items: shuffled };
            let by_id = |outcome: DiscountOutcome| {
                let mut per_item = outcome.per_item;
                per_item.sort_by(|a, b| a.item_id.cmp(&b.item_id));
                (outcome.discount_minor, outcome.total_minor, per_item)
            };
            prop_assert_eq!(
                apply(&rule, &cart).map(by_id),
                apply(&rule, &shuffled).map(by_id)
            );
        }
    }
}
