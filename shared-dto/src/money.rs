//! Currencies and amounts of money. Amounts are integers in the currency's minor unit
//! (cents, öre, fils); no floating point touches a price anywhere.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a currency or an amount was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("unknown currency code `{0}`, expected an active ISO 4217 code in upper case")]
    UnknownCurrency(String),
    #[error("cannot combine amounts in {left} and {right}")]
    CurrencyMismatch { left: Currency, right: Currency },
    #[error("amount out of range")]
    Overflow,
}

/// An ISO 4217 currency that tickets can be priced in.
///
/// Only codes from the built-in table exist, so holding a `Currency` proves the code is
/// valid and its minor-unit exponent is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency {
    code: &'static str,
    exponent: u8,
}

// Active ISO 4217 codes of legal tender with their minor-unit exponent, sorted by code
// for binary search. Fund codes (CHE, CLF, USN, …), precious metals, SDRs and the test
// codes are left out: nobody sells a ticket in them.
const CURRENCIES: &[(&str, u8)] = &[
    ("AED", 2),
    ("AFN", 2),
    ("ALL", 2),
    ("AMD", 2),
    ("AOA", 2),
    ("ARS", 2),
    ("AUD", 2),
    ("AWG", 2),
    ("AZN", 2),
    ("BAM", 2),
    ("BBD", 2),
    ("BDT", 2),
    ("BGN", 2),
    ("BHD", 3),
    ("BIF", 0),
    ("BMD", 2),
    ("BND", 2),
    ("BOB", 2),
    ("BRL", 2),
    ("BSD", 2),
    ("BTN", 2),
    ("BWP", 2),
    ("BYN", 2),
    ("BZD", 2),
    ("CAD", 2),
    ("CDF", 2),
    ("CHF", 2),
    ("CLP", 0),
    ("CNY", 2),
    ("COP", 2),
    ("CRC", 2),
    ("CUP", 2),
    ("CVE", 2),
    ("CZK", 2),
    ("DJF", 0),
    ("DKK", 2),
    ("DOP", 2),
    ("DZD", 2),
    ("EGP", 2),
    ("ERN", 2),
    ("ETB", 2),
    ("EUR", 2),
    ("FJD", 2),
    ("FKP", 2),
    ("GBP", 2),
    ("GEL", 2),
    ("GHS", 2),
    ("GIP", 2),
    ("GMD", 2),
    ("GNF", 0),
    ("GTQ", 2),
    ("GYD", 2),
    ("HKD", 2),
    ("HNL", 2),
    ("HTG", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("IQD", 3),
    ("IRR", 2),
    ("ISK", 0),
    ("JMD", 2),
    ("JOD", 3),
    ("JPY", 0),
    ("KES", 2),
    ("KGS", 2),
    ("KHR", 2),
    ("KMF", 0),
    ("KPW", 2),
    ("KRW", 0),
    ("KWD", 3),
    ("KYD", 2),
    ("KZT", 2),
    ("LAK", 2),
    ("LBP", 2),
    ("LKR", 2),
    ("LRD", 2),
    ("LSL", 2),
    ("LYD", 3),
    ("MAD", 2),
    ("MDL", 2),
    ("MGA", 2),
    ("MKD", 2),
    ("MMK", 2),
    ("MNT", 2),
    ("MOP", 2),
    ("MRU", 2),
    ("MUR", 2),
    ("MVR", 2),
    ("MWK", 2),
    ("MXN", 2),
    ("MYR", 2),
    ("MZN", 2),
    ("NAD", 2),
    ("NGN", 2),
    ("NIO", 2),
    ("NOK", 2),
    ("NPR", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PAB", 2),
    ("PEN", 2),
    ("PGK", 2),
    ("PHP", 2),
    ("PKR", 2),
    ("PLN", 2),
    ("PYG", 0),
    ("QAR", 2),
    ("RON", 2),
    ("RSD", 2),
    ("RUB", 2),
    ("RWF", 0),
    ("SAR", 2),
    ("SBD", 2),
    ("SCR", 2),
    ("SDG", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("SHP", 2),
    ("SLE", 2),
    ("SOS", 2),
    ("SRD", 2),
    ("SSP", 2),
    ("STN", 2),
    ("SVC", 2),
    ("SYP", 2),
    ("SZL", 2),
    ("THB", 2),
    ("TJS", 2),
    ("TMT", 2),
    ("TND", 3),
    ("TOP", 2),
    ("TRY", 2),
    ("TTD", 2),
    ("TWD", 2),
    ("TZS", 2),
    ("UAH", 2),
    ("UGX", 0),
    ("USD", 2),
    ("UYU", 2),
    ("UZS", 2),
    ("VED", 2),
    ("VES", 2),
    ("VND", 0),
    ("VUV", 0),
    ("WST", 2),
    ("XAF", 0),
    ("XCD", 2),
    ("XCG", 2),
    ("XOF", 0),
    ("XPF", 0),
    ("YER", 2),
    ("ZAR", 2),
    ("ZMW", 2),
    ("ZWG", 2),
];

impl Currency {
    pub const EUR: Currency = Currency::known("EUR", 2);
    pub const USD: Currency = Currency::known("USD", 2);
    pub const GBP: Currency = Currency::known("GBP", 2);
    pub const CHF: Currency = Currency::known("CHF", 2);
    pub const SEK: Currency = Currency::known("SEK", 2);
    pub const JPY: Currency = Currency::known("JPY", 0);

    const fn known(code: &'static str, exponent: u8) -> Currency {
        Currency { code, exponent }
    }

    /// Parses an upper-case ISO 4217 code. Lower case is rejected rather than folded so a
    /// stored code always has exactly one spelling.
    pub fn parse(code: &str) -> Result<Currency, MoneyError> {
        CURRENCIES
            .binary_search_by(|(known, _)| (*known).cmp(code))
            .map(|index| {
                let (code, exponent) = CURRENCIES[index];
                Currency { code, exponent }
            })
            .map_err(|_| MoneyError::UnknownCurrency(code.to_owned()))
    }

    /// The three-letter code, e.g. `"EUR"`.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// How many decimal places the minor unit has: 2 for EUR, 0 for JPY, 3 for KWD.
    pub fn exponent(&self) -> u8 {
        self.exponent
    }

    /// Every supported currency, in code order.
    pub fn all() -> impl Iterator<Item = Currency> {
        CURRENCIES
            .iter()
            .map(|&(code, exponent)| Currency { code, exponent })
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

impl FromStr for Currency {
    type Err = MoneyError;

    fn from_str(code: &str) -> Result<Self, Self::Err> {
        Currency::parse(code)
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code)
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CodeVisitor;

        impl serde::de::Visitor<'_> for CodeVisitor {
            type Value = Currency;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an ISO 4217 currency code such as \"EUR\"")
            }

            fn visit_str<E: serde::de::Error>(self, code: &str) -> Result<Currency, E> {
                Currency::parse(code).map_err(E::custom)
            }
        }

        deserializer.deserialize_str(CodeVisitor)
    }
}

/// An amount in a currency's minor unit: `{"amount_minor": 1250, "currency": "EUR"}` is
/// €12.50.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Money {
    pub amount_minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(amount_minor: i64, currency: Currency) -> Money {
        Money {
            amount_minor,
            currency,
        }
    }

    pub fn zero(currency: Currency) -> Money {
        Money::new(0, currency)
    }

    pub fn is_negative(&self) -> bool {
        self.amount_minor < 0
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        self.amount_minor
            .checked_add(other.amount_minor)
            .map(|amount| Money::new(amount, self.currency))
            .ok_or(MoneyError::Overflow)
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        self.amount_minor
            .checked_sub(other.amount_minor)
            .map(|amount| Money::new(amount, self.currency))
            .ok_or(MoneyError::Overflow)
    }

    /// Multiplies by a quantity, e.g. a unit price by the number of tickets.
    pub fn checked_mul(self, quantity: i64) -> Result<Money, MoneyError> {
        self.amount_minor
            .checked_mul(quantity)
            .map(|amount| Money::new(amount, self.currency))
            .ok_or(MoneyError::Overflow)
    }

    fn same_currency(self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch {
                left: self.currency,
                right: other.currency,
            })
        }
    }
}

/// Plain decimal with the code, e.g. `12.50 EUR` or `-0.05 EUR`, for messages and logs;
/// locale-aware formatting belongs to the clients.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.amount_minor < 0 { "-" } else { "" };
        let magnitude = self.amount_minor.unsigned_abs();
        let exponent = u32::from(self.currency.exponent);
        if exponent == 0 {
            return write!(f, "{sign}{magnitude} {}", self.currency);
        }
        let scale = 10u64.pow(exponent);
        write!(
            f,
            "{sign}{}.{:0width$} {}",
            magnitude / scale,
            magnitude % scale,
            self.currency,
            width = exponent as usize
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_every_code_is_three_upper_case_letters() {
        for pair in CURRENCIES.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{} before {}", pair[0].0, pair[1].0);
        }
        for (code, exponent) in CURRENCIES {
            assert!(code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()));
            assert!(*exponent <= 3);
        }
    }

    #[test]
    fn the_named_constants_agree_with_the_table() {
        for constant in [
            Currency::EUR,
            Currency::USD,
            Currency::GBP,
            Currency::CHF,
            Currency::SEK,
            Currency::JPY,
        ] {
            assert_eq!(Currency::parse(constant.code()), Ok(constant));
        }
    }

    #[test]
    fn major_currencies_are_known_with_their_exponent() {
        let cases = [
            (
                "EUR USD GBP CHF SEK NOK DKK PLN CZK HUF AUD CAD NZD SGD HKD CNY INR BRL MXN",
                2,
            ),
            ("ZAR TRY ILS AED SAR THB MYR IDR PHP BGN RON", 2),
            ("JPY KRW ISK", 0),
            ("KWD BHD JOD OMR TND", 3),
        ];
        for (codes, exponent) in cases {
            for code in codes.split_whitespace() {
                let currency = Currency::parse(code).expect(code);
                assert_eq!(currency.exponent(), exponent, "{code}");
                assert_eq!(currency.code(), code);
            }
        }
    }

    #[test]
    fn unknown_lower_case_and_withdrawn_codes_are_rejected() {
        for code in ["eur", "Eur", "XXX", "XAU", "HRK", "DEM", "", "EURO", " EUR"] {
            assert_eq!(
                Currency::parse(code),
                Err(MoneyError::UnknownCurrency(code.to_owned()))
            );
        }
    }

    #[test]
    fn currency_serialises_as_its_code_and_rejects_unknown_codes() {
        assert_eq!(
            serde_json::to_string(&Currency::EUR).expect("serialise"),
            "\"EUR\""
        );
        assert_eq!(
            serde_json::from_str::<Currency>("\"KWD\"")
                .expect("KWD")
                .exponent(),
            3
        );
        assert!(serde_json::from_str::<Currency>("\"eur\"").is_err());
        assert!(serde_json::from_str::<Currency>("\"ABC\"").is_err());
        assert!(serde_json::from_str::<Currency>("978").is_err());
    }

    #[test]
    fn money_has_the_documented_json_shape() {
        let money = Money::new(1250, Currency::EUR);
        let json = serde_json::to_value(money).expect("serialise");
        assert_eq!(
            json,
            serde_json::json!({"amount_minor": 1250, "currency": "EUR"})
        );
        assert_eq!(
            serde_json::from_value::<Money>(json).expect("deserialise"),
            money
        );
        assert!(
            serde_json::from_str::<Money>(r#"{"amount_minor": 12.5, "currency": "EUR"}"#).is_err()
        );
    }

    #[test]
    fn arithmetic_is_checked_and_refuses_to_mix_currencies() {
        let eur = |minor| Money::new(minor, Currency::EUR);
        assert_eq!(eur(1250).checked_add(eur(250)), Ok(eur(1500)));
        assert_eq!(eur(1250).checked_sub(eur(1500)), Ok(eur(-250)));
        assert_eq!(eur(i64::MAX).checked_add(eur(1)), Err(MoneyError::Overflow));
        assert_eq!(eur(i64::MIN).checked_sub(eur(1)), Err(MoneyError::Overflow));
        assert_eq!(eur(1250).checked_mul(3), Ok(eur(3750)));
        assert_eq!(
            eur(1).checked_add(Money::new(1, Currency::USD)),
            Err(MoneyError::CurrencyMismatch {
                left: Currency::EUR,
                right: Currency::USD
            })
        );
    }

    #[test]
    fn display_places_the_decimal_point_by_exponent() {
        assert_eq!(Money::new(1250, Currency::EUR).to_string(), "12.50 EUR");
        assert_eq!(Money::new(-5, Currency::EUR).to_string(), "-0.05 EUR");
        assert_eq!(Money::new(1500, Currency::JPY).to_string(), "1500 JPY");
        let kwd = Currency::parse("KWD").expect("KWD");
        assert_eq!(Money::new(1234, kwd).to_string(), "1.234 KWD");
        assert_eq!(
            Money::new(i64::MIN, Currency::EUR).to_string(),
            "-92233720368547758.08 EUR"
        );
    }
}
