// The organisation's events, and one event's page: its sessions with the actions that run them.
import { ApiError } from '@boxoffice/api';
import { useAuth } from '@boxoffice/auth';
import {
  ApiErrorState,
  Button,
  buttonClass,
  ConfirmDialog,
  EmptyState,
  formatDateTime,
  LoadingState,
  Skeleton,
  useRemote,
  useToast,
} from '@boxoffice/ui';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { CATEGORIES, type EventRecord, type Session, type SessionStatus, STATUS_WORDS } from './lib.ts';
import { useOrganisations } from './organisation.tsx';
import { SessionMap } from './session_map.tsx';

const EVENT_STATUS_WORDS: Record<EventRecord['status'], string> = {
  draft: 'Draft',
  published: 'Published',
  cancelled: 'Cancelled',
  completed: 'Completed',
};

export function EventListPage() {
  const auth = useAuth();
  const { current, list: organisations } = useOrganisations();
  const events = useRemote(
    async (signal) => {
      if (!current) return [];
      const page = await auth.api.manage.get('/api/manage/events', {
        query: { organisation_id: current.organisation_id, per_page: 100 },
        signal,
      });
      return page.items;
    },
    [auth.api, current?.organisation_id],
  );
  return (
    <>
      <div className="page-head">
        <div>
          <h1 className="bx-page-title">Events</h1>
          {current ? <p className="bx-lede">{current.name}</p> : null}
        </div>
        {current ? (
          <Link className={buttonClass('primary')} to="/events/new">
            Create an event
          </Link>
        ) : null}
      </div>
      {organisations.status === 'ready' && !current ? (
        <EmptyState
          title="You are not in any organisation yet"
          action={<Link to="/">Your organisations</Link>}
        />
      ) : null}
      <section aria-labelledby="events-title" aria-busy={events.status === 'loading'}>
        <h2 id="events-title" className="visually-hidden">
          Events of {current?.name}
        </h2>
        {events.status === 'loading' ? <Skeleton count={3} height="4.5rem" /> : null}
        {events.status === 'error' ? (
          <ApiErrorState error={events.error} onRetry={events.reload} what="the events" />
        ) : null}
        {events.status === 'ready' && events.data.length === 0 && current ? (
          <EmptyState
            title="No events yet"
            action={
              <Link className={buttonClass('primary')} to="/events/new">
                Create the first event
              </Link>
            }
          >
            <p>A draft is saved at every step, so you can come back to it later.</p>
          </EmptyState>
        ) : null}
        {events.status === 'ready' && events.data.length > 0 ? (
          <ul className="event-list">
            {events.data.map((event) => (
              <li key={event.event_id} className="bx-card event-row">
                <div className="event-row__main">
                  <h3>
                    <Link to={`/events/${event.event_id}`}>{event.title}</Link>
                  </h3>
                  <p className="choice__meta">
                    {CATEGORIES.find((c) => c.id === event.category_id)?.name ?? 'No category'} · updated{' '}
                    {formatDateTime(event.updated_at)}
                  </p>
                </div>
                <span className={`bx-badge status status--${event.status}`}>
                  {EVENT_STATUS_WORDS[event.status]}
                </span>
                {event.status === 'draft' ? (
                  <Link className={buttonClass('secondary')} to={`/events/${event.event_id}/edit/review`}>
                    Continue<span className="visually-hidden"> {event.title}</span>
                  </Link>
                ) : (
                  <Link className={buttonClass('secondary')} to={`/events/${event.event_id}/sales`}>
                    Sales<span className="visually-hidden"> of {event.title}</span>
                  </Link>
                )}
              </li>
            ))}
          </ul>
        ) : null}
      </section>
    </>
  );
}

interface StatusAction {
  to: SessionStatus;
  label: string;
  title: string;
  explain: string;
  danger?: boolean;
}

/** What an organiser may do with a session in each status, and what it means for buyers. */
export function actionsFor(status: SessionStatus): StatusAction[] {
  const putOnSale: StatusAction = {
    to: 'ON_SALE',
    label: 'Put on sale',
    title: 'Put this session on sale?',
    explain:
      'Buyers can hold seats and buy tickets from now until the sales window closes. The event must be published and the session’s seat map must have places to sell.',
  };
  const close: StatusAction = {
    to: 'CLOSED',
    label: 'Close sales',
    title: 'Close sales for this session?',
    explain:
      'No new holds or orders are accepted. Tickets already sold stay valid and can still be checked in; seats someone is holding right now are released when their hold expires, and those holds can no longer become orders.',
  };
  const cancel: StatusAction = {
    to: 'CANCELLED',
    label: 'Cancel session',
    title: 'Cancel this session?',
    explain:
      'This cannot be undone. The session disappears from sale at once, seats being held are released, and every ticket sold for it stops being valid at the gates. Buyers’ orders stay on record for refunds.',
    danger: true,
  };
  switch (status) {
    case 'SCHEDULED':
      return [putOnSale, cancel];
    case 'ON_SALE':
    case 'SOLD_OUT':
      return [close, cancel];
    case 'CLOSED':
      return [cancel];
    default:
      return [];
  }
}

export function EventPage() {
  const { eventId = '' } = useParams();
  const auth = useAuth();
  const toast = useToast();
  const data = useRemote(
    async (signal) => {
      const path = { id: eventId };
      const [event, sessions] = await Promise.all([
        auth.api.manage.get('/api/manage/events/{id}', { path, signal }),
        auth.api.manage.get('/api/manage/events/{id}/sessions', { path, signal }),
      ]);
      const venueIds = [...new Set(sessions.map((s) => s.venue_id).filter((id): id is string => !!id))];
      const venues = await Promise.all(
        venueIds.map((id) =>
          auth.api.manage.get('/api/manage/venues/{id}', { path: { id }, signal }).catch(() => null),
        ),
      );
      return { event, sessions, venues: venues.filter((v) => v !== null) };
    },
    [auth.api, eventId],
  );
  const [pending, setPending] = useState<{ session: Session; action: StatusAction }>();
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string>();
  const [mapFor, setMapFor] = useState<string>();
  if (data.status === 'loading') return <LoadingState label="Loading the event…" />;
  if (data.status === 'error')
    return <ApiErrorState error={data.error} onRetry={data.reload} what="the event" />;
  const { event, sessions, venues } = data.data;
  const confirm = async () => {
    if (!pending) return;
    setBusy(true);
    setActionError(undefined);
    try {
      await auth.api.manage.post('/api/manage/sessions/{id}/status', {
        path: { id: pending.session.session_id },
        body: { status: pending.action.to },
      });
      toast.show(`Session: ${STATUS_WORDS[pending.action.to].toLowerCase()}`, 'success');
      setPending(undefined);
      data.reload();
    } catch (caught) {
      setActionError(caught instanceof ApiError ? caught.message : 'The change could not be made.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <p className="wizard__crumb">
        <Link to="/events">Events</Link> › {event.title}
      </p>
      <div className="page-head">
        <div>
          <h1 className="bx-page-title">{event.title}</h1>
          <p className="bx-lede">
            <span className={`bx-badge status status--${event.status}`}>
              {EVENT_STATUS_WORDS[event.status]}
            </span>{' '}
            {CATEGORIES.find((c) => c.id === event.category_id)?.name ?? ''}
          </p>
        </div>
        <div className="page-head__actions">
          <Link
            className={buttonClass('secondary')}
            to={`/events/${event.event_id}/edit/${event.status === 'draft' ? 'review' : 'details'}`}
          >
            {event.status === 'draft' ? 'Continue editing' : 'Edit'}
          </Link>
          {event.status !== 'draft' ? (
            <Link className={buttonClass('primary')} to={`/events/${event.event_id}/sales`}>
              Live sales
            </Link>
          ) : null}
        </div>
      </div>
      <section className="bx-card" aria-labelledby="sessions-title">
        <h2 id="sessions-title">Sessions</h2>
        {sessions.length === 0 ? (
          <EmptyState
            title="No sessions yet"
            action={<Link to={`/events/${event.event_id}/edit/sessions`}>Add sessions</Link>}
          />
        ) : (
          <div className="table-wrap">
            <table className="data-table data-table--stack">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Venue</th>
                  <th scope="col">Places</th>
                  <th scope="col">Status</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {sessions.map((session) => {
                  const venue = venues.find((v) => v.venue_id === session.venue_id);
                  const when = formatDateTime(session.starts_at, { timeZone: venue?.timezone });
                  return (
                    <tr key={session.session_id}>
                      <td data-label="When">{when}</td>
                      <td data-label="Venue">
                        {venue ? `${venue.name}, ${venue.city}` : session.mode === 'online' ? 'Online' : '—'}
                      </td>
                      <td data-label="Places">
                        {session.capacity.toLocaleString()}
                        {session.own_seat_map ? (
                          <span
                            className="bx-badge own-map"
                            title="Edited on its own: changes to the event's seat map do not reach it"
                          >
                            own seat map
                          </span>
                        ) : null}
                      </td>
                      <td data-label="Status">
                        <span className={`bx-badge status status--${session.status.toLowerCase()}`}>
                          {STATUS_WORDS[session.status]}
                        </span>
                      </td>
                      <td className="data-table__actions">
                        <Button
                          variant="ghost"
                          aria-pressed={mapFor === session.session_id}
                          onClick={() =>
                            setMapFor(mapFor === session.session_id ? undefined : session.session_id)
                          }
                        >
                          Seat map
                          <span className="visually-hidden"> ({when})</span>
                        </Button>
                        {session.status === 'SCHEDULED' ? (
                          <Link
                            className={buttonClass('ghost')}
                            to={`/events/${event.event_id}/sessions/${session.session_id}/seat-map`}
                          >
                            Edit this session's map
                            <span className="visually-hidden"> ({when})</span>
                          </Link>
                        ) : null}
                        {session.status !== 'CANCELLED' && session.status !== 'CLOSED' ? (
                          <Link
                            className={buttonClass('ghost')}
                            to={`/events/${event.event_id}/sessions/${session.session_id}/waiting-room`}
                          >
                            Waiting room
                            <span className="visually-hidden"> ({when})</span>
                          </Link>
                        ) : null}
                        {actionsFor(session.status).map((action) => (
                          <Button
                            key={action.to}
                            variant={action.danger ? 'ghost' : 'secondary'}
                            disabled={action.to === 'ON_SALE' && event.status !== 'published'}
                            title={
                              action.to === 'ON_SALE' && event.status !== 'published'
                                ? 'Publish the event first'
                                : undefined
                            }
                            onClick={() => {
                              setActionError(undefined);
                              setPending({ session, action });
                            }}
                          >
                            {action.label}
                            <span className="visually-hidden"> ({when})</span>
                          </Button>
                        ))}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {mapFor ? (
        <section className="bx-card" aria-labelledby="session-map-title">
          <h2 id="session-map-title">
            Seat map, {(() => {
              const session = sessions.find((s) => s.session_id === mapFor);
              const zone = venues.find((v) => v.venue_id === session?.venue_id)?.timezone;
              return session ? formatDateTime(session.starts_at, { timeZone: zone }) : '';
            })()}
          </h2>
          <SessionMap key={mapFor} sessionId={mapFor} label={event.title} />
        </section>
      ) : null}
      <ConfirmDialog
        open={!!pending}
        title={pending?.action.title ?? ''}
        confirmLabel={pending?.action.label ?? ''}
        danger={pending?.action.danger}
        busy={busy}
        onConfirm={confirm}
        onCancel={() => setPending(undefined)}
      >
        <p>
          <strong>{pending ? formatDateTime(pending.session.starts_at) : ''}</strong>
        </p>
        <p>{pending?.action.explain}</p>
        {actionError ? (
          <p className="bx-form-alert" role="alert">
            {actionError}
          </p>
        ) : null}
      </ConfirmDialog>
    </>
  );
}
