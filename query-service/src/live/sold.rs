//! Seats announced as sold on the sales channel, remembered for a while by every replica.
//!
//! The announcement reaches us before the projector has written `sold_places`, and before
//! order-service deletes the seats' hold keys; remembering it keeps a snapshot from showing
//! a just-sold seat as held or free, and keeps the hold key's deletion from being reported
//! as a release.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

pub(crate) struct SoldLedger {
    retention: Duration,
    inner: Mutex<Ledger>,
}

struct Ledger {
    sessions: HashMap<String, SessionSales>,
    pruned_at: Instant,
}

struct SessionSales {
    seats: HashSet<String>,
    last_sale: Instant,
}

impl SoldLedger {
    pub fn new(retention: Duration) -> Self {
        Self {
            retention,
            inner: Mutex::new(Ledger {
                sessions: HashMap::new(),
                pruned_at: Instant::now(),
            }),
        }
    }

    fn ledger(&self) -> MutexGuard<'_, Ledger> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn record(&self, session_id: &str, seat_ids: &[String], now: Instant) {
        let mut ledger = self.ledger();
        // Forgetting happens a session at a time, after its last sale; by then the
        // projection has long caught up.
        if now.duration_since(ledger.pruned_at) >= self.retention / 4 {
            let retention = self.retention;
            ledger
                .sessions
                .retain(|_, sales| now.duration_since(sales.last_sale) < retention);
            ledger.pruned_at = now;
        }
        if seat_ids.is_empty() {
            return;
        }
        let sales = ledger
            .sessions
            .entry(session_id.to_owned())
            .or_insert_with(|| SessionSales {
                seats: HashSet::new(),
                last_sale: now,
            });
        sales.seats.extend(seat_ids.iter().cloned());
        sales.last_sale = now;
    }

    /// Refunded seats are for sale again: they are no longer remembered as sold.
    pub fn forget(&self, session_id: &str, seat_ids: &[String]) {
        let mut ledger = self.ledger();
        if let Some(sales) = ledger.sessions.get_mut(session_id) {
            for seat in seat_ids {
                sales.seats.remove(seat);
            }
        }
    }

    /// The seats of `seat_ids` that were announced sold.
    pub fn sold_among<'a>(&self, session_id: &str, seat_ids: &'a [String]) -> HashSet<&'a str> {
        let ledger = self.ledger();
        let Some(sales) = ledger.sessions.get(session_id) else {
            return HashSet::new();
        };
        seat_ids
            .iter()
            .filter(|seat| sales.seats.contains(seat.as_str()))
            .map(String::as_str)
            .collect()
    }

    pub fn sold_seats(&self, session_id: &str) -> Vec<String> {
        self.ledger()
            .sessions
            .get(session_id)
            .map(|sales| sales.seats.iter().cloned().collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seats(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|id| (*id).to_owned()).collect()
    }

    #[test]
    fn refunded_seats_are_forgotten() {
        let ledger = SoldLedger::new(Duration::from_secs(60));
        ledger.record("s", &seats(&["a", "b"]), Instant::now());
        ledger.forget("s", &seats(&["a"]));
        let asked = seats(&["a", "b"]);
        assert_eq!(ledger.sold_among("s", &asked), HashSet::from(["b"]));
    }

    #[test]
    fn sold_seats_are_remembered_per_session() {
        let ledger = SoldLedger::new(Duration::from_secs(60));
        let now = Instant::now();
        ledger.record("s1", &seats(&["A1", "A2"]), now);
        let asked = seats(&["A1", "A3"]);
        assert_eq!(ledger.sold_among("s1", &asked), HashSet::from(["A1"]));
        assert!(ledger.sold_among("s2", &asked).is_empty());
        let mut sold = ledger.sold_seats("s1");
        sold.sort();
        assert_eq!(sold, ["A1", "A2"]);
    }

    #[test]
    fn sales_are_forgotten_after_the_retention() {
        let ledger = SoldLedger::new(Duration::from_secs(60));
        let start = Instant::now();
        ledger.record("s1", &seats(&["A1"]), start);
        ledger.record("s2", &[], start + Duration::from_secs(61));
        assert!(ledger.sold_seats("s1").is_empty());
    }
}
