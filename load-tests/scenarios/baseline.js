// The same-run baseline: nginx answering a static path of the origin (no service behind it)
// with the load shape of the scenario it is compared with. SHAPE is one of
//   iterations:VUS:REQUESTS   each of VUS users makes REQUESTS requests once (race)
//   vus:VUS:DURATION          VUS users loop for DURATION (closed model: the box's ceiling)
//   spike:VUS:RAMP:HOLD       0 → VUS users in RAMP, held for HOLD
import { timed, BASE, summaryTo, TREND_STATS } from '../lib/api.js';

const [kind, a, b, c] = (__ENV.SHAPE || 'vus:50:10s').split(':');
const PATH = __ENV.STATIC_PATH || '/healthz';
const REQUESTS = kind === 'iterations' ? Number(b) : 1;

const shapes = {
  iterations: { executor: 'per-vu-iterations', vus: Number(a), iterations: 1, maxDuration: '120s' },
  vus: { executor: 'constant-vus', vus: Number(a), duration: b },
  spike: { executor: 'ramping-vus', startVUs: 0, stages: [{ duration: b, target: Number(a) }, { duration: c, target: Number(a) }], gracefulRampDown: '5s' },
};

export const options = {
  scenarios: { baseline: shapes[kind] },
  summaryTrendStats: TREND_STATS,
};

export default function () {
  for (let i = 0; i < REQUESTS; i++) timed('static', 'GET', `${BASE}${PATH}`);
}

export function handleSummary(data) {
  return summaryTo(data);
}
