// spike: 0 → VUS (2,000 by default) users in 10 s, held for 20 s: each looks at the event and
// its seat map (revalidating it) and tries to hold a seat of its own. The baseline makes the
// same spike against nginx's static answer. Judged: no 5xx or network errors, and latency
// as a ratio to the static file's in the same spike.
import { Counter } from 'k6/metrics';
import exec from 'k6/execution';
import { BASE, Manage, serviceToken, timed, hold, buyerId, seatAt, waitForRead, registerEndpoints, summaryTo, TREND_STATS } from '../lib/api.js';

const VUS = Number(__ENV.VUS || 2000);
const HOLD_FOR = __ENV.DURATION || '20s';
const SALE_COLUMNS = 200;
const SALE_SEATS = 250 * SALE_COLUMNS;
registerEndpoints(['event', 'seatmap_600_revalidate']);
const unexpected = new Counter('unexpected');

export const options = {
  setupTimeout: '600s',
  scenarios: {
    spike: { executor: 'ramping-vus', startVUs: 0, stages: [{ duration: '10s', target: VUS }, { duration: HOLD_FOR, target: VUS }], gracefulRampDown: '5s', gracefulStop: '10s' },
  },
  summaryTrendStats: TREND_STATS,
};

export function setup() {
  const event = new Manage(serviceToken()).onSaleEvent('spike', 20, 30, [[250, SALE_COLUMNS]]);
  const map = waitForRead(`/api/catalog/sessions/${event.sessions[0].session_id}/seat-map`, (r) => r.json('session_status') === 'ON_SALE', 120);
  // Warm the sale session's caches: this scenario is about many users, not a cold session.
  hold(event.sessions[1].session_id, [seatAt(SALE_SEATS - 1, SALE_COLUMNS)], buyerId('warm', 0));
  return { event, browse: event.sessions[0].session_id, sale: event.sessions[1].session_id, etag: map.headers.Etag };
}

export default function (data) {
  const params = { timeout: '30s' };
  timed('event', 'GET', `${BASE}/api/catalog/events/${data.event.event_id}`, null, params);
  const map = timed('seatmap_600_revalidate', 'GET', `${BASE}/api/catalog/sessions/${data.browse}/seat-map`, null,
    Object.assign({ headers: { 'If-None-Match': data.etag } }, params));
  // 0 (network error), 408 (the server gave up waiting) and 5xx are the spike's failures, judged
  // by their share; any other answer breaks the API's contract.
  if (![0, 200, 304, 408].includes(map.status) && map.status < 500) unexpected.add(1);
  const n = exec.scenario.iterationInTest;
  if (n < SALE_SEATS - 1) {
    const held = hold(data.sale, [seatAt(n, SALE_COLUMNS)], buyerId('spike', n));
    if (held.status === 409 || held.status === 422 || held.status === 429) unexpected.add(1);
  }
}

export function handleSummary(data) {
  return summaryTo(data);
}
