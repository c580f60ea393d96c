//! Who "the client" is: the peer address, or, when the peer is a proxy this service trusts,
//! the address that proxy saw. Per-address limits (queue joins, live streams) and visitor
//! counts key on it, so it must be neither forgeable by a client (an `X-Forwarded-For` it
//! sends itself) nor the proxy's own address (which would put every buyer behind one key).

use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use ipnet::IpNet;

/// The proxies whose `X-Forwarded-For` entries are believed: by default this host's own
/// (the local origin's nginx); in a cluster also the ingress pods' network.
#[derive(Debug, Clone)]
pub struct TrustedProxies(Arc<[IpNet]>);

impl TrustedProxies {
    /// A peer on this host is the local origin's proxy.
    fn trusts_peer(&self, peer: IpAddr) -> bool {
        peer.is_loopback() || self.lists(peer)
    }

    /// A forwarded hop counts as a proxy only when listed: a loopback entry in the header is
    /// a client on this host (or one pretending), not a proxy to look past.
    fn lists(&self, address: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&address))
    }
}

impl Default for TrustedProxies {
    fn default() -> Self {
        Self(Arc::from(Vec::new()))
    }
}

impl FromStr for TrustedProxies {
    type Err = String;

    /// Comma-separated networks (`10.42.0.0/16`) or single addresses; loopback is always
    /// trusted.
    fn from_str(list: &str) -> Result<Self, Self::Err> {
        let nets = list
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        format!("{entry:?} is neither a network (10.42.0.0/16) nor an address")
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self(Arc::from(nets)))
    }
}

/// The address of the client a request comes from. Reads the [`TrustedProxies`] the server
/// put in the request's extensions (loopback only when there are none, as in a router tested
/// on its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        let trusted = parts
            .extensions
            .get::<TrustedProxies>()
            .cloned()
            .unwrap_or_default();
        Ok(Self(client_ip(peer, &parts.headers, &trusted)))
    }
}

/// Walks `X-Forwarded-For` from the right (each proxy appends the address it saw) while the
/// hop is a trusted proxy; the first address that is not one is the client. Entries left of
/// it are whatever the client chose to send and count for nothing.
fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &TrustedProxies) -> IpAddr {
    let mut client = peer.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    if !trusted.trusts_peer(client) {
        return client;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect();
    for hop in hops.into_iter().rev() {
        let Some(address) = hop
            .parse::<IpAddr>()
            .ok()
            .or_else(|| hop.parse::<SocketAddr>().ok().map(|addr| addr.ip()))
        else {
            break;
        };
        client = address;
        if !trusted.lists(address) {
            break;
        }
    }
    client
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

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    #[test]
    fn the_proxy_entry_counts_only_behind_a_local_proxy() {
        let local = TrustedProxies::default();
        let loopback = Some(ip("127.0.0.1"));
        let remote = Some(ip("203.0.113.7"));
        let headers = forwarded(&["10.0.0.1, 198.51.100.4"]);
        assert_eq!(client_ip(loopback, &headers, &local), ip("198.51.100.4"));
        assert_eq!(client_ip(remote, &headers, &local), ip("203.0.113.7"));
        assert_eq!(
            client_ip(loopback, &forwarded(&["1.1.1.1", "198.51.100.9"]), &local),
            ip("198.51.100.9")
        );
        assert_eq!(
            client_ip(loopback, &forwarded(&["bogus"]), &local),
            ip("127.0.0.1")
        );
        assert_eq!(
            client_ip(loopback, &HeaderMap::new(), &local),
            ip("127.0.0.1")
        );
        // The local proxy saw a client on this host: entries it did not write count for nothing.
        assert_eq!(
            client_ip(loopback, &forwarded(&["6.6.6.6, 127.0.0.5"]), &local),
            ip("127.0.0.5")
        );
    }

    #[test]
    fn an_ingress_in_a_trusted_network_passes_on_the_address_it_saw() {
        let cluster: TrustedProxies = "10.42.0.0/16".parse().expect("valid");
        let ingress = Some(ip("10.42.1.17"));
        // The client forged the first entry; the ingress appended the address it saw.
        let headers = forwarded(&["6.6.6.6, 198.51.100.4"]);
        assert_eq!(client_ip(ingress, &headers, &cluster), ip("198.51.100.4"));
        // Without the setting the ingress itself would be everyone's address.
        assert_eq!(
            client_ip(ingress, &headers, &TrustedProxies::default()),
            ip("10.42.1.17")
        );
        // A chain of trusted proxies is walked to the first address outside them.
        let chain = forwarded(&["198.51.100.4, 10.42.0.9"]);
        assert_eq!(client_ip(ingress, &chain, &cluster), ip("198.51.100.4"));
    }

    #[test]
    fn a_bad_network_is_named() {
        let error = "10.42.0.0/16, nonsense"
            .parse::<TrustedProxies>()
            .expect_err("not a network");
        assert!(error.contains("nonsense"), "{error}");
        assert!("".parse::<TrustedProxies>().is_ok());
        assert!("::1, 192.0.2.1".parse::<TrustedProxies>().is_ok());
    }
}
