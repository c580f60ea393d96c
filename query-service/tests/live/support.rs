//! What the live tests share: query-service replicas on real engines, seat maps in a Mongo
//! database of the test's own, holds written to Redis the way order-service writes them,
//! SSE clients (a well-behaved one and one that stops reading), and a Redis server of the
//! test's own that can be killed and restarted.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::process::Stdio;
use std::time::Duration;

use clap::Parser;
use mongodb::bson::{Document, doc};
use serde_json::Value;
use shared_dto::layout::{Block, Layout, Point, Seat, SeatedGrid, Size, StandingArea};
use shared_dto::read_model::{SeatMapDocument, TierView, collection};
use shared_dto::seat_hold::{HoldKeys, SeatsSold, StandingHold};
use test_support::mongo::TestMongo;
use test_support::redis_keys::KeyPrefix;
use test_support::{RunningService, StackEnv, wait_until};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use uuid::Uuid;

/// Long enough for anything that should happen, short enough to fail a test quickly.
pub const DEADLINE: Duration = Duration::from_secs(10);

pub const STALLS: Uuid = Uuid::from_u128(0x5741);
pub const FLOOR: Uuid = Uuid::from_u128(0xf100);

/// One test's world: a Redis key prefix, a Mongo database, the Redis to use.
pub struct World {
    pub env: StackEnv,
    pub prefix: KeyPrefix,
    pub keys: HoldKeys,
    pub mongo: TestMongo,
    pub redis_url: String,
    redis_client: redis::Client,
}

impl World {
    /// On the stack's Redis.
    pub async fn new() -> Self {
        let env = StackEnv::from_env();
        let url = env.redis_url.clone();
        Self::on_redis(env, url).await
    }

    pub async fn on_redis(env: StackEnv, redis_url: String) -> Self {
        test_support::init_tracing();
        let prefix = KeyPrefix::new();
        let keys = HoldKeys::new(prefix.as_str());
        let mongo = TestMongo::create(&env).await.expect("the read store");
        // A cluster's URLs are a comma-separated list; the test inspects through the first.
        let first_url = redis_url.split(',').next().unwrap_or_default();
        let redis_client = redis::Client::open(first_url).expect("a redis url");
        Self {
            env,
            prefix,
            keys,
            mongo,
            redis_url,
            redis_client,
        }
    }

    /// A new connection each time, so a test outlives a Redis restart.
    pub async fn redis(&self) -> redis::aio::MultiplexedConnection {
        self.redis_client
            .get_multiplexed_async_connection()
            .await
            .expect("redis")
    }

    /// A query-service replica on this world's engines, with `extra` flags.
    pub async fn replica(&self, extra: &[&str]) -> RunningService {
        let mut args = vec![
            "query-service",
            "--listen",
            "127.0.0.1:0",
            "--redis-url",
            &self.redis_url,
            "--mongo-url",
            &self.env.mongo_url,
            "--hold-key-prefix",
            self.prefix.as_str(),
            "--oidc-issuer",
            &self.env.oidc_issuer,
            "--redis-reconnect-min-ms",
            "50",
            "--redis-reconnect-max-ms",
            "500",
        ];
        let database = self.mongo.database.name().to_owned();
        args.extend(["--mongo-database", &database]);
        args.extend(extra);
        let config = query_service::Config::try_parse_from(args).expect("valid configuration");
        let app = query_service::App::build(config)
            .await
            .expect("the service builds");
        RunningService::spawn(app.local_addr(), |stop| app.run_until(stop))
    }

    /// A session whose seat map has one grid of `rows` × `columns` seats (ids
    /// `{id_stem}-{row}-{column}`) and a standing floor of 10.
    pub async fn seat_map(&self, rows: u32, columns: u32, id_stem: &str) -> SessionMap {
        let session_id = Uuid::new_v4().to_string();
        let mut seats = Vec::new();
        for row in 0..rows {
            for column in 0..columns {
                seats.push(Seat {
                    id: format!("{id_stem}-{row}-{column}"),
                    row,
                    column,
                    label: format!("R{row}C{column}"),
                    tier_id: None,
                });
            }
        }
        let seat_ids: Vec<String> = seats.iter().map(|seat| seat.id.clone()).collect();
        let mut grid = SeatedGrid::filled("stalls", rows, columns, STALLS);
        grid.seats = seats;
        let floor = StandingArea {
            id: "floor".to_owned(),
            name: "Floor".to_owned(),
            position: Point { x: 0.0, y: 50.0 },
            rotation: 0.0,
            size: Size {
                width: 20.0,
                height: 10.0,
            },
            capacity: 10,
            tier_id: FLOOR,
        };
        let tier = |tier_id: Uuid, name: &str, price_minor| TierView {
            tier_id: tier_id.to_string(),
            name: name.to_owned(),
            colour: "#3366ff".to_owned(),
            price_minor,
            currency: "EUR".to_owned(),
        };
        let document = SeatMapDocument {
            session_id: session_id.clone(),
            event_id: Uuid::new_v4().to_string(),
            session_status: shared_dto::status::SessionStatus::OnSale,
            layout: Layout {
                canvas: Size {
                    width: 100.0,
                    height: 100.0,
                },
                blocks: vec![Block::SeatedGrid(grid), Block::Standing(floor)],
            },
            tiers: vec![tier(STALLS, "Stalls", 4_500), tier(FLOOR, "Floor", 2_000)],
            capacity: u64::from(rows * columns) + 10,
            standing_capacity: BTreeMap::from([("floor".to_owned(), 10)]),
            versions: BTreeMap::from([("session".to_owned(), 1)]),
        };
        self.mongo
            .database
            .collection::<SeatMapDocument>(collection::SEAT_MAPS)
            .insert_one(&document)
            .await
            .expect("insert the seat map");
        SessionMap {
            session_id,
            seat_ids,
        }
    }

    /// A ticket for a seat, as the projector records it.
    pub async fn sold_place(&self, session: &SessionMap, seat_id: Option<&str>, block_id: &str) {
        self.mongo
            .database
            .collection::<Document>(collection::SOLD_PLACES)
            .insert_one(doc! {
                "_id": Uuid::new_v4().to_string(),
                "session_id": &session.session_id,
                "event_id": "e",
                "seat_id": seat_id,
                "block_id": block_id,
                "tier_id": STALLS.to_string(),
                "version": 1_i64,
            })
            .await
            .expect("insert a sold place");
        // As the projector does after storing it: the replicas drop the session's cached part.
        let change = shared_dto::read_model_change::ReadModelChange {
            sessions: vec![session.session_id.clone()],
            ..Default::default()
        };
        let _: i64 = redis::cmd("PUBLISH")
            .arg(shared_dto::read_model_change::channel(self.prefix.as_str()))
            .arg(serde_json::to_string(&change).expect("json"))
            .query_async(&mut self.redis().await)
            .await
            .expect("publish the change notice");
    }

    /// Holds `seats` all-or-nothing, as order-service does (`SET NX PX` per seat key and the
    /// session's held-seat index in one script); returns the token, or `None` when a seat was
    /// taken.
    pub async fn hold(
        &self,
        session: &SessionMap,
        seats: &[&str],
        ttl: Duration,
    ) -> Option<String> {
        let token = Uuid::new_v4().simple().to_string();
        let script = redis::Script::new(
            r"
            local index = KEYS[#KEYS]
            for i = 1, #KEYS - 1 do
              if redis.call('EXISTS', KEYS[i]) == 1 then return 0 end
            end
            local expires_at = tonumber(ARGV[3]) + tonumber(ARGV[2])
            for i = 1, #KEYS - 1 do
              redis.call('SET', KEYS[i], ARGV[1], 'NX', 'PXAT', expires_at)
              redis.call('ZADD', index, expires_at, ARGV[3 + i])
            end
            return 1",
        );
        let mut invocation = script.prepare_invoke();
        for seat in seats {
            invocation.key(self.keys.seat(&session.session_id, seat));
        }
        invocation.key(self.keys.held_seats(&session.session_id));
        invocation
            .arg(&token)
            .arg(ttl.as_millis() as u64)
            .arg(chrono_now_ms());
        for seat in seats {
            invocation.arg(*seat);
        }
        let held: i32 = invocation
            .invoke_async(&mut self.redis().await)
            .await
            .expect("the hold script runs");
        (held == 1).then_some(token)
    }

    /// Releases holds by deleting their seat keys (an explicit release, or the end of a sale).
    pub async fn delete(&self, session: &SessionMap, seats: &[&str]) {
        let keys: Vec<String> = seats
            .iter()
            .map(|seat| self.keys.seat(&session.session_id, seat))
            .collect();
        redis::cmd("DEL")
            .arg(keys)
            .query_async::<()>(&mut self.redis().await)
            .await
            .expect("DEL");
    }

    /// Announces a sale on the sales channel, as order-service does once tickets exist.
    pub async fn announce_sale(&self, session: &SessionMap, seats: &[&str], standing: u32) {
        let sold = SeatsSold {
            session_id: session.session_id.clone(),
            seat_ids: seats.iter().map(|seat| (*seat).to_owned()).collect(),
            standing: if standing == 0 {
                Vec::new()
            } else {
                vec![StandingHold {
                    block_id: "floor".to_owned(),
                    quantity: standing,
                }]
            },
        };
        self.publish(
            &self.keys.sales_channel(),
            &serde_json::to_string(&sold).expect("json"),
        )
        .await;
    }

    pub async fn publish(&self, channel: &str, message: &str) {
        redis::cmd("PUBLISH")
            .arg(channel)
            .arg(message)
            .query_async::<i64>(&mut self.redis().await)
            .await
            .expect("PUBLISH");
    }

    /// A standing hold of `quantity` places on the floor, as order-service keeps it, expiring
    /// in `ttl_ms` (negative: already expired, but not yet swept).
    pub async fn hold_standing(&self, session: &SessionMap, quantity: u32, ttl_ms: i64) {
        let token = Uuid::new_v4().simple().to_string();
        let expires_at = chrono::Utc::now().timestamp_millis() + ttl_ms;
        redis::pipe()
            .cmd("ZADD")
            .arg(self.keys.standing(&session.session_id, "floor"))
            .arg(expires_at)
            .arg(&token)
            .cmd("HSET")
            .arg(self.keys.standing_quantities(&session.session_id, "floor"))
            .arg(&token)
            .arg(quantity)
            .query_async::<()>(&mut self.redis().await)
            .await
            .expect("standing hold");
    }

    pub async fn finish(self) {
        let _ = self.prefix.clear(&mut self.redis().await).await;
        let _ = self.mongo.drop().await;
    }
}

/// A seat map written for a test.
pub struct SessionMap {
    pub session_id: String,
    pub seat_ids: Vec<String>,
}

impl SessionMap {
    pub fn seat(&self, index: usize) -> &str {
        &self.seat_ids[index]
    }

    pub fn seat_map_path(&self) -> String {
        format!("/api/catalog/sessions/{}/seat-map", self.session_id)
    }

    pub fn stream_path(&self) -> String {
        format!("/api/catalog/sessions/{}/seats/stream", self.session_id)
    }
}

/// One server-sent event; heartbeats are comments, named `:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    pub name: String,
    pub id: Option<String>,
    pub data: String,
}

impl SseEvent {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.data).unwrap_or_else(|error| {
            panic!("{} data is not JSON ({error}): {}", self.name, self.data)
        })
    }

    /// The `seat_ids` of a `held`, `released` or `sold` event.
    pub fn seat_ids(&self) -> Vec<String> {
        self.json()["seat_ids"]
            .as_array()
            .unwrap_or_else(|| panic!("{} carries seat ids: {}", self.name, self.data))
            .iter()
            .map(|seat| seat.as_str().expect("a seat id").to_owned())
            .collect()
    }

    /// The sequence number of the event id `{epoch}-{seq}`.
    pub fn seq(&self) -> u64 {
        let id = self
            .id
            .as_deref()
            .unwrap_or_else(|| panic!("{self:?} has an id"));
        id.rsplit_once('-')
            .and_then(|(_, seq)| seq.parse().ok())
            .unwrap_or_else(|| panic!("an event id of the form epoch-seq: {id}"))
    }
}

/// Splits an SSE byte stream into events.
#[derive(Default)]
struct SseParser {
    buffer: String,
}

impl SseParser {
    fn push(&mut self, bytes: &[u8]) -> Vec<SseEvent> {
        self.buffer.push_str(&String::from_utf8_lossy(bytes));
        let mut events = Vec::new();
        while let Some(end) = self.buffer.find("\n\n") {
            let block: String = self.buffer.drain(..end + 2).collect();
            let mut event = SseEvent {
                name: "message".to_owned(),
                id: None,
                data: String::new(),
            };
            let mut comment = false;
            for line in block.lines() {
                if line.starts_with(':') {
                    comment = true;
                } else if let Some(name) = line.strip_prefix("event:") {
                    event.name = name.trim_start().to_owned();
                } else if let Some(id) = line.strip_prefix("id:") {
                    event.id = Some(id.trim_start().to_owned());
                } else if let Some(data) = line.strip_prefix("data:") {
                    if !event.data.is_empty() {
                        event.data.push('\n');
                    }
                    event.data.push_str(data.strip_prefix(' ').unwrap_or(data));
                }
            }
            if comment && event.data.is_empty() && event.id.is_none() {
                event.name = ":".to_owned();
            }
            events.push(event);
        }
        events
    }
}

/// An open SSE stream; dropping it disconnects.
pub struct SseClient {
    events: mpsc::UnboundedReceiver<SseEvent>,
    reader: JoinHandle<()>,
}

impl Drop for SseClient {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

/// What opening a stream answered when it was not a stream.
#[derive(Debug)]
pub struct Refused {
    pub status: u16,
    pub body: Value,
}

pub async fn open_stream(
    service: &RunningService,
    path: &str,
    headers: &[(&str, &str)],
) -> Result<SseClient, Refused> {
    let mut request = reqwest::Client::new()
        .get(service.url(path))
        .header("accept", "text/event-stream");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut response = request.send().await.expect("the request is answered");
    if response.status() != 200 {
        return Err(Refused {
            status: response.status().as_u16(),
            body: response.json().await.unwrap_or(Value::Null),
        });
    }
    assert_eq!(
        response.headers()["content-type"],
        "text/event-stream",
        "a stream"
    );
    let (sender, events) = mpsc::unbounded_channel();
    let reader = tokio::spawn(async move {
        let mut parser = SseParser::default();
        while let Ok(Some(chunk)) = response.chunk().await {
            for event in parser.push(&chunk) {
                if sender.send(event).is_err() {
                    return;
                }
            }
        }
    });
    Ok(SseClient { events, reader })
}

pub async fn stream(service: &RunningService, path: &str) -> SseClient {
    open_stream(service, path, &[])
        .await
        .unwrap_or_else(|refused| panic!("a stream of {path}: {refused:?}"))
}

impl SseClient {
    /// The next event, heartbeats included.
    pub async fn next_raw(&mut self) -> SseEvent {
        tokio::time::timeout(DEADLINE, self.events.recv())
            .await
            .unwrap_or_else(|_| panic!("no event within {DEADLINE:?}"))
            .expect("the stream is still open")
    }

    /// The next event that is not a heartbeat.
    pub async fn next(&mut self) -> SseEvent {
        loop {
            let event = self.next_raw().await;
            if event.name != ":" {
                return event;
            }
        }
    }

    /// The next event, which must be named `name`.
    pub async fn expect(&mut self, name: &str) -> SseEvent {
        let event = self.next().await;
        assert_eq!(event.name, name, "expected `{name}`, got {event:?}");
        event
    }

    /// Seat ids of consecutive `name` events until `seats` have all been seen (a multi-seat
    /// change may arrive as one event or several).
    pub async fn expect_seats(&mut self, name: &str, seats: &[&str]) -> Vec<SseEvent> {
        let mut seen: Vec<String> = Vec::new();
        let mut events = Vec::new();
        while seen.len() < seats.len() {
            let event = self.expect(name).await;
            seen.extend(event.seat_ids());
            events.push(event);
        }
        seen.sort();
        let mut expected: Vec<String> = seats.iter().map(|seat| (*seat).to_owned()).collect();
        expected.sort();
        assert_eq!(seen, expected, "`{name}` seats");
        events
    }

    /// Waits until the server ends the stream.
    pub async fn ended(&mut self) {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            match tokio::time::timeout_at(deadline, self.events.recv()).await {
                Ok(None) => return,
                Ok(Some(_)) => {}
                Err(_) => panic!("the stream did not end within {DEADLINE:?}"),
            }
        }
    }
}

/// A stream that connects with a tiny receive buffer and stops reading once the response
/// head has arrived (so the stream is subscribed), until told to go on; the server soon
/// cannot write to it.
pub struct StalledClient {
    reader: BufReader<tokio::net::TcpStream>,
}

impl StalledClient {
    pub async fn open(addr: SocketAddr, path: &str) -> Self {
        let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
        // Fixed (not auto-tuned) once set: a known, small amount the kernel buffers for us.
        socket.set_recv_buffer_size(4096).expect("SO_RCVBUF");
        let mut socket = socket.connect(addr).await.expect("connect");
        let request =
            format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n");
        socket
            .write_all(request.as_bytes())
            .await
            .expect("send the request");
        let mut reader = BufReader::with_capacity(4096, socket);
        let mut line = String::new();
        reader.read_line(&mut line).await.expect("a status line");
        assert!(line.starts_with("HTTP/1.1 200"), "a stream: {line}");
        while line != "\r\n" {
            line.clear();
            if reader.read_line(&mut line).await.expect("a header") == 0 {
                panic!("the response head ended early");
            }
        }
        Self { reader }
    }

    /// Starts reading: the events the server wrote meanwhile, then whatever follows.
    pub fn resume(self) -> SseClient {
        let (sender, events) = mpsc::unbounded_channel();
        let mut reader = self.reader;
        let reader = tokio::spawn(async move {
            // The chunked body.
            let mut parser = SseParser::default();
            let mut line = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                    return;
                }
                let Ok(size) = usize::from_str_radix(line.trim(), 16) else {
                    return;
                };
                if size == 0 {
                    return;
                }
                let mut chunk = vec![0; size + 2];
                if reader.read_exact(&mut chunk).await.is_err() {
                    return;
                }
                for event in parser.push(&chunk[..size]) {
                    if sender.send(event).is_err() {
                        return;
                    }
                }
            }
        });
        SseClient { events, reader }
    }
}

pub async fn get_json(service: &RunningService, path: &str) -> (u16, Value) {
    let response = reqwest::get(service.url(path)).await.expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The sum of a counter over its label sets in `/metrics`, e.g. `sse_lagged_clients_total`.
pub async fn metric(service: &RunningService, name: &str) -> f64 {
    let text = reqwest::get(service.url("/metrics"))
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    text.lines()
        .filter(|line| {
            line.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with('{') || rest.starts_with(' '))
        })
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

/// A redis-server of the test's own, which the test may kill and start again.
pub struct OwnRedis {
    pub port: u16,
    process: Option<tokio::process::Child>,
}

impl OwnRedis {
    pub async fn start() -> Self {
        let port = test_support::free_port();
        let mut redis = Self {
            port,
            process: None,
        };
        redis.start_again().await;
        redis
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    pub async fn start_again(&mut self) {
        assert!(self.process.is_none(), "already running");
        let child = tokio::process::Command::new("/usr/bin/redis-server")
            .args(["--port", &self.port.to_string()])
            .args(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .args(["--notify-keyspace-events", "K$gx", "--loglevel", "warning"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("redis-server starts");
        self.process = Some(child);
        let url = self.url();
        wait_until("the own redis answers PING", DEADLINE, || async {
            let client = redis::Client::open(url.as_str()).ok()?;
            let mut connection = client.get_multiplexed_async_connection().await.ok()?;
            redis::cmd("PING")
                .query_async::<String>(&mut connection)
                .await
                .ok()
        })
        .await;
    }

    /// Kills the server outright, as a crash would.
    pub async fn kill(&mut self) {
        if let Some(mut child) = self.process.take() {
            child.kill().await.expect("kill redis-server");
        }
    }
}

fn chrono_now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_millis() as u64)
}
