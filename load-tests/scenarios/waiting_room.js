// waiting_room: a flash sale behind the waiting room. N visitors (default 10,000; `--vus`) join
// a session's queue within a few seconds, before the sale opens; each then asks `/queue/me`
// with backoff (k6 has no SSE; the backoff follows the estimated wait, as a browser's stream
// would update it) until it is let through, and every admitted buyer holds one seat with its
// pass. An observer reads the organiser's `/queue/stats` meanwhile. Prints joins/s, admissions
// per minute against the configured rate (`--rate`, admissions per minute), the wait-time
// distribution and the hold success of admitted buyers.
//
// k6 VUs are not visitors: each VU plays VISITORS / PLAYERS visitors in turn (a visitor is a few
// requests spread over minutes), so 10,000 visitors need no 10,000 VUs on a 2-core machine.
// Joins are limited per client address: load-tests/run gives each VU its own loopback address
// (K6_LOCAL_IPS; nginx passes it on in X-Forwarded-For), as visitors' browsers would have.
import http from 'k6/http';
import { sleep } from 'k6';
import exec from 'k6/execution';
import { Counter, Gauge, Trend } from 'k6/metrics';
import {
  BASE, Manage, RUN_ID, SMOKE, TREND_STATS, buyerId, gridLayout, registerEndpoints, seatAt, serviceToken, summaryTo, timed,
} from '../lib/api.js';

const VISITORS = Number(__ENV.VUS || (SMOKE ? 200 : 10000));
const PLAYERS = Math.max(1, Math.min(VISITORS, Number(__ENV.PLAYERS || 250)));
const PER_PLAYER = Math.ceil(VISITORS / PLAYERS);
/** Admissions per minute the room is set to. */
const ADMIT_PER_MINUTE = Number(__ENV.RATE || 6000);
/** Seconds from the end of setup to the opening: every visitor joins before it. */
const LEAD_SECONDS = Number(__ENV.LEAD_SECONDS || (SMOKE ? 8 : 25));
const PASS_MINUTES = 10;
const COLUMNS = 100;
const ROWS = Math.ceil(VISITORS / COLUMNS);
/** Backoff of `/queue/me` polls: half the estimated wait, within these bounds, with jitter. */
const MIN_POLL_S = 1;
const MAX_POLL_S = 20;
/** When the run gives up on visitors not yet admitted: the queue's length at the rate, 1.5×, + 60 s. */
const ADMISSION_SECONDS = Math.ceil((VISITORS / ADMIT_PER_MINUTE) * 60);
const DEADLINE_SECONDS = LEAD_SECONDS + Math.ceil(ADMISSION_SECONDS * 1.5) + 60;

registerEndpoints(['join', 'me', 'hold_with_pass', 'hold_without_pass', 'stats']);

const joined = new Counter('wr_joined');
const joinRefused = new Counter('wr_join_refused');
const admitted = new Counter('wr_admitted');
const notAdmitted = new Counter('wr_not_admitted');
const held = new Counter('wr_hold_ok');
const holdFailed = new Counter('wr_hold_failed');
const refusedWithoutPass = new Counter('wr_refused_without_pass');
const acceptedWithoutPass = new Counter('wr_accepted_without_pass');
const unexpected = new Counter('unexpected');
/** Wait from the later of joining and the opening to admission (ms), from the pass's own expiry. */
const waitMs = new Trend('wr_wait_ms', true);
/** The server's count of admissions in the last minute, as each stats read saw it. */
const lastMinute = new Trend('wr_admitted_last_minute');
const joinStart = new Gauge('wr_join_t0');
const joinEnd = new Gauge('wr_join_t1');
const firstAdmission = new Gauge('wr_admission_t0');
const lastAdmission = new Gauge('wr_admission_t1');

export const options = {
  setupTimeout: '300s',
  scenarios: {
    visitors: {
      executor: 'per-vu-iterations', vus: PLAYERS, iterations: 1, maxDuration: `${DEADLINE_SECONDS + 60}s`, exec: 'visitors',
    },
    observer: {
      executor: 'per-vu-iterations', vus: 1, iterations: 1, maxDuration: `${DEADLINE_SECONDS + 60}s`, exec: 'observer',
    },
  },
  thresholds: {
    unexpected: ['count==0'],
    wr_accepted_without_pass: ['count==0'],
  },
  summaryTrendStats: TREND_STATS,
};

const JSON_HEADERS = { 'Content-Type': 'application/json' };

export function setup() {
  const token = serviceToken();
  const manage = new Manage(token);
  const name = `load-test waiting_room ${RUN_ID}`;
  const organisation = manage.call('POST', '/api/manage/organisations', { name }).organisation_id;
  const venue = manage.call('POST', '/api/manage/venues', {
    organisation_id: organisation, name: `${name} hall`, address_line: '1 Load Street', city: 'Testville',
    postcode: 'LT1 1LT', country: 'GB', latitude: 51.5, longitude: -0.12, timezone: 'Europe/London',
  }).venue_id;
  const event = manage.call('POST', '/api/manage/events', {
    organisation_id: organisation, title: `Loadtest waiting_room ${RUN_ID}`,
    description: 'Created by load-tests/run waiting_room; safe to delete.', category_id: 'music',
  }).event_id;
  const tier = manage.call('POST', `/api/manage/events/${event}/tiers`,
    { name: 'Stalls', colour: '#2f6fed', price_minor: 2500, currency: 'GBP' }).tier_id;
  manage.call('PUT', `/api/manage/events/${event}/layout`, gridLayout(ROWS, COLUMNS, tier));
  // The opening is set once the slow part of setup is done, so the joins all land before it.
  const session = manage.call('POST', `/api/manage/events/${event}/sessions`, {
    venue_id: venue, mode: 'physical', starts_at: '2030-07-10T19:30:00Z', ends_at: '2030-07-10T22:30:00Z',
    sales_start_at: new Date(Date.now() + 3600_000).toISOString(), sales_end_at: '2030-07-10T19:00:00Z',
  }).session_id;
  manage.call('PUT', `/api/manage/sessions/${session}/waiting-room`, {
    enabled: true, admit_per_minute: ADMIT_PER_MINUTE, opens_minutes_before_sale: 60, pass_minutes: PASS_MINUTES,
  });
  manage.call('POST', `/api/manage/events/${event}/publish`, {});
  manage.call('POST', `/api/manage/sessions/${session}/status`, { status: 'ON_SALE' });
  const salesStartAt = Date.now() + LEAD_SECONDS * 1000;
  manage.call('PATCH', `/api/manage/sessions/${session}`, { sales_start_at: new Date(salesStartAt).toISOString() });
  // order-service learns of the room and its opening asynchronously: wait until it answers so.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const room = http.get(`${BASE}/api/sales/sessions/${session}/queue`, { tags: { name: 'setup' } });
    const body = room.status === 200 ? room.json() : null;
    if (body && body.sales_start_at && Math.abs(Date.parse(body.sales_start_at) - salesStartAt) < 1000) break;
    if (Date.now() > deadline) throw new Error(`setup: the room never showed its opening (last answer ${room.status} ${String(room.body).slice(0, 200)})`);
    sleep(0.2); // the poll interval of a wait that has a deadline
  }
  return {
    event: { name, organisation_id: organisation, event_id: event, tier_id: tier, sessions: [{ session_id: session, seats: ROWS * COLUMNS }] },
    session_id: session, token, sales_start_at: salesStartAt, admit_per_minute: ADMIT_PER_MINUTE,
    visitors: VISITORS, pass_minutes: PASS_MINUTES, deadline_at: Date.now() + DEADLINE_SECONDS * 1000,
  };
}

function join(data, visitor) {
  // A reload storm meets the per-address limit (429): back off and try again, as the page does.
  for (let attempt = 0; attempt < 8; attempt++) {
    const started = Date.now();
    const response = timed('join', 'POST', `${BASE}/api/sales/sessions/${data.session_id}/queue`,
      JSON.stringify({ buyer_id: visitor.buyer }), { headers: JSON_HEADERS });
    if (response.status === 200 || response.status === 201) {
      joinStart.add(started);
      joinEnd.add(Date.now());
      joined.add(1);
      visitor.joinedAt = started;
      visitor.visitorId = response.json('visitor_id');
      return response.json();
    }
    if (response.status !== 429) break;
    joinRefused.add(1);
    sleep(Math.min(5, 0.25 * 2 ** attempt) * (0.5 + Math.random()));
  }
  unexpected.add(1);
  return null;
}

function nextPoll(place, data) {
  const now = Date.now();
  if (place.position === null || place.position === undefined) {
    // Before the opening nobody has a place yet: look again just after it, spread over 3 s.
    return Math.max(now + MIN_POLL_S * 1000, data.sales_start_at + Math.random() * 3000);
  }
  const wait = Number(place.estimated_wait_seconds || 0);
  const seconds = Math.min(MAX_POLL_S, Math.max(MIN_POLL_S, wait / 2));
  return now + seconds * 1000 * (0.8 + 0.4 * Math.random());
}

function admit(data, visitor, place) {
  admitted.add(1);
  visitor.done = true;
  // The pass expires pass_minutes after the admission: that is the admission's own moment.
  const at = Date.parse(place.pass_expires_at) - data.pass_minutes * 60_000;
  if (Number.isFinite(at)) {
    firstAdmission.add(at);
    lastAdmission.add(at);
    waitMs.add(Math.max(0, at - Math.max(visitor.joinedAt, data.sales_start_at)));
  }
  const response = timed('hold_with_pass', 'POST', `${BASE}/api/sales/sessions/${data.session_id}/holds`,
    JSON.stringify({ seats: [seatAt(visitor.index, COLUMNS)], buyer_id: visitor.buyer, admission_pass: place.pass }),
    { headers: JSON_HEADERS });
  if (response.status === 201) held.add(1);
  else holdFailed.add(1);
}

export function visitors(data) {
  // 0..PLAYERS-1 whatever VU ids the observer took: one iteration per player.
  const player = exec.scenario.iterationInTest;
  const mine = [];
  for (let n = 0; n < PER_PLAYER; n++) {
    const index = player * PER_PLAYER + n;
    if (index >= VISITORS) break;
    mine.push({ index, buyer: buyerId('wr', index), due: 0, done: false });
  }
  for (const visitor of mine) {
    const place = join(data, visitor);
    if (!place) {
      visitor.done = true;
      continue;
    }
    if (place.state === 'admitted' && place.pass) admit(data, visitor, place);
    else if (place.state !== 'waiting') {
      unexpected.add(1);
      visitor.done = true;
    } else visitor.due = nextPoll(place, data);
  }
  // The first visitor of each player tries a hold without a pass: the room must refuse it.
  if (mine.length > 0 && player % 10 === 0) {
    const response = timed('hold_without_pass', 'POST', `${BASE}/api/sales/sessions/${data.session_id}/holds`,
      JSON.stringify({ seats: [seatAt(mine[0].index, COLUMNS)], buyer_id: mine[0].buyer }), { headers: JSON_HEADERS });
    if (response.status === 403) refusedWithoutPass.add(1);
    else if (response.status === 201) acceptedWithoutPass.add(1);
    else unexpected.add(1);
  }
  for (;;) {
    const waiting = mine.filter((visitor) => !visitor.done);
    if (waiting.length === 0) return;
    if (Date.now() > data.deadline_at) {
      notAdmitted.add(waiting.length);
      return;
    }
    const next = waiting.reduce((soonest, visitor) => (visitor.due < soonest.due ? visitor : soonest));
    const pause = (next.due - Date.now()) / 1000;
    if (pause > 0) sleep(Math.min(pause, 5));
    if (next.due > Date.now()) continue;
    const response = timed('me', 'GET',
      `${BASE}/api/sales/sessions/${data.session_id}/queue/me?buyer_id=${encodeURIComponent(next.buyer)}`, null, {});
    if (response.status !== 200) {
      if (response.status !== 429 && response.status !== 0) unexpected.add(1);
      next.due = Date.now() + MAX_POLL_S * 1000 * Math.random();
      continue;
    }
    const place = response.json();
    if (place.state === 'admitted' && place.pass) admit(data, next, place);
    else next.due = nextPoll(place, data);
  }
}

export function observer(data) {
  const params = { headers: { Authorization: `Bearer ${data.token}` } };
  while (Date.now() < data.deadline_at) {
    const response = timed('stats', 'GET', `${BASE}/api/sales/sessions/${data.session_id}/queue/stats`, null, params);
    if (response.status === 200) {
      const stats = response.json();
      if (Date.now() > data.sales_start_at) lastMinute.add(Number(stats.admitted_last_minute || 0));
      if (Date.now() > data.sales_start_at + 5000 && Number(stats.waiting) === 0) return;
    }
    sleep(2);
  }
}

function value(data, name, field) {
  const metric = data.metrics[name];
  return metric && metric.values ? metric.values[field] : undefined;
}

/** The figures the issue asks for, as text: printed to the k6 log and kept beside the JSON. */
export function figures(data) {
  const setup = data.setup_data || {};
  const rate = setup.admit_per_minute || ADMIT_PER_MINUTE;
  const count = (name) => value(data, name, 'count') || 0;
  const lines = [];
  const joins = count('wr_joined');
  const joinWindow = ((value(data, 'wr_join_t1', 'max') || 0) - (value(data, 'wr_join_t0', 'min') || 0)) / 1000;
  lines.push(`waiting room: ${setup.visitors || VISITORS} visitors, ${rate} admissions/min configured, ${PLAYERS} k6 VUs`);
  lines.push(`  joins: ${joins} in ${joinWindow.toFixed(1)} s = ${(joins / Math.max(joinWindow, 0.001)).toFixed(0)} joins/s; `
    + `429s retried: ${count('wr_join_refused')}; join p95 ${(value(data, 'lat_join', 'p(95)') || 0).toFixed(0)} ms`);
  const admittedCount = count('wr_admitted');
  const admissionWindow = ((value(data, 'wr_admission_t1', 'max') || 0) - (value(data, 'wr_admission_t0', 'min') || 0)) / 1000;
  const perMinute = admissionWindow > 0 ? (admittedCount - 1) / admissionWindow * 60 : 0;
  const peak = value(data, 'wr_admitted_last_minute', 'max');
  lines.push(`  admissions: ${admittedCount} (${count('wr_not_admitted')} not admitted by the deadline) over ${admissionWindow.toFixed(1)} s `
    + `= ${perMinute.toFixed(0)}/min against ${rate}/min configured (${(100 * perMinute / rate).toFixed(0)}%); `
    + `server's admitted-in-the-last-minute peak ${peak === undefined ? 'n/a' : peak} (${peak !== undefined && peak <= rate ? 'within' : 'OVER'} the rate)`);
  const wait = (field) => ((value(data, 'wr_wait_ms', field) || 0) / 1000).toFixed(1);
  lines.push(`  wait from the opening (or joining) to admission, s: p50 ${wait('med')}, p90 ${wait('p(90)')}, p95 ${wait('p(95)')}, `
    + `p99 ${wait('p(99)')}, max ${wait('max')}; expected max at the rate ≈ ${((setup.visitors || VISITORS) / rate * 60).toFixed(0)}`);
  const holds = count('wr_hold_ok') + count('wr_hold_failed');
  lines.push(`  holds of admitted buyers with their pass: ${count('wr_hold_ok')} of ${holds} succeeded `
    + `(${holds ? (100 * count('wr_hold_ok') / holds).toFixed(1) : '0'}%), p95 ${(value(data, 'lat_hold_with_pass', 'p(95)') || 0).toFixed(0)} ms`);
  lines.push(`  holds without a pass: ${count('wr_refused_without_pass')} refused (403), ${count('wr_accepted_without_pass')} accepted (must be 0); `
    + `answers outside the contract: ${count('unexpected')}`);
  lines.push(`  /queue/me polls: ${value(data, 'lat_me', 'count') || 0}, p95 ${(value(data, 'lat_me', 'p(95)') || 0).toFixed(0)} ms`);
  return lines.join('\n');
}

export function handleSummary(data) {
  const out = summaryTo(data);
  const text = figures(data);
  out.stdout = `${text}\n`;
  const json = __ENV.SUMMARY_JSON;
  if (json) out[json.replace(/\.k6\.json$/, '.figures.txt')] = `${text}\n`;
  return out;
}
