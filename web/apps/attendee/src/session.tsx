// A session's live seat map: drawn from the seat-map snapshot, kept current from the seat
// stream, with seats chosen by pointer or keyboard, best available, standing places, and the
// hold that starts the checkout.
import { ApiError, openPublicStream, type StreamHandle, type StreamState } from '@boxoffice/api';
import { useApi, useAuth } from '@boxoffice/auth';
import {
  buildScene,
  colourToCss,
  describeSeat,
  type Scene,
  type SeatMapSnapshot,
  SeatMapView,
  type SeatState,
  SeatStateTable,
} from '@boxoffice/seatmap';
import { ApiErrorState, Button, LoadingState, useRemote, useToast } from '@boxoffice/ui';
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import {
  formatCountdown,
  guestBuyerId,
  type HeldPlaces,
  type TierState,
  useHold,
  useSecondsLeft,
} from './hold.tsx';
import { type I18n, type MessageKey, useI18n } from './i18n.tsx';
import {
  forgetPlace,
  isQueueRefusal,
  livePass,
  readPlace,
  roomStandsBefore,
  type StoredPlace,
} from './queue.ts';
import { loadSeatMap, unavailableSeats } from './seat_map_data.ts';
import { type SessionHeading, WaitingRoom } from './waiting_room.tsx';

/** A hold's body; `admission_pass` while the session's waiting room is active. */
type HoldRequest = {
  seats?: string[];
  standing?: { block_id: string; quantity: number }[];
  tier_id?: string;
  quantity?: number;
  buyer_id?: string;
  admission_pass?: string;
};

/** The most places one buyer holds at once; the API refuses larger holds anyway. */
export const MAX_PLACES = 10;
const STREAM_EVENTS = ['snapshot', 'held', 'released', 'sold', 'resync'];

/** "Row C, seat 12, Stalls, £45, available", worded from the message catalogue. */
export function seatLabel(i18n: I18n, scene: Scene, states: SeatStateTable, seat: number): string {
  const description = describeSeat(scene, states, seat);
  if (!description) return '';
  const parts = [i18n.t('seat.row', { row: description.rowLabel, seat: description.seatNumber })];
  if (description.tierName) parts.push(description.tierName);
  if (description.priceMinor !== null && description.currency)
    parts.push(i18n.price(description.priceMinor, description.currency));
  parts.push(i18n.t(`state.${description.state}` as MessageKey));
  return parts.join(', ');
}

interface Loaded {
  snapshot: SeatMapSnapshot;
  scene: Scene;
  states: SeatStateTable;
}

/** What stands between the buyer and the seat map: nothing, or the session's waiting room. */
type Gate = { kind: 'checking' } | { kind: 'queue' } | { kind: 'map'; place: StoredPlace | undefined };

function headingOf(state: unknown): SessionHeading | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const { eventId, eventTitle, when } = state as Record<string, unknown>;
  return {
    eventId: typeof eventId === 'string' ? eventId : undefined,
    eventTitle: typeof eventTitle === 'string' ? eventTitle : undefined,
    when: typeof when === 'string' ? when : undefined,
  };
}

export function SessionPage() {
  const { sessionId = '' } = useParams();
  const auth = useAuth();
  const holds = useHold();
  const { t } = useI18n();
  const location = useLocation();
  const heading = headingOf(location.state);
  const [gate, setGate] = useState<Gate>({ kind: 'checking' });
  const holding = holds.current?.hold.session_id === sessionId;

  // A live pass, or places already held here (back from the checkout), lead straight to the
  // map; otherwise the room decides. If the room cannot be asked, the map it is: a hold that
  // needs a pass is refused with the way to the queue, which brings the buyer back here.
  // biome-ignore lint/correctness/useExhaustiveDependencies: checked once per session and sign-in
  useEffect(() => {
    const stored = readPlace(sessionId);
    if (livePass(stored) || holding) {
      setGate({ kind: 'map', place: livePass(stored) ? stored : undefined });
      return;
    }
    const controller = new AbortController();
    setGate({ kind: 'checking' });
    auth.api.sales
      .get('/api/sales/sessions/{id}/queue', { path: { id: sessionId }, signal: controller.signal })
      .then(
        (room) => setGate(roomStandsBefore(room) ? { kind: 'queue' } : { kind: 'map', place: undefined }),
        () => {
          if (!controller.signal.aborted) setGate({ kind: 'map', place: undefined });
        },
      );
    return () => controller.abort();
  }, [sessionId, auth.api]);

  const toQueue = useCallback(() => {
    forgetPlace(sessionId);
    setGate({ kind: 'queue' });
  }, [sessionId]);
  const through = useCallback((place: StoredPlace | undefined) => setGate({ kind: 'map', place }), []);

  if (gate.kind === 'checking') return <LoadingState label={t('session.loading')} />;
  if (gate.kind === 'queue')
    return <WaitingRoom key={sessionId} sessionId={sessionId} heading={heading} onThrough={through} />;
  return <SessionMapPage sessionId={sessionId} place={gate.place} onQueue={toQueue} />;
}

function SessionMapPage({
  sessionId,
  place,
  onQueue,
}: {
  sessionId: string;
  place: StoredPlace | undefined;
  onQueue: () => void;
}) {
  const api = useApi();
  const i18n = useI18n();
  const { t } = i18n;
  const map = useRemote(
    async (signal) => {
      const snapshot = await loadSeatMap(sessionId, signal);
      const scene = buildScene(snapshot.layout, snapshot.tiers);
      const states = new SeatStateTable(scene);
      states.applySnapshot(snapshot);
      return { snapshot, scene, states } satisfies Loaded;
    },
    [sessionId],
  );
  const eventId = map.data?.snapshot.event_id;
  const event = useRemote(
    (signal) =>
      eventId
        ? api.catalog.get('/api/catalog/events/{id}', { path: { id: eventId }, signal })
        : new Promise<never>(() => {}),
    [api, eventId],
  );
  if (map.status === 'loading') return <LoadingState label={t('session.loading')} />;
  if (map.status === 'error')
    return <ApiErrorState error={map.error} onRetry={map.reload} what={t('session.what')} />;
  const session = event.data?.sessions.find((item) => item.session_id === sessionId);
  return (
    <LiveSeatMap
      key={sessionId}
      sessionId={sessionId}
      loaded={map.data}
      eventTitle={event.data?.title ?? ''}
      startsAt={session?.starts_at ?? null}
      timeZone={session?.venue?.timezone ?? null}
      venue={session?.venue ? `${session.venue.name}, ${session.venue.city}` : null}
      place={place}
      onQueue={onQueue}
    />
  );
}

interface Tooltip {
  seat: number;
  x: number;
  y: number;
}

function LiveSeatMap({
  sessionId,
  loaded,
  eventTitle,
  startsAt,
  timeZone,
  venue,
  place,
  onQueue,
}: {
  sessionId: string;
  loaded: Loaded;
  eventTitle: string;
  startsAt: string | null;
  timeZone: string | null;
  venue: string | null;
  /** The buyer's place in the waiting room, with its admission pass, when the room is active. */
  place: StoredPlace | undefined;
  /** Back to the waiting room: the pass is missing or spent. */
  onQueue: () => void;
}) {
  const auth = useAuth();
  const i18n = useI18n();
  const { t } = i18n;
  const navigate = useNavigate();
  const holds = useHold();
  const toast = useToast();
  const { scene, states, snapshot } = loaded;
  // The stream outlives renders: it reads the latest hold and toaster through refs.
  const live = useRef({ holds, toast, t });
  live.current = { holds, toast, t };
  // Shown in the panel and as a toast, which also announces it: on a phone the panel may be off screen.
  const tell = useCallback((message: string) => {
    setNotice(message);
    live.current.toast.show(message, 'error');
  }, []);
  const container = useRef<HTMLDivElement>(null);
  const view = useRef<SeatMapView | null>(null);
  const [tooltip, setTooltip] = useState<Tooltip | null>(null);
  const [focused, setFocused] = useState(-1);
  const [notice, setNotice] = useState<string | null>(null);
  const [streamState, setStreamState] = useState<StreamState>('connecting');
  const [catchingUp, setCatchingUp] = useState(false);
  const [version, setVersion] = useState(0);
  const [standing, setStanding] = useState<Record<string, number>>({});
  const [holding, setHolding] = useState(false);
  const [holdError, setHoldError] = useState<string | null>(null);
  const pending = useRef(new Set<string>());
  const mapId = useId();
  const onSale = snapshot.session_status === 'ON_SALE';
  const existing = holds.current?.hold.session_id === sessionId ? holds.current : undefined;

  // Every state change re-renders the selection panel once per frame at most.
  useEffect(() => {
    let frame = 0;
    const off = states.subscribe(() => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        setVersion((n) => n + 1);
      });
    });
    return () => {
      off();
      cancelAnimationFrame(frame);
    };
  }, [states]);

  // Places already held for this buyer (back from the checkout) show as theirs.
  useEffect(() => {
    if (existing)
      states.setMine(
        existing.hold.seats.map((seat) => seat.seat_id),
        true,
      );
  }, [existing, states]);

  const describe = useCallback((seat: number) => seatLabel(i18n, scene, states, seat), [i18n, scene, states]);

  const activate = useCallback(
    (seat: number) => {
      const state = states.state(seat);
      if (state === 'selected') {
        states.toggleSelected(seat);
      } else if (state === 'free') {
        if (states.selectedSeats().length >= MAX_PLACES) {
          tell(t('session.max', { max: MAX_PLACES }));
          return;
        }
        states.toggleSelected(seat);
      }
      setFocused(seat);
    },
    [states, t, tell],
  );

  // The map itself: imperative, outside React, mounted once per scene.
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    let cancelled = false;
    let created: SeatMapView | null = null;
    void SeatMapView.create({
      container: element,
      scene,
      states,
      onSeatActivate: (seat) => activateRef.current(seat),
      onBlockActivate: (block) => {
        const area = scene.blocks[block];
        if (area?.kind === 'standing') document.getElementById(`${mapId}-standing-${area.id}`)?.focus();
      },
      onHover: (seat, at) => setTooltip(seat >= 0 ? { seat, x: at.x, y: at.y } : null),
      onFocus: (seat) => {
        const current = created ?? view.current;
        const bounds = scene.seatBounds(seat);
        const at = current?.camera.worldToScreen({ x: (bounds.minX + bounds.maxX) / 2, y: bounds.minY });
        setTooltip(at ? { seat, x: at.x, y: at.y } : null);
        setFocused(seat);
      },
    }).then((made) => {
      if (cancelled) {
        made.destroy();
        return;
      }
      created = made;
      view.current = made;
      made.canvas.setAttribute('aria-hidden', 'true');
      made.invalidate(); // the first frame; later ones follow state changes and gestures
      element.dataset.ready = 'true';
    });
    return () => {
      cancelled = true;
      created?.destroy();
      view.current = null;
    };
  }, [scene, states, mapId]);
  const activateRef = useRef(activate);
  activateRef.current = activate;

  // The live stream: every change lands in the state table in place.
  useEffect(() => {
    let stream: StreamHandle | undefined;
    const reload = () => {
      setCatchingUp(true);
      loadSeatMap(sessionId).then(
        (fresh) => {
          states.applySnapshot(fresh);
          setCatchingUp(false);
        },
        () => undefined, // the snapshot event that follows a resync catches up instead
      );
    };
    const connect = () =>
      openPublicStream(`/api/catalog/sessions/${encodeURIComponent(sessionId)}/seats/stream`, {
        events: STREAM_EVENTS,
        onStateChange: setStreamState,
        onMessage: (message) => {
          let data: unknown;
          try {
            data = JSON.parse(message.data);
          } catch {
            return;
          }
          if (message.type === 'resync') {
            reload();
            return;
          }
          const report = states.applyStreamEvent(message.type, data);
          if (message.type === 'snapshot') setCatchingUp(false);
          if (!report) return;
          const lost = report.lostSelection.filter((id) => !pending.current.has(id));
          if (lost.length > 0) {
            const labels = lost.map((id) => scene.seatLabels[scene.seatIndex(id)] ?? id).join(', ');
            const message = live.current.t(lost.length === 1 ? 'session.taken.one' : 'session.taken.other', {
              seats: labels,
            });
            tell(message);
          }
          // Our own held seats were released by the server: the hold expired while on the map.
          const held = live.current.holds.current;
          if (
            report.lostMine.length > 0 &&
            held?.hold.session_id === sessionId &&
            pending.current.size === 0
          ) {
            if (Date.parse(held.hold.expires_at) <= Date.now() + 2000) {
              live.current.holds.finish();
              states.setMine(states.mineSeats(), false);
              tell(live.current.t('checkout.expired'));
            }
          }
        },
      });
    stream = connect();
    // A phone that loses its network may keep a dead connection open for minutes: drop it at
    // once and start again (from a fresh snapshot) when the network is back.
    const offline = () => {
      stream?.close();
      setStreamState('reconnecting');
    };
    const online = () => {
      stream?.close();
      setCatchingUp(true); // until the fresh snapshot arrives
      stream = connect();
    };
    window.addEventListener('offline', offline);
    window.addEventListener('online', online);
    return () => {
      window.removeEventListener('offline', offline);
      window.removeEventListener('online', online);
      stream?.close();
    };
  }, [sessionId, states, scene, tell]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the table's change counter
  const selected = useMemo(() => states.selectedSeats(), [states, version]);
  const standingAreas = scene.blocks.filter((block) => block.kind === 'standing');
  const standingCount = Object.values(standing).reduce((sum, n) => sum + n, 0);
  const totalPlaces = selected.length + standingCount;
  const currency = snapshot.tiers[0]?.currency ?? 'GBP';
  const tierOf = (tierId: string | null | undefined) =>
    snapshot.tiers.find((tier) => tier.tier_id === tierId);
  const total =
    selected.reduce((sum, id) => sum + (scene.seatTierOf(scene.seatIndex(id))?.priceMinor ?? 0), 0) +
    standingAreas.reduce(
      (sum, block) => sum + (standing[block.id] ?? 0) * (scene.tiers[block.tierIndex]?.priceMinor ?? 0),
      0,
    );

  const startHold = async (body: {
    seats?: string[];
    standing?: { block_id: string; quantity: number }[];
    tier_id?: string;
    quantity?: number;
  }) => {
    setHolding(true);
    setHoldError(null);
    setNotice(null);
    for (const id of body.seats ?? []) pending.current.add(id);
    try {
      const request: HoldRequest = {
        ...body,
        buyer_id: auth.status === 'signed-in' ? undefined : guestBuyerId(),
      };
      const pass = livePass(place);
      if (pass) request.admission_pass = pass;
      const hold = await auth.api.sales.post('/api/sales/sessions/{id}/holds', {
        path: { id: sessionId },
        body: request,
      });
      states.clearSelection();
      states.setMine(
        hold.seats.map((seat) => seat.seat_id),
        true,
      );
      const held: HeldPlaces = {
        hold,
        eventId: snapshot.event_id,
        eventTitle,
        startsAt,
        timeZone,
        venue,
        tiers: snapshot.tiers as TierState[],
        blockNames: Object.fromEntries(scene.blocks.map((block) => [block.id, block.name])),
      };
      holds.set(held);
      setStanding({});
      navigate('/checkout');
    } catch (error) {
      if (isQueueRefusal(error)) {
        live.current.toast.show(t('queue.needed'), 'error');
        onQueue();
        return;
      }
      const taken = unavailableSeats(error);
      if (taken.length > 0) states.setSelected(taken, false);
      setHoldError(
        error instanceof ApiError && error.status === 409 ? t('session.unavailable') : errorText(error),
      );
    } finally {
      pending.current.clear();
      setHolding(false);
    }
  };

  const zoom = (factor: number) => {
    view.current?.camera.zoomBy(factor);
    view.current?.invalidate();
  };

  const tooltipSeat = tooltip ? describeSeat(scene, states, tooltip.seat) : null;

  return (
    <article className="session-page">
      <p>
        <Link to={`/events/${encodeURIComponent(snapshot.event_id)}`}>{t('session.back')}</Link>
      </p>
      <header className="session-page__head">
        <h1 className="bx-page-title">{eventTitle || '\u00a0'}</h1>
        <p className="bx-lede">
          {startsAt ? i18n.dateTime(startsAt, timeZone) : ''}
          {venue ? ` · ${venue}` : ''}
        </p>
      </header>
      {!onSale ? (
        <p className="bx-form-alert" role="alert">
          {t('session.notOnSale')}
        </p>
      ) : null}
      {place?.passExpiresAt && !existing ? (
        <PassBanner expiresAt={place.passExpiresAt} onQueue={onQueue} />
      ) : null}
      <div className="session-page__layout">
        <section className="seatmap-panel" aria-labelledby={`${mapId}-legend`}>
          <div className="seatmap-panel__bar">
            <h2 id={`${mapId}-legend`} className="visually-hidden">
              {t('session.legend')}
            </h2>
            <ul className="legend">
              {scene.tiers.map((tier) => (
                <li key={tier.id}>
                  <span
                    className="legend__swatch"
                    style={{ background: colourToCss(tier.colour) }}
                    aria-hidden="true"
                  />
                  <span>{tier.name}</span>
                  {tier.priceMinor !== null && tier.currency ? (
                    <strong>{i18n.price(tier.priceMinor, tier.currency)}</strong>
                  ) : null}
                </li>
              ))}
            </ul>
            <span className={`live live--${streamState}`} role="status">
              {catchingUp
                ? t('session.catchingUp')
                : streamState === 'reconnecting'
                  ? t('session.reconnecting')
                  : streamState === 'open'
                    ? t('session.live')
                    : ''}
            </span>
          </div>
          <ul className="legend legend--states" aria-hidden="true">
            {(['free', 'held', 'sold', 'selected', 'mine'] as SeatState[]).map((state) => (
              <li key={state}>
                <span className={`state-key state-key--${state}`} />
                {t(`state.${state}` as MessageKey)}
              </li>
            ))}
          </ul>
          <div className="seatmap-frame">
            <div
              ref={container}
              className="seatmap"
              role="application"
              aria-label={t('session.mapLabel')}
              aria-describedby={`${mapId}-focus`}
              data-testid="seat-map"
              // As tall as the venue's shape needs, within the CSS bounds, so a phone is not mostly blank.
              style={{ aspectRatio: `${mapAspect(scene)}` }}
              onMouseLeave={() => setTooltip(null)}
              onBlur={() => setTooltip(null)}
            />
            {tooltip && tooltipSeat ? (
              <div
                className="seat-tooltip"
                style={{
                  left: `clamp(7rem, ${tooltip.x}px, calc(100% - 7rem))`,
                  top: Math.max(tooltip.y, 72),
                }}
                aria-hidden="true"
              >
                <strong>
                  {t('seat.row', { row: tooltipSeat.rowLabel, seat: tooltipSeat.seatNumber })} ·{' '}
                  {tooltipSeat.label}
                </strong>
                <span>
                  {tooltipSeat.tierName}
                  {tooltipSeat.priceMinor !== null && tooltipSeat.currency
                    ? ` · ${i18n.price(tooltipSeat.priceMinor, tooltipSeat.currency)}`
                    : ''}
                </span>
                <span>{t(`state.${tooltipSeat.state}` as MessageKey)}</span>
              </div>
            ) : null}
            <div className="seatmap-zoom">
              <button type="button" onClick={() => zoom(1.4)} aria-label={t('session.zoomIn')}>
                +
              </button>
              <button type="button" onClick={() => zoom(1 / 1.4)} aria-label={t('session.zoomOut')}>
                −
              </button>
              <button type="button" onClick={() => view.current?.fit()} aria-label={t('session.fit')}>
                ⤢
              </button>
            </div>
          </div>
          {/* Re-read on every change, so a focused seat that someone else takes is announced too. */}
          <p
            id={`${mapId}-focus`}
            className="visually-hidden"
            aria-live="polite"
            data-testid="seat-announcement"
          >
            {focused >= 0 ? describe(focused) : ''}
          </p>
        </section>

        <aside className="selection bx-card" aria-labelledby={`${mapId}-selection`}>
          <h2 id={`${mapId}-selection`}>{t('session.selection')}</h2>
          {/* Announced by its toast; kept here so it is still there to read. */}
          {notice ? <p className="notice">{notice}</p> : null}
          {holdError ? (
            <p className="bx-form-alert" role="alert">
              {holdError}
            </p>
          ) : null}
          {existing ? (
            <div className="selection__held">
              <p>{t('session.heldNote')}</p>
              <Link className="bx-button bx-button--primary" to="/checkout">
                {t('checkout.title')}
              </Link>
              <Button
                variant="secondary"
                onClick={() => void holds.release().then(() => states.setMine(states.mineSeats(), false))}
              >
                {t('checkout.cancel')}
              </Button>
            </div>
          ) : (
            <>
              {selected.length === 0 && standingCount === 0 ? (
                <p className="selection__empty">{t('session.nothingSelected')}</p>
              ) : (
                <ul className="selection__list">
                  {selected.map((id) => {
                    const seat = scene.seatIndex(id);
                    const description = describeSeat(scene, states, seat);
                    const tier = tierOf(description?.tierId);
                    const what = description
                      ? t('seat.row', { row: description.rowLabel, seat: description.seatNumber })
                      : id;
                    return (
                      <li key={id}>
                        <span>
                          {what}
                          <small>{description?.tierName}</small>
                        </span>
                        <span>{tier ? i18n.price(tier.price_minor, tier.currency) : ''}</span>
                        <button
                          type="button"
                          className="bx-button bx-button--ghost"
                          aria-label={t('session.remove', { what })}
                          onClick={() => states.setSelected([id], false)}
                        >
                          ×
                        </button>
                      </li>
                    );
                  })}
                  {standingAreas
                    .filter((block) => (standing[block.id] ?? 0) > 0)
                    .map((block) => (
                      <li key={block.id}>
                        <span>
                          {t('session.standingPlaces', { count: standing[block.id] ?? 0, name: block.name })}
                        </span>
                        <span>
                          {i18n.price(
                            (standing[block.id] ?? 0) * (scene.tiers[block.tierIndex]?.priceMinor ?? 0),
                            currency,
                          )}
                        </span>
                        <span />
                      </li>
                    ))}
                </ul>
              )}
              {totalPlaces > 0 ? (
                <div className="selection__actions">
                  <Button
                    busy={holding}
                    disabled={holding || !onSale}
                    onClick={() =>
                      void startHold({
                        seats: selected.length ? selected : undefined,
                        standing: standingAreas
                          .filter((block) => (standing[block.id] ?? 0) > 0)
                          .map((block) => ({ block_id: block.id, quantity: standing[block.id] ?? 0 })),
                      })
                    }
                  >
                    {holding
                      ? t('session.holdBusy')
                      : t('session.hold', { count: totalPlaces, price: i18n.price(total, currency) })}
                  </Button>
                  <Button
                    variant="ghost"
                    onClick={() => {
                      states.clearSelection();
                      setStanding({});
                    }}
                  >
                    {t('session.clear')}
                  </Button>
                </div>
              ) : null}

              {standingAreas.length > 0 ? (
                <section className="selection__standing" aria-labelledby={`${mapId}-standing`}>
                  <h3 id={`${mapId}-standing`}>{t('session.standing')}</h3>
                  {standingAreas.map((block) => {
                    const places = states.standingPlaces(block.id);
                    const left = places?.available ?? block.capacity;
                    return (
                      <div key={block.id} className="standing-row">
                        <label htmlFor={`${mapId}-standing-${block.id}`}>
                          {t('session.standingLeft', { name: block.name, count: i18n.number(left) })}
                        </label>
                        <input
                          id={`${mapId}-standing-${block.id}`}
                          type="number"
                          min={0}
                          max={Math.min(MAX_PLACES, left)}
                          value={standing[block.id] ?? 0}
                          onChange={(event) =>
                            setStanding((current) => ({
                              ...current,
                              [block.id]: Math.max(
                                0,
                                Math.min(MAX_PLACES, left, Number(event.target.value) || 0),
                              ),
                            }))
                          }
                        />
                      </div>
                    );
                  })}
                </section>
              ) : null}

              <BestAvailable
                tiers={snapshot.tiers}
                i18n={i18n}
                busy={holding}
                disabled={!onSale}
                onFind={(tierId, quantity) => void startHold({ tier_id: tierId, quantity })}
              />
            </>
          )}
        </aside>
      </div>
    </article>
  );
}

/** The time the admission pass leaves to hold seats, and what to do once it has run out. */
function PassBanner({ expiresAt, onQueue }: { expiresAt: string; onQueue: () => void }) {
  const { t } = useI18n();
  const seconds = useSecondsLeft(expiresAt);
  if (seconds <= 0)
    return (
      <div className="pass-banner pass-banner--expired" role="alert">
        <p>
          <strong>{t('queue.passExpired')}</strong> {t('queue.passExpiredBody')}
        </p>
        <Button variant="primary" onClick={onQueue}>
          {t('queue.again')}
        </Button>
      </div>
    );
  return (
    <div className="pass-banner" data-testid="pass-banner">
      <p>
        <strong>{t('queue.yourTurn')}</strong> {t('queue.passLeft')}{' '}
        <span className="pass-banner__time">{formatCountdown(seconds)}</span>
      </p>
    </div>
  );
}

function BestAvailable({
  tiers,
  i18n,
  busy,
  disabled,
  onFind,
}: {
  tiers: SeatMapSnapshot['tiers'];
  i18n: I18n;
  busy: boolean;
  disabled: boolean;
  onFind: (tierId: string, quantity: number) => void;
}) {
  const { t } = i18n;
  const id = useId();
  const [tierId, setTierId] = useState(
    tiers.find((tier) => tier.available > 0)?.tier_id ?? tiers[0]?.tier_id ?? '',
  );
  const [quantity, setQuantity] = useState(2);
  return (
    <form
      className="best"
      aria-labelledby={`${id}-title`}
      onSubmit={(event) => {
        event.preventDefault();
        if (tierId) onFind(tierId, quantity);
      }}
    >
      <h3 id={`${id}-title`}>{t('session.best')}</h3>
      <div className="best__fields">
        <label htmlFor={`${id}-tier`}>{t('session.tier')}</label>
        <select id={`${id}-tier`} value={tierId} onChange={(event) => setTierId(event.target.value)}>
          {tiers.map((tier) => (
            <option key={tier.tier_id} value={tier.tier_id} disabled={tier.available === 0}>
              {`${tier.name} — ${i18n.price(tier.price_minor, tier.currency)}`}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-quantity`}>{t('session.quantity')}</label>
        <select
          id={`${id}-quantity`}
          value={quantity}
          onChange={(event) => setQuantity(Number(event.target.value))}
        >
          {Array.from({ length: MAX_PLACES }, (_, index) => index + 1).map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </div>
      <Button type="submit" variant="secondary" disabled={busy || disabled || !tierId}>
        {t('session.findSeats')}
      </Button>
    </form>
  );
}

/** Width over height of the venue plus a margin, for the map's box. */
export function mapAspect(scene: Scene): number {
  const width = scene.bounds.maxX - scene.bounds.minX;
  const height = scene.bounds.maxY - scene.bounds.minY;
  return width > 0 && height > 0 ? Math.round((width / height) * 0.9 * 100) / 100 : 1.5;
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
