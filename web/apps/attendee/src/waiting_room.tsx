// The waiting room in front of a flash sale's seat map. The buyer joins at once (one place per
// buyer: a reload or a second tab finds the same place), waits for the opening with a countdown,
// then follows their position live over the room's stream, and goes on to the seat map with the
// admission pass when their turn comes.
import { ApiError, openPublicStream, type StreamState } from '@boxoffice/api';
import { useAuth } from '@boxoffice/auth';
import { Button, LoadingState } from '@boxoffice/ui';
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { Link } from 'react-router';
import { formatCountdown, guestBuyerId } from './hold.tsx';
import { type I18n, useI18n } from './i18n.tsx';
import {
  asPlace,
  type PositionEvent,
  placeFrom,
  progressPercent,
  type QueuePlace,
  readPlace,
  roomStandsBefore,
  type StoredPlace,
  savePlace,
  waitParts,
} from './queue.ts';

const STREAM_EVENTS = ['position', 'admitted'];
/** How often `/queue/me` is asked while the stream is down (it reconnects by itself meanwhile). */
const FALLBACK_POLL_MS = 15_000;

/** Where the buyer came from, when they came from the event page (router state). */
export interface SessionHeading {
  eventId?: string;
  eventTitle?: string;
  when?: string;
}

export interface WaitingRoomProps {
  sessionId: string;
  heading: SessionHeading | undefined;
  /** The buyer may go to the seat map: with the stored pass, or none when the room is not active. */
  onThrough: (place: StoredPlace | undefined) => void;
}

/** Seconds until `iso`, re-rendered every second; 0 once passed or when there is no time. */
function useSecondsUntil(iso: string | null | undefined): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!iso) return;
    const timer = setInterval(() => setTick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, [iso]);
  // Worked out at render, so a new `iso` never shows the previous one's figure.
  return iso ? Math.max(0, Math.ceil((Date.parse(iso) - Date.now()) / 1000)) : 0;
}

/** "about 3 minutes" / "less than a minute", worded from the catalogue. */
export function waitText(i18n: I18n, seconds: number): string {
  const { minutes } = waitParts(seconds);
  if (minutes < 1) return i18n.t('queue.wait.underMinute');
  if (minutes < 90)
    return i18n.t('queue.wait.minutes', { count: i18n.number(minutes + (seconds % 60 ? 1 : 0)) });
  return i18n.t('queue.wait.hours', { count: i18n.number(Math.round(minutes / 60)) });
}

/** A longer countdown as h:mm:ss, shorter ones as m:ss. */
function longCountdown(seconds: number): string {
  if (seconds < 3600) return formatCountdown(seconds);
  const hours = Math.floor(seconds / 3600);
  const rest = formatCountdown(seconds % 3600).padStart(5, '0');
  return `${hours}:${rest}`;
}

type Phase =
  | { kind: 'joining' }
  | { kind: 'not-open'; opensAt: string | undefined }
  | { kind: 'error'; error: unknown }
  | { kind: 'in'; place: QueuePlace };

export function WaitingRoom({ sessionId, heading, onThrough }: WaitingRoomProps) {
  const auth = useAuth();
  const i18n = useI18n();
  const { t } = i18n;
  const id = useId();
  const client = auth.api.sales;
  const signedIn = auth.status === 'signed-in';
  const [phase, setPhase] = useState<Phase>({ kind: 'joining' });
  const [stored, setStored] = useState<StoredPlace | undefined>(() => readPlace(sessionId));
  const [streamState, setStreamState] = useState<StreamState>('connecting');
  const [attempt, setAttempt] = useState(0);
  const through = useRef(onThrough);
  through.current = onThrough;
  const buyer = useCallback(() => (signedIn ? undefined : guestBuyerId()), [signedIn]);

  /** Takes in the server's word on the place: keeps it, and goes on when the turn has come. */
  const apply = useCallback(
    (answer: QueuePlace) => {
      if (answer.state === 'not_required' || !answer.visitor_id) {
        through.current(undefined); // no queue needed (any more): the map, without a pass
        return;
      }
      const next = placeFrom(readPlace(sessionId), { ...answer, visitor_id: answer.visitor_id });
      savePlace(sessionId, next);
      setStored(next);
      setPhase({ kind: 'in', place: answer });
      if (answer.state === 'admitted' && next.pass) through.current(next);
    },
    [sessionId],
  );

  const refresh = useCallback(async () => {
    try {
      const answer = asPlace(
        await client.get('/api/sales/sessions/{id}/queue/me', {
          path: { id: sessionId },
          query: { buyer_id: buyer() },
        }),
      );
      apply(answer);
      return answer;
    } catch (error) {
      // No place any more (the pass ran out unused, or the room was reset): join again.
      if (error instanceof ApiError && error.status === 404) setAttempt((n) => n + 1);
      throw error;
    }
  }, [client, sessionId, buyer, apply]);

  // Join (or find the place already held: joining again answers with the same place).
  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is the retry counter
  useEffect(() => {
    if (auth.status === 'loading') return;
    let cancelled = false;
    setPhase({ kind: 'joining' });
    const join = async () => {
      try {
        const answer = asPlace(
          await client.post('/api/sales/sessions/{id}/queue', {
            path: { id: sessionId },
            body: signedIn ? {} : { buyer_id: guestBuyerId() },
          }),
        );
        if (!cancelled) apply(answer);
      } catch (error) {
        if (cancelled) return;
        // Too many joins from here (a reload storm): the place, if any, is still there.
        if (error instanceof ApiError && error.status === 429 && readPlace(sessionId)) {
          await refresh().catch((again: unknown) => {
            if (!cancelled) setPhase({ kind: 'error', error: again });
          });
          return;
        }
        if (error instanceof ApiError && error.status === 409) {
          const room = await client
            .get('/api/sales/sessions/{id}/queue', { path: { id: sessionId } })
            .catch(() => null);
          if (cancelled) return;
          if (room && !roomStandsBefore(room)) {
            through.current(undefined); // switched off meanwhile, or sales are over: the map says which
            return;
          }
          setPhase({ kind: 'not-open', opensAt: room?.opens_at ?? undefined });
          return;
        }
        setPhase({ kind: 'error', error });
      }
    };
    void join();
    return () => {
      cancelled = true;
    };
  }, [auth.status, client, sessionId, signedIn, apply, refresh, attempt]);

  const place = phase.kind === 'in' ? phase.place : undefined;
  const visitorId = place?.visitor_id;
  const waiting = place?.state === 'waiting';

  // Admitted without the pass in the answer: ask for it.
  useEffect(() => {
    if (place?.state === 'admitted' && !stored?.pass) void refresh().catch(() => undefined);
  }, [place?.state, stored?.pass, refresh]);

  // The live position, one stream per visitor; the browser reconnects it.
  useEffect(() => {
    if (!visitorId || !waiting) return;
    let wasDown = false;
    const stream = openPublicStream(
      `/api/catalog/sessions/${encodeURIComponent(sessionId)}/queue/stream?visitor=${encodeURIComponent(visitorId)}`,
      {
        events: STREAM_EVENTS,
        onStateChange: (state) => {
          setStreamState(state);
          if (state === 'reconnecting') wasDown = true;
          // Back after a gap: the admission may have been missed while it was down.
          if (state === 'open' && wasDown) {
            wasDown = false;
            void refresh().catch(() => undefined);
          }
        },
        onMessage: (message) => {
          if (message.type === 'admitted') {
            void refresh().catch(() => undefined);
            return;
          }
          if (message.type !== 'position') return;
          let data: PositionEvent;
          try {
            data = JSON.parse(message.data) as PositionEvent;
          } catch {
            return;
          }
          setPhase((current) => {
            if (current.kind !== 'in') return current;
            const next: QueuePlace = { ...current.place, ...data };
            if (!next.visitor_id) return current;
            const kept = placeFrom(readPlace(sessionId), { ...next, visitor_id: next.visitor_id });
            savePlace(sessionId, kept);
            setStored(kept);
            return { kind: 'in', place: next };
          });
          if (data.state === 'admitted') void refresh().catch(() => undefined);
        },
      },
    );
    return () => stream.close();
  }, [sessionId, visitorId, waiting, refresh]);

  // While the stream is down, ask now and then so an admission is not missed for long.
  useEffect(() => {
    if (!waiting || streamState === 'open') return;
    const timer = setInterval(() => void refresh().catch(() => undefined), FALLBACK_POLL_MS);
    return () => clearInterval(timer);
  }, [waiting, streamState, refresh]);

  const salesStartAt = place?.sales_start_at ?? undefined;
  const untilSale = useSecondsUntil(salesStartAt);
  const opensAt = phase.kind === 'not-open' ? phase.opensAt : undefined;
  const untilOpen = useSecondsUntil(opensAt);

  // The room opens for joining: try again then (and not more often than every 2 s, should the
  // clocks disagree).
  useEffect(() => {
    if (phase.kind !== 'not-open' || !opensAt) return;
    const delay = Math.max(2000, Date.parse(opensAt) - Date.now() + 250);
    const timer = setTimeout(() => setAttempt((n) => n + 1), delay);
    return () => clearTimeout(timer);
  }, [phase.kind, opensAt]);

  const title = heading?.eventTitle;
  const header = (
    <header className="queue__head">
      <p className="queue__eyebrow">{t('queue.eyebrow')}</p>
      <h1 className="bx-page-title" id={`${id}-title`}>
        {title ? t('queue.titleFor', { title }) : t('queue.title')}
      </h1>
      {heading?.when ? <p className="bx-lede">{heading.when}</p> : null}
    </header>
  );

  let body: React.ReactNode;
  if (phase.kind === 'joining') {
    body = <LoadingState label={t('queue.joining')} />;
  } else if (phase.kind === 'error') {
    body = (
      <div className="queue__card bx-card" role="alert">
        <h2>{t('queue.error')}</h2>
        <p>{phase.error instanceof Error ? phase.error.message : String(phase.error)}</p>
        <Button variant="secondary" onClick={() => setAttempt((n) => n + 1)}>
          {t('queue.retry')}
        </Button>
      </div>
    );
  } else if (phase.kind === 'not-open') {
    body = (
      <div className="queue__card bx-card">
        <h2>{t('queue.notOpen')}</h2>
        {opensAt ? (
          <>
            <p>{t('queue.opensAt', { time: i18n.dateTime(opensAt) })}</p>
            <p className="queue__countdown" aria-hidden="true">
              {longCountdown(untilOpen)}
            </p>
          </>
        ) : (
          <p>{t('queue.notOpenBody')}</p>
        )}
        <Button variant="secondary" onClick={() => setAttempt((n) => n + 1)}>
          {t('queue.retry')}
        </Button>
      </div>
    );
  } else {
    const current = phase.place;
    const position = current.position;
    const beforeOpening = current.state === 'waiting' && typeof position !== 'number';
    const percent = progressPercent(stored?.firstPosition, position);
    const wait = current.estimated_wait_seconds;
    const status =
      current.state === 'admitted'
        ? t('queue.admitted')
        : beforeOpening
          ? t('queue.beforeOpening')
          : t('queue.positionSentence', {
              position: i18n.number(position ?? 0),
              ahead: i18n.number(current.ahead ?? Math.max(0, (position ?? 1) - 1)),
            });
    body = (
      <div className="queue__card bx-card" data-testid="queue-card">
        {/* One polite region for the changes worth hearing; the ticking countdown stays out of it. */}
        <p className="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="queue-announcement">
          {status}
          {!beforeOpening && typeof wait === 'number' && current.state === 'waiting'
            ? ` ${t('queue.estimate', { wait: waitText(i18n, wait) })}`
            : ''}
        </p>
        {current.state === 'admitted' ? (
          <>
            <h2>{t('queue.admitted')}</h2>
            <LoadingState label={t('queue.toMap')} />
          </>
        ) : beforeOpening ? (
          <>
            <h2>{t('queue.beforeOpening')}</h2>
            <p>{t('queue.beforeOpeningBody')}</p>
            {salesStartAt ? (
              <div className="queue__countdown-box">
                <span className="queue__label" id={`${id}-countdown`}>
                  {t('queue.salesStartIn')}
                </span>
                <span
                  className="queue__countdown"
                  role="timer"
                  aria-labelledby={`${id}-countdown`}
                  data-testid="queue-countdown"
                >
                  {longCountdown(untilSale)}
                </span>
                <span className="queue__small">
                  {t('queue.salesStartAt', { time: i18n.dateTime(salesStartAt) })}
                </span>
              </div>
            ) : null}
          </>
        ) : (
          <>
            <dl className="queue__figures">
              <div>
                <dt>{t('queue.position')}</dt>
                <dd data-testid="queue-position">{i18n.number(position ?? 0)}</dd>
              </div>
              <div>
                <dt>{t('queue.ahead')}</dt>
                <dd data-testid="queue-ahead">
                  {i18n.number(current.ahead ?? Math.max(0, (position ?? 1) - 1))}
                </dd>
              </div>
              <div>
                <dt>{t('queue.estimateLabel')}</dt>
                <dd>{typeof wait === 'number' ? waitText(i18n, wait) : '—'}</dd>
              </div>
            </dl>
            <p className="queue__progress-caption" aria-hidden="true">
              <span>{t('queue.progress')}</span>
              <span>{t('queue.progressText', { percent })}</span>
            </p>
            <div
              className="queue__progress"
              role="progressbar"
              aria-label={t('queue.progress')}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={percent}
              aria-valuetext={t('queue.progressText', { percent })}
            >
              <span className="queue__progress-fill" style={{ width: `${Math.max(percent, 2)}%` }} />
            </div>
          </>
        )}
        <p className="queue__note">{t('queue.keepOpen')}</p>
        <p className={`live live--${streamState}`} role="status">
          {streamState === 'reconnecting' ? t('session.reconnecting') : ''}
        </p>
      </div>
    );
  }

  return (
    <article className="queue" aria-labelledby={`${id}-title`}>
      <p>
        <Link to={heading?.eventId ? `/events/${encodeURIComponent(heading.eventId)}` : '/'}>
          {t('queue.leave')}
        </Link>
      </p>
      {header}
      {body}
    </article>
  );
}
