// One session's seat map as buyers see it right now: held and sold seats from the public seat
// map, kept current by the session's seat stream. Read-only; the organiser edits in the wizard.
import { ApiError, openPublicStream, type StreamState } from '@boxoffice/api';
import { useAuth } from '@boxoffice/auth';
import { buildScene, type SeatMapSnapshot, SeatMapView, SeatStateTable } from '@boxoffice/seatmap';
import { ApiErrorState, LoadingState, useRemote } from '@boxoffice/ui';
import { useEffect, useRef, useState } from 'react';

const STREAM_EVENTS = ['snapshot', 'held', 'released', 'sold', 'resync'];

interface Counts {
  available: number;
  held: number;
  sold: number;
  capacity: number;
}

export function SessionMap({ sessionId, label }: { sessionId: string; label: string }) {
  const auth = useAuth();
  const snapshot = useRemote(
    (signal) =>
      auth.api.catalog.get('/api/catalog/sessions/{id}/seat-map', {
        path: { id: sessionId },
        signal,
      }) as unknown as Promise<SeatMapSnapshot>,
    [auth.api, sessionId],
  );
  const container = useRef<HTMLDivElement>(null);
  const [counts, setCounts] = useState<Counts>();
  const [stream, setStream] = useState<StreamState>('connecting');
  const data = snapshot.data;
  const reload = snapshot.reload;

  useEffect(() => {
    const element = container.current;
    if (!data || !element) return;
    const scene = buildScene(data.layout, data.tiers);
    const states = new SeatStateTable(scene);
    states.applySnapshot(data);
    setCounts({ ...data.totals });
    let view: SeatMapView | undefined;
    let closed = false;
    void SeatMapView.create({ container: element, scene, states }).then((created) => {
      if (closed) created.destroy();
      else view = created;
    });
    // Held and sold change the counts by one seat each; a snapshot resets them.
    const bump = (field: 'held' | 'sold', by: number, from?: 'held' | 'available') =>
      setCounts((current) =>
        current
          ? { ...current, [field]: current[field] + by, ...(from ? { [from]: current[from] - by } : {}) }
          : current,
      );
    const handle = openPublicStream(`/api/catalog/sessions/${encodeURIComponent(sessionId)}/seats/stream`, {
      events: STREAM_EVENTS,
      onStateChange: setStream,
      onMessage: (message) => {
        let payload: { seat_ids?: string[]; totals?: Counts } & Record<string, unknown>;
        try {
          payload = JSON.parse(message.data);
        } catch {
          return;
        }
        if (message.type === 'resync') return;
        const before = (payload.seat_ids ?? []).map((id) => states.stateOf(id));
        const report = states.applyStreamEvent(message.type, payload);
        if (message.type === 'snapshot' && payload.totals) setCounts({ ...payload.totals });
        const n = payload.seat_ids?.length ?? 0;
        if (message.type === 'held') bump('held', n, 'available');
        if (message.type === 'released') bump('held', -n, 'available');
        if (message.type === 'sold')
          bump('sold', n, before.some((state) => state === 'held') ? 'held' : 'available');
        if (report?.unknown.length) reload(); // the layout changed under us
      },
    });
    return () => {
      closed = true;
      handle.close();
      view?.destroy();
    };
  }, [data, sessionId, reload]);

  if (snapshot.status === 'loading') return <LoadingState label="Loading the seat map…" />;
  if (snapshot.status === 'error') {
    if (snapshot.error instanceof ApiError && snapshot.error.status === 404)
      return <p className="empty-line">The seat map appears here once the event is published.</p>;
    return <ApiErrorState error={snapshot.error} onRetry={snapshot.reload} what="the seat map" />;
  }
  return (
    <div className="session-map">
      <p className={`live live--${stream}`}>
        <span className="live__dot" aria-hidden="true" />
        {stream === 'open' ? 'Live' : stream === 'closed' ? 'Not live' : 'Connecting…'}
        {counts
          ? ` · ${counts.sold.toLocaleString()} sold, ${counts.held.toLocaleString()} held, ${counts.available.toLocaleString()} available of ${counts.capacity.toLocaleString()}`
          : ''}
      </p>
      <div
        ref={container}
        className="session-map__canvas"
        role="application"
        aria-roledescription="seat map"
        aria-label={`Seat map of ${label}: ${counts ? `${counts.sold} sold, ${counts.held} held, ${counts.available} available` : ''}`}
      />
      <p className="choice__meta">Held seats are faded and hatched, sold ones crossed out.</p>
    </div>
  );
}
