//! SSE fan-out benchmark: runs a query-service process, opens many seat streams to it, makes
//! holds the way order-service does, and reports hold → client latency and the server's
//! memory per open stream.
//!
//! A `cargo bench` target rather than a binary, so building the services (`--bins`, as
//! `devstack/stack up` does) leaves it out:
//!
//! ```sh
//! cargo bench -p query-service --bench sse_fanout -- --clients 1000
//! cargo bench -p query-service --bench sse_fanout -- --clients 10000 --holds 20   # needs ~10,100 descriptors
//! ```

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use shared_dto::layout::{Block, Layout, Seat, SeatedGrid, Size};
use shared_dto::read_model::{SeatMapDocument, TierView, collection};
use shared_dto::seat_hold::HoldKeys;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use uuid::Uuid;

/// Fan-out benchmark of the live seat streams. Each client and each server connection is a
/// file descriptor: the benchmark and the server each need a little more than `--clients`
/// of them (see `ulimit -n`; raise it with e.g. `ulimit -n 65536` where the hard limit allows).
#[derive(Debug, Parser)]
#[command(name = "sse_fanout")]
struct Args {
    /// Open streams (e.g. 1000, 5000, 10000).
    #[arg(long, default_value_t = 1_000)]
    clients: usize,
    /// Holds to make once every stream is open, one seat each.
    #[arg(long, default_value_t = 20)]
    holds: usize,
    /// Pause between two holds, in ms.
    #[arg(long, default_value_t = 100)]
    hold_interval_ms: u64,
    /// Streams being opened at once.
    #[arg(long, default_value_t = 200)]
    connect_concurrency: usize,
    /// The query-service binary (default: the one cargo built with this benchmark).
    #[arg(long)]
    server: Option<PathBuf>,
    #[arg(long, env = "REDIS_URL", default_value = "redis://127.0.0.1:16379/")]
    redis_url: String,
    #[arg(long, env = "MONGO_URL", default_value = "mongodb://127.0.0.1:17017/")]
    mongo_url: String,
    /// How long to wait for every client to see every hold, in seconds.
    #[arg(long, default_value_t = 60)]
    deadline_secs: u64,
    /// Passed by `cargo bench` to every benchmark target; nothing to do with it here.
    #[arg(long, hide = true)]
    bench: bool,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    tokio::runtime::Runtime::new()?.block_on(run(args))
}

async fn run(args: Args) -> anyhow::Result<()> {
    check_descriptors(args.clients)?;
    let server_binary = match &args.server {
        Some(path) => path.clone(),
        None => PathBuf::from(env!("CARGO_BIN_EXE_query-service")),
    };
    let prefix = format!("bench:{}:", Uuid::new_v4().simple());
    let keys = HoldKeys::new(prefix.as_str());
    let mongo = mongodb::Client::with_uri_str(&args.mongo_url).await?;
    let database = mongo.database(&format!("bench_{}", Uuid::new_v4().simple()));
    let session_id = Uuid::new_v4().to_string();
    let seat_ids: Vec<String> = (0..args.holds.max(1)).map(|i| format!("b-{i}")).collect();
    seed_seat_map(&database, &session_id, &seat_ids).await?;

    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut server = tokio::process::Command::new(&server_binary)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .args([
            "--redis-url",
            &args.redis_url,
            "--mongo-url",
            &args.mongo_url,
        ])
        .args([
            "--mongo-database",
            database.name(),
            "--hold-key-prefix",
            &prefix,
        ])
        .args(["--sse-max-streams-per-ip", "0", "--log", "warn"])
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("starting {}", server_binary.display()))?;
    let server_pid = server.id().context("the server's pid")?;
    let base = format!("http://127.0.0.1:{port}");
    let outcome = measure(&args, &base, server_pid, &keys, &session_id, &seat_ids).await;

    let _ = tokio::process::Command::new("kill")
        .args(["-TERM", &server_pid.to_string()])
        .status()
        .await;
    let _ = tokio::time::timeout(Duration::from_secs(10), server.wait()).await;
    let _ = database.drop().await;
    if let Ok(client) = redis::Client::open(args.redis_url.as_str())
        && let Ok(mut connection) = client.get_multiplexed_async_connection().await
    {
        let held: Vec<String> = seat_ids
            .iter()
            .map(|seat| keys.seat(&session_id, seat))
            .collect();
        let _ = redis::cmd("DEL")
            .arg(held)
            .query_async::<()>(&mut connection)
            .await;
    }
    outcome
}

async fn measure(
    args: &Args,
    base: &str,
    server_pid: u32,
    keys: &HoldKeys,
    session_id: &str,
    seat_ids: &[String],
) -> anyhow::Result<()> {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()?;
    wait_for_health(&http, base).await?;
    let url = format!("{base}/api/catalog/sessions/{session_id}/seats/stream");
    let sent_at: Arc<Vec<OnceLock<Instant>>> =
        Arc::new(seat_ids.iter().map(|_| OnceLock::new()).collect());

    // One stream first, so the baseline includes what every stream shares (the session's
    // channel, its snapshot, the engine connections).
    let mut clients = JoinSet::new();
    let ready = Arc::new(Semaphore::new(0));
    let expected = seat_ids.len();
    spawn_client(&mut clients, &http, &url, &sent_at, &ready, expected, None);
    ready.acquire().await?.forget();
    let rss_before = rss_kib(server_pid)?;

    let connecting = Instant::now();
    let gate = Arc::new(Semaphore::new(args.connect_concurrency.max(1)));
    for _ in 0..args.clients {
        spawn_client(
            &mut clients,
            &http,
            &url,
            &sent_at,
            &ready,
            expected,
            Some(Arc::clone(&gate)),
        );
    }
    let all_ready = u32::try_from(args.clients)?;
    tokio::time::timeout(
        Duration::from_secs(args.deadline_secs),
        ready.acquire_many(all_ready),
    )
    .await
    .context("every stream opened in time")??
    .forget();
    let connect_time = connecting.elapsed();
    let rss_after = rss_kib(server_pid)?;

    let cpu_before = (cpu_time(Some(server_pid))?, cpu_time(None)?);
    let redis = redis::Client::open(args.redis_url.as_str())?;
    let mut connection = redis.get_multiplexed_async_connection().await?;
    for (index, seat) in seat_ids.iter().enumerate() {
        let _ = sent_at[index].set(Instant::now());
        redis::cmd("SET")
            .arg(keys.seat(session_id, seat))
            .arg("bench")
            .arg("NX")
            .arg("PX")
            .arg(300_000)
            .query_async::<Option<String>>(&mut connection)
            .await?;
        tokio::time::sleep(Duration::from_millis(args.hold_interval_ms)).await;
    }

    let mut latencies: Vec<Duration> = Vec::with_capacity((args.clients + 1) * expected);
    let mut incomplete = 0usize;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(args.deadline_secs);
    while let Ok(Some(joined)) = tokio::time::timeout_at(deadline, clients.join_next()).await {
        match joined {
            Ok(Ok(seen)) => latencies.extend(seen),
            Ok(Err(_)) | Err(_) => incomplete += 1,
        }
    }
    incomplete += clients.len();
    clients.abort_all();
    let rss_end = rss_kib(server_pid)?;
    let server_cpu = cpu_time(Some(server_pid))?.since(cpu_before.0);
    let bench_cpu = cpu_time(None)?.since(cpu_before.1);
    latencies.sort();

    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "clients {}  holds {}  samples {}  incomplete clients {}",
        args.clients,
        expected,
        latencies.len(),
        incomplete
    )?;
    writeln!(out, "streams opened in {connect_time:.2?}")?;
    writeln!(
        out,
        "hold -> client latency  p50 {:.2?}  p99 {:.2?}  max {:.2?}",
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or_default()
    )?;
    let per_stream = (rss_after.saturating_sub(rss_before)) as f64 / args.clients.max(1) as f64;
    writeln!(
        out,
        "server RSS  before {} KiB  with streams {} KiB  after holds {} KiB  => {:.1} KiB per stream",
        rss_before, rss_after, rss_end, per_stream
    )?;
    let deliveries = latencies.len().max(1) as u32;
    writeln!(
        out,
        "CPU while holding  server {:.2?} (user {:.2?}, system {:.2?}; {:.1?} per delivered event)  clients {:.2?}",
        server_cpu.total(),
        server_cpu.user,
        server_cpu.system,
        server_cpu.total() / deliveries,
        bench_cpu.total()
    )?;
    if incomplete > 0 {
        bail!("{incomplete} clients did not see every hold");
    }
    Ok(())
}

/// One client: waits for its snapshot (then adds a permit to `ready`), and returns the
/// latency of every hold it was told about, until it has seen `expected` of them.
fn spawn_client(
    clients: &mut JoinSet<anyhow::Result<Vec<Duration>>>,
    http: &reqwest::Client,
    url: &str,
    sent_at: &Arc<Vec<OnceLock<Instant>>>,
    ready: &Arc<Semaphore>,
    expected: usize,
    gate: Option<Arc<Semaphore>>,
) {
    let request = http.get(url).header("accept", "text/event-stream");
    let sent_at = Arc::clone(sent_at);
    let ready = Arc::clone(ready);
    clients.spawn(async move {
        let mut permit = match &gate {
            Some(gate) => Some(gate.acquire().await?),
            None => None,
        };
        let mut response = request.send().await?.error_for_status()?;
        let mut buffer = String::new();
        let mut latencies = Vec::with_capacity(expected);
        let mut opened = false;
        while latencies.len() < expected {
            let Some(chunk) = response.chunk().await? else {
                bail!("the stream ended");
            };
            let now = Instant::now();
            buffer.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buffer.find("\n\n") {
                let event: String = buffer.drain(..end + 2).collect();
                if event.starts_with("event: snapshot") && !opened {
                    opened = true;
                    // Open: the next client may connect.
                    drop(permit.take());
                    ready.add_permits(1);
                } else if event.starts_with("event: held") {
                    for index in held_indices(&event) {
                        if let Some(sent) = sent_at.get(index).and_then(OnceLock::get) {
                            latencies.push(now.saturating_duration_since(*sent));
                        }
                    }
                }
            }
        }
        Ok(latencies)
    });
}

/// Seat indices of a `held` event's data (`…"seat_ids":["b-3"]…`).
fn held_indices(event: &str) -> Vec<usize> {
    event
        .split("\"b-")
        .skip(1)
        .filter_map(|rest| rest.split('"').next()?.parse().ok())
        .collect()
}

async fn seed_seat_map(
    database: &mongodb::Database,
    session_id: &str,
    seat_ids: &[String],
) -> anyhow::Result<()> {
    let tier_id = Uuid::new_v4();
    let columns = u32::try_from(seat_ids.len())?;
    let mut grid = SeatedGrid::filled("bench", 1, columns, tier_id);
    grid.seats = seat_ids
        .iter()
        .zip(0..)
        .map(|(id, column)| Seat {
            id: id.clone(),
            row: 0,
            column,
            label: format!("A{}", column + 1),
            tier_id: None,
        })
        .collect();
    let document = SeatMapDocument {
        session_id: session_id.to_owned(),
        event_id: Uuid::new_v4().to_string(),
        session_status: shared_dto::status::SessionStatus::OnSale,
        layout: Layout {
            canvas: Size {
                width: 1_000.0,
                height: 100.0,
            },
            blocks: vec![Block::SeatedGrid(grid)],
        },
        tiers: vec![TierView {
            tier_id: tier_id.to_string(),
            name: "Bench".to_owned(),
            colour: "#000000".to_owned(),
            price_minor: 1_000,
            currency: "EUR".to_owned(),
        }],
        capacity: seat_ids.len() as u64,
        standing_capacity: BTreeMap::new(),
        versions: BTreeMap::new(),
    };
    database
        .collection::<SeatMapDocument>(collection::SEAT_MAPS)
        .insert_one(&document)
        .await?;
    Ok(())
}

async fn wait_for_health(http: &reqwest::Client, base: &str) -> anyhow::Result<()> {
    let started = Instant::now();
    loop {
        if let Ok(response) = http.get(format!("{base}/health")).send().await
            && response.status().is_success()
        {
            return Ok(());
        }
        if started.elapsed() > Duration::from_secs(30) {
            bail!("the server did not become healthy within 30 s");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Resident memory of a process, from `/proc/<pid>/status`.
fn rss_kib(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.split_whitespace().next()?.parse().ok())
        .context("VmRSS in /proc/<pid>/status")
}

/// User and system CPU time of a process (`None`: this one), from `/proc/<pid>/stat`.
fn cpu_time(pid: Option<u32>) -> anyhow::Result<CpuTime> {
    let path = match pid {
        Some(pid) => format!("/proc/{pid}/stat"),
        None => "/proc/self/stat".to_owned(),
    };
    let stat = std::fs::read_to_string(path)?;
    // Fields after the command name, which is in parentheses and may contain spaces.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .context("a stat line")?
        .1
        .split_whitespace()
        .collect();
    // utime and stime are fields 14 and 15 of the line (the first after the name is field
    // 3), counted in USER_HZ, which is 100 on Linux.
    let ticks = |index: usize| -> anyhow::Result<Duration> {
        let ticks: u64 = fields.get(index).context("a stat field")?.parse()?;
        Ok(Duration::from_millis(ticks * 10))
    };
    Ok(CpuTime {
        user: ticks(11)?,
        system: ticks(12)?,
    })
}

#[derive(Debug, Clone, Copy)]
struct CpuTime {
    user: Duration,
    system: Duration,
}

impl CpuTime {
    fn since(self, earlier: CpuTime) -> CpuTime {
        CpuTime {
            user: self.user.saturating_sub(earlier.user),
            system: self.system.saturating_sub(earlier.system),
        }
    }

    fn total(self) -> Duration {
        self.user + self.system
    }
}

/// Refuses to start when this process could not hold every client's socket.
fn check_descriptors(clients: usize) -> anyhow::Result<()> {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
    let soft = limits
        .lines()
        .find(|line| line.starts_with("Max open files"))
        .and_then(|line| line.split_whitespace().nth(3)?.parse::<usize>().ok());
    if let Some(soft) = soft
        && soft < clients + 100
    {
        bail!(
            "{clients} clients need about {} file descriptors, the limit is {soft}: raise it \
             (e.g. `ulimit -n {}`) and try again",
            clients + 100,
            (clients + 100).next_power_of_two()
        );
    }
    Ok(())
}

fn percentile(sorted: &[Duration], quantile: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((sorted.len() as f64) * quantile).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}
