// Live sales of one event. The totals come from GET …/sales; the authorised stream says when
// something happened (an order paid, a ticket checked in), and each time the totals are fetched
// again and become a new point of the per-tier series, so the charts grow while the page is open.
import 'uplot/dist/uPlot.min.css';
import { type Catalog, openAuthorizedStream, type StreamState } from '@boxoffice/api';
import { useAuth } from '@boxoffice/auth';
import {
  ApiErrorState,
  Button,
  buttonClass,
  formatDateTime,
  formatPrice,
  LoadingState,
  useRemote,
  useToast,
} from '@boxoffice/ui';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import uPlot from 'uplot';
import {
  csvCell,
  exportErrorMessage,
  fetchReport,
  type Report,
  reportFileName,
  saveFile,
} from './exports.ts';

type EventSales = Catalog.components['schemas']['EventSales'];
type Figures = Catalog.components['schemas']['Figures'];

interface Activity {
  kind: 'order_paid' | 'tickets_issued' | 'order_refunded' | 'checked_in';
  session_id: string;
  quantity: number;
  amount_minor: number;
  currency?: string | null;
  gate?: string | null;
  at_ms: number;
}

interface Sample {
  at: number;
  sold: Record<string, number>;
  revenue: Record<string, number>;
}

const SERIES_COLOURS = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#D55E00',
  '#56B4E9',
  '#CC79A7',
  '#F0E442',
  '#000000',
];

export function DashboardPage() {
  const { eventId = '' } = useParams();
  const auth = useAuth();
  const [sales, setSales] = useState<EventSales>();
  const [error, setError] = useState<unknown>();
  const [samples, setSamples] = useState<Sample[]>([]);
  const [activity, setActivity] = useState<Activity[]>([]);
  const [gates, setGates] = useState<Record<string, number>>({});
  const [stream, setStream] = useState<StreamState>('connecting');
  const tiers = useRemote(
    (signal) => auth.api.manage.get('/api/manage/events/{id}/tiers', { path: { id: eventId }, signal }),
    [auth.api, eventId],
  );
  // The stream tells of a sale before the read model behind GET …/sales has it: the figures show
  // the activity at once (`ahead`) and later answers take over as they catch up.
  const server = useRef<Figures | null>(null);
  const ahead = useRef<Figures>({ sold: 0, revenue_minor: 0, checked_in: 0 });
  const [, setAheadVersion] = useState(0);
  const [held, setHeld] = useState(0);
  const load = useCallback(async () => {
    try {
      const next = await auth.api.catalog.get('/api/catalog/events/{id}/sales', { path: { id: eventId } });
      // What the totals gained since the last answer is what the pending activity was waiting for.
      const before = server.current;
      if (before) {
        const pending = ahead.current;
        ahead.current = {
          sold: Math.max(0, pending.sold - (next.totals.sold - before.sold)),
          revenue_minor: Math.max(
            0,
            pending.revenue_minor - (next.totals.revenue_minor - before.revenue_minor),
          ),
          checked_in: Math.max(0, pending.checked_in - (next.totals.checked_in - before.checked_in)),
        };
      }
      server.current = next.totals;
      setSales(next);
      // Holds in flight: the live seat maps of the sessions still selling.
      const selling = next.sessions.filter((session) => session.status === 'ON_SALE');
      const maps = await Promise.all(
        selling.map((session) =>
          auth.api.catalog
            .get('/api/catalog/sessions/{id}/seat-map', { path: { id: session.session_id } })
            .then((map) => map.totals.held)
            .catch(() => 0),
        ),
      );
      setHeld(maps.reduce((sum, n) => sum + n, 0));
      setError(undefined);
      const sample: Sample = { at: Date.now() / 1000, sold: {}, revenue: {} };
      for (const tier of next.by_tier) {
        sample.sold[tier.tier_id] = tier.sold;
        sample.revenue[tier.tier_id] = tier.revenue_minor;
      }
      setSamples((all) => [...all.slice(-500), sample]);
    } catch (caught) {
      setError(caught);
    }
  }, [auth.api, eventId]);

  // Bursts of activity cost one refetch: a refetch in flight is followed by at most one more.
  const loading = useRef<Promise<void> | null>(null);
  const again = useRef(false);
  const refresh = useCallback(() => {
    if (loading.current) {
      again.current = true;
      return;
    }
    loading.current = load().finally(() => {
      loading.current = null;
      if (again.current) {
        again.current = false;
        refresh();
      }
    });
  }, [load]);

  useEffect(() => {
    const timers: ReturnType<typeof setTimeout>[] = [];
    refresh();
    // Holds come and go without sales activity: look again now and then.
    const every = setInterval(refresh, 15_000);
    const handle = openAuthorizedStream(`/api/catalog/events/${encodeURIComponent(eventId)}/sales/stream`, {
      accessToken: () => auth.accessToken(),
      onStateChange: (state) => {
        setStream(state);
        if (state === 'open') refresh(); // catch up on what happened while disconnected
      },
      onFatal: () => setStream('closed'),
      onMessage: (message) => {
        if (message.type === 'resync') {
          refresh();
          return;
        }
        if (message.type !== 'activity') return;
        let item: Activity;
        try {
          item = JSON.parse(message.data) as Activity;
        } catch {
          return;
        }
        setActivity((all) => [item, ...all].slice(0, 50));
        const pending = ahead.current;
        if (item.kind === 'tickets_issued') pending.sold += item.quantity;
        if (item.kind === 'order_paid') pending.revenue_minor += item.amount_minor;
        if (item.kind === 'checked_in') pending.checked_in += Math.max(1, item.quantity);
        setAheadVersion((n) => n + 1);
        // Ask again while the read model catches up.
        for (const delay of [1_000, 3_000, 8_000, 20_000]) timers.push(setTimeout(refresh, delay));
        if (item.kind === 'checked_in') {
          const gate = item.gate || 'Unnamed gate';
          setGates((all) => ({ ...all, [gate]: (all[gate] ?? 0) + Math.max(1, item.quantity) }));
        }
        refresh();
      },
    });
    return () => {
      handle.close();
      clearInterval(every);
      for (const timer of timers) clearTimeout(timer);
    };
  }, [auth, eventId, refresh]);

  if (!sales && !error) return <LoadingState label="Loading sales…" />;
  if (!sales) return <ApiErrorState error={error} onRetry={refresh} what="the sales figures" />;
  const currency = sales.currency ?? 'GBP';
  const tierList = tiers.data ?? [];
  const tierName = (id: string, fallback?: string | null) =>
    tierList.find((t) => t.tier_id === id)?.name ?? fallback ?? 'Removed tier';
  const tierColour = (id: string, index: number) =>
    tierList.find((t) => t.tier_id === id)?.colour ?? SERIES_COLOURS[index % SERIES_COLOURS.length] ?? '#000';
  const seriesTiers = sales.by_tier.map((tier, index) => ({
    id: tier.tier_id,
    name: tierName(tier.tier_id, tier.name),
    colour: tierColour(tier.tier_id, index),
  }));

  return (
    <>
      <p className="wizard__crumb">
        <Link to="/events">Events</Link> › <Link to={`/events/${eventId}`}>{sales.title}</Link> › Sales
      </p>
      <div className="page-head">
        <div>
          <h1 className="bx-page-title">Live sales: {sales.title}</h1>
          <p className={`live live--${stream}`} aria-live="polite">
            <span className="live__dot" aria-hidden="true" />
            {stream === 'open'
              ? 'Live: updates as orders are paid'
              : stream === 'closed'
                ? 'Not live: reload to reconnect'
                : 'Connecting…'}
          </p>
        </div>
        <fieldset className="page-head__actions exports">
          <legend className="visually-hidden">Exports</legend>
          <button
            type="button"
            className={buttonClass('secondary')}
            onClick={() => downloadCsv(sales, tierName)}
          >
            Export sales (CSV)
          </button>
          <ReportButton eventId={eventId} title={sales.title} report="orders" />
          <ReportButton eventId={eventId} title={sales.title} report="attendees" />
        </fieldset>
      </div>
      <div className="figures" aria-live="polite">
        <Figure
          label="Tickets sold"
          value={(sales.totals.sold + ahead.current.sold).toLocaleString()}
          testId="sold"
        />
        <Figure
          label="Revenue"
          value={formatPrice(sales.totals.revenue_minor + ahead.current.revenue_minor, currency)}
          testId="revenue"
        />
        <Figure
          label="Checked in"
          value={(sales.totals.checked_in + ahead.current.checked_in).toLocaleString()}
          testId="checked-in"
        />
        <Figure label="Held right now" value={held.toLocaleString()} testId="held" />
      </div>
      <div className="dashboard-grid">
        <section className="bx-card" aria-labelledby="sold-chart-title">
          <h2 id="sold-chart-title">Tickets sold per tier</h2>
          <Chart
            samples={samples}
            tiers={seriesTiers}
            pick="sold"
            format={(n) => n.toLocaleString()}
            label="Tickets sold per tier over time"
          />
        </section>
        <section className="bx-card" aria-labelledby="revenue-chart-title">
          <h2 id="revenue-chart-title">Revenue per tier</h2>
          <Chart
            samples={samples}
            tiers={seriesTiers}
            pick="revenue"
            format={(n) => formatPrice(n, currency)}
            label="Revenue per tier over time"
          />
        </section>
      </div>
      <section className="bx-card" aria-labelledby="tiers-title">
        <h2 id="tiers-title">By tier</h2>
        {sales.by_tier.length === 0 ? (
          <p className="empty-line">Nothing sold yet.</p>
        ) : (
          <div className="table-wrap">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">Tier</th>
                  <th scope="col">Sold</th>
                  <th scope="col">Revenue</th>
                  <th scope="col">Checked in</th>
                </tr>
              </thead>
              <tbody>
                {sales.by_tier.map((tier) => (
                  <tr key={tier.tier_id}>
                    <td>{tierName(tier.tier_id, tier.name)}</td>
                    <td>{tier.sold.toLocaleString()}</td>
                    <td>{formatPrice(tier.revenue_minor, currency)}</td>
                    <td>{tier.checked_in.toLocaleString()}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="bx-card" aria-labelledby="sessions-title">
        <h2 id="sessions-title">Sell-through per session</h2>
        {sales.sessions.length === 0 ? <p className="empty-line">No sessions.</p> : null}
        <ul className="sell-through">
          {sales.sessions.map((session) => {
            const capacity = session.capacity ?? 0;
            const share = capacity > 0 ? Math.min(1, session.sold / capacity) : 0;
            return (
              <li key={session.session_id}>
                <span>{session.starts_at ? formatDateTime(session.starts_at) : 'Removed session'}</span>
                <meter
                  min={0}
                  max={1}
                  value={share}
                  aria-label={`Sell-through, ${session.starts_at ? formatDateTime(session.starts_at) : ''}`}
                />
                <span className="sell-through__figure">
                  {session.sold.toLocaleString()} of {capacity.toLocaleString()} ({Math.round(share * 100)} %)
                  · {session.checked_in} in
                </span>
              </li>
            );
          })}
        </ul>
      </section>
      <div className="dashboard-grid">
        <section className="bx-card" aria-labelledby="gates-title">
          <h2 id="gates-title">Check-ins per gate</h2>
          <p className="choice__meta">Since this page was opened.</p>
          {Object.keys(gates).length === 0 ? (
            <p className="empty-line">No check-ins yet.</p>
          ) : (
            <ul className="gates">
              {Object.entries(gates)
                .sort((a, b) => b[1] - a[1])
                .map(([gate, count]) => (
                  <li key={gate}>
                    <span>{gate}</span>
                    <strong>{count}</strong>
                  </li>
                ))}
            </ul>
          )}
        </section>
        <section className="bx-card" aria-labelledby="activity-title">
          <h2 id="activity-title">As it happens</h2>
          {activity.length === 0 ? (
            <p className="empty-line">Waiting for the next order or check-in.</p>
          ) : (
            <ul className="activity">
              {activity.map((item, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: the feed is append-only and capped
                <li key={`${item.at_ms}-${index}`}>
                  <time dateTime={new Date(item.at_ms).toISOString()}>
                    {new Date(item.at_ms).toLocaleTimeString()}
                  </time>{' '}
                  {describeActivity(item, currency)}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </>
  );
}

function describeActivity(item: Activity, currency: string): string {
  const money = formatPrice(item.amount_minor, item.currency ?? currency);
  switch (item.kind) {
    case 'order_paid':
      return item.quantity > 0
        ? `Order paid: ${item.quantity} ticket${item.quantity === 1 ? '' : 's'}, ${money}`
        : `Order paid: ${money}`;
    case 'tickets_issued':
      return `${item.quantity} ticket${item.quantity === 1 ? '' : 's'} issued`;
    case 'order_refunded':
      return `Order refunded: ${money}`;
    case 'checked_in':
      return `Checked in at ${item.gate || 'a gate'}`;
  }
}

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="bx-card figure" data-figure={testId}>
      <span className="figure__label">{label}</span>
      <strong className="figure__value">{value}</strong>
    </div>
  );
}

function Chart({
  samples,
  tiers,
  pick,
  format,
  label,
}: {
  samples: Sample[];
  tiers: { id: string; name: string; colour: string }[];
  pick: 'sold' | 'revenue';
  format: (n: number) => string;
  label: string;
}) {
  if (tiers.length === 0) return <p className="empty-line">The chart starts with the first sale.</p>;
  return <ChartPlot samples={samples} tiers={tiers} pick={pick} format={format} label={label} />;
}

function ChartPlot({
  samples,
  tiers,
  pick,
  format,
  label,
}: {
  samples: Sample[];
  tiers: { id: string; name: string; colour: string }[];
  pick: 'sold' | 'revenue';
  format: (n: number) => string;
  label: string;
}) {
  const element = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const key = tiers.map((t) => t.id).join();
  // biome-ignore lint/correctness/useExhaustiveDependencies: the chart is rebuilt only when the tiers change
  useEffect(() => {
    const host = element.current;
    if (!host) return;
    const options: uPlot.Options = {
      width: Math.max(280, host.clientWidth),
      height: 220,
      series: [
        {},
        ...tiers.map((tier) => ({
          label: tier.name,
          stroke: tier.colour,
          width: 2,
          value: (_: uPlot, v: number | null) => (v === null ? '—' : format(v)),
        })),
      ],
      axes: [{}, { values: (_: uPlot, ticks: number[]) => ticks.map(format), size: 70 }],
      scales: { x: { time: true } },
    };
    const created = new uPlot(options, [[]], host);
    plot.current = created;
    const observer = new ResizeObserver(() =>
      created.setSize({ width: Math.max(280, host.clientWidth), height: 220 }),
    );
    observer.observe(host);
    return () => {
      observer.disconnect();
      created.destroy();
      plot.current = null;
    };
  }, [key]);
  useEffect(() => {
    plot.current?.setData([
      samples.map((s) => s.at),
      ...tiers.map((tier) => samples.map((s) => s[pick][tier.id] ?? 0)),
    ]);
  }, [samples, tiers, pick]);
  return (
    <div
      ref={element}
      className="chart"
      role="img"
      aria-label={`${label}; the table below gives the figures`}
    />
  );
}

/** Fetches one of order-service's exports with the organiser's token and saves it. */
function ReportButton({ eventId, title, report }: { eventId: string; title: string; report: Report }) {
  const auth = useAuth();
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    try {
      const blob = await fetchReport(eventId, report, await auth.accessToken());
      saveFile(blob, reportFileName(title, report));
    } catch (caught) {
      toast.show(exportErrorMessage(caught, report), 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button variant="secondary" busy={busy} onClick={download}>
      {report === 'orders' ? 'Export orders (CSV)' : 'Export attendees (CSV)'}
    </Button>
  );
}

function downloadCsv(sales: EventSales, tierName: (id: string, fallback?: string | null) => string): void {
  const rows: (string | number)[][] = [
    ['session_id', 'session_starts_at', 'tier', 'sold', 'revenue_minor', 'checked_in', 'currency'],
  ];
  for (const session of sales.sessions) {
    for (const tier of session.by_tier) {
      rows.push([
        session.session_id,
        session.starts_at ?? '',
        tierName(tier.tier_id, tier.name),
        tier.sold,
        tier.revenue_minor,
        tier.checked_in,
        sales.currency ?? '',
      ]);
    }
  }
  const blob = new Blob([`${rows.map((row) => row.map(csvCell).join(',')).join('\n')}\n`], {
    type: 'text/csv',
  });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `${sales.title.replace(/[^\w-]+/g, '-')}-sales.csv`;
  link.click();
  URL.revokeObjectURL(url);
}
