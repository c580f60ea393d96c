//! `GET /api/catalog/sessions/{id}/seats/stream`: a session's seat changes as server-sent
//! events.
//!
//! A stream starts with a `snapshot` (or, given a resumable `Last-Event-ID`, with the
//! changes missed since), then sends every change of the session. Whenever it may have
//! missed changes (it lagged behind, or the replica lost Redis for a while) it sends `resync`
//! and a fresh `snapshot`, never a silent gap.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::{FutureExt, Stream};
use service_runtime::Backoff;
use service_runtime::params::Path;
use tokio::sync::broadcast::error::RecvError;
use tokio_util::sync::CancellationToken;

use super::client_limit::StreamPermit;
use super::event::{self, EventId, Resync, ResyncReason};
use super::fanout::{
    Channel, Frame, FrameBody, Membership, SNAPSHOT_REUSE, SeatChannelState, SnapshotSlot,
    Subscription,
};
use super::instruments::OpenStream;
use super::snapshot::{Snapshot, SnapshotError, SnapshotSource};
use super::{LiveError, session_key};
use crate::client_ip::ClientIp;
use crate::state::AppState;

/// A snapshot and the channel position it is current at.
pub(crate) struct PositionedSnapshot {
    pub at: u64,
    pub snapshot: Arc<Snapshot>,
}

/// A snapshot reflecting at least every change up to position `after` of `channel`.
pub(crate) async fn snapshot_after(
    channel: &Channel<SeatChannelState>,
    source: &SnapshotSource,
    session: &str,
    after: u64,
) -> Result<PositionedSnapshot, SnapshotError> {
    let (at, future) = channel.with_ext(|state, seq| {
        if let Some(slot) = &state.snapshot
            && slot.started_at >= after
            && (slot.created.elapsed() < SNAPSHOT_REUSE || slot.future.peek().is_none())
        {
            return (slot.started_at, slot.future.clone());
        }
        // Started under the channel lock at position `seq`, and it reads only when first
        // polled: every change numbered up to `seq` happened in Redis before that read.
        let source = source.clone();
        let session = session.to_owned();
        let future = async move { source.build(&session).await }.boxed().shared();
        state.snapshot = Some(SnapshotSlot {
            started_at: seq,
            created: Instant::now(),
            future: future.clone(),
        });
        (seq, future)
    });
    match future.clone().await {
        Ok(snapshot) => Ok(PositionedSnapshot { at, snapshot }),
        Err(error) => {
            // Failures are not shared with later requests: they read again.
            channel.with_ext(|state, _| {
                if state
                    .snapshot
                    .as_ref()
                    .is_some_and(|slot| slot.future.ptr_eq(&future))
                {
                    state.snapshot = None;
                }
            });
            Err(error)
        }
    }
}

/// Streams seat changes of one session.
#[utoipa::path(
    get,
    path = "/api/catalog/sessions/{id}/seats/stream",
    tag = "live",
    params(
        ("id" = String, Path, description = "Session id"),
        ("Last-Event-ID" = Option<String>, Header,
         description = "Resume after this event: the missed changes follow, or a fresh snapshot when it is too old or unknown"),
    ),
    responses(
        (status = 200, content_type = "text/event-stream",
         description = "Events `snapshot` (a SeatMapState), `held`/`released` (a SeatChange), `sold` (a SeatsSoldChange), `resync` (a Resync, then a snapshot); ids `{epoch}-{seq}`; a comment heartbeat on idle streams"),
        (status = 404, description = "No seat map for this session"),
        (status = 429, description = "Too many open streams from this client"),
        (status = 503, description = "Live seat state is temporarily unavailable"),
    )
)]
pub(crate) async fn stream_seats(
    State(app): State<AppState>,
    Path(id): Path<String>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
) -> Result<Response, LiveError> {
    let session = session_key(&id)?;
    let live = Arc::clone(&app.live.0);
    let permit = live.limiter.acquire(client)?;
    live.feed_ready().await?;
    let membership = live.seats.join(&session);
    let channel = Arc::clone(membership.channel());

    let last = last_event_id(&headers);
    let resumed = last
        .filter(|last| last.epoch == channel.epoch())
        .and_then(|last| channel.resume(last.seq));
    let start = match resumed {
        Some((missed, subscription)) => Start {
            resync: None,
            snapshot: None,
            missed,
            subscription,
        },
        None => {
            let subscription = channel.subscribe();
            let snapshot =
                snapshot_after(&channel, &live.snapshots, &session, subscription.after).await?;
            Start {
                // A client that asked to resume must be told its state is being replaced.
                resync: last.map(|_| ResyncReason::NotResumable),
                snapshot: Some(snapshot),
                missed: Vec::new(),
                subscription,
            }
        }
    };
    let events = seat_events(
        SeatStream {
            session,
            membership,
            _permit: permit,
            open: OpenStream::new("seats"),
            source: live.snapshots.clone(),
            closed: live.streams_closed.clone(),
        },
        start,
    );
    Ok(sse_response(events, live.heartbeat))
}

pub(crate) fn last_event_id(headers: &HeaderMap) -> Option<EventId<'_>> {
    headers
        .get("last-event-id")
        .and_then(|value| value.to_str().ok())
        .and_then(EventId::parse)
}

pub(crate) fn sse_response(
    events: impl Stream<Item = Result<Event, Infallible>> + Send + 'static,
    heartbeat: Duration,
) -> Response {
    let sse = Sse::new(events).keep_alive(KeepAlive::new().interval(heartbeat));
    // Tells nginx not to buffer the stream even where `proxy_buffering` is on.
    ([("x-accel-buffering", "no")], sse).into_response()
}

struct Start {
    /// Sent before the snapshot when the client's position could not be resumed.
    resync: Option<ResyncReason>,
    snapshot: Option<PositionedSnapshot>,
    missed: Vec<Arc<Frame>>,
    subscription: Subscription,
}

/// What a stream owns for as long as it is open.
struct SeatStream {
    session: String,
    membership: Membership<SeatChannelState>,
    _permit: StreamPermit,
    open: OpenStream,
    source: SnapshotSource,
    closed: CancellationToken,
}

pub(crate) fn change_event(epoch: &str, frame: &Frame) -> Option<(Event, &'static str)> {
    match &frame.body {
        FrameBody::Change { name, data } => Some((
            Event::default()
                .event(*name)
                .id(EventId {
                    epoch,
                    seq: frame.seq,
                }
                .to_string())
                .data(data),
            name,
        )),
        FrameBody::Resync(_) => None,
    }
}

/// Carries no id, so a client that disconnects before the snapshot that follows resumes
/// from before the gap, which is unresumable, and gets a snapshot.
pub(crate) fn resync_event(reason: ResyncReason) -> Event {
    let data = serde_json::to_string(&Resync { reason }).unwrap_or_default();
    Event::default().event(event::RESYNC).data(data)
}

fn snapshot_event(epoch: &str, snapshot: &PositionedSnapshot) -> Event {
    Event::default()
        .event(event::SNAPSHOT)
        .id(EventId {
            epoch,
            seq: snapshot.at,
        }
        .to_string())
        .data(snapshot.snapshot.json())
}

fn seat_events(
    stream: SeatStream,
    start: Start,
) -> impl Stream<Item = Result<Event, Infallible>> + Send + 'static {
    async_stream::stream! {
        // Moves the whole state in, the permit included: fields the body never reads
        // would otherwise be dropped as soon as the stream is created.
        let mut stream = stream;
        let channel = Arc::clone(stream.membership.channel());
        let epoch = channel.epoch().to_owned();
        let Subscription { mut receiver, after } = start.subscription;
        // Changes up to here are in what the client has already been sent.
        let mut current_at = after;
        if let Some(reason) = start.resync {
            yield Ok(resync_event(reason));
            stream.open.sent(event::RESYNC, None);
        }
        if let Some(snapshot) = &start.snapshot {
            current_at = snapshot.at;
            yield Ok(snapshot_event(&epoch, snapshot));
            stream.open.sent(event::SNAPSHOT, None);
        }
        for frame in &start.missed {
            if let Some((event, name)) = change_event(&epoch, frame) {
                yield Ok(event);
                stream.open.sent(name, None);
            }
        }
        loop {
            let received = tokio::select! {
                biased;
                () = stream.closed.cancelled() => break,
                received = receiver.recv() => received,
            };
            let (reason, restart_after) = match received {
                Ok(frame) if frame.seq <= current_at => continue,
                Ok(frame) => match &frame.body {
                    FrameBody::Resync(reason) => (*reason, frame.seq),
                    FrameBody::Change { .. } => {
                        if let Some((event, name)) = change_event(&epoch, &frame) {
                            yield Ok(event);
                            stream.open.sent(name, Some(frame.noticed_at));
                        }
                        continue;
                    }
                },
                Err(RecvError::Lagged(missed)) => {
                    tracing::debug!(session = %stream.session, missed, "seat stream lagged; resynchronising");
                    stream.open.lagged();
                    let subscription = channel.subscribe();
                    receiver = subscription.receiver;
                    (ResyncReason::Lagged, subscription.after)
                }
                Err(RecvError::Closed) => break,
            };
            yield Ok(resync_event(reason));
            stream.open.sent(event::RESYNC, None);

            let mut retry = Backoff::new(Duration::from_millis(250), Duration::from_secs(10));
            let snapshot = loop {
                match snapshot_after(&channel, &stream.source, &stream.session, restart_after).await {
                    Ok(snapshot) => break Some(snapshot),
                    Err(SnapshotError::NotFound) => break None,
                    Err(error) => {
                        tracing::warn!(session = %stream.session, %error, "cannot rebuild a seat map; retrying");
                        tokio::select! {
                            () = stream.closed.cancelled() => break None,
                            () = tokio::time::sleep(retry.next_delay()) => {}
                        }
                    }
                }
            };
            // Without a snapshot (the seat map is gone, or the service is stopping) the
            // stream ends; a reconnecting client learns which.
            let Some(snapshot) = snapshot else { break };
            current_at = snapshot.at;
            yield Ok(snapshot_event(&epoch, &snapshot));
            stream.open.sent(event::SNAPSHOT, None);
        }
    }
}
