//! Search parameters as they arrive, validated into a [`Search`].

use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use serde::Deserialize;
use shared_dto::status::EventStatus;

use crate::catalog::geo::{Circle, Coordinates, CoordinatesError};

/// The one event status the search lists; detail pages also show cancelled and completed ones.
pub const LISTED_STATUS: EventStatus = EventStatus::Published;

pub const DEFAULT_PER_PAGE: u32 = 20;
pub const MAX_PER_PAGE: u32 = 100;
/// Deep pages cost a full scan of everything before them; nobody reads page 10,001.
pub const MAX_PAGE: u32 = 10_000;
pub const DEFAULT_RADIUS_KM: f64 = 25.0;
pub const MAX_RADIUS_KM: f64 = 500.0;
const MAX_QUERY_CHARS: usize = 200;
const MAX_WORDS: usize = 10;
const MAX_FILTER_CHARS: usize = 100;

/// `GET /api/catalog/events` parameters as they arrive: text, so that a bad value is
/// answered with a 422 naming the parameter instead of a generic extractor error.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words that must all occur (title, description, organiser, category, venues, cities);
    /// each matches the start of a word, case-insensitively.
    pub q: Option<String>,
    /// Category id.
    pub category: Option<String>,
    /// City of a session's venue (case-insensitive, exact).
    pub city: Option<String>,
    /// Sessions starting at or after: RFC 3339, or `YYYY-MM-DD` (midnight UTC).
    pub from: Option<String>,
    /// Sessions starting at or before: RFC 3339, or `YYYY-MM-DD` (the whole day, UTC).
    pub to: Option<String>,
    /// Events with a tier at this price or dearer (minor units).
    #[param(value_type = Option<i64>, minimum = 0)]
    pub min_price: Option<String>,
    /// Events with a tier at this price or cheaper (minor units).
    #[param(value_type = Option<i64>, minimum = 0)]
    pub max_price: Option<String>,
    /// `LAT,LNG` in decimal degrees: only events with a session within `radius_km`.
    #[param(example = "51.4545,-2.5879")]
    pub near: Option<String>,
    /// Radius around `near` in km (default 25, at most 500).
    #[param(value_type = Option<f64>, minimum = 0, maximum = 500)]
    pub radius_km: Option<String>,
    /// `date` (default: soonest next session first), `relevance` (needs `q`),
    /// `distance` (needs `near`) or `price` (cheapest tier first).
    #[param(value_type = Option<SortOrder>, inline)]
    pub sort: Option<String>,
    /// 1-based page number.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 10000)]
    pub page: Option<String>,
    /// Items per page (default 20, at most 100).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub per_page: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum SortOrder {
    #[default]
    Date,
    Relevance,
    Distance,
    Price,
}

/// A query parameter that cannot be used, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct InvalidParameter {
    pub field: &'static str,
    pub message: String,
}

impl InvalidParameter {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

/// A validated search.
#[derive(Debug, Clone, PartialEq)]
pub struct Search {
    /// Lower-cased, distinct, in the order given.
    pub words: Vec<String>,
    pub category: Option<String>,
    /// Lower-cased, as the read model stores cities.
    pub city: Option<String>,
    pub starts_from_ms: Option<i64>,
    /// Exclusive.
    pub starts_before_ms: Option<i64>,
    pub min_price: Option<i64>,
    pub max_price: Option<i64>,
    pub near: Option<Circle>,
    pub sort: SortOrder,
    pub page: u32,
    pub per_page: u32,
}

impl Default for Search {
    /// Every upcoming event, soonest first.
    fn default() -> Self {
        Self {
            words: Vec::new(),
            category: None,
            city: None,
            starts_from_ms: None,
            starts_before_ms: None,
            min_price: None,
            max_price: None,
            near: None,
            sort: SortOrder::Date,
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

/// A parameter's value, with empty ones (as forms send them) treated as absent.
fn present(value: Option<String>) -> Option<String> {
    value
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

fn bounded_text(
    field: &'static str,
    value: Option<String>,
) -> Result<Option<String>, InvalidParameter> {
    match present(value) {
        Some(value) if value.chars().count() > MAX_FILTER_CHARS => Err(InvalidParameter::new(
            field,
            format!("{field} is longer than {MAX_FILTER_CHARS} characters"),
        )),
        value => Ok(value),
    }
}

fn whole_number<T: std::str::FromStr + PartialOrd + std::fmt::Display>(
    field: &'static str,
    value: Option<String>,
    range: std::ops::RangeInclusive<T>,
) -> Result<Option<T>, InvalidParameter> {
    let Some(text) = present(value) else {
        return Ok(None);
    };
    text.parse::<T>()
        .ok()
        .filter(|number| range.contains(number))
        .map(Some)
        .ok_or_else(|| {
            InvalidParameter::new(
                field,
                format!(
                    "{field} must be a whole number from {} to {}",
                    range.start(),
                    range.end()
                ),
            )
        })
}

/// An instant from RFC 3339, or the start of a `YYYY-MM-DD` day in UTC, with whether only a
/// date was given.
fn parse_instant(
    field: &'static str,
    text: &str,
) -> Result<(DateTime<Utc>, bool), InvalidParameter> {
    let invalid = || {
        InvalidParameter::new(
            field,
            format!("{field} must be an RFC 3339 date-time or a YYYY-MM-DD date"),
        )
    };
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok((date.and_time(NaiveTime::MIN).and_utc(), true));
    }
    // An unencoded `+` in a query string arrives as a space.
    let text = text.replace(' ', "+");
    DateTime::parse_from_rfc3339(&text)
        .map(|instant| (instant.with_timezone(&Utc), false))
        .map_err(|_| invalid())
}

/// The words of `text`: lower-cased runs of letters and digits.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
}

impl SearchParams {
    pub fn parse(self) -> Result<Search, InvalidParameter> {
        let mut query_words = Vec::new();
        if let Some(q) = present(self.q) {
            if q.chars().count() > MAX_QUERY_CHARS {
                return Err(InvalidParameter::new(
                    "q",
                    format!("q is longer than {MAX_QUERY_CHARS} characters"),
                ));
            }
            for word in words(&q) {
                if !query_words.contains(&word) {
                    query_words.push(word);
                }
            }
            if query_words.len() > MAX_WORDS {
                return Err(InvalidParameter::new(
                    "q",
                    format!("q has more than {MAX_WORDS} words"),
                ));
            }
        }

        let starts_from = present(self.from)
            .map(|text| parse_instant("from", &text))
            .transpose()?
            .map(|(from, _)| from);
        let starts_before = present(self.to)
            .map(|text| parse_instant("to", &text))
            .transpose()?
            .map(|(to, date_only)| {
                if date_only {
                    to.checked_add_days(Days::new(1)).unwrap_or(to)
                } else {
                    // `to` is inclusive; the bound is exclusive at ms precision.
                    to + chrono::Duration::milliseconds(1)
                }
            });
        if let (Some(from), Some(before)) = (starts_from, starts_before)
            && before <= from
        {
            return Err(InvalidParameter::new("to", "to must not be before from"));
        }

        let min_price = whole_number("min_price", self.min_price, 0..=i64::MAX)?;
        let max_price = whole_number("max_price", self.max_price, 0..=i64::MAX)?;
        if let (Some(min), Some(max)) = (min_price, max_price)
            && max < min
        {
            return Err(InvalidParameter::new(
                "max_price",
                "max_price must not be less than min_price",
            ));
        }

        let radius_km = present(self.radius_km)
            .map(|text| {
                text.parse::<f64>()
                    .ok()
                    .filter(|radius| {
                        radius.is_finite() && *radius > 0.0 && *radius <= MAX_RADIUS_KM
                    })
                    .ok_or_else(|| {
                        InvalidParameter::new(
                            "radius_km",
                            format!(
                                "radius_km must be a number above 0 and at most {MAX_RADIUS_KM}"
                            ),
                        )
                    })
            })
            .transpose()?;
        let near = match present(self.near) {
            Some(text) => Some(Circle {
                centre: Coordinates::parse(&text).map_err(|error| {
                    let message = match error {
                        CoordinatesError::Format => format!("near: {error}"),
                        _ => format!("near: the {error}"),
                    };
                    InvalidParameter::new("near", message)
                })?,
                radius_km: radius_km.unwrap_or(DEFAULT_RADIUS_KM),
            }),
            None if radius_km.is_some() => {
                return Err(InvalidParameter::new(
                    "radius_km",
                    "radius_km needs near=LAT,LNG",
                ));
            }
            None => None,
        };

        let sort = match present(self.sort).as_deref() {
            None | Some("date") => SortOrder::Date,
            Some("price") => SortOrder::Price,
            Some("relevance") if !query_words.is_empty() => SortOrder::Relevance,
            Some("relevance") => {
                return Err(InvalidParameter::new("sort", "sort=relevance needs q"));
            }
            Some("distance") if near.is_some() => SortOrder::Distance,
            Some("distance") => {
                return Err(InvalidParameter::new("sort", "sort=distance needs near"));
            }
            Some(_) => {
                return Err(InvalidParameter::new(
                    "sort",
                    "sort must be date, relevance, distance or price",
                ));
            }
        };

        Ok(Search {
            words: query_words,
            category: bounded_text("category", self.category)?,
            city: bounded_text("city", self.city)?.map(|city| city.to_lowercase()),
            starts_from_ms: starts_from.map(|from| from.timestamp_millis()),
            starts_before_ms: starts_before.map(|before| before.timestamp_millis()),
            min_price,
            max_price,
            near,
            sort,
            page: whole_number("page", self.page, 1..=MAX_PAGE)?.unwrap_or(1),
            per_page: whole_number("per_page", self.per_page, 1..=MAX_PER_PAGE)?
                .unwrap_or(DEFAULT_PER_PAGE),
        })
    }
}
