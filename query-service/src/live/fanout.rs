//! In-process fan-out: one broadcast channel per active key (a session for seat streams, an
//! event for sales streams), created by its first stream and dropped a while after its last
//! (`linger`), so a client that was the only watcher can still reconnect and resume: the
//! channel keeps numbering and buffering changes while nobody listens.
//!
//! A channel numbers its changes and keeps the latest ones for `Last-Event-ID` resumption.
//! Numbering, buffering and sending happen under one lock, and so does subscribing, so a
//! stream that subscribed at `seq` receives exactly the changes after `seq`.
//!
//! A seat channel also keeps `SeatChannelState`: the seats it knows held and the snapshot its
//! streams share.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use futures::future::{BoxFuture, Shared};
use tokio::sync::broadcast;

use super::event::ResyncReason;
use super::snapshot::{Snapshot, SnapshotError};

/// A finished snapshot is handed to later streams for this long, provided no change has
/// happened since it was started; it bounds how stale a read-model change can look.
pub(crate) const SNAPSHOT_REUSE: Duration = Duration::from_secs(2);

pub(crate) type SharedSnapshot = Shared<BoxFuture<'static, Result<Arc<Snapshot>, SnapshotError>>>;

/// What a seat channel keeps besides its changes.
#[derive(Default)]
pub(crate) struct SeatChannelState {
    /// Seats this channel saw become held and not yet released.
    pub held: HashSet<String>,
    /// The latest snapshot build, shared by the streams that need one at the same time
    /// (a resync of thousands of streams makes one read, not thousands).
    pub snapshot: Option<SnapshotSlot>,
}

impl SeatChannelState {
    /// Lets go of a finished snapshot nobody may reuse any more, so a session's last seat map
    /// is not kept in memory for as long as someone watches it.
    pub fn forget_stale_snapshot(&mut self) {
        if self.snapshot.as_ref().is_some_and(|slot| {
            slot.future.peek().is_some() && slot.created.elapsed() >= SNAPSHOT_REUSE
        }) {
            self.snapshot = None;
        }
    }
}

pub(crate) struct SnapshotSlot {
    /// The channel position when the build started: it reflects every change up to there.
    pub started_at: u64,
    pub created: Instant,
    pub future: SharedSnapshot,
}

/// One numbered item of a channel, shared by every stream that sends it.
#[derive(Debug)]
pub(crate) struct Frame {
    pub seq: u64,
    pub body: FrameBody,
    /// When the replica received the notification behind this frame.
    pub noticed_at: Instant,
}

#[derive(Debug)]
pub(crate) enum FrameBody {
    /// A change: the SSE event name and its JSON data, serialised once for all streams.
    Change { name: &'static str, data: String },
    /// Changes may have been missed before this frame: streams must start over.
    Resync(ResyncReason),
}

/// A receiver and the sequence number it starts after.
pub(crate) struct Subscription {
    pub receiver: broadcast::Receiver<Arc<Frame>>,
    pub after: u64,
}

pub(crate) struct Channel<X> {
    epoch: String,
    sender: broadcast::Sender<Arc<Frame>>,
    state: Mutex<State<X>>,
}

struct State<X> {
    seq: u64,
    /// The oldest position a stream can resume from: every frame after it is buffered.
    replay_from: u64,
    buffer: VecDeque<Arc<Frame>>,
    replay_capacity: usize,
    /// What the owner keeps per channel (e.g. the seats it knows to be held).
    ext: X,
}

impl<X: Default> Channel<X> {
    fn new(capacity: usize, replay_capacity: usize) -> Self {
        let (sender, _) = broadcast::channel(capacity.max(1));
        Self {
            epoch: format!("{:08x}", uuid::Uuid::new_v4().as_u64_pair().0 as u32),
            sender,
            state: Mutex::new(State {
                seq: 0,
                replay_from: 0,
                buffer: VecDeque::with_capacity(replay_capacity.min(64)),
                replay_capacity,
                ext: X::default(),
            }),
        }
    }
}

impl<X> Channel<X> {
    /// Names this channel's sequence in event ids.
    pub fn epoch(&self) -> &str {
        &self.epoch
    }

    fn state(&self) -> MutexGuard<'_, State<X>> {
        // A panic elsewhere cannot leave the state half-updated in a way that matters more
        // than losing every stream of the session would.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Numbers, buffers and sends the change `decide` makes of the per-channel state, if any.
    pub fn publish(
        &self,
        noticed_at: Instant,
        decide: impl FnOnce(&mut X) -> Option<(&'static str, String)>,
    ) {
        let mut state = self.state();
        let Some((name, data)) = decide(&mut state.ext) else {
            return;
        };
        state.seq += 1;
        let frame = Arc::new(Frame {
            seq: state.seq,
            body: FrameBody::Change { name, data },
            noticed_at,
        });
        if state.replay_capacity > 0 {
            if state.buffer.len() == state.replay_capacity
                && let Some(oldest) = state.buffer.pop_front()
            {
                state.replay_from = oldest.seq;
            }
            state.buffer.push_back(Arc::clone(&frame));
        } else {
            state.replay_from = state.seq;
        }
        // No receiver only means nobody is listening right now.
        let _ = self.sender.send(frame);
    }

    /// Tells every stream to start over, and makes older positions unresumable: whatever
    /// was missed is not in the buffer.
    pub fn resync(&self, reason: ResyncReason, noticed_at: Instant, reset: impl FnOnce(&mut X)) {
        let mut state = self.state();
        state.seq += 1;
        state.buffer.clear();
        state.replay_from = state.seq;
        reset(&mut state.ext);
        let frame = Arc::new(Frame {
            seq: state.seq,
            body: FrameBody::Resync(reason),
            noticed_at,
        });
        let _ = self.sender.send(frame);
    }

    pub fn subscribe(&self) -> Subscription {
        let state = self.state();
        Subscription {
            receiver: self.sender.subscribe(),
            after: state.seq,
        }
    }

    /// The buffered frames after `after` and a subscription continuing from them, or `None`
    /// when `after` is not a position of this channel's buffer.
    pub fn resume(&self, after: u64) -> Option<(Vec<Arc<Frame>>, Subscription)> {
        let state = self.state();
        if after < state.replay_from || after > state.seq {
            return None;
        }
        let missed = state
            .buffer
            .iter()
            .filter(|frame| frame.seq > after)
            .cloned()
            .collect();
        Some((
            missed,
            Subscription {
                receiver: self.sender.subscribe(),
                after: state.seq,
            },
        ))
    }

    /// Runs `f` on the per-channel state, with the current sequence number.
    pub fn with_ext<R>(&self, f: impl FnOnce(&mut X, u64) -> R) -> R {
        let mut state = self.state();
        let seq = state.seq;
        f(&mut state.ext, seq)
    }
}

/// The active channels of one kind.
pub(crate) struct Hub<X> {
    channels: Mutex<HashMap<String, Entry<X>>>,
    capacity: usize,
    replay_capacity: usize,
    /// How long a channel outlives its last stream.
    linger: Duration,
}

struct Entry<X> {
    channel: Arc<Channel<X>>,
    streams: usize,
    /// When the last stream left; `None` while any is open.
    idle_since: Option<Instant>,
}

impl<X> Entry<X> {
    fn expired(&self, linger: Duration, now: Instant) -> bool {
        self.idle_since
            .is_some_and(|since| now.saturating_duration_since(since) >= linger)
    }
}

impl<X: Default> Hub<X> {
    pub fn new(capacity: usize, replay_capacity: usize, linger: Duration) -> Self {
        Self {
            channels: Mutex::new(HashMap::new()),
            capacity,
            replay_capacity,
            linger,
        }
    }

    fn channels(&self) -> MutexGuard<'_, HashMap<String, Entry<X>>> {
        self.channels.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers one stream of `key`, creating its channel if it is the first (or the last
    /// one's channel has expired). Expired channels of other keys are dropped on the way.
    pub fn join(self: &Arc<Self>, key: &str) -> Membership<X> {
        let mut channels = self.channels();
        let now = Instant::now();
        channels.retain(|_, entry| !entry.expired(self.linger, now));
        let entry = channels.entry(key.to_owned()).or_insert_with(|| Entry {
            channel: Arc::new(Channel::new(self.capacity, self.replay_capacity)),
            streams: 0,
            idle_since: None,
        });
        entry.streams += 1;
        entry.idle_since = None;
        Membership {
            hub: Arc::clone(self),
            key: key.to_owned(),
            channel: Arc::clone(&entry.channel),
        }
    }

    /// The channel of `key`, if a stream is listening to it or left it recently.
    pub fn get(&self, key: &str) -> Option<Arc<Channel<X>>> {
        let mut channels = self.channels();
        let entry = channels.get(key)?;
        if entry.expired(self.linger, Instant::now()) {
            channels.remove(key);
            return None;
        }
        Some(Arc::clone(&entry.channel))
    }

    pub fn all(&self) -> Vec<Arc<Channel<X>>> {
        let now = Instant::now();
        self.channels()
            .values()
            .filter(|entry| !entry.expired(self.linger, now))
            .map(|entry| Arc::clone(&entry.channel))
            .collect()
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.channels().len()
    }
}

/// One stream's hold on a channel; the channel is dropped with its last membership.
pub(crate) struct Membership<X: Default> {
    hub: Arc<Hub<X>>,
    key: String,
    channel: Arc<Channel<X>>,
}

impl<X: Default> Membership<X> {
    pub fn channel(&self) -> &Arc<Channel<X>> {
        &self.channel
    }
}

impl<X: Default> Drop for Membership<X> {
    fn drop(&mut self) {
        let mut channels = self.hub.channels();
        if let Some(entry) = channels.get_mut(&self.key)
            && Arc::ptr_eq(&entry.channel, &self.channel)
        {
            entry.streams -= 1;
            if entry.streams == 0 {
                if self.hub.linger.is_zero() {
                    channels.remove(&self.key);
                } else {
                    entry.idle_since = Some(Instant::now());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(channel: &Channel<()>, data: &str) {
        channel.publish(Instant::now(), |_| Some(("held", data.to_owned())));
    }

    fn data(frame: &Frame) -> &str {
        match &frame.body {
            FrameBody::Change { data, .. } => data,
            FrameBody::Resync(_) => "resync",
        }
    }

    #[test]
    fn a_channel_lives_as_long_as_its_streams() {
        let hub = Arc::new(Hub::<()>::new(8, 8, Duration::ZERO));
        let first = hub.join("s1");
        let second = hub.join("s1");
        assert!(Arc::ptr_eq(first.channel(), second.channel()));
        drop(first);
        assert_eq!(hub.len(), 1);
        drop(second);
        assert_eq!(hub.len(), 0);
        assert!(hub.get("s1").is_none());

        let again = hub.join("s1");
        assert_ne!(again.channel().epoch(), "");
        assert_eq!(hub.len(), 1);
    }

    #[test]
    fn a_channel_outlives_its_last_stream_by_its_linger_and_keeps_changes() {
        let hub = Arc::new(Hub::<()>::new(8, 8, Duration::from_secs(3600)));
        let only = hub.join("s1");
        let epoch = only.channel().epoch().to_owned();
        change(only.channel(), "a");
        drop(only);
        // Nobody watches, but changes still reach the channel and can be resumed.
        let channel = hub.get("s1").expect("lingering");
        change(&channel, "b");
        let back = hub.join("s1");
        assert_eq!(back.channel().epoch(), epoch);
        let (missed, _) = back.channel().resume(1).expect("resumable");
        assert_eq!(
            missed.iter().map(|frame| data(frame)).collect::<Vec<_>>(),
            ["b"]
        );
    }

    #[test]
    fn an_expired_channel_is_dropped() {
        let hub = Arc::new(Hub::<()>::new(8, 8, Duration::from_nanos(1)));
        let only = hub.join("s1");
        let epoch = only.channel().epoch().to_owned();
        drop(only);
        let expired_at = Instant::now() + Duration::from_millis(1);
        while Instant::now() < expired_at {
            std::hint::spin_loop();
        }
        assert!(hub.get("s1").is_none());
        assert_eq!(hub.len(), 0);
        assert_ne!(hub.join("s1").channel().epoch(), epoch);
    }

    #[test]
    fn a_subscriber_receives_exactly_the_changes_after_its_position() {
        let channel = Channel::<()>::new(8, 8);
        change(&channel, "a");
        let mut subscription = channel.subscribe();
        assert_eq!(subscription.after, 1);
        change(&channel, "b");
        let frame = subscription.receiver.try_recv().expect("b");
        assert_eq!((frame.seq, data(&frame)), (2, "b"));
        assert!(subscription.receiver.try_recv().is_err());
    }

    #[test]
    fn resuming_replays_the_missed_changes_in_order() {
        let channel = Channel::<()>::new(8, 3);
        for name in ["a", "b", "c", "d"] {
            change(&channel, name);
        }
        // "a" (1) fell out of the buffer: positions 1..=4 can resume, 0 cannot.
        assert!(channel.resume(0).is_none());
        let (missed, subscription) = channel.resume(1).expect("resumable");
        let missed: Vec<_> = missed.iter().map(|frame| data(frame)).collect();
        assert_eq!(missed, ["b", "c", "d"]);
        assert_eq!(subscription.after, 4);
        assert!(channel.resume(4).expect("up to date").0.is_empty());
        assert!(channel.resume(5).is_none(), "a future position is unknown");
    }

    #[test]
    fn a_resync_makes_earlier_positions_unresumable() {
        let channel = Channel::<()>::new(8, 8);
        change(&channel, "a");
        let mut subscription = channel.subscribe();
        channel.resync(ResyncReason::FeedRestarted, Instant::now(), |_| {});
        assert!(matches!(
            subscription.receiver.try_recv().expect("resync").body,
            FrameBody::Resync(ResyncReason::FeedRestarted)
        ));
        assert!(channel.resume(1).is_none());
        assert!(channel.resume(2).is_some());
    }

    #[test]
    fn a_decision_not_to_publish_uses_no_number() {
        let channel = Channel::<u32>::new(8, 8);
        channel.publish(Instant::now(), |count| {
            *count += 1;
            None
        });
        assert_eq!(channel.subscribe().after, 0);
        assert_eq!(channel.with_ext(|count, _| *count), 1);
    }
}
