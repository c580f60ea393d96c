// breakpoint: one-seat holds on a fresh 50,000-seat session at a stepped arrival rate, higher
// each step, until the platform stops keeping up. A step is broken when more than 1% of its
// holds do not answer 201, its p95 passes 1 s, or it answers fewer than 90% of the holds
// offered; tools/report.py names the last step that held. Bounded: the steps end by themselves.
import exec from 'k6/execution';
import { Manage, serviceToken, hold, buyerId, seatAt, registerEndpoints, summaryTo, TREND_STATS } from '../lib/api.js';

const VUS = Number(__ENV.VUS || 400);
const STEP_SECONDS = Number(__ENV.STEP_SECONDS || 5);
const RATES = (__ENV.RATES || '100,200,400,600,800,1000,1300,1600,2100,2600,3200').split(',').map(Number);
const ROWS = 250;
const COLUMNS = 200;
const steps = RATES.map((rate, i) => ({ name: `step${i}`, rate }));
registerEndpoints(['warmup'].concat(steps.map((step) => step.name)));

const stages = [];
for (const rate of RATES) stages.push({ duration: '1s', target: rate }, { duration: `${STEP_SECONDS - 1}s`, target: rate });

export const options = {
  setupTimeout: '300s',
  scenarios: {
    breakpoint: { executor: 'ramping-arrival-rate', startRate: RATES[0], timeUnit: '1s', preAllocatedVUs: VUS, maxVUs: VUS, stages, gracefulStop: '5s' },
  },
  summaryTrendStats: TREND_STATS,
};

export function setup() {
  const event = new Manage(serviceToken()).onSaleEvent('breakpoint', ROWS, COLUMNS);
  // Warm the session's caches first: the opening of a sale is the holds scenario's business.
  hold(event.sessions[0].session_id, [seatAt(ROWS * COLUMNS - 1, COLUMNS)], buyerId('warm', 0), 'warmup');
  return { event, session_id: event.sessions[0].session_id, steps };
}

export default function (data) {
  const n = exec.scenario.iterationInTest;
  if (n >= ROWS * COLUMNS - 1) return;
  const step = Math.min(Math.floor((Date.now() - exec.scenario.startTime) / 1000 / STEP_SECONDS), RATES.length - 1);
  hold(data.session_id, [seatAt(n, COLUMNS)], buyerId('break', n), `step${step}`);
}

export function handleSummary(data) {
  return summaryTo(data);
}
