// holds: sustained holds on seats no one else wants, on fresh 50,000-seat sessions.
//   1. the sale opens: 50 VUs hold one seat at a time (closed model; p95 at 50 VUs, and no 5xx
//      in the first seconds of a fresh large session, when every layout cache is cold);
//   2. one seat per hold at a stepped arrival rate (the knee: where the answered rate stops
//      following the offered one);
//   3. four adjacent seats per hold, stepped the same way, on a second session.
// Every hold should answer 201; anything else is counted by status.
import { Counter } from 'k6/metrics';
import exec from 'k6/execution';
import { Manage, serviceToken, hold, buyerId, seatAt, registerEndpoints, summaryTo, TREND_STATS } from '../lib/api.js';

const VUS = Number(__ENV.VUS || 300);
const OPENING = __ENV.DURATION || '15s';
const STEP_SECONDS = Number(__ENV.STEP_SECONDS || 4);
const ROWS = 250;
const COLUMNS = 200; // 50,000 seats
const OPENING_SEATS = 10000; // session 1: seats [0, 10,000) for the opening, the rest for the steps
const ONE_SEAT_RATES = (__ENV.RATES_1 || '100,250,500,1000,1500,2100,3000').split(',').map(Number);
const FOUR_SEAT_RATES = (__ENV.RATES_4 || '50,125,250,500,750,1000').split(',').map(Number);

const steps = []
  .concat(ONE_SEAT_RATES.map((rate, i) => ({ name: `hold1_step${i}`, rate, seats: 1 })))
  .concat(FOUR_SEAT_RATES.map((rate, i) => ({ name: `hold4_step${i}`, rate, seats: 4 })));
registerEndpoints(['hold_50vus'].concat(steps.map((step) => step.name)));

const firstSeconds5xx = new Counter('first_second_5xx');
const exhausted = new Counter('seats_exhausted');

function seconds(duration) {
  return Number(String(duration).replace(/s$/, ''));
}

// Stairs: reach each rate in one second, keep it for the rest of the step.
function stairs(rates) {
  const stages = [];
  for (const rate of rates) stages.push({ duration: '1s', target: rate }, { duration: `${STEP_SECONDS - 1}s`, target: rate });
  return stages;
}

const openingEnd = seconds(OPENING) + 2;
const oneSeatEnd = openingEnd + ONE_SEAT_RATES.length * STEP_SECONDS + 3;

export const options = {
  setupTimeout: '300s',
  scenarios: {
    opening: { executor: 'constant-vus', vus: Math.min(50, VUS), duration: OPENING, exec: 'opening', gracefulStop: '2s' },
    one_seat: {
      executor: 'ramping-arrival-rate', startRate: ONE_SEAT_RATES[0], timeUnit: '1s', preAllocatedVUs: VUS, maxVUs: VUS,
      stages: stairs(ONE_SEAT_RATES), startTime: `${openingEnd}s`, exec: 'oneSeat', gracefulStop: '3s',
    },
    four_seats: {
      executor: 'ramping-arrival-rate', startRate: FOUR_SEAT_RATES[0], timeUnit: '1s', preAllocatedVUs: VUS, maxVUs: VUS,
      stages: stairs(FOUR_SEAT_RATES), startTime: `${oneSeatEnd}s`, exec: 'fourSeats', gracefulStop: '3s',
    },
  },
  thresholds: {
    lat_hold_50vus: ['p(95)<100'],
    first_second_5xx: ['count==0'],
  },
  summaryTrendStats: TREND_STATS,
};

export function setup() {
  const manage = new Manage(serviceToken());
  const event = manage.onSaleEvent('holds', ROWS, COLUMNS, [[ROWS, COLUMNS]]);
  return { event, sessions: event.sessions.map((s) => s.session_id), on_sale_at: Date.now(), steps };
}

function take(sessionId, first, count, endpoint, buyer) {
  const seats = [];
  for (let i = 0; i < count; i++) seats.push(seatAt(first + i, COLUMNS));
  return hold(sessionId, seats, buyer, endpoint);
}

export function opening(data) {
  const n = exec.scenario.iterationInTest;
  if (n >= OPENING_SEATS) return exhausted.add(1);
  const sent = Date.now();
  const response = take(data.sessions[0], n, 1, 'hold_50vus', buyerId('open', n));
  // Judged by when the request was sent: a stalled request of the first second fails late.
  if (response.status >= 500 && sent - data.on_sale_at < 1000) firstSeconds5xx.add(1);
}

function stepOf(rates) {
  const elapsed = (Date.now() - exec.scenario.startTime) / 1000;
  return Math.min(Math.floor(elapsed / STEP_SECONDS), rates.length - 1);
}

export function oneSeat(data) {
  const n = exec.scenario.iterationInTest;
  if (OPENING_SEATS + n >= ROWS * COLUMNS) return exhausted.add(1);
  take(data.sessions[0], OPENING_SEATS + n, 1, `hold1_step${stepOf(ONE_SEAT_RATES)}`, buyerId('one', n));
}

export function fourSeats(data) {
  const n = exec.scenario.iterationInTest;
  if ((n + 1) * 4 > ROWS * COLUMNS) return exhausted.add(1);
  take(data.sessions[1], n * 4, 4, `hold4_step${stepOf(FOUR_SEAT_RATES)}`, buyerId('four', n));
}

export function handleSummary(data) {
  return summaryTo(data);
}
