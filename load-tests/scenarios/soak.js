// soak: mixed traffic at a steady arrival rate for a long time (30 min by default): mostly
// browsing (event, sessions, seat map revalidated with its ETag), some holds released again,
// some purchases. Latency of the first and last windows are compared, and tools/sample.py
// records every process's memory so the report can say whether it stayed flat.
import { Trend, Counter } from 'k6/metrics';
import http from 'k6/http';
import exec from 'k6/execution';
import { BASE, Manage, serviceToken, timed, hold, order, pay, buyerId, seatAt, waitForRead, registerEndpoints, summaryTo, TREND_STATS } from '../lib/api.js';

const DURATION = __ENV.DURATION || '30m';
const RATE = Number(__ENV.RATE || 20);
const VUS = Number(__ENV.VUS || 40);
const TOTAL_S = DURATION.endsWith('m') ? Number(DURATION.slice(0, -1)) * 60 : Number(DURATION.replace(/s$/, ''));
const WINDOW_S = Math.min(300, TOTAL_S / 3);
const SALE_COLUMNS = 200;
const SALE_SEATS = 250 * SALE_COLUMNS;
registerEndpoints(['event', 'sessions', 'seatmap_600_revalidate', 'release']);

const first = new Trend('soak_first', true);
const last = new Trend('soak_last', true);
// Answers outside the API's contract; 5xx and network errors are availability, judged by share.
const unexpected = new Counter('unexpected');
const failing = (response) => response.status === 0 || response.status >= 500;
function contract(response, ok) {
  if (!ok && !failing(response)) unexpected.add(1);
  return ok;
}

export const options = {
  setupTimeout: '600s',
  scenarios: {
    soak: { executor: 'constant-arrival-rate', rate: RATE, timeUnit: '1s', duration: DURATION, preAllocatedVUs: VUS, maxVUs: VUS * 2 },
  },
  summaryTrendStats: TREND_STATS,
};

export function setup() {
  const event = new Manage(serviceToken()).onSaleEvent('soak', 20, 30, [[250, SALE_COLUMNS]]);
  const map = waitForRead(`/api/catalog/sessions/${event.sessions[0].session_id}/seat-map`, (r) => r.json('session_status') === 'ON_SALE', 120);
  return { event, browse: event.sessions[0].session_id, sale: event.sessions[1].session_id, etag: map.headers.Etag, started: Date.now() };
}

function windowed(response, data) {
  const elapsed = (Date.now() - data.started) / 1000;
  if (elapsed < WINDOW_S) first.add(response.timings.duration);
  else if (elapsed > TOTAL_S - WINDOW_S) last.add(response.timings.duration);
  return response;
}

let etag = null;

export default function (data) {
  const n = exec.scenario.iterationInTest;
  const pick = n % 10;
  if (pick < 7) {
    windowed(timed('event', 'GET', `${BASE}/api/catalog/events/${data.event.event_id}`), data);
    windowed(timed('sessions', 'GET', `${BASE}/api/catalog/events/${data.event.event_id}/sessions`), data);
    const map = windowed(timed('seatmap_600_revalidate', 'GET', `${BASE}/api/catalog/sessions/${data.browse}/seat-map`, null,
      { headers: { 'If-None-Match': etag || data.etag } }), data);
    if (map.status === 200) etag = map.headers.Etag;
    else contract(map, map.status === 304);
    return;
  }
  if (n >= SALE_SEATS) return;
  const buyer = buyerId('soak', n);
  const held = windowed(hold(data.sale, [seatAt(n, SALE_COLUMNS)], buyer), data);
  if (!contract(held, held.status === 201)) return;
  if (pick < 9) {
    const released = windowed(timed('release', 'DELETE', `${BASE}/api/sales/holds/${held.json('hold_token')}`), data);
    contract(released, released.status === 204);
    return;
  }
  const placed = windowed(order(held.json('hold_token'), `${buyer}-order`, buyer), data);
  if (!contract(placed, placed.status === 201)) return;
  const paid = windowed(pay(placed.json('order_id'), placed.json('access_token')), data);
  contract(paid, paid.status === 200);
}

export function handleSummary(data) {
  return summaryTo(data);
}
