//! Limits on open streams: per client address and per replica.
//!
//! The per-address limit is there against one client opening streams until the replica runs
//! out of memory, not to ration ordinary visitors; but everyone behind one NAT address (a
//! venue's Wi-Fi, a mobile carrier's gateway) shares it, so it is set far above what one
//! person opens (default 2,000; a stream costs about 20 KiB) and IPv6 clients are counted per
//! /64, the block one subscriber is given. What protects the replica as a whole is the
//! replica-wide limit, which does not care how the streams are spread over addresses.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::LiveError;

/// Counts open streams per client address and in all.
pub(crate) struct StreamLimiter {
    /// 0: unlimited.
    max_per_ip: usize,
    /// 0: unlimited.
    max_total: usize,
    open: Mutex<Open>,
}

#[derive(Default)]
struct Open {
    total: usize,
    per_client: HashMap<IpAddr, usize>,
}

/// The address a client is counted under: itself, or for IPv6 its /64.
fn counted_as(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !((1u128 << 64) - 1))),
        },
    }
}

impl StreamLimiter {
    pub fn new(max_per_ip: usize, max_total: usize) -> Self {
        Self {
            max_per_ip,
            max_total,
            open: Mutex::new(Open::default()),
        }
    }

    fn open(&self) -> MutexGuard<'_, Open> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// One more stream for `ip`, released when the permit is dropped.
    pub fn acquire(self: &Arc<Self>, ip: IpAddr) -> Result<StreamPermit, LiveError> {
        let ip = counted_as(ip);
        let mut open = self.open();
        if self.max_total > 0 && open.total >= self.max_total {
            return Err(LiveError::ReplicaFull);
        }
        let count = open.per_client.entry(ip).or_insert(0);
        if self.max_per_ip > 0 && *count >= self.max_per_ip {
            return Err(LiveError::TooManyStreams {
                limit: self.max_per_ip,
            });
        }
        *count += 1;
        open.total += 1;
        Ok(StreamPermit {
            limiter: Arc::clone(self),
            ip,
        })
    }
}

pub(crate) struct StreamPermit {
    limiter: Arc<StreamLimiter>,
    ip: IpAddr,
}

impl Drop for StreamPermit {
    fn drop(&mut self) {
        let mut open = self.limiter.open();
        open.total = open.total.saturating_sub(1);
        if let Some(count) = open.per_client.get_mut(&self.ip) {
            *count -= 1;
            if *count == 0 {
                open.per_client.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_gets_at_most_its_share_of_streams() {
        let limiter = Arc::new(StreamLimiter::new(2, 0));
        let ip = IpAddr::from([192, 0, 2, 1]);
        let first = limiter.acquire(ip).expect("first");
        let _second = limiter.acquire(ip).expect("second");
        assert!(limiter.acquire(ip).is_err());
        assert!(limiter.acquire(IpAddr::from([192, 0, 2, 2])).is_ok());
        drop(first);
        assert!(limiter.acquire(ip).is_ok());
    }

    #[test]
    fn zero_means_unlimited() {
        let limiter = Arc::new(StreamLimiter::new(0, 0));
        let ip = IpAddr::from([192, 0, 2, 1]);
        let permits: Vec<_> = (0..100).map(|_| limiter.acquire(ip)).collect();
        assert!(permits.iter().all(Result::is_ok));
    }

    #[test]
    fn an_ipv6_client_is_counted_by_its_64_block() {
        let limiter = Arc::new(StreamLimiter::new(1, 0));
        let _first = limiter
            .acquire("2001:db8:1:2::1".parse().expect("ip"))
            .expect("first");
        assert!(
            limiter
                .acquire("2001:db8:1:2::ff".parse().expect("ip"))
                .is_err()
        );
        assert!(
            limiter
                .acquire("2001:db8:1:3::1".parse().expect("ip"))
                .is_ok()
        );
    }

    #[test]
    fn the_replica_limit_holds_whatever_the_addresses() {
        let limiter = Arc::new(StreamLimiter::new(0, 2));
        let _a = limiter.acquire(IpAddr::from([192, 0, 2, 1])).expect("a");
        let b = limiter.acquire(IpAddr::from([192, 0, 2, 2])).expect("b");
        assert!(matches!(
            limiter.acquire(IpAddr::from([192, 0, 2, 3])),
            Err(LiveError::ReplicaFull)
        ));
        drop(b);
        assert!(limiter.acquire(IpAddr::from([192, 0, 2, 3])).is_ok());
    }
}
