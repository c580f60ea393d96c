//! Delays between attempts to reach an engine that is not answering.

use std::time::Duration;

/// Exponential, capped, jittered delays between reconnection attempts, so replicas that lost
/// an engine together do not reconnect in lockstep.
#[derive(Debug, Clone)]
pub struct Backoff {
    min: Duration,
    max: Duration,
    attempt: u32,
}

impl Backoff {
    /// Delays start around `min` and never exceed `max`.
    pub fn new(min: Duration, max: Duration) -> Self {
        Self {
            min,
            max: max.max(min),
            attempt: 0,
        }
    }

    /// Starts again from `min`, after an attempt succeeded.
    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    /// Half the capped exponential delay, plus a random part of the other half.
    pub fn next_delay(&mut self) -> Duration {
        let ceiling = self
            .min
            .saturating_mul(2u32.saturating_pow(self.attempt))
            .min(self.max);
        self.attempt = self.attempt.saturating_add(1);
        let random = uuid::Uuid::new_v4().as_u64_pair().0;
        let fraction = (random >> 11) as f64 / (1u64 << 53) as f64;
        ceiling / 2 + ceiling.mul_f64(fraction / 2.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reconnection_delays_grow_to_a_cap_with_jitter() {
        let mut backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(1));
        let delays: Vec<Duration> = (0..8).map(|_| backoff.next_delay()).collect();
        let ceilings = [100, 200, 400, 800, 1000, 1000, 1000, 1000];
        for (delay, ceiling) in delays.iter().zip(ceilings) {
            let ceiling = Duration::from_millis(ceiling);
            assert!(
                *delay >= ceiling / 2 && *delay <= ceiling,
                "{delay:?} within {ceiling:?}"
            );
        }
        backoff.reset();
        assert!(backoff.next_delay() <= Duration::from_millis(100));
    }

    #[test]
    fn a_maximum_below_the_minimum_is_raised_to_it() {
        let mut backoff = Backoff::new(Duration::from_millis(300), Duration::from_millis(10));
        for _ in 0..4 {
            let delay = backoff.next_delay();
            assert!(delay >= Duration::from_millis(150) && delay <= Duration::from_millis(300));
        }
    }
}
