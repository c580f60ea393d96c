//! Seat holds in Redis, in the key layout of `shared_dto::seat_hold` (query-service watches
//! the seat keys to draw the live seat map).
//!
//! Every change to a hold is one Lua script, so it is atomic against every other hold: a hold
//! takes all of its seats and standing places or none of them. Redis is the fast path only;
//! PostgreSQL has the last word on what is sold (see `data::orders`).

use std::collections::HashSet;

use redis::{AsyncCommands, Script, Value};
use service_runtime::redis_store::{RedisConnection, RedisStore};
use shared_dto::seat_hold::{HoldKeys, HoldRecord, HoldToken};

/// MGET batch size when looking at many seats at once.
const MGET_CHUNK: usize = 1_000;

/// Takes every seat and standing place of one hold, or nothing.
///
/// KEYS: hold record, buyer count, one key per seat, then per standing block its sorted set
/// of hold expiries and its hash of quantities, and last the session's held-seat index.
/// ARGV: token, record JSON, expiry (ms), now (ms), buyer cap (negative: neither capped nor
/// counted), seat count, block count, the seat ids, then per block: id, quantity, places not
/// yet ticketed in PostgreSQL.
const TAKE: &str = r"
local function outlive(key, at)
  if redis.call('PEXPIRETIME', key) < at then redis.call('PEXPIREAT', key, at) end
end
local token, record = ARGV[1], ARGV[2]
local expires_at, now, cap = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local seats, blocks = tonumber(ARGV[6]), tonumber(ARGV[7])
if expires_at <= now then return {'expired'} end
local unavailable = {}
for i = 1, seats do
  local holder = redis.call('GET', KEYS[2 + i])
  if holder and holder ~= token then unavailable[#unavailable + 1] = ARGV[7 + i] end
end
local wanted = seats
for b = 1, blocks do
  local set_key, qty_key = KEYS[2 + seats + 2 * b - 1], KEYS[2 + seats + 2 * b]
  local arg = 7 + seats + 3 * (b - 1)
  local quantity, unsold = tonumber(ARGV[arg + 2]), tonumber(ARGV[arg + 3])
  for _, lapsed in ipairs(redis.call('ZRANGEBYSCORE', set_key, '-inf', now)) do
    redis.call('ZREM', set_key, lapsed)
    redis.call('HDEL', qty_key, lapsed)
  end
  local held = 0
  local quantities = redis.call('HGETALL', qty_key)
  for j = 1, #quantities, 2 do
    if quantities[j] ~= token then held = held + tonumber(quantities[j + 1]) end
  end
  if held + quantity > unsold then unavailable[#unavailable + 1] = ARGV[arg + 1] end
  wanted = wanted + quantity
end
if #unavailable > 0 then return {'unavailable', unavailable} end
if cap >= 0 then
  local count = tonumber(redis.call('GET', KEYS[2]) or '0')
  if count + wanted > cap then return {'limit', tostring(count)} end
end
for i = 1, seats do redis.call('SET', KEYS[2 + i], token, 'PXAT', expires_at) end
if seats > 0 then
  local index = KEYS[#KEYS]
  -- Lapsed members are trimmed here, so the index stays the size of the live holds.
  redis.call('ZREMRANGEBYSCORE', index, '-inf', now)
  for i = 1, seats do redis.call('ZADD', index, expires_at, ARGV[7 + i]) end
  outlive(index, expires_at)
end
for b = 1, blocks do
  local set_key, qty_key = KEYS[2 + seats + 2 * b - 1], KEYS[2 + seats + 2 * b]
  local quantity = ARGV[7 + seats + 3 * (b - 1) + 2]
  redis.call('ZADD', set_key, expires_at, token)
  redis.call('HSET', qty_key, token, quantity)
  outlive(set_key, expires_at)
  outlive(qty_key, expires_at)
end
redis.call('SET', KEYS[1], record, 'PXAT', expires_at)
if cap >= 0 then
  redis.call('INCRBY', KEYS[2], wanted)
  outlive(KEYS[2], expires_at)
end
return {'held'}
";

/// Lets go of one hold: only keys that still carry its token are deleted.
///
/// KEYS: as for TAKE. ARGV: token, seat count, block count, places counted against the buyer,
/// then the seat ids.
const RELEASE: &str = r"
local token = ARGV[1]
local seats, blocks, counted = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
for i = 1, seats do
  if redis.call('GET', KEYS[2 + i]) == token then
    redis.call('DEL', KEYS[2 + i])
    redis.call('ZREM', KEYS[#KEYS], ARGV[4 + i])
  end
end
for b = 1, blocks do
  redis.call('ZREM', KEYS[2 + seats + 2 * b - 1], token)
  redis.call('HDEL', KEYS[2 + seats + 2 * b], token)
end
local existed = redis.call('DEL', KEYS[1])
if existed == 1 and counted > 0 then
  if redis.call('DECRBY', KEYS[2], counted) <= 0 then redis.call('DEL', KEYS[2]) end
end
return existed
";

/// Moves a hold's expiry, once. Refuses when the record changed since the caller read it, so
/// two concurrent extensions cannot both pass the caller's `extended` check.
///
/// KEYS: as for TAKE. ARGV: token, record as read, new record, new expiry (ms), seat count,
/// block count, then the seat ids.
const EXTEND: &str = r"
local function outlive(key, at)
  if redis.call('PEXPIRETIME', key) < at then redis.call('PEXPIREAT', key, at) end
end
local token, seen, record = ARGV[1], ARGV[2], ARGV[3]
local expires_at = tonumber(ARGV[4])
local seats, blocks = tonumber(ARGV[5]), tonumber(ARGV[6])
local current = redis.call('GET', KEYS[1])
if not current then return 'missing' end
if current ~= seen then return 'changed' end
for i = 1, seats do
  if redis.call('GET', KEYS[2 + i]) == token then
    redis.call('PEXPIREAT', KEYS[2 + i], expires_at)
    redis.call('ZADD', KEYS[#KEYS], 'XX', expires_at, ARGV[6 + i])
  end
end
if seats > 0 then outlive(KEYS[#KEYS], expires_at) end
for b = 1, blocks do
  local set_key, qty_key = KEYS[2 + seats + 2 * b - 1], KEYS[2 + seats + 2 * b]
  if redis.call('ZADD', set_key, 'XX', 'CH', expires_at, token) == 1 then
    outlive(set_key, expires_at)
    outlive(qty_key, expires_at)
  end
end
redis.call('SET', KEYS[1], record, 'PXAT', expires_at)
if redis.call('EXISTS', KEYS[2]) == 1 then outlive(KEYS[2], expires_at) end
return 'extended'
";

#[derive(Debug, thiserror::Error)]
pub enum HoldStoreError {
    #[error(transparent)]
    Redis(#[from] redis::RedisError),
    #[error("unexpected answer from a hold script: {0}")]
    Protocol(String),
    #[error("a hold record could not be read: {0}")]
    Record(#[from] serde_json::Error),
}

/// What [`HoldStore::take`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TakeOutcome {
    Held,
    /// Seat ids, and standing block ids without room, that someone else has.
    Unavailable(Vec<String>),
    /// The buyer already holds this many places; the hold would pass the cap.
    LimitReached {
        held: u64,
    },
    /// The expiry asked for has already passed.
    Expired,
}

/// What [`HoldStore::extend`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtendOutcome {
    Extended(HoldRecord),
    AlreadyExtended,
    Missing,
}

/// The holds of one deployment (one key prefix).
#[derive(Clone)]
pub struct HoldStore {
    keys: HoldKeys,
    store: RedisStore,
    take: Script,
    release: Script,
    extend: Script,
}

impl HoldStore {
    /// Connects lazily: Redis being down makes requests fail (and the service not ready), not
    /// the start-up. A single server or a cluster: every key a script touches is in the
    /// session's hash slot.
    pub fn new(store: RedisStore, keys: HoldKeys) -> Self {
        Self {
            keys,
            store,
            take: Script::new(TAKE),
            release: Script::new(RELEASE),
            extend: Script::new(EXTEND),
        }
    }

    async fn connection(&self) -> Result<RedisConnection, HoldStoreError> {
        Ok(self.store.connection().await?)
    }

    pub fn keys(&self) -> &HoldKeys {
        &self.keys
    }

    /// The KEYS every script of `record` (held under `token`) works on, in the order the
    /// scripts expect.
    fn script_keys(&self, token: &HoldToken, record: &HoldRecord) -> Vec<String> {
        let mut keys = Vec::with_capacity(3 + record.seat_ids.len() + 2 * record.standing.len());
        keys.push(self.keys.hold(token));
        keys.push(self.keys.buyer(&record.session_id, &record.buyer));
        keys.extend(
            record
                .seat_ids
                .iter()
                .map(|seat| self.keys.seat(&record.session_id, seat)),
        );
        for standing in &record.standing {
            keys.push(self.keys.standing(&record.session_id, &standing.block_id));
            keys.push(
                self.keys
                    .standing_quantities(&record.session_id, &standing.block_id),
            );
        }
        keys.push(self.keys.held_seats(&record.session_id));
        keys
    }

    /// Takes every place of `record` until its `expires_at_ms`, or none. `unsold[i]` is how many
    /// places of `record.standing[i]` have no ticket yet; `buyer_cap` `None` neither caps nor
    /// counts the places against the buyer (re-taking a paid order's places).
    pub async fn take(
        &self,
        token: &HoldToken,
        record: &HoldRecord,
        unsold: &[u64],
        buyer_cap: Option<u32>,
        now_ms: i64,
    ) -> Result<TakeOutcome, HoldStoreError> {
        let mut invocation = self.take.prepare_invoke();
        for key in self.script_keys(token, record) {
            invocation.key(key);
        }
        invocation
            .arg(token.as_str())
            .arg(serde_json::to_string(record)?)
            .arg(record.expires_at_ms)
            .arg(now_ms)
            .arg(buyer_cap.map_or(-1, i64::from))
            .arg(record.seat_ids.len())
            .arg(record.standing.len());
        for seat in &record.seat_ids {
            invocation.arg(seat);
        }
        for (standing, unsold) in record.standing.iter().zip(unsold) {
            invocation
                .arg(&standing.block_id)
                .arg(standing.quantity)
                .arg(*unsold);
        }
        let reply: Vec<Value> = invocation
            .invoke_async(&mut self.connection().await?)
            .await?;
        let mut reply = reply.into_iter();
        let status = reply.next().map(text).transpose()?.unwrap_or_default();
        match status.as_str() {
            "held" => Ok(TakeOutcome::Held),
            "expired" => Ok(TakeOutcome::Expired),
            "unavailable" => {
                let places = match reply.next() {
                    Some(Value::Array(items)) => {
                        items.into_iter().map(text).collect::<Result<Vec<_>, _>>()?
                    }
                    other => return Err(HoldStoreError::Protocol(format!("{other:?}"))),
                };
                Ok(TakeOutcome::Unavailable(places))
            }
            "limit" => {
                let held = reply
                    .next()
                    .map(text)
                    .transpose()?
                    .and_then(|held| held.parse().ok())
                    .unwrap_or_default();
                Ok(TakeOutcome::LimitReached { held })
            }
            other => Err(HoldStoreError::Protocol(other.to_owned())),
        }
    }

    /// Lets go of `record`'s places that still carry its token, and of the record itself.
    /// `counted` says whether its places count against the buyer's cap.
    pub async fn release(
        &self,
        token: &HoldToken,
        record: &HoldRecord,
        counted: bool,
    ) -> Result<(), HoldStoreError> {
        let places = if counted { places_of(record) } else { 0 };
        let mut invocation = self.release.prepare_invoke();
        for key in self.script_keys(token, record) {
            invocation.key(key);
        }
        invocation
            .arg(token.as_str())
            .arg(record.seat_ids.len())
            .arg(record.standing.len())
            .arg(places);
        for seat in &record.seat_ids {
            invocation.arg(seat);
        }
        let _existed: i64 = invocation
            .invoke_async(&mut self.connection().await?)
            .await?;
        Ok(())
    }

    /// The hold behind `token`, while it lives.
    pub async fn get(&self, token: &HoldToken) -> Result<Option<HoldRecord>, HoldStoreError> {
        Ok(self
            .get_raw(token)
            .await?
            .map(|raw| serde_json::from_str(&raw))
            .transpose()?)
    }

    async fn get_raw(&self, token: &HoldToken) -> Result<Option<String>, HoldStoreError> {
        Ok(self
            .connection()
            .await?
            .get::<_, Option<String>>(self.keys.hold(token))
            .await?)
    }

    /// Pushes the hold's expiry back by `extension`, once per hold.
    pub async fn extend(
        &self,
        token: &HoldToken,
        extension_ms: i64,
        now_ms: i64,
    ) -> Result<ExtendOutcome, HoldStoreError> {
        let Some(seen) = self.get_raw(token).await? else {
            return Ok(ExtendOutcome::Missing);
        };
        let mut record: HoldRecord = serde_json::from_str(&seen)?;
        if record.extended {
            return Ok(ExtendOutcome::AlreadyExtended);
        }
        record.extended = true;
        record.expires_at_ms = record.expires_at_ms.max(now_ms) + extension_ms;
        let mut invocation = self.extend.prepare_invoke();
        for key in self.script_keys(token, &record) {
            invocation.key(key);
        }
        invocation
            .arg(token.as_str())
            .arg(&seen)
            .arg(serde_json::to_string(&record)?)
            .arg(record.expires_at_ms)
            .arg(record.seat_ids.len())
            .arg(record.standing.len());
        for seat in &record.seat_ids {
            invocation.arg(seat);
        }
        let outcome: String = invocation
            .invoke_async(&mut self.connection().await?)
            .await?;
        match outcome.as_str() {
            "extended" => Ok(ExtendOutcome::Extended(record)),
            "missing" => Ok(ExtendOutcome::Missing),
            // Another request changed the record first: it was the one extension.
            "changed" => Ok(ExtendOutcome::AlreadyExtended),
            other => Err(HoldStoreError::Protocol(other.to_owned())),
        }
    }

    /// Which of `seat_ids` are held by anyone right now.
    pub async fn held_seats(
        &self,
        session_id: &str,
        seat_ids: &[&str],
    ) -> Result<HashSet<String>, HoldStoreError> {
        let mut held = HashSet::new();
        let mut connection = self.connection().await?;
        for chunk in seat_ids.chunks(MGET_CHUNK) {
            let keys: Vec<String> = chunk
                .iter()
                .map(|seat| self.keys.seat(session_id, seat))
                .collect();
            let holders: Vec<Option<String>> = redis::cmd("MGET")
                .arg(&keys)
                .query_async(&mut connection)
                .await?;
            held.extend(
                chunk
                    .iter()
                    .zip(holders)
                    .filter(|(_, holder)| holder.is_some())
                    .map(|(seat, _)| (*seat).to_owned()),
            );
        }
        Ok(held)
    }

    /// Standing places of one block held right now (an estimate: the take script decides).
    pub async fn standing_held(
        &self,
        session_id: &str,
        block_id: &str,
        now_ms: i64,
    ) -> Result<u64, HoldStoreError> {
        let mut connection = self.connection().await?;
        let live: Vec<String> = connection
            .zrangebyscore(
                self.keys.standing(session_id, block_id),
                format!("({now_ms}"),
                "+inf",
            )
            .await?;
        if live.is_empty() {
            return Ok(0);
        }
        let quantities: Vec<Option<u64>> = redis::cmd("HMGET")
            .arg(self.keys.standing_quantities(session_id, block_id))
            .arg(&live)
            .query_async(&mut connection)
            .await?;
        Ok(quantities.into_iter().flatten().sum())
    }

    pub async fn publish(&self, channel: &str, payload: &str) -> Result<(), HoldStoreError> {
        self.connection()
            .await?
            .publish::<_, _, i64>(channel, payload)
            .await?;
        Ok(())
    }
}

/// Seats plus standing places of a hold: what it counts against the buyer's cap.
pub fn places_of(record: &HoldRecord) -> u64 {
    record.seat_ids.len() as u64
        + record
            .standing
            .iter()
            .map(|standing| u64::from(standing.quantity))
            .sum::<u64>()
}

fn text(value: Value) -> Result<String, HoldStoreError> {
    match value {
        Value::BulkString(bytes) => {
            String::from_utf8(bytes).map_err(|error| HoldStoreError::Protocol(error.to_string()))
        }
        Value::SimpleString(text) => Ok(text),
        Value::Int(number) => Ok(number.to_string()),
        other => Err(HoldStoreError::Protocol(format!("{other:?}"))),
    }
}
