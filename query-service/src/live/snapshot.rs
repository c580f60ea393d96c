//! The merged seat map: the session's `seat_maps` document, its sold places (the read model
//! plus sales announced but not yet projected) and the live holds in Redis, with a status per
//! seat, counts per tier and per standing block, and a content version.
//!
//! The read-model part (document and sold places, the "base") is cached per session in this
//! replica, single-flighted, until the projector says the session changed (at most
//! [`BASE_TTL`]). The live part is read from Redis on every build (this session's own hold
//! index, never a scan of the keyspace), so the map stays exact; when neither part changed
//! since the last build, that build's serialised and compressed answer is served again.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::Hasher;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use futures::TryStreamExt;
use mongodb::bson::doc;
use serde::{Deserialize, Serialize};
use service_runtime::redis_store::{RedisConnection, RedisStore};
use shared_dto::layout::Layout;
use shared_dto::read_model::{SeatMapDocument, collection};
use shared_dto::seat_hold::HoldKeys;
use utoipa::ToSchema;

use super::fresh_build::FreshBuilds;
use super::sold::SoldLedger;
use crate::read_cache::body::{CachePolicy, PreparedBody};
use crate::read_cache::{Fresh, LoadError, ReadCache};

/// Seat keys confirmed per `MGET`.
const MGET_BATCH: usize = 1_000;
/// How long a session's read-model part is kept without a change notice: what a lost notice
/// can cost (a layout, tier or status change, or a projected sale the sales channel did not
/// announce, seen that much later).
pub const BASE_TTL: Duration = Duration::from_secs(10);
const BASE_LOAD_TIMEOUT: Duration = Duration::from_secs(10);
/// Sessions whose base and last build are kept; a sale's hot set is a handful.
const SESSIONS_KEPT: usize = 1_000;

/// A session's seat map with every place's live status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SeatMapState {
    /// Changes whenever anything else in the document changes; the `ETag` of the seat map.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    pub session_id: String,
    pub event_id: String,
    pub session_status: String,
    /// The layout as designed (see the command-service layout schema).
    #[schema(value_type = Object)]
    pub layout: Layout,
    pub tiers: Vec<TierState>,
    pub standing: Vec<StandingState>,
    pub totals: PlaceCounts,
    /// The status of every seat of the layout, by seat id.
    pub seats: BTreeMap<String, SeatStatus>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SeatStatus {
    Available,
    Held,
    Sold,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PlaceCounts {
    pub capacity: u64,
    pub available: u64,
    pub held: u64,
    pub sold: u64,
}

impl PlaceCounts {
    fn add(&mut self, status: SeatStatus, places: u64) {
        self.capacity += places;
        match status {
            SeatStatus::Available => self.available += places,
            SeatStatus::Held => self.held += places,
            SeatStatus::Sold => self.sold += places,
        }
    }
}

/// A price tier and its places (seats and standing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TierState {
    pub tier_id: String,
    pub name: String,
    pub colour: String,
    pub price_minor: i64,
    pub currency: String,
    #[serde(flatten)]
    pub places: PlaceCounts,
}

/// A standing block: interchangeable places, counted rather than listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StandingState {
    pub block_id: String,
    pub tier_id: String,
    #[serde(flatten)]
    pub places: PlaceCounts,
}

/// A built seat map, serialised once (and compressed once per encoding) for every reader.
#[derive(Debug)]
pub(crate) struct Snapshot {
    /// `ETag` is the version, quoted.
    pub body: PreparedBody,
}

impl Snapshot {
    pub fn json(&self) -> &str {
        std::str::from_utf8(self.body.json()).unwrap_or("{}")
    }
}

/// Why a seat map could not be built.
#[derive(Debug, Clone, thiserror::Error)]
pub(crate) enum SnapshotError {
    #[error("no seat map for this session")]
    NotFound,
    #[error("reading the read store failed: {0}")]
    ReadStore(String),
    #[error("reading the holds from redis failed: {0}")]
    Redis(String),
}

impl From<mongodb::error::Error> for SnapshotError {
    fn from(error: mongodb::error::Error) -> Self {
        Self::ReadStore(error.to_string())
    }
}

impl From<redis::RedisError> for SnapshotError {
    fn from(error: redis::RedisError) -> Self {
        Self::Redis(error.to_string())
    }
}

/// Where seat maps are read from. Cheap to clone.
#[derive(Clone)]
pub(crate) struct SnapshotSource(Arc<Source>);

struct Source {
    read_store: mongodb::Database,
    redis: RedisStore,
    keys: HoldKeys,
    ledger: Arc<SoldLedger>,
    /// `None`: the session has no seat map.
    bases: Arc<ReadCache<String, Option<Arc<Base>>>>,
    built: Mutex<HashMap<String, Built>>,
    builds: FreshBuilds<Arc<Snapshot>, SnapshotError>,
}

#[derive(Clone, Deserialize)]
struct SoldRef {
    seat_id: Option<String>,
    block_id: String,
}

/// A session's read-model part.
struct Base {
    document: SeatMapDocument,
    sold: Vec<SoldRef>,
}

/// The live part as read for one build, in a canonical order, to tell whether anything
/// changed since the previous build.
#[derive(PartialEq, Eq)]
struct LiveKey {
    held: Vec<String>,
    standing: Vec<(String, u64)>,
    announced: Vec<String>,
}

/// A session's last build and what it was built from.
struct Built {
    base: Arc<Base>,
    live: LiveKey,
    snapshot: Arc<Snapshot>,
}

impl SnapshotSource {
    pub fn new(
        read_store: mongodb::Database,
        redis: RedisStore,
        keys: HoldKeys,
        ledger: Arc<SoldLedger>,
    ) -> Self {
        Self(Arc::new(Source {
            read_store,
            redis,
            keys,
            ledger,
            bases: Arc::new(ReadCache::new(
                "seat_map",
                BASE_TTL,
                BASE_LOAD_TIMEOUT,
                SESSIONS_KEPT,
            )),
            built: Mutex::new(HashMap::new()),
            builds: FreshBuilds::new(SESSIONS_KEPT),
        }))
    }

    fn built(&self) -> MutexGuard<'_, HashMap<String, Built>> {
        self.0.built.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Drops the cached read-model part of `sessions`, and of every session of `events`.
    pub fn invalidate(&self, sessions: &[String], events: &[String]) {
        for session in sessions {
            self.0.bases.invalidate(session);
        }
        if !events.is_empty() {
            self.0.bases.invalidate_where(|_, base| {
                base.and_then(Option::as_ref)
                    .is_some_and(|base| events.contains(&base.document.event_id))
            });
        }
    }

    pub fn clear(&self) {
        self.0.bases.clear();
    }

    /// The session's read-model part, from the cache or one read of the store.
    async fn base(&self, session_id: &str) -> Result<Arc<Base>, SnapshotError> {
        let read_store = self.0.read_store.clone();
        let session = session_id.to_owned();
        self.0
            .bases
            .get(&session.clone(), move || async move {
                let base = load_base(&read_store, &session)
                    .await
                    .map_err(LoadError::failed)?;
                Ok(Fresh {
                    value: base.map(Arc::new),
                    until: None,
                })
            })
            .await
            .map_err(|error| SnapshotError::ReadStore(error.to_string()))?
            .ok_or(SnapshotError::NotFound)
    }

    async fn connection(&self) -> Result<RedisConnection, SnapshotError> {
        Ok(self.0.redis.connection().await?)
    }

    /// The session's seat map as it is now: built after this call began, shared with the
    /// concurrent calls for the same session (see [`FreshBuilds`]).
    pub async fn build(&self, session_id: &str) -> Result<Arc<Snapshot>, SnapshotError> {
        self.0
            .builds
            .run(session_id, || self.build_now(session_id))
            .await
    }

    /// The cached read-model part merged with the holds read from Redis now; the previous
    /// build when neither changed.
    async fn build_now(&self, session_id: &str) -> Result<Arc<Snapshot>, SnapshotError> {
        let base = self.base(session_id).await?;
        let mut connection = self.connection().await?;
        let mut held = held_seats(&mut connection, &self.0.keys, session_id).await?;
        let standing_blocks: Vec<&str> = base
            .document
            .layout
            .standing_areas()
            .map(|area| area.id.as_str())
            .collect();
        let standing_held =
            standing_holds(&mut connection, &self.0.keys, session_id, &standing_blocks).await?;
        // Read last: a sale announced before this point is then never missing.
        let mut announced = self.0.ledger.sold_seats(session_id);
        held.sort_unstable();
        announced.sort_unstable();
        let mut standing: Vec<(String, u64)> = standing_held.into_iter().collect();
        standing.sort_unstable();
        let live = LiveKey {
            held,
            standing,
            announced,
        };

        if let Some(built) = self.built().get(session_id)
            && Arc::ptr_eq(&built.base, &base)
            && built.live == live
        {
            return Ok(Arc::clone(&built.snapshot));
        }
        let places = LivePlaces {
            sold_seats: base
                .sold
                .iter()
                .filter_map(|place| place.seat_id.as_deref())
                .chain(live.announced.iter().map(String::as_str))
                .collect(),
            sold_standing: base
                .sold
                .iter()
                .filter(|place| place.seat_id.is_none())
                .fold(HashMap::new(), |mut counts, place| {
                    *counts.entry(place.block_id.as_str()).or_insert(0) += 1;
                    counts
                }),
            held_seats: live.held.iter().map(String::as_str).collect(),
            held_standing: live.standing.iter().cloned().collect(),
        };
        let snapshot = Arc::new(render(merge(base.document.clone(), &places)));
        let mut built = self.built();
        if built.len() >= SESSIONS_KEPT && !built.contains_key(session_id) {
            built.clear();
        }
        built.insert(
            session_id.to_owned(),
            Built {
                base,
                live,
                snapshot: Arc::clone(&snapshot),
            },
        );
        Ok(snapshot)
    }
}

/// Reads a session's seat-map document and its sold places.
async fn load_base(
    read_store: &mongodb::Database,
    session_id: &str,
) -> Result<Option<Base>, SnapshotError> {
    let Some(document) = read_store
        .collection::<SeatMapDocument>(collection::SEAT_MAPS)
        .find_one(doc! { "_id": session_id })
        .await?
    else {
        return Ok(None);
    };
    let sold: Vec<SoldRef> = read_store
        .collection::<SoldRef>(collection::SOLD_PLACES)
        .find(doc! { "session_id": session_id })
        .projection(doc! { "seat_id": 1, "block_id": 1 })
        .await?
        .try_collect()
        .await?;
    Ok(Some(Base { document, sold }))
}

/// What is sold and held right now, beside the static seat map.
struct LivePlaces<'a> {
    sold_seats: HashSet<&'a str>,
    sold_standing: HashMap<&'a str, u64>,
    held_seats: HashSet<&'a str>,
    held_standing: HashMap<String, u64>,
}

fn merge(document: SeatMapDocument, live: &LivePlaces<'_>) -> SeatMapState {
    let mut totals = PlaceCounts::default();
    let mut by_tier: HashMap<String, PlaceCounts> = HashMap::new();
    let mut seats = BTreeMap::new();
    for seat in document.layout.seats() {
        let status = if live.sold_seats.contains(seat.seat_id) {
            SeatStatus::Sold
        } else if live.held_seats.contains(seat.seat_id) {
            SeatStatus::Held
        } else {
            SeatStatus::Available
        };
        totals.add(status, 1);
        if let Some(tier_id) = seat.tier_id {
            by_tier
                .entry(tier_id.to_string())
                .or_default()
                .add(status, 1);
        }
        seats.insert(seat.seat_id.to_owned(), status);
    }

    let mut standing = Vec::new();
    for area in document.layout.standing_areas() {
        let capacity = u64::from(area.capacity);
        let sold = live
            .sold_standing
            .get(area.id.as_str())
            .copied()
            .unwrap_or(0)
            .min(capacity);
        let held = live
            .held_standing
            .get(&area.id)
            .copied()
            .unwrap_or(0)
            .min(capacity - sold);
        let places = PlaceCounts {
            capacity,
            available: capacity - sold - held,
            held,
            sold,
        };
        for (status, count) in [
            (SeatStatus::Available, places.available),
            (SeatStatus::Held, held),
            (SeatStatus::Sold, sold),
        ] {
            totals.add(status, count);
            by_tier
                .entry(area.tier_id.to_string())
                .or_default()
                .add(status, count);
        }
        standing.push(StandingState {
            block_id: area.id.clone(),
            tier_id: area.tier_id.to_string(),
            places,
        });
    }

    let tiers = document
        .tiers
        .into_iter()
        .map(|tier| TierState {
            places: by_tier.get(&tier.tier_id).copied().unwrap_or_default(),
            tier_id: tier.tier_id,
            name: tier.name,
            colour: tier.colour,
            price_minor: tier.price_minor,
            currency: tier.currency,
        })
        .collect();

    SeatMapState {
        version: String::new(),
        session_id: document.session_id,
        event_id: document.event_id,
        session_status: document.session_status.to_string(),
        layout: document.layout,
        tiers,
        standing,
        totals,
        seats,
    }
}

/// Serialises `state` with its version: a hash of everything else in the document, so equal
/// content gives equal versions on every replica running this build.
fn render(state: SeatMapState) -> Snapshot {
    debug_assert!(state.version.is_empty());
    let body = serde_json::to_string(&state).unwrap_or_else(|_| "{}".to_owned());
    // `DefaultHasher::new` uses fixed keys: deterministic, unlike a `RandomState` hasher.
    let mut hasher = std::hash::DefaultHasher::new();
    hasher.write(body.as_bytes());
    let version = format!("{:016x}", hasher.finish());
    let json = match body.strip_prefix('{') {
        Some(rest) if rest != "}" => format!("{{\"version\":\"{version}\",{rest}"),
        _ => format!("{{\"version\":\"{version}\"}}"),
    };
    let body = PreparedBody::tagged(json, format!("\"{version}\""), CachePolicy::Revalidate);
    Snapshot { body }
}

/// The session's held seats: the members of its held-seat index that have not expired, each
/// confirmed by its seat key (which a release or sale may have deleted without the index
/// knowing). Touches only this session's keys, so its cost follows this session's holds and
/// not the rest of the keyspace.
async fn held_seats<C: redis::aio::ConnectionLike>(
    connection: &mut C,
    keys: &HoldKeys,
    session_id: &str,
) -> Result<Vec<String>, SnapshotError> {
    let now_ms = chrono::Utc::now().timestamp_millis();
    let candidates: Vec<String> = redis::cmd("ZRANGEBYSCORE")
        .arg(keys.held_seats(session_id))
        .arg(format!("({now_ms}"))
        .arg("+inf")
        .query_async(connection)
        .await?;
    let mut seats = Vec::with_capacity(candidates.len());
    for chunk in candidates.chunks(MGET_BATCH) {
        let seat_keys: Vec<String> = chunk
            .iter()
            .map(|seat| keys.seat(session_id, seat))
            .collect();
        let holders: Vec<Option<String>> = redis::cmd("MGET")
            .arg(&seat_keys)
            .query_async(connection)
            .await?;
        seats.extend(
            chunk
                .iter()
                .zip(holders)
                .filter(|(_, holder)| holder.is_some())
                .map(|(seat, _)| seat.clone()),
        );
    }
    Ok(seats)
}

/// Standing places held per block: the quantities of the hold tokens that have not expired.
async fn standing_holds(
    connection: &mut RedisConnection,
    keys: &HoldKeys,
    session_id: &str,
    blocks: &[&str],
) -> Result<HashMap<String, u64>, SnapshotError> {
    let mut held = HashMap::new();
    if blocks.is_empty() {
        return Ok(held);
    }
    let now_ms = chrono::Utc::now().timestamp_millis();
    let mut pipe = redis::pipe();
    for block in blocks {
        pipe.cmd("ZRANGEBYSCORE")
            .arg(keys.standing(session_id, block))
            .arg(format!("({now_ms}"))
            .arg("+inf")
            .cmd("HGETALL")
            .arg(keys.standing_quantities(session_id, block));
    }
    let replies: Vec<redis::Value> = pipe.query_async(connection).await?;
    for (block, pair) in blocks.iter().zip(replies.chunks(2)) {
        let [tokens, quantities] = pair else {
            continue;
        };
        let unreadable = |error: redis::ParsingError| SnapshotError::Redis(error.to_string());
        let tokens: Vec<String> = redis::from_redis_value_ref(tokens).map_err(unreadable)?;
        let quantities: HashMap<String, String> =
            redis::from_redis_value_ref(quantities).map_err(unreadable)?;
        let total = tokens
            .iter()
            .filter_map(|token| quantities.get(token)?.parse::<u64>().ok())
            .sum();
        held.insert((*block).to_owned(), total);
    }
    Ok(held)
}

#[cfg(test)]
mod tests {
    use shared_dto::layout::{Block, Point, SeatedGrid, Size, StandingArea};
    use shared_dto::read_model::TierView;
    use uuid::Uuid;

    use super::*;

    const STALLS: Uuid = Uuid::from_u128(1);
    const FLOOR: Uuid = Uuid::from_u128(2);

    fn document() -> SeatMapDocument {
        let floor = StandingArea {
            id: "floor".to_owned(),
            name: "Floor".to_owned(),
            position: Point::ORIGIN,
            rotation: 0.0,
            size: Size {
                width: 10.0,
                height: 10.0,
            },
            capacity: 10,
            tier_id: FLOOR,
        };
        let tier = |id: Uuid, name: &str| TierView {
            tier_id: id.to_string(),
            name: name.to_owned(),
            colour: "#123456".to_owned(),
            price_minor: 2_500,
            currency: "EUR".to_owned(),
        };
        SeatMapDocument {
            session_id: "s1".to_owned(),
            event_id: "e1".to_owned(),
            session_status: shared_dto::status::SessionStatus::OnSale,
            layout: Layout {
                canvas: Size {
                    width: 100.0,
                    height: 100.0,
                },
                blocks: vec![
                    Block::SeatedGrid(SeatedGrid::filled("stalls", 1, 4, STALLS)),
                    Block::Standing(floor),
                ],
            },
            tiers: vec![tier(STALLS, "Stalls"), tier(FLOOR, "Floor")],
            capacity: 14,
            standing_capacity: BTreeMap::from([("floor".to_owned(), 10)]),
            versions: BTreeMap::new(),
        }
    }

    #[test]
    fn sold_wins_over_held_and_counts_add_up_per_tier_and_block() {
        let live = LivePlaces {
            sold_seats: HashSet::from(["stalls-A-1", "not-a-seat"]),
            sold_standing: HashMap::from([("floor", 3)]),
            held_seats: HashSet::from(["stalls-A-1", "stalls-A-2"]),
            held_standing: HashMap::from([("floor".to_owned(), 2)]),
        };
        let state = merge(document(), &live);
        assert_eq!(state.seats["stalls-A-1"], SeatStatus::Sold);
        assert_eq!(state.seats["stalls-A-2"], SeatStatus::Held);
        assert_eq!(state.seats["stalls-A-3"], SeatStatus::Available);
        assert_eq!(
            state.tiers[0].places,
            PlaceCounts {
                capacity: 4,
                available: 2,
                held: 1,
                sold: 1
            }
        );
        let floor = PlaceCounts {
            capacity: 10,
            available: 5,
            held: 2,
            sold: 3,
        };
        assert_eq!(state.standing[0].places, floor);
        assert_eq!(state.tiers[1].places, floor);
        assert_eq!(
            state.totals,
            PlaceCounts {
                capacity: 14,
                available: 7,
                held: 3,
                sold: 4
            }
        );
    }

    #[test]
    fn the_version_follows_the_content_and_is_part_of_the_document() {
        let empty = LivePlaces {
            sold_seats: HashSet::new(),
            sold_standing: HashMap::new(),
            held_seats: HashSet::new(),
            held_standing: HashMap::new(),
        };
        let one_held = LivePlaces {
            held_seats: HashSet::from(["stalls-A-4"]),
            ..empty
        };
        let a = render(merge(document(), &one_held));
        let b = render(merge(document(), &one_held));
        let c = render(merge(
            document(),
            &LivePlaces {
                held_seats: HashSet::new(),
                ..one_held
            },
        ));
        assert_eq!(a.body.tag(), b.body.tag());
        assert_ne!(a.body.tag(), c.body.tag());
        let parsed: SeatMapState = serde_json::from_str(a.json()).expect("valid JSON");
        assert_eq!(format!("\"{}\"", parsed.version), a.body.tag());
        assert_eq!(parsed.seats["stalls-A-4"], SeatStatus::Held);
    }

    /// Passes commands through to Redis and keeps every argument sent, to see which keys a
    /// read touched.
    struct Recording {
        inner: redis::aio::MultiplexedConnection,
        sent: Vec<Vec<String>>,
    }

    impl Recording {
        fn note(&mut self, cmd: &redis::Cmd) {
            self.sent.push(
                cmd.args_iter()
                    .map(|arg| match arg {
                        redis::Arg::Simple(bytes) => String::from_utf8_lossy(bytes).into_owned(),
                        _ => "<cursor>".to_owned(),
                    })
                    .collect(),
            );
        }
    }

    impl redis::aio::ConnectionLike for Recording {
        fn req_packed_command<'a>(
            &'a mut self,
            cmd: &'a redis::Cmd,
        ) -> redis::RedisFuture<'a, redis::Value> {
            self.note(cmd);
            self.inner.req_packed_command(cmd)
        }

        fn req_packed_commands<'a>(
            &'a mut self,
            pipeline: &'a redis::Pipeline,
            offset: usize,
            count: usize,
        ) -> redis::RedisFuture<'a, Vec<redis::Value>> {
            for cmd in pipeline.cmd_iter() {
                self.note(cmd);
            }
            self.inner.req_packed_commands(pipeline, offset, count)
        }

        fn get_db(&self) -> i64 {
            self.inner.get_db()
        }
    }

    #[tokio::test]
    async fn held_seats_read_only_the_sessions_own_index_and_skip_expired_or_released_seats() {
        let env = test_support::StackEnv::from_env();
        let prefix = test_support::redis_keys::KeyPrefix::new();
        let keys = HoldKeys::new(prefix.as_str());
        let client = redis::Client::open(env.redis_url.as_str()).expect("a redis url");
        let mut connection = client
            .get_multiplexed_async_connection()
            .await
            .expect("redis");
        let now = chrono::Utc::now().timestamp_millis();
        let later = now + 60_000;
        // Another session's holds, many of them: the read must not look at any.
        let mut other = redis::pipe();
        for seat in 0..2_000 {
            let seat = format!("B-{seat}");
            other
                .cmd("SET")
                .arg(keys.seat("other", &seat))
                .arg("t")
                .arg("PXAT")
                .arg(later)
                .ignore()
                .cmd("ZADD")
                .arg(keys.held_seats("other"))
                .arg(later)
                .arg(&seat)
                .ignore();
        }
        // This session: two live holds, one lapsed index member (its key expired with it), one
        // released seat whose key is gone.
        for seat in ["A-1", "A-2", "A-3"] {
            other
                .cmd("SET")
                .arg(keys.seat("mine", seat))
                .arg("t")
                .arg("PXAT")
                .arg(later)
                .ignore();
        }
        other
            .cmd("ZADD")
            .arg(keys.held_seats("mine"))
            .arg(later)
            .arg("A-1")
            .arg(later)
            .arg("A-2")
            .arg(now - 1_000)
            .arg("A-3")
            .arg(later)
            .arg("A-4")
            .ignore();
        other
            .query_async::<()>(&mut connection)
            .await
            .expect("seed");

        let mut recording = Recording {
            inner: connection.clone(),
            sent: Vec::new(),
        };
        let mut held = held_seats(&mut recording, &keys, "mine")
            .await
            .expect("read");
        held.sort();
        prefix.clear(&mut connection).await.expect("clean up");

        assert_eq!(held, ["A-1", "A-2"]);
        assert_eq!(
            recording.sent.len(),
            2,
            "one index read, one MGET: {:?}",
            recording.sent
        );
        for command in &recording.sent {
            assert!(
                !["SCAN", "KEYS"].contains(&command[0].to_uppercase().as_str()),
                "{command:?}"
            );
            assert!(
                command.iter().skip(1).all(|arg| !arg.contains("other")),
                "touched another session: {command:?}"
            );
        }
    }
}
