// browse: the attendee read path. Each step alone at the same VUs (so each has its own rate to
// compare with the static baseline), then the whole journey as a browser makes it:
// trending → search → event → sessions → seat map, revalidating the seat map with its ETag.
// Seat maps: 600, 20,000 and 50,000 seats; large maps are asked for compressed.
import { Rate } from 'k6/metrics';
import { BASE, Manage, serviceToken, timed, waitForRead, registerEndpoints, summaryTo, TREND_STATS } from '../lib/api.js';

const VUS = Number(__ENV.VUS || 50);
const PHASE = Number(String(__ENV.DURATION || '10s').replace(/s$/, ''));
const GAP = 10; // seconds between phases, so the slowest answers of one do not overlap the next
const PHASES = ['trending', 'search', 'event', 'sessions', 'seatmap_600', 'seatmap_600_revalidate',
  'seatmap_20k', 'seatmap_20k_revalidate', 'seatmap_50k', 'journey'];
const JOURNEY = ['trending', 'search', 'event', 'sessions', 'seatmap_600_revalidate'];
registerEndpoints(PHASES.filter((phase) => phase !== 'journey').concat(JOURNEY.map((phase) => `journey_${phase}`)));

const compressed = new Rate('large_map_compressed');
const revalidated = new Rate('revalidated_304');
const answered = new Rate('answered_ok'); // 200, or 304 to a revalidation

const scenarios = {};
PHASES.forEach((phase, index) => {
  scenarios[phase] = {
    executor: 'constant-vus', vus: VUS, duration: `${PHASE}s`, startTime: `${index * (PHASE + GAP)}s`,
    exec: phase === 'journey' ? 'journey' : 'step', env: { PHASE: phase }, gracefulStop: `${GAP - 1}s`,
  };
});

export const options = {
  setupTimeout: '600s',
  scenarios,
  thresholds: {
    lat_event: ['p(95)<20'],
    lat_seatmap_600: ['p(95)<20'],
    revalidated_304: ['rate==1'],
    large_map_compressed: ['rate==1'],
    answered_ok: ['rate>0.99'],
  },
  summaryTrendStats: TREND_STATS,
};

export function setup() {
  const manage = new Manage(serviceToken());
  const event = manage.onSaleEvent('browse', 20, 30, [[100, 200], [250, 200]]);
  const id = event.event_id;
  // The read side is fed by CDC: wait (with deadlines) until it serves everything we browse.
  waitForRead(`/api/catalog/events/${id}/sessions`, (r) => JSON.stringify(r.json()).split('session_id').length > 3, 120);
  const etags = {};
  event.sessions.forEach((session, index) => {
    const map = waitForRead(`/api/catalog/sessions/${session.session_id}/seat-map`,
      (r) => r.json('session_status') === 'ON_SALE' && Object.keys(r.json('seats') || {}).length === session.seats, 300);
    etags[['600', '20k', '50k'][index]] = map.headers.Etag || map.headers.ETag;
  });
  const query = `Loadtest browse ${__ENV.RUN_ID || ''}`.trim();
  waitForRead(`/api/catalog/events?q=${encodeURIComponent(query)}`, (r) => String(r.body).includes(id), 120);
  return { event, query, etags, maps: { '600': event.sessions[0].session_id, '20k': event.sessions[1].session_id, '50k': event.sessions[2].session_id } };
}

const latestEtag = {}; // per VU, as each browser has its own cache

function request(data, phase, label) {
  const size = (phase.match(/seatmap_(\w+?)(_revalidate)?$/) || [])[1];
  // Shorter than a phase plus its grace period, so an answer that never comes is counted (as
  // status 0) instead of being cut off unrecorded when the phase ends.
  const params = { timeout: '8s', headers: { 'Accept-Encoding': 'gzip, br' } };
  let path;
  let expected = 200;
  if (phase === 'trending') path = '/api/catalog/trending';
  else if (phase === 'search') path = `/api/catalog/events?q=${encodeURIComponent(data.query)}`;
  else if (phase === 'event') path = `/api/catalog/events/${data.event.event_id}`;
  else if (phase === 'sessions') path = `/api/catalog/events/${data.event.event_id}/sessions`;
  else {
    path = `/api/catalog/sessions/${data.maps[size]}/seat-map`;
    if (phase.endsWith('_revalidate')) {
      params.headers['If-None-Match'] = latestEtag[size] || data.etags[size];
      expected = 304;
    }
  }
  const response = timed(label || phase, 'GET', `${BASE}${path}`, null, params);
  if (expected === 304) {
    // As a browser: keep the newest ETag. A 200 carrying the ETag we sent is a revalidation
    // that did the full work for nothing; a 200 with a new one means the map changed.
    const etag = response.headers.Etag;
    if (response.status === 304 || response.status === 200) answered.add(true);
    if (response.status === 304) revalidated.add(true);
    else if (response.status === 200 && etag === params.headers['If-None-Match']) revalidated.add(false);
    else if (response.status === 200) latestEtag[size] = etag;
    else answered.add(false);
  } else {
    answered.add(response.status === 200);
  }
  if (size && size !== '600' && response.status === 200) {
    compressed.add(['gzip', 'br', 'zstd'].includes(String(response.headers['Content-Encoding'] || '').toLowerCase()));
  }
  return response;
}

export function step(data) {
  request(data, __ENV.PHASE);
}

export function journey(data) {
  for (const phase of JOURNEY) request(data, phase, `journey_${phase}`);
}

export function handleSummary(data) {
  return summaryTo(data);
}
