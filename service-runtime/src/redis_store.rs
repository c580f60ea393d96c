//! One way to reach Redis, whether it is a single server or a Redis Cluster.
//!
//! Commands go through [`RedisConnection`], which routes by key in a cluster; the key layouts
//! (`shared_dto::seat_hold`, `shared_dto::trending`) put everything one script or transaction
//! touches in one hash slot. Keyspace notifications are per node in a cluster, so whoever
//! watches them subscribes on every master ([`RedisStore::keyspace_clients`]); ordinary
//! pub/sub messages reach every node, so one subscription anywhere is enough.

use std::sync::Arc;
use std::time::Duration;

use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig};
use redis::cluster::ClusterClient;
use redis::cluster_async::ClusterConnection;
use redis::{Cmd, Pipeline, RedisFuture, RedisResult, Value};
use tokio::sync::OnceCell;

/// How long a connection attempt or a reply may take before it counts as failed.
const TIMEOUT: Duration = Duration::from_secs(2);

/// A connection to the store (cheap to clone: clones share it).
#[derive(Clone)]
pub enum RedisConnection {
    Single(ConnectionManager),
    Cluster(ClusterConnection),
}

impl ConnectionLike for RedisConnection {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            Self::Single(connection) => connection.req_packed_command(cmd),
            Self::Cluster(connection) => connection.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Self::Single(connection) => connection.req_packed_commands(pipeline, offset, count),
            Self::Cluster(connection) => connection.req_packed_commands(pipeline, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Self::Single(connection) => connection.get_db(),
            Self::Cluster(connection) => connection.get_db(),
        }
    }
}

enum Topology {
    Single(ConnectionManager),
    // Boxed: the cluster client is large, and there is one store per service.
    Cluster(Box<ClusterTopology>),
}

struct ClusterTopology {
    client: ClusterClient,
    connection: OnceCell<ClusterConnection>,
}

struct Inner {
    topology: Topology,
    /// The configured nodes (one for a single server; the seed nodes of a cluster).
    nodes: Vec<redis::Client>,
}

/// Redis as a service sees it; connects lazily, so Redis being down makes requests fail (and
/// the service not ready) rather than the start-up.
#[derive(Clone)]
pub struct RedisStore(Arc<Inner>);

impl RedisStore {
    /// A single server at `url`.
    pub fn single(url: &str) -> RedisResult<Self> {
        let client = redis::Client::open(url)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(TIMEOUT))
            .set_response_timeout(Some(TIMEOUT))
            .set_number_of_retries(2);
        let connection = ConnectionManager::new_lazy_with_config(client.clone(), config)?;
        Ok(Self(Arc::new(Inner {
            topology: Topology::Single(connection),
            nodes: vec![client],
        })))
    }

    /// A Redis Cluster reached through any of `seeds`.
    pub fn cluster(seeds: &[&str]) -> RedisResult<Self> {
        let nodes = seeds
            .iter()
            .map(|url| redis::Client::open(*url))
            .collect::<RedisResult<Vec<_>>>()?;
        let client = ClusterClient::builder(seeds.iter().copied())
            .connection_timeout(TIMEOUT)
            .response_timeout(TIMEOUT)
            .retries(2)
            .build()?;
        Ok(Self(Arc::new(Inner {
            topology: Topology::Cluster(Box::new(ClusterTopology {
                client,
                connection: OnceCell::new(),
            })),
            nodes,
        })))
    }

    pub fn is_cluster(&self) -> bool {
        matches!(self.0.topology, Topology::Cluster(_))
    }

    /// The shared connection, made on first use (and again after a failed first try).
    pub async fn connection(&self) -> RedisResult<RedisConnection> {
        match &self.0.topology {
            Topology::Single(connection) => Ok(RedisConnection::Single(connection.clone())),
            Topology::Cluster(cluster) => {
                let connection = cluster
                    .connection
                    .get_or_try_init(|| cluster.client.get_async_connection())
                    .await?;
                Ok(RedisConnection::Cluster(connection.clone()))
            }
        }
    }

    /// A node to subscribe to pub/sub channels on (published messages reach every node of a
    /// cluster) and to probe.
    pub fn any_node(&self) -> redis::Client {
        self.0.nodes[0].clone()
    }

    /// Every node whose keyspace notifications must be watched: the server itself, or each
    /// master of the cluster as it is now (asked again after every reconnection, so a failover
    /// is followed).
    pub async fn keyspace_clients(&self) -> RedisResult<Vec<redis::Client>> {
        if !self.is_cluster() {
            return Ok(self.0.nodes.clone());
        }
        let mut last_error = None;
        for seed in &self.0.nodes {
            match masters_seen_by(seed).await {
                Ok(masters) => return Ok(masters),
                Err(error) => last_error = Some(error),
            }
        }
        Err(last_error.unwrap_or_else(|| {
            redis::RedisError::from((redis::ErrorKind::Client, "no Redis Cluster seed nodes"))
        }))
    }
}

async fn masters_seen_by(seed: &redis::Client) -> RedisResult<Vec<redis::Client>> {
    let mut connection = tokio::time::timeout(TIMEOUT, seed.get_multiplexed_async_connection())
        .await
        .map_err(|_| redis::RedisError::from((redis::ErrorKind::Io, "connecting timed out")))??;
    let nodes: String = redis::cmd("CLUSTER")
        .arg("NODES")
        .query_async(&mut connection)
        .await?;
    let seed_info = seed.get_connection_info();
    masters_in(&nodes)
        .into_iter()
        .map(|(host, port)| {
            let mut info = seed_info.clone();
            info = info.set_addr(redis::ConnectionAddr::Tcp(host, port));
            redis::Client::open(info)
        })
        .collect()
}

/// `(host, port)` of each master in a `CLUSTER NODES` reply that is connected and serves slots.
fn masters_in(nodes: &str) -> Vec<(String, u16)> {
    nodes
        .lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let flags = fields.get(2)?;
            let master = flags.split(',').any(|flag| flag == "master")
                && !flags
                    .split(',')
                    .any(|flag| flag == "fail" || flag == "noaddr");
            let serves_slots = fields.len() > 8;
            if !master || !serves_slots || fields.get(7) != Some(&"connected") {
                return None;
            }
            // `host:port@cluster-port[,hostname]`
            let address = fields.get(1)?.split('@').next()?;
            let (host, port) = address.rsplit_once(':')?;
            Some((host.to_owned(), port.parse().ok()?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_connected_masters_serving_slots_are_watched() {
        let nodes = "\
07c3 127.0.0.1:30001@40001 myself,master - 0 0 1 connected 0-5460
67ed 127.0.0.1:30002@40002 master - 0 1426238316232 2 connected 5461-10922
292f 127.0.0.1:30003@40003 master,fail - 0 1426238316232 3 connected 10923-16383
6ec2 127.0.0.1:30004@40004 slave 07c3 0 1426238317239 1 connected
824f 127.0.0.1:30005@40005 master - 0 1426238317741 5 connected
";
        assert_eq!(
            masters_in(nodes),
            [
                ("127.0.0.1".to_owned(), 30001),
                ("127.0.0.1".to_owned(), 30002)
            ]
        );
    }
}
