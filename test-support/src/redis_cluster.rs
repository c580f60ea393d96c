//! A real three-master Redis Cluster on loopback, for one test: started from the same
//! `redis-server` the local stack runs, with keyspace notifications as the stack configures
//! them, and stopped when the value is dropped.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::wait_until;

const MASTERS: usize = 3;

pub struct RedisCluster {
    nodes: Vec<Child>,
    ports: Vec<u16>,
    dir: PathBuf,
}

/// A port that is free, and whose cluster bus port (`port + 10000`) is free too.
fn free_port_pair() -> u16 {
    loop {
        let port = crate::free_port();
        if port > 55_000 {
            continue;
        }
        if std::net::TcpListener::bind(("127.0.0.1", port + 10_000)).is_ok() {
            return port;
        }
    }
}

impl RedisCluster {
    pub async fn start() -> Self {
        let dir = std::env::temp_dir().join(crate::unique_name("redis-cluster"));
        std::fs::create_dir_all(&dir).expect("the cluster's directory");
        let mut nodes = Vec::new();
        let mut ports = Vec::new();
        for _ in 0..MASTERS {
            let port = free_port_pair();
            let node = Command::new("redis-server")
                .args([
                    "--port",
                    &port.to_string(),
                    "--bind",
                    "127.0.0.1",
                    "--dir",
                    &dir.display().to_string(),
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    &format!("nodes-{port}.conf"),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--notify-keyspace-events",
                    "K$gx",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("redis-server starts");
            nodes.push(node);
            ports.push(port);
        }
        let cluster = Self { nodes, ports, dir };
        for port in &cluster.ports {
            let port = *port;
            wait_until(
                &format!("redis node {port} answers"),
                Duration::from_secs(10),
                || async move { (cli(port, &["PING"]).as_deref() == Some("PONG")).then_some(()) },
            )
            .await;
        }
        let addresses: Vec<String> = cluster
            .ports
            .iter()
            .map(|port| format!("127.0.0.1:{port}"))
            .collect();
        let created = Command::new("redis-cli")
            .arg("--cluster")
            .arg("create")
            .args(&addresses)
            .args(["--cluster-replicas", "0", "--cluster-yes"])
            .output()
            .expect("redis-cli runs");
        assert!(
            created.status.success(),
            "creating the cluster: {}{}",
            String::from_utf8_lossy(&created.stdout),
            String::from_utf8_lossy(&created.stderr)
        );
        for port in &cluster.ports {
            let port = *port;
            wait_until(
                &format!("node {port} sees the cluster ok"),
                Duration::from_secs(20),
                || async move {
                    cli(port, &["CLUSTER", "INFO"])
                        .is_some_and(|info| info.contains("cluster_state:ok"))
                        .then_some(())
                },
            )
            .await;
        }
        cluster
    }

    /// The nodes' URLs, comma-separated, as `REDIS_URL` takes them with `REDIS_CLUSTER`.
    pub fn urls(&self) -> String {
        self.ports
            .iter()
            .map(|port| format!("redis://127.0.0.1:{port}/"))
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn ports(&self) -> &[u16] {
        &self.ports
    }

    /// The port of the master that holds `key`.
    pub fn master_of(&self, key: &str) -> u16 {
        let slot: u16 = cli(self.ports[0], &["CLUSTER", "KEYSLOT", key])
            .and_then(|slot| slot.trim().parse().ok())
            .expect("a slot");
        let nodes = cli(self.ports[0], &["CLUSTER", "NODES"]).expect("the cluster's nodes");
        nodes
            .lines()
            .filter(|line| line.contains("master") && serves(line, slot))
            .find_map(|line| {
                let address = line.split_whitespace().nth(1)?.split('@').next()?;
                address.rsplit_once(':')?.1.parse().ok()
            })
            .unwrap_or_else(|| panic!("no master serves slot {slot}"))
    }
}

/// Whether a `CLUSTER NODES` line's slot ranges include `slot`.
fn serves(line: &str, slot: u16) -> bool {
    line.split_whitespace().skip(8).any(|range| {
        let (start, end) = range.split_once('-').unwrap_or((range, range));
        matches!((start.parse::<u16>(), end.parse::<u16>()), (Ok(start), Ok(end)) if (start..=end).contains(&slot))
    })
}

fn cli(port: u16, arguments: &[&str]) -> Option<String> {
    let output = Command::new("redis-cli")
        .args(["-p", &port.to_string()])
        .args(arguments)
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

impl Drop for RedisCluster {
    fn drop(&mut self) {
        for node in &mut self.nodes {
            let _ = node.kill();
            let _ = node.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
