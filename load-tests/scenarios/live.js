// live: the buyers of the `live` scenario. tools/watchers.mjs has made the session and opened
// the watchers' streams; these buyers hold and buy seats of rows r1.. at a steady rate while the
// watchers measure probe holds on row r0 (load-tests/run starts both).
import { Counter } from 'k6/metrics';
import exec from 'k6/execution';
import { hold, order, pay, buyerId, seatAt, summaryTo, TREND_STATS } from '../lib/api.js';

const READY = JSON.parse(open(__ENV.READY_FILE));
const RATE = Number(__ENV.RATE || 5);
const COLUMNS = 100;
const SEATS = 2000;

const confirmed = new Counter('purchase_confirmed');
const unexpected = new Counter('unexpected');

export const options = {
  scenarios: {
    buyers: { executor: 'constant-arrival-rate', rate: RATE, timeUnit: '1s', duration: __ENV.DURATION || '30s', preAllocatedVUs: 20, maxVUs: 100 },
  },
  summaryTrendStats: TREND_STATS,
};

export function setup() {
  return { event: READY.event, session_id: READY.session_id };
}

export default function (data) {
  const n = exec.scenario.iterationInTest;
  if (COLUMNS + n >= SEATS) return; // row r0 is the probes'; the rest is sold out
  const buyer = buyerId('live', n);
  const held = hold(data.session_id, [seatAt(COLUMNS + n, COLUMNS)], buyer);
  if (held.status !== 201) return unexpected.add(1);
  const placed = order(held.json('hold_token'), `${buyer}-order`, buyer);
  if (placed.status !== 201) return unexpected.add(1);
  const paid = pay(placed.json('order_id'), placed.json('access_token'));
  if (paid.status !== 200) return unexpected.add(1);
  confirmed.add(1);
}

export function handleSummary(data) {
  return summaryTo(data);
}
