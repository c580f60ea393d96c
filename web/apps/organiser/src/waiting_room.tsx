// One session's waiting room: switched on or off, how many buyers it lets through a minute,
// how long before the sale it opens and how long a buyer's turn lasts; and, while it runs, its
// live figures (queue length, admitted in the last minute against the rate, average wait),
// asked for every few seconds.
import { ApiError } from '@boxoffice/api';
import { useAuth } from '@boxoffice/auth';
import {
  ApiErrorState,
  Button,
  FormErrorProvider,
  FormErrorSummary,
  formatDateTime,
  LoadingState,
  TextField,
  useRemote,
  useToast,
} from '@boxoffice/ui';
import { useEffect, useId, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { STATUS_WORDS } from './lib.ts';
import {
  bodyOf,
  clearsIn,
  FIELD_WORDS,
  formatWait,
  formOf,
  LIMITS,
  NUMBER_FIELDS,
  type NumberField,
  type QueueStats,
  type WaitingRoomForm,
  type WaitingRoomSettings,
} from './waiting_room_model.ts';

/** How often the live figures are asked for. */
export const STATS_POLL_MS = 4_000;

const HINTS: Record<NumberField, string> = {
  admit_per_minute: 'About what the box office and payment can serve at once; 1 to 100,000.',
  opens_minutes_before_sale:
    'Everyone who joins before the sale starts gets a random place then, so arriving early by script gains nothing; 0 to 1,440.',
  pass_minutes: 'How long a buyer let through may take to reserve seats; 1 to 120.',
};

export function WaitingRoomPage() {
  const { eventId = '', sessionId = '' } = useParams();
  const auth = useAuth();
  const data = useRemote(
    async (signal) => {
      const [event, session, settings] = await Promise.all([
        auth.api.manage.get('/api/manage/events/{id}', { path: { id: eventId }, signal }),
        auth.api.manage.get('/api/manage/sessions/{id}', { path: { id: sessionId }, signal }),
        auth.api.manage.get('/api/manage/sessions/{id}/waiting-room', { path: { id: sessionId }, signal }),
      ]);
      if (session.event_id !== eventId)
        throw new ApiError(404, { code: 'not_found', message: 'no such session' }, 'GET', sessionId);
      const venue = session.venue_id
        ? await auth.api.manage
            .get('/api/manage/venues/{id}', { path: { id: session.venue_id }, signal })
            .catch(() => null)
        : null;
      return { event, session, settings, venue };
    },
    [auth.api, eventId, sessionId],
  );
  const [saved, setSaved] = useState<WaitingRoomSettings>();
  if (data.status === 'loading') return <LoadingState label="Loading the waiting room…" />;
  if (data.status === 'error')
    return <ApiErrorState error={data.error} onRetry={data.reload} what="the waiting room" />;
  const { event, session, venue } = data.data;
  const settings = saved ?? data.data.settings;
  const zone = venue?.timezone;
  const when = formatDateTime(session.starts_at, { timeZone: zone });
  const closed = session.status === 'CLOSED' || session.status === 'CANCELLED';
  return (
    <>
      <p className="wizard__crumb">
        <Link to="/events">Events</Link> › <Link to={`/events/${event.event_id}`}>{event.title}</Link> ›
        Waiting room
      </p>
      <div className="page-head">
        <div>
          <h1 className="bx-page-title">Waiting room</h1>
          <p className="bx-lede">
            {event.title} · {when}{' '}
            <span className={`bx-badge status status--${session.status.toLowerCase()}`}>
              {STATUS_WORDS[session.status]}
            </span>
          </p>
          {session.sales_start_at ? (
            <p className="choice__meta">
              Sales start {formatDateTime(session.sales_start_at, { timeZone: zone })}
            </p>
          ) : null}
        </div>
      </div>
      <div className="waiting-room-grid">
        <SettingsForm
          sessionId={sessionId}
          settings={settings}
          readOnly={closed}
          onSaved={(next) => setSaved(next)}
        />
        {settings.enabled ? <LivePanel sessionId={sessionId} /> : null}
      </div>
    </>
  );
}

function SettingsForm({
  sessionId,
  settings,
  readOnly,
  onSaved,
}: {
  sessionId: string;
  settings: WaitingRoomSettings;
  readOnly: boolean;
  onSaved: (settings: WaitingRoomSettings) => void;
}) {
  const auth = useAuth();
  const toast = useToast();
  const id = useId();
  const client = auth.api;
  const [form, setForm] = useState<WaitingRoomForm>(() => formOf(settings));
  const [local, setLocal] = useState<Partial<Record<NumberField, string>>>({});
  const [apiError, setApiError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  // An API error on a field moves the focus there too.
  useEffect(() => {
    if (apiError?.field) formRef.current?.querySelector<HTMLInputElement>('[aria-invalid="true"]')?.focus();
  }, [apiError]);

  const submit = async () => {
    setApiError(undefined);
    const checked = bodyOf(form);
    if (!checked.ok) {
      setLocal(checked.errors);
      // After the render that marks them: the first field in error takes the focus.
      requestAnimationFrame(() =>
        formRef.current?.querySelector<HTMLInputElement>('[aria-invalid="true"]')?.focus(),
      );
      return;
    }
    setLocal({});
    setBusy(true);
    try {
      const next = await client.manage.put('/api/manage/sessions/{id}/waiting-room', {
        path: { id: sessionId },
        body: checked.body,
      });
      onSaved(next);
      setForm(formOf(next));
      toast.show(next.enabled ? 'Waiting room on' : 'Waiting room off', 'success');
    } catch (caught) {
      if (caught instanceof ApiError) setApiError(caught);
      else throw caught;
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="bx-card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Settings</h2>
      <p className="choice__meta">
        For sales where far more people arrive than there are seats: buyers queue in a fair order and reach
        the seat map a few at a time, each with a limited time to reserve.
      </p>
      <FormErrorProvider error={apiError}>
        <form
          ref={formRef}
          className="waiting-room-form"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
        >
          <FormErrorSummary fields={['/enabled', ...NUMBER_FIELDS.map((field) => `/${field}`)]} />
          <label className="choice choice--inline">
            <input
              type="checkbox"
              checked={form.enabled}
              disabled={readOnly}
              onChange={(event) => setForm({ ...form, enabled: event.target.checked })}
            />
            Queue buyers in a waiting room before the seat map
          </label>
          {NUMBER_FIELDS.map((field) => (
            <TextField
              key={field}
              label={FIELD_WORDS[field]}
              pointer={`/${field}`}
              hint={HINTS[field]}
              error={local[field]}
              inputMode="numeric"
              type="number"
              min={LIMITS[field].min}
              max={LIMITS[field].max}
              step={1}
              disabled={readOnly}
              value={form[field]}
              onChange={(event) => setForm({ ...form, [field]: event.target.value })}
            />
          ))}
          <div className="wizard__actions">
            <Button type="submit" busy={busy} disabled={readOnly}>
              Save waiting room
            </Button>
          </div>
          {readOnly ? (
            <p className="choice__meta">This session is over: its settings are kept as they were.</p>
          ) : null}
        </form>
      </FormErrorProvider>
    </section>
  );
}

function LivePanel({ sessionId }: { sessionId: string }) {
  const auth = useAuth();
  const id = useId();
  const client = auth.api;
  const [stats, setStats] = useState<QueueStats>();
  const [error, setError] = useState<unknown>();
  const [updatedAt, setUpdatedAt] = useState<Date>();

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const controller = new AbortController();
    const ask = async () => {
      try {
        const next = await client.sales.get('/api/sales/sessions/{id}/queue/stats', {
          path: { id: sessionId },
          signal: controller.signal,
        });
        if (stopped) return;
        setStats(next);
        setError(undefined);
        setUpdatedAt(new Date());
      } catch (caught) {
        if (stopped) return;
        setError(caught);
      }
      // The figures matter while someone looks at them: a hidden tab asks less often.
      if (!stopped) timer = setTimeout(ask, document.hidden ? STATS_POLL_MS * 5 : STATS_POLL_MS);
    };
    void ask();
    return () => {
      stopped = true;
      clearTimeout(timer);
      controller.abort();
    };
  }, [client, sessionId]);

  return (
    <section className="bx-card" aria-labelledby={`${id}-title`} aria-busy={!stats && !error}>
      <h2 id={`${id}-title`}>Live</h2>
      {!stats && !error ? <LoadingState label="Asking for the queue's figures…" /> : null}
      {error && !stats ? (
        <p className="bx-form-alert" role="alert">
          The live figures are not available right now
          {error instanceof ApiError ? ` (${error.message})` : ''}. They are asked for again every few
          seconds.
        </p>
      ) : null}
      {stats ? (
        <>
          <p className="choice__meta">
            {stats.active ? (
              <span className="bx-badge status status--on_sale">Queue open</span>
            ) : (
              <span className="bx-badge status status--scheduled">Queue not open</span>
            )}{' '}
            {updatedAt ? `Updated ${updatedAt.toLocaleTimeString('en-GB')}` : ''}
            {error ? ' · the last update failed; showing the one before' : ''}
          </p>
          <div className="figures" aria-live="polite" data-testid="queue-stats">
            <Figure label="Waiting" value={stats.waiting.toLocaleString('en-GB')} testId="waiting" />
            <Figure
              label="Let through in the last minute"
              value={`${stats.admitted_last_minute.toLocaleString('en-GB')} of ${stats.admit_per_minute.toLocaleString('en-GB')}`}
              testId="admitted-last-minute"
            />
            <Figure
              label="Average wait"
              value={stats.admitted_total > 0 ? formatWait(stats.average_wait_seconds) : '—'}
              testId="average-wait"
            />
            <Figure
              label="Let through in all"
              value={stats.admitted_total.toLocaleString('en-GB')}
              testId="admitted-total"
            />
          </div>
          <p className="choice__meta">At this rate the queue clears in: {clearsIn(stats)}.</p>
        </>
      ) : null}
    </section>
  );
}

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="bx-card figure" data-figure={testId}>
      <span className="figure__label">{label}</span>
      <strong className="figure__value">{value}</strong>
    </div>
  );
}
