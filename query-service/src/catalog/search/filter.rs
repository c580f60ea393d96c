//! The read-store side of a search: which events and sessions match, as MongoDB filters and
//! the page pipeline, and the same session criteria applied in process.

use mongodb::bson::{Bson, Document, doc};
use shared_dto::read_model::SessionView;
use shared_dto::status::SessionStatus;

use super::params::{LISTED_STATUS, Search, SortOrder};

/// Sessions that never make an event match. The read model writes the wire spelling (upper
/// case); the column spelling is refused too, so a differently spelled projection cannot
/// list cancelled sessions.
fn cancelled_spellings() -> [&'static str; 2] {
    [
        SessionStatus::Cancelled.as_str(),
        SessionStatus::Cancelled.as_db_str(),
    ]
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
            format!("{prefix}status"): { "$nin": cancelled_spellings().to_vec() },
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
        session.status != SessionStatus::Cancelled
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
        "status": LISTED_STATUS.as_str(),
        "sessions": { "$elemMatch": SessionCriteria::upcoming(now_ms).conditions("") },
    }
}

/// The pattern for one query word over the lower-cased `search_text`: the word must start a
/// word of the text. `\b` only knows ASCII word characters in MongoDB's regex engine, so a
/// word starting with anything else matches anywhere.
pub(super) fn word_pattern(word: &str) -> String {
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
            "status": LISTED_STATUS.as_str(),
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
}
