//! Who "the client" is for the join limit: the peer address, or, when the peer is a proxy on
//! this host, the address that proxy saw (the last `X-Forwarded-For` entry, the one it
//! appended; earlier entries are whatever the client chose to send). The same rule as
//! query-service's live streams.

use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        Ok(Self(client_address(peer, &parts.headers)))
    }
}

fn client_address(peer: Option<IpAddr>, headers: &HeaderMap) -> IpAddr {
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
        .and_then(|entry| entry.parse::<IpAddr>().ok())
        .unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn the_forwarded_address_counts_only_behind_a_local_proxy() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("10.0.0.1, 198.51.100.4"),
        );
        let loopback = Some(IpAddr::from([127, 0, 0, 1]));
        let remote = Some(IpAddr::from([203, 0, 113, 7]));
        assert_eq!(
            client_address(loopback, &headers),
            IpAddr::from([198, 51, 100, 4])
        );
        assert_eq!(
            client_address(remote, &headers),
            IpAddr::from([203, 0, 113, 7])
        );
        assert_eq!(
            client_address(loopback, &HeaderMap::new()),
            IpAddr::from([127, 0, 0, 1])
        );
    }
}
