//! The per-client limit on open streams, and who "the client" is behind the local proxy.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

use super::LiveError;

/// The address of the client a request comes from: the peer, or, when the peer is a proxy on
/// this host, the address that proxy saw (the last `X-Forwarded-For` entry, the one it
/// appended; earlier entries are whatever the client chose to send).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        Ok(Self(client_ip(peer, &parts.headers)))
    }
}

fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap) -> IpAddr {
    let peer = peer.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    if !peer.is_loopback() {
        return peer;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .next_back()
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.rsplit(',').next())
        .map(str::trim)
        .and_then(|entry| {
            entry
                .parse::<IpAddr>()
                .ok()
                .or_else(|| entry.parse::<SocketAddr>().ok().map(|addr| addr.ip()))
        })
        .unwrap_or(peer)
}

/// Counts open streams per client address.
pub(crate) struct StreamLimiter {
    /// 0: unlimited.
    max_per_ip: usize,
    open: Mutex<HashMap<IpAddr, usize>>,
}

impl StreamLimiter {
    pub fn new(max_per_ip: usize) -> Self {
        Self {
            max_per_ip,
            open: Mutex::new(HashMap::new()),
        }
    }

    fn open(&self) -> MutexGuard<'_, HashMap<IpAddr, usize>> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// One more stream for `ip`, released when the permit is dropped.
    pub fn acquire(self: &Arc<Self>, ip: IpAddr) -> Result<StreamPermit, LiveError> {
        let mut open = self.open();
        let count = open.entry(ip).or_insert(0);
        if self.max_per_ip > 0 && *count >= self.max_per_ip {
            return Err(LiveError::TooManyStreams {
                limit: self.max_per_ip,
            });
        }
        *count += 1;
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
        if let Some(count) = open.get_mut(&self.ip) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(
                "x-forwarded-for",
                HeaderValue::from_str(value).expect("ascii"),
            );
        }
        headers
    }

    #[test]
    fn the_proxy_entry_counts_only_behind_a_local_proxy() {
        let loopback = Some(IpAddr::from([127, 0, 0, 1]));
        let remote = Some(IpAddr::from([203, 0, 113, 7]));
        let headers = forwarded(&["10.0.0.1, 198.51.100.4"]);
        assert_eq!(
            client_ip(loopback, &headers),
            IpAddr::from([198, 51, 100, 4])
        );
        assert_eq!(client_ip(remote, &headers), IpAddr::from([203, 0, 113, 7]));
        assert_eq!(
            client_ip(loopback, &forwarded(&["1.1.1.1", "198.51.100.9"])),
            IpAddr::from([198, 51, 100, 9])
        );
        assert_eq!(
            client_ip(loopback, &forwarded(&["bogus"])),
            IpAddr::from([127, 0, 0, 1])
        );
        assert_eq!(
            client_ip(loopback, &HeaderMap::new()),
            IpAddr::from([127, 0, 0, 1])
        );
    }

    #[test]
    fn a_client_gets_at_most_its_share_of_streams() {
        let limiter = Arc::new(StreamLimiter::new(2));
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
        let limiter = Arc::new(StreamLimiter::new(0));
        let ip = IpAddr::from([192, 0, 2, 1]);
        let permits: Vec<_> = (0..100).map(|_| limiter.acquire(ip)).collect();
        assert!(permits.iter().all(Result::is_ok));
    }
}
