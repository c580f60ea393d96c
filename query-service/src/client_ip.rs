//! Who "the client" is: the peer address, or, behind a proxy on this host, the address that
//! proxy saw. The catalogue counts visitors by it and the live streams limit streams by it.

use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

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
}
