//! Catalogue search: query parameters parsed into criteria (`params`), the read-store filter
//! and pipeline that find and order events (`filter`), and the ranking done here where the
//! read store cannot do it: word relevance, exact distance (`rank`).
//!
//! An event is listed when it is published and has at least one session that is not
//! cancelled, has not ended yet and (with `from`/`to`) starts within the requested window.
//! Its "next session" is the earliest such session, within the radius when `near` is given.

mod filter;
mod params;
mod rank;

pub use filter::{SessionCriteria, listed};
pub use params::{
    DEFAULT_PER_PAGE, DEFAULT_RADIUS_KM, InvalidParameter, LISTED_STATUS, MAX_PAGE, MAX_PER_PAGE,
    MAX_RADIUS_KM, Search, SearchParams, SortOrder, words,
};
pub use rank::{Match, relevance};

#[cfg(test)]
use filter::word_pattern;
#[cfg(test)]
mod tests;
