//! `GET /api/catalog/events/{id}/sales/stream`: an event's sales activity as it happens, for
//! its organisation's organisers (and admins), the same audience as `GET …/sales`.

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::response::sse::Event;
use futures::Stream;
use mongodb::bson::{Document, doc};
use service_runtime::auth::{Authenticated, Principal};
use service_runtime::params::Path;
use shared_dto::read_model::{OrganisationDocument, collection};
use tokio::sync::broadcast::error::RecvError;
use tokio_util::sync::CancellationToken;

use super::LiveError;
use super::client_limit::StreamPermit;
use super::event::{self, ResyncReason};
use super::fanout::{Frame, FrameBody, Membership, Subscription};
use super::instruments::OpenStream;
use super::stream::{change_event, last_event_id, resync_event, sse_response};
use crate::client_ip::ClientIp;
use crate::state::AppState;

/// Streams an event's sales activity.
#[utoipa::path(
    get,
    path = "/api/catalog/events/{id}/sales/stream",
    tag = "live",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Event id"),
        ("Last-Event-ID" = Option<String>, Header, description = "Resume after this event when still buffered"),
    ),
    responses(
        (status = 200, content_type = "text/event-stream",
         description = "Events `activity` (a SalesActivity) and `resync` (activity may have been missed: refetch the totals)"),
        (status = 401, description = "No valid access token"),
        (status = 404, description = "No such event among the caller's organisations' events"),
        (status = 429, description = "Too many open streams from this client"),
    )
)]
pub(crate) async fn stream_sales(
    State(app): State<AppState>,
    Path(id): Path<String>,
    Authenticated(caller): Authenticated,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
) -> Result<Response, LiveError> {
    authorise(&app.read_store, &id, &caller).await?;
    let live = Arc::clone(&app.live.0);
    let permit = live.limiter.acquire(client)?;
    live.feed_ready().await?;
    let membership = live.sales.join(&id);
    let channel = Arc::clone(membership.channel());
    let last = last_event_id(&headers);
    let resumed = last
        .filter(|last| last.epoch == channel.epoch())
        .and_then(|last| channel.resume(last.seq));
    // A client that asked to resume and cannot is told to refetch the totals.
    let not_resumable = last.is_some() && resumed.is_none();
    let (missed, subscription) = resumed.unwrap_or_else(|| (Vec::new(), channel.subscribe()));
    let events = sales_events(
        SalesStream {
            membership,
            _permit: permit,
            open: OpenStream::new("sales"),
            closed: live.streams_closed.clone(),
        },
        not_resumable,
        missed,
        subscription,
    );
    Ok(sse_response(events, live.heartbeat))
}

/// Organisers of the event's organisation, and admins, may watch; to anyone else the event
/// does not exist.
async fn authorise(
    read_store: &mongodb::Database,
    event_id: &str,
    caller: &Principal,
) -> Result<(), LiveError> {
    let unavailable = |error: mongodb::error::Error| LiveError::Unavailable(error.to_string());
    let event = read_store
        .collection::<Document>(collection::EVENTS)
        .find_one(doc! { "_id": event_id })
        .projection(doc! { "organisation_id": 1 })
        .await
        .map_err(unavailable)?
        .ok_or(LiveError::NotFound)?;
    if caller.is_admin() {
        return Ok(());
    }
    let organisation_id = event
        .get_str("organisation_id")
        .map_err(|_| LiveError::NotFound)?;
    let organisation = read_store
        .collection::<OrganisationDocument>(collection::ORGANISATIONS)
        .find_one(doc! { "_id": organisation_id })
        .await
        .map_err(unavailable)?
        .ok_or(LiveError::NotFound)?;
    if organisation.has_member(
        &caller.subject,
        caller.email.as_deref(),
        &crate::catalog::sales::SALES_READER_ROLES,
    ) {
        Ok(())
    } else {
        Err(LiveError::NotFound)
    }
}

struct SalesStream {
    membership: Membership<()>,
    _permit: StreamPermit,
    open: OpenStream,
    closed: CancellationToken,
}

fn sales_events(
    stream: SalesStream,
    not_resumable: bool,
    missed: Vec<Arc<Frame>>,
    subscription: Subscription,
) -> impl Stream<Item = Result<Event, Infallible>> + Send + 'static {
    async_stream::stream! {
        // Moves the whole state in, the permit included: fields the body never reads
        // would otherwise be dropped as soon as the stream is created.
        let mut stream = stream;
        let channel = Arc::clone(stream.membership.channel());
        let epoch = channel.epoch().to_owned();
        let Subscription { mut receiver, .. } = subscription;
        if not_resumable {
            yield Ok(resync_event(ResyncReason::NotResumable));
            stream.open.sent(event::RESYNC, None);
        }
        for frame in &missed {
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
            let reason = match received {
                Ok(frame) => match &frame.body {
                    FrameBody::Resync(reason) => *reason,
                    FrameBody::Change { .. } => {
                        if let Some((event, name)) = change_event(&epoch, &frame) {
                            yield Ok(event);
                            stream.open.sent(name, Some(frame.noticed_at));
                        }
                        continue;
                    }
                },
                Err(RecvError::Lagged(_)) => {
                    stream.open.lagged();
                    receiver = channel.subscribe().receiver;
                    ResyncReason::Lagged
                }
                Err(RecvError::Closed) => break,
            };
            yield Ok(resync_event(reason));
            stream.open.sent(event::RESYNC, None);
        }
    }
}
