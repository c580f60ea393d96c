//! Ranking in process: what made an event match (its next session, distance, word
//! relevance) and the requested order.

use std::cmp::Ordering;

use shared_dto::read_model::{EventDocument, SessionView};

use super::params::{Search, SortOrder, words};
use crate::catalog::geo::Coordinates;

/// A word found in the title outweighs any number of hits elsewhere (capped below).
const TITLE_WEIGHT: u32 = 10;
const MAX_TITLE_HITS: u32 = 3;
const MAX_TEXT_HITS: u32 = TITLE_WEIGHT - 1;

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
