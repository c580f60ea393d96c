//! The queue in Redis (layout in `shared_dto::waiting_room`): joins, look-ups, and one
//! admission step. Each is one Lua script over the keys of one room, which share a hash slot,
//! so a join and an admission never see each other half done.

use redis::{Script, Value};
use service_runtime::redis_store::RedisStore;
use shared_dto::waiting_room::{QueueKeys, RoomFields};

/// Takes a place for a buyer, or finds the one they have. A buyer admitted longer ago than a
/// pass lasts has used their turn: their place is dropped and they join again at the back.
///
/// KEYS: waiting, visitors, buyers, admitted, arrivals, room, rooms registry.
/// ARGV: buyer key, new visitor id, visitor record JSON, now (ms), opened (1/0), early score,
/// pass lifetime (ms), five field/value pairs of the room hash, keys expire at (ms), session id.
const JOIN: &str = r"
local buyer, fresh, record = ARGV[1], ARGV[2], ARGV[3]
local now, pass_ms = tonumber(ARGV[4]), tonumber(ARGV[7])
local visitor = redis.call('HGET', KEYS[3], buyer)
if visitor then
  local admitted_at = redis.call('ZSCORE', KEYS[4], visitor)
  if admitted_at and tonumber(admitted_at) + pass_ms <= now then
    redis.call('ZREM', KEYS[4], visitor)
    redis.call('HDEL', KEYS[2], visitor)
    redis.call('HDEL', KEYS[3], buyer)
  elseif admitted_at or redis.call('ZSCORE', KEYS[1], visitor) then
    return {'existing', visitor}
  else
    redis.call('HDEL', KEYS[3], buyer)
  end
end
local score = ARGV[6]
if ARGV[5] == '1' then score = tostring(1 + redis.call('INCR', KEYS[5])) end
redis.call('ZADD', KEYS[1], score, fresh)
redis.call('HSET', KEYS[2], fresh, record)
redis.call('HSET', KEYS[3], buyer, fresh)
redis.call('HSET', KEYS[6], unpack(ARGV, 8, 17))
for i = 1, 6 do redis.call('PEXPIREAT', KEYS[i], ARGV[18]) end
redis.call('SADD', KEYS[7], ARGV[19])
return {'joined', fresh}
";

/// Where a buyer (KEYS[3] field ARGV[1]) or a visitor (ARGV[2]) stands.
///
/// KEYS: waiting, visitors, buyers, admitted. Returns visitor id, record JSON, admitted at (ms)
/// or false, rank or false; an unknown visitor is `{}`.
const LOOKUP: &str = r"
local visitor = ARGV[2]
if ARGV[1] ~= '' then visitor = redis.call('HGET', KEYS[3], ARGV[1]) end
if not visitor then return {} end
local record = redis.call('HGET', KEYS[2], visitor)
if not record then return {} end
local admitted_at = redis.call('ZSCORE', KEYS[4], visitor)
local rank = redis.call('ZRANK', KEYS[1], visitor)
return {visitor, record, admitted_at or false, rank or false}
";

/// One admission step for one room, by the replica holding (or taking) the room's lease; it
/// refuses to admit for a replica that is not the holder, so a replica that lost its lease
/// while paused cannot admit alongside the new holder.
///
/// Token bucket: tokens grow at the rate from the sales start (none before), capped at one
/// tick's worth, so admissions over any window never pass rate × window + one tick.
///
/// KEYS: lease, bucket, waiting, admitted, visitors, stats. ARGV: replica id, lease (ms),
/// now (ms), sales start (ms), admit per minute, bucket cap (tokens), keys expire at (ms).
/// Returns {'other'} or {'admitted', count}.
const ADMIT: &str = r"
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return {'other'} end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local now, start = tonumber(ARGV[3]), tonumber(ARGV[4])
local rate, cap = tonumber(ARGV[5]), tonumber(ARGV[6])
if now < start then return {'admitted', 0} end
local tokens = tonumber(redis.call('HGET', KEYS[2], 'tokens') or '0')
local at = tonumber(redis.call('HGET', KEYS[2], 'at') or ARGV[4])
if at < start then at = start end
if now > at then
  tokens = math.min(cap, tokens + (now - at) * rate / 60000)
  at = now
end
local count, wait_ms = 0, 0
local take = math.floor(tokens)
if take > 0 then
  local popped = redis.call('ZPOPMIN', KEYS[3], take)
  for i = 1, #popped, 2 do
    local visitor = popped[i]
    redis.call('ZADD', KEYS[4], now, visitor)
    local record = redis.call('HGET', KEYS[5], visitor)
    local joined = start
    if record then joined = math.max(start, tonumber(cjson.decode(record)['joined_at_ms'])) end
    wait_ms = wait_ms + math.max(0, now - joined)
    count = count + 1
  end
  tokens = tokens - count
end
redis.call('HSET', KEYS[2], 'tokens', tostring(tokens), 'at', tostring(at))
if count > 0 then
  redis.call('HINCRBY', KEYS[6], 'admitted', count)
  redis.call('HINCRBY', KEYS[6], 'wait_ms', wait_ms)
end
for i = 2, 6 do redis.call('PEXPIREAT', KEYS[i], ARGV[7]) end
return {'admitted', count}
";

/// The room's counts for its organisers and its public state.
///
/// KEYS: waiting, admitted, stats. ARGV: since (ms). Returns waiting, admitted since, admitted
/// in total, summed wait (ms).
const COUNTS: &str = r"
local stats = redis.call('HMGET', KEYS[3], 'admitted', 'wait_ms')
return {redis.call('ZCARD', KEYS[1]), redis.call('ZCOUNT', KEYS[2], ARGV[1], '+inf'),
  tonumber(stats[1] or '0'), tonumber(stats[2] or '0')}
";

/// Counts one join of a client address in a fixed window. KEYS: the counter. ARGV: window (s).
const COUNT_JOIN: &str = r"
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
";

/// What a join found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Joined {
    New(String),
    Existing(String),
}

/// A place in a room as Redis has it.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub visitor_id: String,
    pub buyer: String,
    pub joined_at_ms: i64,
    pub admitted_at_ms: Option<i64>,
    /// 0-based among the waiting; `None` once admitted.
    pub rank: Option<u64>,
}

/// The room's counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub waiting: u64,
    pub admitted_since: u64,
    pub admitted_total: u64,
    pub wait_ms_total: u64,
}

/// What one join carries to Redis.
pub struct JoinRequest<'a> {
    pub session_id: &'a str,
    pub buyer: &'a str,
    pub fresh_visitor: &'a str,
    pub record_json: &'a str,
    pub now_ms: i64,
    pub opened: bool,
    pub early_score: f64,
    pub pass_ms: i64,
    /// opens at, sales start, sales end (ms), admit per minute, pass minutes.
    pub room: [i64; 5],
    pub expire_at_ms: i64,
}

/// One admission step's inputs.
pub struct AdmitRequest<'a> {
    pub session_id: &'a str,
    pub replica: &'a str,
    pub lease_ms: u64,
    pub now_ms: i64,
    pub sales_start_ms: i64,
    pub admit_per_minute: u32,
    pub bucket_cap: f64,
    pub expire_at_ms: i64,
}

/// The waiting rooms of one deployment (one key prefix).
#[derive(Clone)]
pub struct QueueStore {
    store: RedisStore,
    keys: QueueKeys,
    join: Script,
    lookup: Script,
    admit: Script,
    counts: Script,
    count_join: Script,
}

impl QueueStore {
    pub fn new(store: RedisStore, keys: QueueKeys) -> Self {
        Self {
            store,
            keys,
            join: Script::new(JOIN),
            lookup: Script::new(LOOKUP),
            admit: Script::new(ADMIT),
            counts: Script::new(COUNTS),
            count_join: Script::new(COUNT_JOIN),
        }
    }

    pub fn keys(&self) -> &QueueKeys {
        &self.keys
    }

    pub async fn join(&self, request: &JoinRequest<'_>) -> redis::RedisResult<Joined> {
        let session = request.session_id;
        let keys = &self.keys;
        let mut invocation = self.join.prepare_invoke();
        invocation
            .key(keys.waiting(session))
            .key(keys.visitors(session))
            .key(keys.buyers(session))
            .key(keys.admitted(session))
            .key(keys.arrivals(session))
            .key(keys.room(session))
            .key(keys.rooms())
            .arg(request.buyer)
            .arg(request.fresh_visitor)
            .arg(request.record_json)
            .arg(request.now_ms)
            .arg(if request.opened { "1" } else { "0" })
            .arg(format!("{:.17}", request.early_score))
            .arg(request.pass_ms);
        let fields = [
            RoomFields::OPENS_AT,
            RoomFields::SALES_START_AT,
            RoomFields::SALES_END_AT,
            RoomFields::ADMIT_PER_MINUTE,
            RoomFields::PASS_MINUTES,
        ];
        for (field, value) in fields.into_iter().zip(request.room) {
            invocation.arg(field).arg(value);
        }
        invocation.arg(request.expire_at_ms).arg(session);
        let (outcome, visitor): (String, String) = invocation
            .invoke_async(&mut self.store.connection().await?)
            .await?;
        Ok(if outcome == "joined" {
            Joined::New(visitor)
        } else {
            Joined::Existing(visitor)
        })
    }

    /// The place of `buyer` (a buyer key) in the session's room.
    pub async fn place_of_buyer(
        &self,
        session_id: &str,
        buyer: &str,
    ) -> redis::RedisResult<Option<Place>> {
        self.lookup(session_id, buyer, "").await
    }

    /// The place of a visitor id in the session's room.
    pub async fn place_of_visitor(
        &self,
        session_id: &str,
        visitor: &str,
    ) -> redis::RedisResult<Option<Place>> {
        self.lookup(session_id, "", visitor).await
    }

    async fn lookup(
        &self,
        session_id: &str,
        buyer: &str,
        visitor: &str,
    ) -> redis::RedisResult<Option<Place>> {
        let keys = &self.keys;
        let reply: Vec<Value> = self
            .lookup
            .key(keys.waiting(session_id))
            .key(keys.visitors(session_id))
            .key(keys.buyers(session_id))
            .key(keys.admitted(session_id))
            .arg(buyer)
            .arg(visitor)
            .invoke_async(&mut self.store.connection().await?)
            .await?;
        let Ok([visitor, record, admitted_at, rank]) = <[Value; 4]>::try_from(reply) else {
            return Ok(None);
        };
        let visitor: String = redis::from_redis_value(visitor)?;
        let record: String = redis::from_redis_value(record)?;
        let Ok(record) = serde_json::from_str::<shared_dto::waiting_room::VisitorRecord>(&record)
        else {
            return Ok(None);
        };
        let admitted_at_ms = match admitted_at {
            Value::Nil | Value::Boolean(false) => None,
            value => redis::from_redis_value::<f64>(value)
                .ok()
                .map(|ms| ms as i64),
        };
        let rank = match rank {
            Value::Nil | Value::Boolean(false) => None,
            value => redis::from_redis_value::<u64>(value).ok(),
        };
        Ok(Some(Place {
            visitor_id: visitor,
            buyer: record.buyer,
            joined_at_ms: record.joined_at_ms,
            admitted_at_ms,
            rank,
        }))
    }

    /// One admission step; `None` when another replica holds the room's lease.
    pub async fn admit(&self, request: &AdmitRequest<'_>) -> redis::RedisResult<Option<u64>> {
        let session = request.session_id;
        let keys = &self.keys;
        let reply: Vec<Value> = self
            .admit
            .key(keys.lease(session))
            .key(keys.bucket(session))
            .key(keys.waiting(session))
            .key(keys.admitted(session))
            .key(keys.visitors(session))
            .key(keys.stats(session))
            .arg(request.replica)
            .arg(request.lease_ms)
            .arg(request.now_ms)
            .arg(request.sales_start_ms)
            .arg(request.admit_per_minute)
            .arg(format!("{:.6}", request.bucket_cap))
            .arg(request.expire_at_ms)
            .invoke_async(&mut self.store.connection().await?)
            .await?;
        match <[Value; 2]>::try_from(reply) {
            Ok([_, count]) => Ok(Some(redis::from_redis_value(count)?)),
            Err(_) => Ok(None),
        }
    }

    pub async fn counts(&self, session_id: &str, since_ms: i64) -> redis::RedisResult<Counts> {
        let keys = &self.keys;
        let (waiting, admitted_since, admitted_total, wait_ms_total): (u64, u64, u64, u64) = self
            .counts
            .key(keys.waiting(session_id))
            .key(keys.admitted(session_id))
            .key(keys.stats(session_id))
            .arg(since_ms)
            .invoke_async(&mut self.store.connection().await?)
            .await?;
        Ok(Counts {
            waiting,
            admitted_since,
            admitted_total,
            wait_ms_total,
        })
    }

    /// The sessions whose rooms have had visitors.
    pub async fn rooms(&self) -> redis::RedisResult<Vec<String>> {
        redis::cmd("SMEMBERS")
            .arg(self.keys.rooms())
            .query_async(&mut self.store.connection().await?)
            .await
    }

    /// Stops serving a room whose sale is over or that was turned off.
    pub async fn forget_room(&self, session_id: &str) -> redis::RedisResult<()> {
        redis::cmd("SREM")
            .arg(self.keys.rooms())
            .arg(session_id)
            .query_async(&mut self.store.connection().await?)
            .await
    }

    /// Counts a join from `client` in the current window of `window_secs`; the count so far.
    pub async fn count_join(&self, client: &str, window_secs: u64) -> redis::RedisResult<u64> {
        self.count_join
            .key(self.keys.joins(client))
            .arg(window_secs)
            .invoke_async(&mut self.store.connection().await?)
            .await
    }
}
