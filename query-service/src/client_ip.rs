//! Who "the client" is behind the proxy: the runtime's rule, shared with every service
//! (`TRUSTED_PROXIES`). The catalogue counts visitors by it and the live streams limit
//! streams by it.

pub use service_runtime::ClientIp;
