//! The Redis feed of this replica: keyspace notifications of the seat keys and the two sales
//! channels, turned into changes on the channels of the sessions and events being watched.
//!
//! Pub/sub, not a consumer group: every replica sees every change. Pub/sub also forgets what
//! happens while a subscriber is away, so after every (re)subscription each channel is told
//! to resync, and its streams start over from a fresh snapshot.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::stream::{self, BoxStream, SelectAll};
use futures::{FutureExt, StreamExt};
use redis::Msg;
use redis::aio::{PubSub, PubSubSink};
use service_runtime::Backoff;
use service_runtime::redis_store::RedisStore;
use shared_dto::seat_hold::{HoldKeys, SalesActivity, SeatsRefunded, SeatsSold, StandingHold};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::event::{self, ResyncReason, SeatChange, SeatsSoldChange};
use super::fanout::{Channel, Hub, SeatChannelState};
use super::instruments;
use super::sold::SoldLedger;

const SUBSCRIBE_TIMEOUT: Duration = Duration::from_secs(5);
const PING_TIMEOUT: Duration = Duration::from_secs(3);
/// Notifications already received are handled together, so one multi-seat hold (one Lua
/// script, one keyspace event per seat) becomes one `held` event.
const MAX_BATCH: usize = 512;

pub(crate) struct Feed {
    /// Published `true` while subscribed.
    pub up: watch::Sender<bool>,
    pub redis: RedisStore,
    pub keys: HoldKeys,
    pub seats: Arc<Hub<SeatChannelState>>,
    pub sales: Arc<Hub<()>>,
    pub ledger: Arc<SoldLedger>,
    pub reconnect: Backoff,
    pub ping_every: Duration,
}

/// Runs the feed until `stop`, reconnecting whenever the connection is lost.
pub(crate) async fn run(mut feed: Feed, stop: CancellationToken) {
    loop {
        let subscribed = tokio::select! {
            () = stop.cancelled() => return,
            subscribed = tokio::time::timeout(SUBSCRIBE_TIMEOUT, feed.subscribe()) => subscribed,
        };
        match subscribed {
            Ok(Ok(subscriptions)) => {
                tracing::info!(
                    prefix = feed.keys.prefix(),
                    nodes = subscriptions.len(),
                    "subscribed to seat notifications"
                );
                feed.reconnect.reset();
                // Before new streams may start: only streams from before the gap resync.
                feed.resync_all();
                feed.up.send_replace(true);
                instruments::feed_connected(true);
                let mut sinks = Vec::with_capacity(subscriptions.len());
                let mut messages = SelectAll::new();
                for pubsub in subscriptions {
                    let (sink, node_messages) = pubsub.split();
                    sinks.push(sink);
                    // A node's stream ends with `None`, so losing any one node is noticed.
                    messages.push(
                        node_messages
                            .map(Some)
                            .chain(stream::once(async { None }))
                            .boxed(),
                    );
                }
                let lost = feed.pump(sinks, messages, &stop).await;
                feed.up.send_replace(false);
                instruments::feed_connected(false);
                match lost {
                    None => return,
                    Some(reason) => {
                        instruments::feed_lost();
                        tracing::warn!(%reason, "lost the redis notification feed; reconnecting");
                    }
                }
            }
            Ok(Err(error)) => {
                tracing::warn!(%error, "cannot subscribe to redis notifications");
            }
            Err(_) => {
                tracing::warn!(timeout = ?SUBSCRIBE_TIMEOUT, "subscribing to redis notifications timed out");
            }
        }
        let delay = feed.reconnect.next_delay();
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(delay) => {}
        }
    }
}

/// What one notification means.
enum Notice {
    Held { session: String, seat: String },
    Released { session: String, seat: String },
    Sold(SeatsSold),
    Refunded(SeatsRefunded),
    Activity(SalesActivity),
}

/// The runs of one batch, per session in order of first appearance; sessions are
/// independent of each other, so only the order within a session matters.
#[derive(Default)]
struct Pending {
    sessions: Vec<(String, SessionRuns)>,
    index: HashMap<String, usize>,
}

struct SessionRuns {
    /// `None` when no stream watches the session here.
    channel: Option<Arc<Channel<SeatChannelState>>>,
    runs: Vec<Run>,
}

impl Pending {
    fn session(&mut self, hub: &Hub<SeatChannelState>, session: &str) -> &mut SessionRuns {
        let position = match self.index.get(session) {
            Some(&position) => position,
            None => {
                self.sessions.push((
                    session.to_owned(),
                    SessionRuns {
                        channel: hub.get(session),
                        runs: Vec::new(),
                    },
                ));
                self.index
                    .insert(session.to_owned(), self.sessions.len() - 1);
                self.sessions.len() - 1
            }
        };
        &mut self.sessions[position].1
    }
}

/// Consecutive changes of one kind for one session, published as one event.
enum Run {
    Held(Vec<String>),
    Released(Vec<String>),
    Sold {
        seat_ids: Vec<String>,
        standing: Vec<StandingHold>,
    },
}

impl Feed {
    /// Keyspace notifications come from the node that holds the key, so every master of a
    /// cluster is watched; published messages reach every node, so the channels are
    /// subscribed on the first only.
    async fn subscribe(&self) -> redis::RedisResult<Vec<PubSub>> {
        let nodes = self.redis.keyspace_clients().await?;
        let mut subscriptions = Vec::with_capacity(nodes.len());
        for (index, node) in nodes.iter().enumerate() {
            let mut pubsub = node.get_async_pubsub().await?;
            pubsub.psubscribe(self.keys.seat_keyspace_pattern()).await?;
            if index == 0 {
                pubsub
                    .subscribe(&[
                        self.keys.sales_channel(),
                        self.keys.refunds_channel(),
                        self.keys.sales_activity_channel(),
                    ])
                    .await?;
            }
            subscriptions.push(pubsub);
        }
        Ok(subscriptions)
    }

    /// Handles notifications until the connection is lost (`Some(reason)`) or `stop`.
    async fn pump(
        &self,
        mut sinks: Vec<PubSubSink>,
        mut messages: SelectAll<BoxStream<'static, Option<Msg>>>,
        stop: &CancellationToken,
    ) -> Option<String> {
        let mut ping = tokio::time::interval(self.ping_every);
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ping.tick().await;
        loop {
            tokio::select! {
                biased;
                () = stop.cancelled() => return None,
                message = messages.next() => {
                    let Some(Some(first)) = message else {
                        return Some("the connection was closed".to_owned());
                    };
                    let noticed_at = Instant::now();
                    let mut batch = vec![first];
                    let mut closed = false;
                    while batch.len() < MAX_BATCH {
                        match messages.next().now_or_never() {
                            Some(Some(Some(message))) => batch.push(message),
                            Some(Some(None) | None) => {
                                closed = true;
                                break;
                            }
                            None => break,
                        }
                    }
                    self.dispatch(&batch, noticed_at);
                    if closed {
                        return Some("the connection was closed".to_owned());
                    }
                }
                _ = ping.tick() => {
                    for sink in &mut sinks {
                        match tokio::time::timeout(PING_TIMEOUT, sink.ping::<redis::Value>()).await {
                            Ok(Ok(_)) => {}
                            Ok(Err(error)) => return Some(format!("ping failed: {error}")),
                            Err(_) => return Some(format!("no answer to a ping within {PING_TIMEOUT:?}")),
                        }
                    }
                }
            }
        }
    }

    fn read(&self, message: &Msg) -> Option<Notice> {
        let channel = message.get_channel_name();
        let payload = message.get_payload_bytes();
        if message.from_pattern() {
            let (session, seat) = self.keys.parse_seat_key(channel)?;
            let (session, seat) = (session.to_owned(), seat.to_owned());
            return match payload {
                b"set" => Some(Notice::Held { session, seat }),
                // `evicted` only under memory pressure, but the seat is free all the same.
                b"del" | b"expired" | b"evicted" => Some(Notice::Released { session, seat }),
                // `expire` (an extended hold) and the like change nothing a viewer sees.
                _ => None,
            };
        }
        let parsed = if channel == self.keys.sales_channel() {
            serde_json::from_slice(payload).map(Notice::Sold)
        } else if channel == self.keys.refunds_channel() {
            serde_json::from_slice(payload).map(Notice::Refunded)
        } else if channel == self.keys.sales_activity_channel() {
            serde_json::from_slice(payload).map(Notice::Activity)
        } else {
            return None;
        };
        parsed
            .inspect_err(|error| {
                tracing::warn!(channel, %error, "ignoring an unreadable sales message");
            })
            .ok()
    }

    fn dispatch(&self, batch: &[Msg], noticed_at: Instant) {
        let mut pending = Pending::default();
        for message in batch {
            match self.read(message) {
                Some(Notice::Held { session, seat }) => {
                    let runs = pending.session(&self.seats, &session);
                    if runs.channel.is_some() {
                        match runs.runs.last_mut() {
                            Some(Run::Held(seats)) => seats.push(seat),
                            _ => runs.runs.push(Run::Held(vec![seat])),
                        }
                    }
                }
                Some(Notice::Released { session, seat }) => {
                    let runs = pending.session(&self.seats, &session);
                    if runs.channel.is_some() {
                        match runs.runs.last_mut() {
                            Some(Run::Released(seats)) => seats.push(seat),
                            _ => runs.runs.push(Run::Released(vec![seat])),
                        }
                    }
                }
                Some(Notice::Sold(sold)) => {
                    // Recorded for every session, watched or not, and before looking for the
                    // session's channel: a stream that starts after that look-up, before the
                    // projection has caught up, takes the sale from its snapshot.
                    self.ledger
                        .record(&sold.session_id, &sold.seat_ids, noticed_at);
                    let runs = pending.session(&self.seats, &sold.session_id);
                    match runs.runs.last_mut() {
                        Some(Run::Sold { seat_ids, standing }) => {
                            seat_ids.extend(sold.seat_ids);
                            standing.extend(sold.standing);
                        }
                        _ => runs.runs.push(Run::Sold {
                            seat_ids: sold.seat_ids,
                            standing: sold.standing,
                        }),
                    }
                }
                Some(Notice::Refunded(refunded)) => {
                    // Forgotten first, so the release below is not taken for a sale's end.
                    self.ledger.forget(&refunded.session_id, &refunded.seat_ids);
                    let runs = pending.session(&self.seats, &refunded.session_id);
                    if runs.channel.is_some() && !refunded.seat_ids.is_empty() {
                        match runs.runs.last_mut() {
                            Some(Run::Released(seats)) => seats.extend(refunded.seat_ids),
                            _ => runs.runs.push(Run::Released(refunded.seat_ids)),
                        }
                    }
                }
                Some(Notice::Activity(activity)) => self.publish_activity(&activity, noticed_at),
                None => {}
            }
        }
        for (session, runs) in pending.sessions {
            for run in runs.runs {
                self.publish_run(&session, runs.channel.as_deref(), run, noticed_at);
            }
        }
    }

    fn publish_run(
        &self,
        session: &str,
        channel: Option<&Channel<SeatChannelState>>,
        run: Run,
        noticed_at: Instant,
    ) {
        let change = |seat_ids: Vec<String>| SeatChange {
            session_id: session.to_owned(),
            seat_ids,
        };
        match run {
            Run::Held(seats) => {
                let Some(channel) = channel else { return };
                let sold = self.ledger.sold_among(session, &seats);
                channel.publish(noticed_at, |state| {
                    state.forget_stale_snapshot();
                    // A `set` on a seat already known held (an extended or re-issued hold)
                    // changes nothing a viewer sees.
                    let fresh: Vec<String> = seats
                        .iter()
                        .filter(|seat| !sold.contains(seat.as_str()))
                        .filter(|seat| state.held.insert((*seat).clone()))
                        .cloned()
                        .collect();
                    (!fresh.is_empty()).then(|| (event::HELD, to_json(&change(fresh))))
                });
            }
            Run::Released(seats) => {
                let Some(channel) = channel else { return };
                // Deleting the hold keys of sold seats is the end of a sale, not a release.
                let sold = self.ledger.sold_among(session, &seats);
                channel.publish(noticed_at, |state| {
                    state.forget_stale_snapshot();
                    let freed: Vec<String> = seats
                        .iter()
                        .filter(|seat| !sold.contains(seat.as_str()))
                        .inspect(|seat| {
                            state.held.remove(seat.as_str());
                        })
                        .cloned()
                        .collect();
                    (!freed.is_empty()).then(|| (event::RELEASED, to_json(&change(freed))))
                });
            }
            Run::Sold { seat_ids, standing } => {
                let Some(channel) = channel else { return };
                channel.publish(noticed_at, |state| {
                    state.forget_stale_snapshot();
                    for seat in &seat_ids {
                        state.held.remove(seat);
                    }
                    let sold = SeatsSoldChange {
                        session_id: session.to_owned(),
                        seat_ids,
                        standing,
                    };
                    Some((event::SOLD, to_json(&sold)))
                });
            }
        }
    }

    fn publish_activity(&self, activity: &SalesActivity, noticed_at: Instant) {
        if let Some(channel) = self.sales.get(&activity.event_id) {
            channel.publish(noticed_at, |()| Some((event::ACTIVITY, to_json(activity))));
        }
    }

    fn resync_all(&self) {
        let now = Instant::now();
        for channel in self.seats.all() {
            channel.resync(ResyncReason::FeedRestarted, now, |state| {
                // Releases may have been missed, and the cached snapshot predates them.
                state.held.clear();
                state.snapshot = None;
            });
        }
        for channel in self.sales.all() {
            channel.resync(ResyncReason::FeedRestarted, now, |()| {});
        }
    }
}

fn to_json(value: &impl serde::Serialize) -> String {
    // Plain structs of strings and numbers always serialise.
    serde_json::to_string(value).unwrap_or_default()
}
