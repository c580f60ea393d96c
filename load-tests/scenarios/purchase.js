// purchase: guest buyers go hold → order (Idempotency-Key) → pay (sandbox card) → tickets,
// ramping up. Each purchase takes seats no one else asks for, so every step must succeed; a
// repeated order request with the same key must return the same order. While it runs, a probe
// edits the event through the manage API and measures how long until the catalogue shows it
// (commit → Debezium → Kafka → projector → read model). tools/verify.py then checks PostgreSQL:
// tickets = seats paid, no seat twice, no paid order without tickets.
import { Counter, Trend } from 'k6/metrics';
import { sleep } from 'k6';
import http from 'k6/http';
import exec from 'k6/execution';
import { BASE, Manage, serviceToken, hold, order, pay, buyerId, seatAt, summaryTo, TREND_STATS, SMOKE } from '../lib/api.js';

const VUS = Number(__ENV.VUS || (SMOKE ? 4 : 50));
const DURATION = __ENV.DURATION || '60s';
const SEATS_PER_PURCHASE = 2;
const ROWS = SMOKE ? 10 : 200;
const COLUMNS = 100;

const confirmed = new Counter('purchase_confirmed');
const failed = new Counter('purchase_failed');
const idempotencyBroken = new Counter('idempotency_broken');
const exhausted = new Counter('seats_exhausted');
const purchaseTime = new Trend('purchase_duration', true);
const commitToReadModel = new Trend('commit_to_read_model', true);
const probeTimeouts = new Counter('probe_timeouts');

const scenarios = SMOKE
  ? { purchase: { executor: 'per-vu-iterations', vus: VUS, iterations: 3, maxDuration: '60s' } }
  : {
    purchase: {
      executor: 'ramping-vus', startVUs: 1, gracefulRampDown: '10s',
      stages: [{ duration: '10s', target: VUS }, { duration: DURATION, target: VUS }],
    },
    probe: { executor: 'constant-vus', vus: 1, duration: DURATION, startTime: '10s', exec: 'probe' },
  };

const thresholds = {
  purchase_failed: ['count==0'],
  idempotency_broken: ['count==0'],
};
if (!SMOKE) {
  thresholds.commit_to_read_model = ['p(99)<150'];
  thresholds.probe_timeouts = ['count==0'];
}

export const options = { setupTimeout: '300s', scenarios, thresholds, summaryTrendStats: TREND_STATS };

export function setup() {
  const token = serviceToken();
  const event = new Manage(token).onSaleEvent('purchase', ROWS, COLUMNS);
  return { event, session_id: event.sessions[0].session_id, token };
}

export default function (data) {
  const n = exec.scenario.iterationInTest;
  if ((n + 1) * SEATS_PER_PURCHASE > ROWS * COLUMNS) {
    exhausted.add(1);
    return;
  }
  const seats = [];
  for (let i = 0; i < SEATS_PER_PURCHASE; i++) seats.push(seatAt(n * SEATS_PER_PURCHASE + i, COLUMNS));
  const started = Date.now();
  const buyer = buyerId('buy', n);
  const held = hold(data.session_id, seats, buyer);
  if (held.status !== 201) return failed.add(1, { step: 'hold' });
  const key = `${buyer}-order`;
  const placed = order(held.json('hold_token'), key, buyer);
  if (placed.status !== 201) return failed.add(1, { step: 'order' });
  const orderId = placed.json('order_id');
  // A client retrying after a lost answer: same key, same body, same order (checked on a
  // sample outside smoke, so it does not double the order load).
  if (SMOKE || n % 10 === 0) {
    const again = order(held.json('hold_token'), key, buyer);
    if (again.status !== 200 || again.json('order_id') !== orderId) idempotencyBroken.add(1);
  }
  const paid = pay(orderId, placed.json('access_token'));
  if (paid.status !== 200 || paid.json('status') !== 'ticketed' || (paid.json('tickets') || []).length !== seats.length) {
    return failed.add(1, { step: 'pay' });
  }
  confirmed.add(1);
  purchaseTime.add(Date.now() - started);
}

// commit → read model: an edit the organiser makes, until the public catalogue serves it.
export function probe(data) {
  const marker = `probe ${exec.scenario.iterationInTest} ${Date.now()}`;
  const edited = http.patch(`${BASE}/api/manage/events/${data.event.event_id}`, JSON.stringify({ description: marker }),
    { headers: { Authorization: `Bearer ${data.token}`, 'Content-Type': 'application/json' }, tags: { name: 'probe_edit' } });
  if (edited.status !== 200) return probeTimeouts.add(1);
  const committed = Date.now();
  const deadline = committed + 30000;
  while (Date.now() < deadline) {
    const seen = http.get(`${BASE}/api/catalog/events/${data.event.event_id}`, { tags: { name: 'probe_read' } });
    if (seen.status === 200 && String(seen.body).includes(marker)) {
      commitToReadModel.add(Date.now() - committed);
      sleep(0.5); // one probe every half second or so, so the probe itself is no load
      return;
    }
    sleep(0.005); // poll interval (5 ms) of a wait with a deadline
  }
  probeTimeouts.add(1);
}

export function handleSummary(data) {
  return summaryTo(data);
}
