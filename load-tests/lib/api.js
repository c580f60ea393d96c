// The public API as the scenarios use it: an organiser's setup with the service client's token,
// and a guest buyer's hold → order → pay, each call timed and counted per endpoint and status.
import http from 'k6/http';
import { sleep } from 'k6';
import encoding from 'k6/encoding';
import { Counter, Gauge, Trend } from 'k6/metrics';

export const BASE = (__ENV.BASE || 'http://127.0.0.1:8080').replace(/\/$/, '');
export const ISSUER = (__ENV.OIDC_ISSUER || 'http://127.0.0.1:9400').replace(/\/$/, '');
export const RUN_ID = __ENV.RUN_ID || `${Date.now()}`;
export const SMOKE = __ENV.SMOKE === '1';
export const APPROVED_CARD = '4242 4242 4242 4242';

// Status codes counted one by one; anything else lands in `other`. 0 is a network error
// (refused, reset, timed out on the client side).
const STATUSES = [0, 200, 201, 204, 304, 400, 401, 403, 404, 408, 409, 410, 413, 422, 429, 500, 502, 503, 504];
const ENDPOINTS = ['static', 'hold', 'order', 'pay'];

// Created in the init context, as k6 requires; a metric without samples stays out of the summary.
const latency = {};
const statusCount = {};
const firstStart = {};
const lastEnd = {};
// More endpoint names (e.g. one per arrival-rate step); call it from a scenario's init context.
export function registerEndpoints(names) {
  for (const endpoint of names) {
    if (latency[endpoint]) continue;
    latency[endpoint] = new Trend(`lat_${endpoint}`, true);
    firstStart[endpoint] = new Gauge(`t0_${endpoint}`);
    lastEnd[endpoint] = new Gauge(`t1_${endpoint}`);
    statusCount[endpoint] = {};
    for (const status of STATUSES) statusCount[endpoint][status] = new Counter(`st_${endpoint}_${status}`);
    statusCount[endpoint].other = new Counter(`st_${endpoint}_other`);
  }
}
registerEndpoints(ENDPOINTS);

// A request whose latency, status and time window are recorded under `endpoint`; the window
// (first start, last end: gauges keep min and max) gives the endpoint's own rate.
export function timed(endpoint, method, url, body, params) {
  const started = Date.now();
  const response = http.request(method, url, body, Object.assign({ tags: { name: endpoint } }, params || {}));
  const ended = Date.now();
  latency[endpoint].add(response.timings.duration);
  firstStart[endpoint].add(started);
  lastEnd[endpoint].add(ended);
  (statusCount[endpoint][response.status] || statusCount[endpoint].other).add(1);
  return response;
}

const JSON_HEADERS = { 'Content-Type': 'application/json' };

export function serviceToken() {
  const credentials = encoding.b64encode('boxoffice-services:boxoffice-services-secret');
  const response = http.post(`${ISSUER}/token`, { grant_type: 'client_credentials' },
    { headers: { Authorization: `Basic ${credentials}` }, tags: { name: 'setup' } });
  if (response.status !== 200) throw new Error(`the OIDC provider refused a service token: ${response.status} ${response.body}`);
  return response.json('access_token');
}

// Organiser calls made in setup: any failure stops the run with what the API said.
export class Manage {
  constructor(token) {
    this.params = { headers: Object.assign({ Authorization: `Bearer ${token}` }, JSON_HEADERS), tags: { name: 'setup' }, timeout: '120s' };
  }

  call(method, path, body, expected) {
    const response = http.request(method, `${BASE}${path}`, body === undefined ? null : JSON.stringify(body), this.params);
    if (!(expected || [200, 201]).includes(response.status)) {
      throw new Error(`setup: ${method} ${path} answered ${response.status}: ${String(response.body).slice(0, 400)}`);
    }
    return response.status === 204 ? null : response.json();
  }

  // An organisation, venue, published event with one tier and a grid layout of rows × columns,
  // and `sessions` sessions on sale, all named after the scenario and run so leftovers are
  // recognisable. `sizes` optionally gives later sessions a layout of their own (rows, columns).
  onSaleEvent(scenario, rows, columns, sizes) {
    const name = `load-test ${scenario} ${RUN_ID}`;
    const organisation = this.call('POST', '/api/manage/organisations', { name }).organisation_id;
    const venue = this.call('POST', '/api/manage/venues', {
      organisation_id: organisation, name: `${name} hall`, address_line: '1 Load Street', city: 'Testville',
      postcode: 'LT1 1LT', country: 'GB', latitude: 51.5, longitude: -0.12, timezone: 'Europe/London',
    }).venue_id;
    const event = this.call('POST', '/api/manage/events', {
      organisation_id: organisation, title: `Loadtest ${scenario} ${RUN_ID}`,
      description: `Created by load-tests/run ${scenario}; safe to delete.`, category_id: 'music',
    }).event_id;
    const tier = this.call('POST', `/api/manage/events/${event}/tiers`,
      { name: 'Stalls', colour: '#2f6fed', price_minor: 2500, currency: 'GBP' }).tier_id;
    this.call('PUT', `/api/manage/events/${event}/layout`, gridLayout(rows, columns, tier));
    const all = [[rows, columns]].concat(sizes || []);
    const sessions = all.map((size, index) => {
      const day = String(10 + index).padStart(2, '0');
      const session = this.call('POST', `/api/manage/events/${event}/sessions`, {
        venue_id: venue, mode: 'physical', starts_at: `2030-06-${day}T19:30:00Z`, ends_at: `2030-06-${day}T22:30:00Z`,
        sales_start_at: '2026-01-01T09:00:00Z', sales_end_at: `2030-06-${day}T19:00:00Z`,
      }).session_id;
      if (size[0] !== rows || size[1] !== columns) this.call('PUT', `/api/manage/sessions/${session}/layout`, gridLayout(size[0], size[1], tier));
      return { session_id: session, seats: seatIds(size[0], size[1]).length, rows: size[0], columns: size[1] };
    });
    this.call('POST', `/api/manage/events/${event}/publish`, {});
    for (const session of sessions) this.call('POST', `/api/manage/sessions/${session.session_id}/status`, { status: 'ON_SALE' });
    return { name, organisation_id: organisation, event_id: event, tier_id: tier, sessions };
  }
}

export function seatId(row, column) {
  return `r${row}-c${column}`;
}

export function seatIds(rows, columns) {
  const ids = [];
  for (let row = 0; row < rows; row++) for (let column = 0; column < columns; column++) ids.push(seatId(row, column));
  return ids;
}

// One seated grid of rows × columns; seat ids are computable from an index, so VUs need not
// carry the list.
export function gridLayout(rows, columns, tierId) {
  const seats = [];
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      seats.push({ id: seatId(row, column), row, column, label: `${row + 1}-${column + 1}` });
    }
  }
  return {
    canvas: { width: Math.max(400, columns * 12 + 100), height: Math.max(300, rows * 12 + 200) },
    blocks: [
      { type: 'non_sellable', id: 'stage', kind: 'stage', label: 'Stage', position: { x: 10, y: 10 }, size: { width: 300, height: 50 } },
      { type: 'seated_grid', id: 'stalls', name: 'Stalls', position: { x: 50, y: 100 }, rotation: 0, rows, columns, tier_id: tierId, seats },
    ],
  };
}

export function seatAt(index, columns) {
  return seatId(Math.floor(index / columns), index % columns);
}

// A guest buyer: a made-up browser id, as the web app keeps one per visit.
export function buyerId(prefix, n) {
  return `${prefix}-${RUN_ID}-${n}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64);
}

export function hold(sessionId, seats, buyer, endpoint) {
  return timed(endpoint || 'hold', 'POST', `${BASE}/api/sales/sessions/${sessionId}/holds`,
    JSON.stringify({ seats, buyer_id: buyer }), { headers: JSON_HEADERS });
}

export function order(holdToken, key, name) {
  return timed('order', 'POST', `${BASE}/api/sales/orders`,
    JSON.stringify({ hold_token: holdToken, buyer: { name, email: `${name}@loadtest.boxoffice.test` } }),
    { headers: Object.assign({ 'Idempotency-Key': key }, JSON_HEADERS) });
}

export function pay(orderId, accessToken) {
  return timed('pay', 'POST', `${BASE}/api/sales/orders/${orderId}/pay`,
    JSON.stringify({ payment_method: APPROVED_CARD }),
    { headers: Object.assign({ 'Order-Access-Token': accessToken }, JSON_HEADERS) });
}

// Waits, with a deadline, until the read side serves `path` (the projector is asynchronous).
export function waitForRead(path, accept, seconds) {
  const deadline = Date.now() + (seconds || 60) * 1000;
  for (;;) {
    const response = http.get(`${BASE}${path}`, { tags: { name: 'setup' }, timeout: '60s' });
    if (response.status === 200 && (!accept || accept(response))) return response;
    if (Date.now() > deadline) throw new Error(`setup: ${path} was not served within ${seconds || 60}s (last answer ${response.status})`);
    sleep(0.1); // the poll interval of a wait that has a deadline

  }
}

// handleSummary for every scenario: the whole k6 summary (with setup data) as JSON for
// tools/report.py, and nothing on stdout (the report prints the table).
export function summaryTo(data) {
  const out = {};
  out[__ENV.SUMMARY_JSON || 'summary.json'] = JSON.stringify(data);
  out.stdout = '';
  return out;
}

export const TREND_STATS = ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max', 'count'];
