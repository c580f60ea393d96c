// One session's own seat map in the designer. A session copies the event's map when it is
// added and follows it while scheduled; saving a map here gives the session a map of its own,
// which the event's later changes no longer reach, so the page says so before and after.
import { ApiError } from '@boxoffice/api';
import { useAuth } from '@boxoffice/auth';
import type { Layout } from '@boxoffice/seatmap';
import { ApiErrorState, EmptyState, formatDateTime, LoadingState, useRemote } from '@boxoffice/ui';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { Designer } from './designer/Designer.tsx';
import { fromLayout } from './designer/model.ts';
import { STATUS_WORDS } from './lib.ts';

export function SessionSeatMapPage() {
  const { eventId = '', sessionId = '' } = useParams();
  const auth = useAuth();
  const data = useRemote(
    async (signal) => {
      const [event, session, tiers, stored] = await Promise.all([
        auth.api.manage.get('/api/manage/events/{id}', { path: { id: eventId }, signal }),
        auth.api.manage.get('/api/manage/sessions/{id}', { path: { id: sessionId }, signal }),
        auth.api.manage.get('/api/manage/events/{id}/tiers', { path: { id: eventId }, signal }),
        auth.api.manage
          .get('/api/manage/sessions/{id}/layout', { path: { id: sessionId }, signal })
          .catch((error: unknown) => {
            if (error instanceof ApiError && error.status === 404) return null;
            throw error;
          }),
      ]);
      if (session.event_id !== eventId)
        throw new ApiError(
          404,
          { code: 'not_found', message: 'no such session' },
          'GET',
          `/api/manage/sessions/${sessionId}`,
        );
      const venue = session.venue_id
        ? await auth.api.manage
            .get('/api/manage/venues/{id}', { path: { id: session.venue_id }, signal })
            .catch(() => null)
        : null;
      return { event, session, tiers, stored, venue };
    },
    [auth.api, eventId, sessionId],
  );
  const [savedHere, setSavedHere] = useState(false);
  if (data.status === 'loading') return <LoadingState label="Loading the session's seat map…" />;
  if (data.status === 'error')
    return <ApiErrorState error={data.error} onRetry={data.reload} what="the session's seat map" />;
  const { event, session, tiers, stored, venue } = data.data;
  const when = formatDateTime(session.starts_at, { timeZone: venue?.timezone });
  const own = savedHere || stored?.diverged === true;
  const back = `/events/${event.event_id}`;

  let body: React.ReactNode;
  if (session.status !== 'SCHEDULED') {
    body = (
      <EmptyState
        title={`This session is ${STATUS_WORDS[session.status].toLowerCase()}`}
        action={<Link to={back}>Back to {event.title}</Link>}
      >
        <p>A session's seat map can only change before it goes on sale, so tickets never lose their seats.</p>
      </EmptyState>
    );
  } else if (!stored) {
    body = (
      <EmptyState
        title="This session has no seat map yet"
        action={<Link to={`/events/${event.event_id}/edit/seat-map`}>Draw the event's seat map</Link>}
      >
        <p>It takes a copy of the event's seat map when that is saved; edit that copy here afterwards.</p>
      </EmptyState>
    );
  } else {
    body = (
      <>
        <div className={`divergence${own ? ' divergence--own' : ''}`} role="note" aria-live="polite">
          {own ? (
            <p>
              <strong>This session has its own seat map.</strong> It differs from the event's seat map, and
              changes to the event's seat map no longer reach this session.
            </p>
          ) : (
            <p>
              <strong>This session follows the event's seat map.</strong> Saving here gives it a map of its
              own: it then diverges from the event's seat map, and later changes to the event's map no longer
              reach this session. Other sessions are not changed.
            </p>
          )}
        </div>
        <Designer
          eventId={event.event_id}
          sessionId={session.session_id}
          tiers={tiers}
          initial={fromLayout(stored.layout as unknown as Layout)}
          next={back}
          continueLabel="Save and go back"
          onSaved={() => setSavedHere(true)}
        />
      </>
    );
  }

  return (
    <>
      <p className="wizard__crumb">
        <Link to="/events">Events</Link> › <Link to={back}>{event.title}</Link> › Seat map of one session
      </p>
      <h1 className="bx-page-title">Seat map for {when}</h1>
      <p className="bx-lede">
        {event.title}
        {venue ? ` · ${venue.name}, ${venue.city}` : ''}
      </p>
      <section className="bx-card" aria-label="The session's seat map">
        {body}
      </section>
    </>
  );
}
