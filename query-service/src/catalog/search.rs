//! Catalogue search: query parameters parsed into criteria, the read-store filter and
//! pipeline that find and order events, and the ranking done here where the read store
//! cannot do it (word relevance, exact distance).
//!
//! An event is listed when it is published and has at least one session that is not
//! cancelled, has not ended yet and (with `from`/`to`) starts within the requested window.
//! Its "next session" is the earliest such session, within the radius when `near` is given.

use std::cmp::Ordering;

use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use mongodb::bson::{Bson, Document, doc};
use serde::Deserialize;
use shared_dto::read_model::{EventDocument, SessionView};

use super::geo::{Circle, Coordinates, CoordinatesError};

/// The one event status the search lists; detail pages also show cancelled and completed ones.
pub const LISTED_STATUS: &str = "published";
/// The read model copies the write model's session status (upper case); lower case is
/// accepted too so a differently spelled projection cannot list cancelled sessions.
const CANCELLED_SESSION: [&str; 2] = ["CANCELLED", "cancelled"];

pub const DEFAULT_PER_PAGE: u32 = 20;
pub const MAX_PER_PAGE: u32 = 100;
/// Deep pages cost a full scan of everything before them; nobody reads page 10,001.
pub const MAX_PAGE: u32 = 10_000;
pub const DEFAULT_RADIUS_KM: f64 = 25.0;
pub const MAX_RADIUS_KM: f64 = 500.0;
const MAX_QUERY_CHARS: usize = 200;
const MAX_WORDS: usize = 10;
const MAX_FILTER_CHARS: usize = 100;

/// A word found in the title outweighs any number of hits elsewhere (capped below).
const TITLE_WEIGHT: u32 = 10;
const MAX_TITLE_HITS: u32 = 3;
const MAX_TEXT_HITS: u32 = TITLE_WEIGHT - 1;

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

/// Which sessions make an event match.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SessionCriteria {
    pub now_ms: i64,
    pub starts_from_ms: Option<i64>,
    pub starts_before_ms: Option<i64>,
}

impl SessionCriteria {
    /// Sessions not cancelled and not over.
    pub fn upcoming(now_ms: i64) -> Self {
        Self {
            now_ms,
            starts_from_ms: None,
            starts_before_ms: None,
        }
    }

    /// The criteria as conditions on one session's fields, each name prefixed with `prefix`:
    /// `""` inside `$elemMatch`, `"sessions."` after `$unwind`. Kept to plain field
    /// comparisons, which the local read store evaluates like MongoDB does (it gets `$or`
    /// and `$ne: null` inside `$elemMatch` wrong, and range queries on paths through arrays).
    pub fn conditions(&self, prefix: &str) -> Document {
        let mut conditions = doc! {
            format!("{prefix}status"): { "$nin": CANCELLED_SESSION.to_vec() },
            format!("{prefix}ends_at_ms"): { "$gt": self.now_ms },
        };
        let mut starts = Document::new();
        if let Some(from) = self.starts_from_ms {
            starts.insert("$gte", from);
        }
        if let Some(before) = self.starts_before_ms {
            starts.insert("$lt", before);
        }
        if !starts.is_empty() {
            conditions.insert(format!("{prefix}starts_at_ms"), starts);
        }
        conditions
    }

    /// The same criteria, applied to a session in process.
    pub fn admits(&self, session: &SessionView) -> bool {
        !CANCELLED_SESSION.contains(&session.status.as_str())
            && session.ends_at_ms > self.now_ms
            && self
                .starts_from_ms
                .is_none_or(|from| session.starts_at_ms >= from)
            && self
                .starts_before_ms
                .is_none_or(|before| session.starts_at_ms < before)
    }
}

/// The read-store condition that makes an event listed at all.
pub fn listed(now_ms: i64) -> Document {
    doc! {
        "status": LISTED_STATUS,
        "sessions": { "$elemMatch": SessionCriteria::upcoming(now_ms).conditions("") },
    }
}

/// The pattern for one query word over the lower-cased `search_text`: the word must start a
/// word of the text. `\b` only knows ASCII word characters in MongoDB's regex engine, so a
/// word starting with anything else matches anywhere.
fn word_pattern(word: &str) -> String {
    let mut pattern = String::with_capacity(word.len() + 2);
    if word.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        pattern.push_str(r"\b");
    }
    for c in word.chars() {
        if c.is_ascii_punctuation() {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern
}

/// How well an event's text fits the query words: hits in the title count far more than
/// hits elsewhere, so an event named after the query ranks above one that mentions it.
pub fn relevance(query_words: &[String], title: &str, search_text: &str) -> u32 {
    let title: Vec<String> = words(title).collect();
    let text: Vec<String> = words(search_text).collect();
    let hits = |haystack: &[String], word: &str, cap: u32| {
        let count = haystack.iter().filter(|w| w.starts_with(word)).count();
        u32::try_from(count).unwrap_or(u32::MAX).min(cap)
    };
    query_words
        .iter()
        .map(|word| {
            TITLE_WEIGHT * hits(&title, word, MAX_TITLE_HITS) + hits(&text, word, MAX_TEXT_HITS)
        })
        .sum()
}

/// An event that matched, with what orders it.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub event: EventDocument,
    /// Index into `event.sessions` of the earliest matching session.
    pub next_session: Option<usize>,
    /// To the nearest matching session's venue, with `near`.
    pub distance_km: Option<f64>,
    pub relevance: u32,
}

impl Match {
    pub fn next_session(&self) -> Option<&SessionView> {
        self.next_session
            .and_then(|index| self.event.sessions.get(index))
    }

    fn next_start_ms(&self) -> Option<i64> {
        self.next_session().map(|session| session.starts_at_ms)
    }
}

impl Search {
    pub fn sessions(&self, now_ms: i64) -> SessionCriteria {
        SessionCriteria {
            now_ms,
            starts_from_ms: self.starts_from_ms,
            starts_before_ms: self.starts_before_ms,
        }
    }

    /// Whether ordering and counting need the exact distance or word relevance, which the
    /// read store cannot compute: then every candidate is ranked here.
    pub fn ranks_in_process(&self) -> bool {
        self.near.is_some() || self.sort == SortOrder::Relevance
    }

    pub fn skip(&self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.per_page)
    }

    /// The read-store filter. With `near` it selects the bounding box; candidates still
    /// need [`Search::rank`] for the exact radius.
    pub fn filter(&self, now_ms: i64) -> Document {
        let mut sessions = self.sessions(now_ms).conditions("");
        if let Some(circle) = &self.near {
            let bbox = circle.bounding_box();
            sessions.insert(
                "venue.latitude",
                doc! { "$gte": bbox.south, "$lte": bbox.north },
            );
            if let Some((west, east)) = bbox.longitude {
                sessions.insert("venue.longitude", doc! { "$gte": west, "$lte": east });
            }
        }
        let mut filter = doc! {
            "status": LISTED_STATUS,
            "sessions": { "$elemMatch": sessions },
        };
        if let Some(category) = &self.category {
            filter.insert("category.category_id", category);
        }
        if let Some(city) = &self.city {
            filter.insert("cities", city);
        }
        // Overlap of the event's tier price range with the requested one.
        if let Some(min) = self.min_price {
            filter.insert("price_max_minor", doc! { "$gte": min });
        }
        if let Some(max) = self.max_price {
            filter.insert("price_min_minor", doc! { "$lte": max });
        }
        if !self.words.is_empty() {
            let all_words: Vec<Bson> = self
                .words
                .iter()
                .map(|word| {
                    Bson::Document(doc! {
                        "search_text": { "$regex": word_pattern(word), "$options": "i" }
                    })
                })
                .collect();
            filter.insert("$and", all_words);
        }
        filter
    }

    /// Event ids of the requested page in order, for searches the read store can order:
    /// by the earliest matching session (or cheapest tier), which a plain sort on a stored
    /// field cannot give because past sessions stay in the document.
    pub fn page_pipeline(&self, now_ms: i64) -> Vec<Document> {
        let sort = match self.sort {
            SortOrder::Price => doc! { "price": 1, "next": 1, "_id": 1 },
            _ => doc! { "next": 1, "_id": 1 },
        };
        vec![
            doc! { "$match": self.filter(now_ms) },
            doc! { "$unwind": "$sessions" },
            doc! { "$match": self.sessions(now_ms).conditions("sessions.") },
            doc! { "$group": {
                "_id": "$_id",
                "next": { "$min": "$sessions.starts_at_ms" },
                "price": { "$first": "$price_min_minor" },
            } },
            doc! { "$sort": sort },
            doc! { "$skip": i64::try_from(self.skip()).unwrap_or(i64::MAX) },
            doc! { "$limit": i64::from(self.per_page) },
        ]
    }

    /// What made `event` match: its earliest matching session (within the radius, with
    /// `near`), the distance, the relevance. `None` when no session matches.
    pub fn evaluate(&self, event: EventDocument, now_ms: i64) -> Option<Match> {
        let criteria = self.sessions(now_ms);
        let mut next_session: Option<usize> = None;
        let mut distance_km: Option<f64> = None;
        for (index, session) in event.sessions.iter().enumerate() {
            if !criteria.admits(session) {
                continue;
            }
            if let Some(circle) = &self.near {
                let Some(distance) = session.venue.as_ref().and_then(|venue| {
                    circle.distance_within(Coordinates {
                        latitude: venue.latitude,
                        longitude: venue.longitude,
                    })
                }) else {
                    continue;
                };
                distance_km = Some(distance_km.map_or(distance, |d| d.min(distance)));
            }
            let earlier = next_session
                .and_then(|next| event.sessions.get(next))
                .is_none_or(|next| session.starts_at_ms < next.starts_at_ms);
            if earlier {
                next_session = Some(index);
            }
        }
        next_session?;
        let relevance = if self.words.is_empty() {
            0
        } else {
            relevance(&self.words, &event.title, &event.search_text)
        };
        Some(Match {
            event,
            next_session,
            distance_km,
            relevance,
        })
    }

    /// Keeps the candidates that really match and puts them in the requested order.
    pub fn rank(&self, candidates: Vec<EventDocument>, now_ms: i64) -> Vec<Match> {
        let mut matches: Vec<Match> = candidates
            .into_iter()
            .filter_map(|event| self.evaluate(event, now_ms))
            .collect();
        matches.sort_by(|a, b| self.compare(a, b));
        matches
    }

    fn compare(&self, a: &Match, b: &Match) -> Ordering {
        // Missing values order first, as in MongoDB, so both ways of paging agree.
        let by_date = || a.next_start_ms().cmp(&b.next_start_ms());
        let first = match self.sort {
            SortOrder::Date => Ordering::Equal,
            SortOrder::Relevance => b.relevance.cmp(&a.relevance),
            SortOrder::Distance => a
                .distance_km
                .partial_cmp(&b.distance_km)
                .unwrap_or(Ordering::Equal),
            SortOrder::Price => a.event.price_min_minor.cmp(&b.event.price_min_minor),
        };
        first
            .then_with(by_date)
            .then_with(|| a.event.event_id.cmp(&b.event.event_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY_MS: i64 = 86_400_000;
    /// 2030-06-01T00:00:00Z
    const NOW: i64 = 1_906_502_400_000;

    fn params(pairs: &[(&str, &str)]) -> SearchParams {
        let mut params = SearchParams::default();
        for (name, value) in pairs {
            let value = Some((*value).to_owned());
            match *name {
                "q" => params.q = value,
                "category" => params.category = value,
                "city" => params.city = value,
                "from" => params.from = value,
                "to" => params.to = value,
                "min_price" => params.min_price = value,
                "max_price" => params.max_price = value,
                "near" => params.near = value,
                "radius_km" => params.radius_km = value,
                "sort" => params.sort = value,
                "page" => params.page = value,
                "per_page" => params.per_page = value,
                other => panic!("unknown parameter {other}"),
            }
        }
        params
    }

    fn parse(pairs: &[(&str, &str)]) -> Result<Search, InvalidParameter> {
        params(pairs).parse()
    }

    fn refused_field(pairs: &[(&str, &str)]) -> &'static str {
        match parse(pairs) {
            Err(error) => error.field,
            Ok(search) => panic!("{pairs:?} was accepted as {search:?}"),
        }
    }

    fn session(starts_at_ms: i64, status: &str) -> SessionView {
        SessionView {
            session_id: format!("s-{starts_at_ms}"),
            mode: "physical".into(),
            status: status.into(),
            starts_at_ms,
            ends_at_ms: starts_at_ms + 3 * 3_600_000,
            sales_start_ms: starts_at_ms - 30 * DAY_MS,
            sales_end_ms: starts_at_ms,
            venue: Some(shared_dto::read_model::VenueView {
                venue_id: "v".into(),
                name: "Hall".into(),
                address_line: "1 Road".into(),
                city: "Bristol".into(),
                postcode: None,
                country: "GB".into(),
                latitude: 51.4545,
                longitude: -2.5879,
                timezone: "Europe/London".into(),
            }),
            capacity: 100,
            sold: 0,
            available: 100,
        }
    }

    fn event(id: &str, title: &str, text: &str, sessions: Vec<SessionView>) -> EventDocument {
        EventDocument {
            event_id: id.into(),
            organisation_id: "o".into(),
            organisation_name: "Org".into(),
            title: title.into(),
            description: String::new(),
            category: None,
            cover_image_urls: Vec::new(),
            status: "published".into(),
            published_at_ms: Some(0),
            first_start_ms: sessions.iter().map(|s| s.starts_at_ms).min(),
            last_start_ms: sessions.iter().map(|s| s.starts_at_ms).max(),
            sessions,
            tiers: Vec::new(),
            price_min_minor: Some(1000),
            price_max_minor: Some(2000),
            currency: Some("GBP".into()),
            cities: vec!["bristol".into()],
            search_text: text.into(),
            available: 100,
            sold: 0,
        }
    }

    #[test]
    fn no_parameters_mean_every_upcoming_event_soonest_first() {
        assert_eq!(parse(&[]), Ok(Search::default()));
        // Empty values, as HTML forms send them, are absent values.
        assert_eq!(
            parse(&[("q", " "), ("city", ""), ("near", ""), ("page", "")]),
            Ok(Search::default())
        );
    }

    #[test]
    fn query_words_are_lower_cased_distinct_and_split_on_punctuation() {
        let search = parse(&[("q", "Jazz  AC/DC jazz Café")]).expect("valid");
        assert_eq!(search.words, ["jazz", "ac", "dc", "café"]);
        assert_eq!(refused_field(&[("q", "a b c d e f g h i j k")]), "q");
        assert_eq!(refused_field(&[("q", &"x".repeat(201))]), "q");
    }

    #[test]
    fn dates_are_rfc3339_or_whole_utc_days() {
        let search = parse(&[("from", "2030-06-02"), ("to", "2030-06-03")]).expect("valid");
        assert_eq!(search.starts_from_ms, Some(NOW + DAY_MS));
        // The whole of the `to` day is included.
        assert_eq!(search.starts_before_ms, Some(NOW + 3 * DAY_MS));

        let search = parse(&[
            ("from", "2030-06-01T10:00:00+01:00"),
            ("to", "2030-06-01T12:00:00Z"),
        ])
        .expect("valid");
        assert_eq!(search.starts_from_ms, Some(NOW + 9 * 3_600_000));
        assert_eq!(search.starts_before_ms, Some(NOW + 12 * 3_600_000 + 1));

        // A `+` that was not percent-encoded arrives as a space.
        let search = parse(&[("from", "2030-06-01T10:00:00 01:00")]).expect("valid");
        assert_eq!(search.starts_from_ms, Some(NOW + 9 * 3_600_000));
    }

    #[test]
    fn bad_dates_name_their_parameter() {
        assert_eq!(refused_field(&[("from", "tomorrow")]), "from");
        assert_eq!(refused_field(&[("from", "2030-13-01")]), "from");
        assert_eq!(refused_field(&[("to", "2030-06-01T25:00:00Z")]), "to");
        assert_eq!(
            refused_field(&[("from", "2030-06-03"), ("to", "2030-06-02")]),
            "to"
        );
        // A single day is a valid window.
        assert!(parse(&[("from", "2030-06-03"), ("to", "2030-06-03")]).is_ok());
    }

    #[test]
    fn prices_are_non_negative_and_ordered() {
        let search = parse(&[("min_price", "500"), ("max_price", "2500")]).expect("valid");
        assert_eq!(
            (search.min_price, search.max_price),
            (Some(500), Some(2500))
        );
        assert_eq!(refused_field(&[("min_price", "-1")]), "min_price");
        assert_eq!(refused_field(&[("max_price", "12.50")]), "max_price");
        assert_eq!(
            refused_field(&[("min_price", "3000"), ("max_price", "2000")]),
            "max_price"
        );
    }

    #[test]
    fn near_takes_a_radius_with_a_default_and_a_ceiling() {
        let search = parse(&[("near", "51.4545,-2.5879")]).expect("valid");
        let circle = search.near.expect("a circle");
        assert_eq!(circle.radius_km, DEFAULT_RADIUS_KM);
        assert_eq!(circle.centre.latitude, 51.4545);
        let search = parse(&[("near", "51.4545,-2.5879"), ("radius_km", "500")]).expect("valid");
        assert_eq!(search.near.map(|c| c.radius_km), Some(500.0));

        for near in ["51.4545", "bristol", "91,0", "0,181", "51.4,-2.5,1"] {
            assert_eq!(refused_field(&[("near", near)]), "near", "{near}");
        }
        for radius in ["0", "-5", "500.1", "ten", "NaN", "inf"] {
            assert_eq!(
                refused_field(&[("near", "51.4,-2.5"), ("radius_km", radius)]),
                "radius_km",
                "{radius}"
            );
        }
        assert_eq!(refused_field(&[("radius_km", "10")]), "radius_km");
    }

    #[test]
    fn sorts_need_what_they_sort_by() {
        assert_eq!(
            parse(&[("sort", "price")]).map(|s| s.sort),
            Ok(SortOrder::Price)
        );
        assert_eq!(
            parse(&[("sort", "relevance"), ("q", "jazz")]).map(|s| s.sort),
            Ok(SortOrder::Relevance)
        );
        assert_eq!(
            parse(&[("sort", "distance"), ("near", "1,1")]).map(|s| s.sort),
            Ok(SortOrder::Distance)
        );
        assert_eq!(refused_field(&[("sort", "relevance")]), "sort");
        assert_eq!(refused_field(&[("sort", "distance")]), "sort");
        assert_eq!(refused_field(&[("sort", "popularity")]), "sort");
    }

    #[test]
    fn pages_are_bounded() {
        let search = parse(&[("page", "3"), ("per_page", "100")]).expect("valid");
        assert_eq!(search.skip(), 200);
        assert_eq!(refused_field(&[("page", "0")]), "page");
        assert_eq!(refused_field(&[("page", "10001")]), "page");
        assert_eq!(refused_field(&[("per_page", "101")]), "per_page");
        assert_eq!(refused_field(&[("per_page", "0")]), "per_page");
        assert_eq!(refused_field(&[("per_page", "x")]), "per_page");
    }

    #[test]
    fn the_filter_lists_published_events_with_a_session_still_to_come() {
        let search = parse(&[
            ("q", "jazz night"),
            ("category", "music"),
            ("city", "Bristol"),
            ("from", "2030-06-02"),
            ("min_price", "500"),
            ("max_price", "2500"),
        ])
        .expect("valid");
        assert_eq!(
            search.filter(NOW),
            doc! {
                "status": "published",
                "sessions": { "$elemMatch": {
                    "status": { "$nin": ["CANCELLED", "cancelled"] },
                    "ends_at_ms": { "$gt": NOW },
                    "starts_at_ms": { "$gte": NOW + DAY_MS },
                } },
                "category.category_id": "music",
                "cities": "bristol",
                "price_max_minor": { "$gte": 500_i64 },
                "price_min_minor": { "$lte": 2500_i64 },
                "$and": [
                    { "search_text": { "$regex": r"\bjazz", "$options": "i" } },
                    { "search_text": { "$regex": r"\bnight", "$options": "i" } },
                ],
            }
        );
    }

    #[test]
    fn near_adds_a_bounding_box_on_the_same_session() {
        let search = parse(&[("near", "51.4545,-2.5879"), ("radius_km", "40")]).expect("valid");
        let filter = search.filter(NOW);
        let sessions = filter
            .get_document("sessions")
            .and_then(|s| s.get_document("$elemMatch"))
            .expect("a session condition");
        let latitude = sessions.get_document("venue.latitude").expect("latitude");
        let longitude = sessions.get_document("venue.longitude").expect("longitude");
        let (south, north) = (
            latitude.get_f64("$gte").expect("south"),
            latitude.get_f64("$lte").expect("north"),
        );
        assert!((north - south - 2.0 * 40.0 / crate::catalog::geo::KM_PER_DEGREE).abs() < 1e-9);
        assert!(longitude.get_f64("$gte").expect("west") < -2.5879);
        assert!(longitude.get_f64("$lte").expect("east") > -2.5879);
    }

    #[test]
    fn word_patterns_anchor_ascii_words_and_escape_everything_else() {
        assert_eq!(word_pattern("jazz"), r"\bjazz");
        assert_eq!(word_pattern("2024"), r"\b2024");
        assert_eq!(word_pattern("école"), "école");
        assert_eq!(word_pattern("a.b"), r"\ba\.b");
    }

    #[test]
    fn title_hits_outrank_any_number_of_other_hits() {
        let words = vec!["jazz".to_owned()];
        let in_title = relevance(&words, "Jazz Night", "jazz night at the hall");
        let everywhere_else = relevance(
            &words,
            "Evening Session",
            "jazz jazz jazz jazz jazz jazz jazz jazz jazz jazz jazz jazz",
        );
        assert!(
            in_title > everywhere_else,
            "{in_title} vs {everywhere_else}"
        );
        assert_eq!(relevance(&words, "Rock", "rock concert"), 0);
        // Prefixes count: "jazz" starts "jazzy".
        assert!(relevance(&words, "Jazzy", "jazzy") > 0);
        // Every word contributes.
        let two = vec!["jazz".to_owned(), "bristol".to_owned()];
        assert!(
            relevance(&two, "Jazz in Bristol", "jazz in bristol")
                > relevance(&two, "Jazz", "jazz bristol")
        );
    }

    #[test]
    fn sessions_that_are_cancelled_or_over_do_not_count() {
        let criteria = SessionCriteria {
            now_ms: NOW,
            starts_from_ms: Some(NOW + DAY_MS),
            starts_before_ms: Some(NOW + 3 * DAY_MS),
        };
        assert!(criteria.admits(&session(NOW + 2 * DAY_MS, "ON_SALE")));
        assert!(!criteria.admits(&session(NOW + 2 * DAY_MS, "CANCELLED")));
        assert!(!criteria.admits(&session(NOW + 3 * DAY_MS, "ON_SALE")));
        assert!(!criteria.admits(&session(NOW, "ON_SALE")));
        // A session under way (started, not ended) is still upcoming enough to list.
        let upcoming = SessionCriteria::upcoming(NOW);
        assert!(upcoming.admits(&session(NOW - 3_600_000, "ON_SALE")));
        assert!(!upcoming.admits(&session(NOW - 4 * 3_600_000, "ON_SALE")));
    }

    #[test]
    fn the_next_session_is_the_earliest_that_matches() {
        let search = Search::default();
        let found = search
            .evaluate(
                event(
                    "e",
                    "T",
                    "t",
                    vec![
                        session(NOW - 10 * DAY_MS, "CLOSED"),
                        session(NOW + 5 * DAY_MS, "SCHEDULED"),
                        session(NOW + 2 * DAY_MS, "CANCELLED"),
                        session(NOW + 3 * DAY_MS, "ON_SALE"),
                    ],
                ),
                NOW,
            )
            .expect("matches");
        assert_eq!(found.next_session, Some(3));
        assert!(
            search
                .evaluate(
                    event("e", "T", "t", vec![session(NOW - DAY_MS, "CLOSED")]),
                    NOW
                )
                .is_none()
        );
    }

    #[test]
    fn ranking_keeps_only_sessions_inside_the_radius_and_orders_by_distance() {
        let mut bath = session(NOW + 5 * DAY_MS, "ON_SALE");
        if let Some(venue) = bath.venue.as_mut() {
            venue.latitude = 51.3811;
            venue.longitude = -2.3590;
        }
        let mut london = session(NOW + DAY_MS, "ON_SALE");
        if let Some(venue) = london.venue.as_mut() {
            venue.latitude = 51.5072;
            venue.longitude = -0.1276;
        }
        let bristol = session(NOW + 9 * DAY_MS, "ON_SALE");
        let search = parse(&[
            ("near", "51.4545,-2.5879"),
            ("radius_km", "30"),
            ("sort", "distance"),
        ])
        .expect("valid");
        let ranked = search.rank(
            vec![
                event("touring", "Tour", "tour", vec![london.clone(), bath]),
                event("local", "Local", "local", vec![bristol]),
                event("far", "Far", "far", vec![london]),
            ],
            NOW,
        );
        let order: Vec<(&str, i64)> = ranked
            .iter()
            .map(|m| {
                (
                    m.event.event_id.as_str(),
                    (m.distance_km.unwrap_or(f64::NAN) * 10.0).round() as i64,
                )
            })
            .collect();
        assert_eq!(order, [("local", 0), ("touring", 178)]);
        // The touring event's next session is the one in Bath, not the earlier London date.
        assert_eq!(ranked[1].next_session, Some(1));
    }

    #[test]
    fn ranking_by_relevance_breaks_ties_by_date() {
        let search = parse(&[("q", "jazz"), ("sort", "relevance")]).expect("valid");
        let ranked = search.rank(
            vec![
                event(
                    "mention",
                    "Evening",
                    "evening with jazz",
                    vec![session(NOW + DAY_MS, "ON_SALE")],
                ),
                event(
                    "late",
                    "Jazz Night",
                    "jazz night",
                    vec![session(NOW + 9 * DAY_MS, "ON_SALE")],
                ),
                event(
                    "soon",
                    "Jazz Night",
                    "jazz night",
                    vec![session(NOW + 2 * DAY_MS, "ON_SALE")],
                ),
            ],
            NOW,
        );
        let order: Vec<&str> = ranked.iter().map(|m| m.event.event_id.as_str()).collect();
        assert_eq!(order, ["soon", "late", "mention"]);
    }

    #[test]
    fn the_page_pipeline_groups_by_the_earliest_matching_session() {
        let search = parse(&[("sort", "price"), ("page", "2"), ("per_page", "5")]).expect("valid");
        let pipeline = search.page_pipeline(NOW);
        assert_eq!(pipeline[0], doc! { "$match": search.filter(NOW) });
        assert_eq!(
            pipeline[2],
            doc! { "$match": {
                "sessions.status": { "$nin": ["CANCELLED", "cancelled"] },
                "sessions.ends_at_ms": { "$gt": NOW },
            } }
        );
        assert_eq!(
            pipeline[4],
            doc! { "$sort": { "price": 1, "next": 1, "_id": 1 } }
        );
        assert_eq!(pipeline[5], doc! { "$skip": 5_i64 });
        assert_eq!(pipeline[6], doc! { "$limit": 5_i64 });
    }
}
