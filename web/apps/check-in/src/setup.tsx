// Before the doors open: which event, session and gate this phone scans for. Starting downloads
// the session's ticket manifest and the signing key, so the phone can judge codes offline.
import { ApiError } from '@boxoffice/api';
import { useApi, useAuth } from '@boxoffice/auth';
import {
  ApiErrorState,
  Button,
  EmptyState,
  formatDateTime,
  LoadingState,
  SelectField,
  TextField,
  useRemote,
} from '@boxoffice/ui';
import { type FormEvent, useEffect, useId, useMemo, useState } from 'react';
import { createCheckInClient } from './api.ts';
import { useGate } from './gate-context.tsx';

const LAST_GATE = 'boxoffice-check-in:last-gate';

export function SetupScreen() {
  const api = useApi();
  const auth = useAuth();
  const gate = useGate();
  const client = useMemo(() => createCheckInClient(auth.accessToken), [auth.accessToken]);
  const [eventId, setEventId] = useState('');
  const [sessionId, setSessionId] = useState('');
  const [gateName, setGateName] = useState(() => localStorage.getItem(LAST_GATE) ?? '');
  const [gateError, setGateError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();
  const headingId = useId();

  const events = useRemote(
    (signal) =>
      api.manage.get('/api/manage/events', { query: { status: 'published', per_page: 100 }, signal }),
    [api],
  );
  // Loaded again when the connection comes back, so a setup begun offline needs no retry tap.
  const { status: eventsStatus, reload: reloadEvents } = events;
  // biome-ignore lint/correctness/useExhaustiveDependencies: only the return of the connection matters
  useEffect(() => {
    if (gate.online && eventsStatus === 'error') reloadEvents();
  }, [gate.online]);
  const sessions = useRemote(
    async (signal) =>
      eventId ? api.manage.get('/api/manage/events/{id}/sessions', { path: { id: eventId }, signal }) : [],
    [api, eventId],
  );
  const usable = useMemo(
    () =>
      (sessions.data ?? [])
        .filter((session) => session.status !== 'CANCELLED')
        .sort((a, b) => a.starts_at.localeCompare(b.starts_at)),
    [sessions.data],
  );

  // One event or one session to choose from: chosen already.
  useEffect(() => {
    const only = events.data?.items.length === 1 ? events.data.items[0] : undefined;
    if (only && !eventId) setEventId(only.event_id);
  }, [events.data, eventId]);
  useEffect(() => {
    const only = usable.length === 1 ? usable[0] : undefined;
    if (only && !sessionId) setSessionId(only.session_id);
  }, [usable, sessionId]);

  const start = async (event: FormEvent) => {
    event.preventDefault();
    const name = gateName.trim();
    if (!name || name.length > 64) {
      setGateError('Name the gate (up to 64 characters), e.g. North 1.');
      return;
    }
    setGateError(undefined);
    const chosenEvent = events.data?.items.find((item) => item.event_id === eventId);
    const chosenSession = usable.find((item) => item.session_id === sessionId);
    if (!chosenEvent || !chosenSession) return;
    setBusy(true);
    setFailure(undefined);
    try {
      const [key, manifest] = await Promise.all([
        api.sales.get('/api/sales/ticket-signing-key'),
        client.get('/api/check-in/sessions/{id}/manifest', { path: { id: chosenSession.session_id } }),
      ]);
      localStorage.setItem(LAST_GATE, name);
      await gate.begin(
        {
          event_id: chosenEvent.event_id,
          event_title: chosenEvent.title,
          session_id: chosenSession.session_id,
          session_starts_at: chosenSession.starts_at,
          gate: name,
        },
        key,
        manifest,
      );
    } catch (cause) {
      setFailure(
        cause instanceof ApiError && cause.isNetwork
          ? 'The ticket list could not be downloaded: the phone is offline. Connect and try again.'
          : cause instanceof Error
            ? `The ticket list could not be downloaded: ${cause.message}`
            : String(cause),
      );
    } finally {
      setBusy(false);
    }
  };

  if (events.status === 'loading') return <LoadingState label="Loading your events…" />;
  if (events.status === 'error')
    return <ApiErrorState error={events.error} onRetry={events.reload} what="your events" />;
  if (!events.data.items.length) {
    return (
      <EmptyState title="No events to check in">
        <p>
          Your organisation has no published events. Ask an organiser to add you to the right organisation.
        </p>
      </EmptyState>
    );
  }

  return (
    <section className="setup bx-card" aria-labelledby={headingId}>
      <h1 className="bx-page-title" id={headingId}>
        Set up this gate
      </h1>
      <p className="bx-lede">
        Choose what you are checking people in for. The ticket list is downloaded so scanning keeps working
        offline.
      </p>
      <form onSubmit={(event) => void start(event)} noValidate>
        <SelectField
          label="Event"
          pointer="/event"
          value={eventId}
          onChange={(event) => {
            setEventId(event.target.value);
            setSessionId('');
          }}
          required
        >
          <option value="">Choose an event…</option>
          {events.data.items.map((item) => (
            <option key={item.event_id} value={item.event_id}>
              {item.title}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Session"
          pointer="/session"
          value={sessionId}
          onChange={(event) => setSessionId(event.target.value)}
          disabled={!eventId || sessions.status !== 'ready'}
          hint={
            eventId && sessions.status === 'ready' && !usable.length
              ? 'This event has no sessions.'
              : undefined
          }
          error={sessions.status === 'error' ? 'The sessions could not be loaded.' : undefined}
          required
        >
          <option value="">
            {sessions.status === 'loading' && eventId ? 'Loading sessions…' : 'Choose a session…'}
          </option>
          {usable.map((item) => (
            <option key={item.session_id} value={item.session_id}>
              {formatDateTime(item.starts_at)}
            </option>
          ))}
        </SelectField>
        <TextField
          label="Gate"
          pointer="/gate"
          value={gateName}
          onChange={(event) => setGateName(event.target.value)}
          hint="Shown to staff at other gates when a ticket was admitted here."
          error={gateError}
          autoComplete="off"
          maxLength={64}
          required
        />
        {failure ? (
          <div className="bx-form-alert" role="alert">
            {failure}
          </div>
        ) : null}
        <Button type="submit" className="setup__start" busy={busy} disabled={!eventId || !sessionId}>
          {busy ? 'Downloading tickets…' : 'Start scanning'}
        </Button>
      </form>
    </section>
  );
}
