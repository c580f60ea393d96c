// Live seat-map watchers for the `live` scenario (k6 has no SSE client).
//
//   node watchers.mjs --out DIR --watchers N --seconds S [--base URL] [--streams URL] [--issuer URL]
//
// Creates an event with one 2,000-seat session on sale through the public API, opens N seat
// streams on it, and writes DIR/live-ready.json once every stream has its snapshot (the k6 buyers
// start then). It then makes probe holds on row r0 (which the buyers leave alone) through the
// API and records, for every watcher, when the `held` event for each probe seat arrived:
// hold sent → every watcher. Results go to DIR/live.json. Node's standard library only.
//
// Each simulated browser connects from its own loopback address (127.0.x.y; Linux routes all of
// 127/8 to lo), at most 25 per address, so the per-address stream limit applies as it would to
// real visitors rather than to one load generator.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, value, index, all) => {
  if (value.startsWith('--')) pairs.push([value.slice(2), all[index + 1]]);
  return pairs;
}, []));
const OUT = args.out;
const WATCHERS = Number(args.watchers || 1000);
const SECONDS = Number(args.seconds || 30);
const BASE = (args.base || 'http://127.0.0.1:8080').replace(/\/$/, '');
const STREAMS = (args.streams || BASE).replace(/\/$/, '');
const ISSUER = (args.issuer || 'http://127.0.0.1:9400').replace(/\/$/, '');
const RUN_ID = args['run-id'] || `${Date.now()}`;
const PER_ADDRESS = 25;
const ROWS = 20;
const COLUMNS = 100;
const PROBES = Math.min(COLUMNS, Math.max(10, Math.floor(SECONDS * 2)));

if (!OUT) {
  console.error('usage: node watchers.mjs --out DIR --watchers N --seconds S');
  process.exit(2);
}
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function request(method, url, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body));
    const req = http.request(url, {
      method, agent, timeout: 120000,
      headers: { 'content-type': typeof body === 'string' ? 'application/x-www-form-urlencoded' : 'application/json', ...headers },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, text, json: () => JSON.parse(text) }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    if (data !== undefined) req.write(data);
    req.end();
  });
}

async function expectOk(method, pathname, body, token) {
  const res = await request(method, `${BASE}${pathname}`, body, { authorization: `Bearer ${token}` });
  if (res.status !== 200 && res.status !== 201) throw new Error(`setup: ${method} ${pathname} answered ${res.status}: ${res.text.slice(0, 300)}`);
  return res.json();
}

async function setup() {
  const basic = Buffer.from('boxoffice-services:boxoffice-services-secret').toString('base64');
  const tokenRes = await request('POST', `${ISSUER}/token`, 'grant_type=client_credentials', { authorization: `Basic ${basic}` });
  if (tokenRes.status !== 200) throw new Error(`the OIDC provider refused a service token: ${tokenRes.status}`);
  const token = tokenRes.json().access_token;
  const name = `load-test live ${RUN_ID}`;
  const organisation = (await expectOk('POST', '/api/manage/organisations', { name }, token)).organisation_id;
  const venue = (await expectOk('POST', '/api/manage/venues', {
    organisation_id: organisation, name: `${name} hall`, address_line: '1 Load Street', city: 'Testville',
    postcode: 'LT1 1LT', country: 'GB', latitude: 51.5, longitude: -0.12, timezone: 'Europe/London',
  }, token)).venue_id;
  const event = (await expectOk('POST', '/api/manage/events', {
    organisation_id: organisation, title: `Loadtest live ${RUN_ID}`, description: 'Created by load-tests/run live; safe to delete.', category_id: 'music',
  }, token)).event_id;
  const tier = (await expectOk('POST', `/api/manage/events/${event}/tiers`, { name: 'Stalls', colour: '#2f6fed', price_minor: 2500, currency: 'GBP' }, token)).tier_id;
  const seats = [];
  for (let row = 0; row < ROWS; row++) for (let column = 0; column < COLUMNS; column++) seats.push({ id: `r${row}-c${column}`, row, column, label: `${row + 1}-${column + 1}` });
  await expectOk('PUT', `/api/manage/events/${event}/layout`, {
    canvas: { width: 1400, height: 500 },
    blocks: [{ type: 'seated_grid', id: 'stalls', name: 'Stalls', position: { x: 50, y: 50 }, rotation: 0, rows: ROWS, columns: COLUMNS, tier_id: tier, seats }],
  }, token);
  const session = (await expectOk('POST', `/api/manage/events/${event}/sessions`, {
    venue_id: venue, mode: 'physical', starts_at: '2030-06-10T19:30:00Z', ends_at: '2030-06-10T22:30:00Z',
    sales_start_at: '2026-01-01T09:00:00Z', sales_end_at: '2030-06-10T19:00:00Z',
  }, token)).session_id;
  await expectOk('POST', `/api/manage/events/${event}/publish`, {}, token);
  await expectOk('POST', `/api/manage/sessions/${session}/status`, { status: 'ON_SALE' }, token);
  // The stream needs the projected seat map: wait for it, with a deadline.
  const deadline = Date.now() + 120000;
  for (;;) {
    const map = await request('GET', `${BASE}/api/catalog/sessions/${session}/seat-map`);
    if (map.status === 200 && map.json().session_status === 'ON_SALE') break;
    if (Date.now() > deadline) throw new Error(`setup: the seat map of ${session} was not served within 120s`);
    await new Promise((resolve) => setTimeout(resolve, 100)); // poll interval
  }
  return { event: { name, event_id: event, organisation_id: organisation, tier_id: tier, sessions: [{ session_id: session, seats: ROWS * COLUMNS }] }, session_id: session };
}

// seat id → performance.now() when its probe hold was sent.
const sentAt = new Map();
const watchers = [];

function openWatcher(index, url) {
  return new Promise((resolve) => {
    const watcher = { index, ready: false, seen: new Map(), failed: null, req: null };
    watchers.push(watcher);
    const octet = Math.floor(index / PER_ADDRESS);
    const localAddress = `127.0.${1 + Math.floor(octet / 250)}.${2 + (octet % 250)}`;
    const req = http.get(url, { localAddress, agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        watcher.failed = `status ${res.statusCode}`;
        res.resume();
        return resolve(watcher);
      }
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk) => {
        const now = performance.now();
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!watcher.ready && event.includes('event: snapshot')) {
            watcher.ready = true;
            resolve(watcher);
          } else if (event.includes('event: held') && event.includes('"r0-c')) {
            for (const match of event.matchAll(/"(r0-c\d+)"/g)) {
              if (sentAt.has(match[1]) && !watcher.seen.has(match[1])) watcher.seen.set(match[1], now);
            }
          }
        }
      });
      res.on('end', () => { watcher.failed = watcher.failed || 'stream ended'; resolve(watcher); });
    });
    req.on('error', (error) => { watcher.failed = error.message; resolve(watcher); });
    watcher.req = req;
  });
}

function percentile(sorted, q) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(sorted.length * q))) - 1];
}

async function main() {
  const { event, session_id: session } = await setup();
  const url = `${STREAMS}/api/catalog/sessions/${session}/seats/stream`;
  const opening = performance.now();
  for (let i = 0; i < WATCHERS; i += 200) {
    const batch = [];
    for (let j = i; j < Math.min(WATCHERS, i + 200); j++) batch.push(openWatcher(j, url));
    await Promise.race([Promise.all(batch), new Promise((resolve) => setTimeout(resolve, 60000))]);
  }
  const open = watchers.filter((w) => w.ready && !w.failed).length;
  const openSeconds = (performance.now() - opening) / 1000;
  fs.writeFileSync(path.join(OUT, 'live-ready.json'), JSON.stringify({ event, session_id: session, open }));

  // Probe holds through the API, spread over the run, while the k6 buyers hold and buy. The
  // watchers' own CPU over this window says whether the client or the platform was the limit.
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const interval = (SECONDS * 1000) / (PROBES + 1);
  const tokens = [];
  const probeStatuses = {};
  for (let i = 0; i < PROBES; i++) {
    await new Promise((resolve) => setTimeout(resolve, interval)); // pacing of the probes, not a wait for a result
    const seat = `r0-c${i}`;
    sentAt.set(seat, performance.now());
    const res = await request('POST', `${BASE}/api/sales/sessions/${session}/holds`, { seats: [seat], buyer_id: `probe-${RUN_ID}-${i}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64) });
    probeStatuses[res.status] = (probeStatuses[res.status] || 0) + 1;
    if (res.status === 201) tokens.push(res.json().hold_token);
    else sentAt.delete(seat);
  }
  // Every open watcher should see every probe that was held: wait for that, with a deadline.
  const deadline = Date.now() + 30000;
  const live = () => watchers.filter((w) => w.ready && !w.failed);
  while (Date.now() < deadline && live().some((w) => w.seen.size < sentAt.size)) {
    await new Promise((resolve) => setTimeout(resolve, 50)); // poll interval
  }
  const cpu = process.cpuUsage(cpuBefore);
  const clientCpuShare = (cpu.user + cpu.system) / 1000 / (performance.now() - wallBefore);
  const latencies = [];
  for (const watcher of live()) for (const [seat, at] of watcher.seen) latencies.push(at - sentAt.get(seat));
  latencies.sort((a, b) => a - b);
  // Per probe, the last watcher to hear of it: what "every watcher knows" costs.
  const lastPerProbe = [...sentAt.keys()].map((seat) => {
    let last = 0;
    for (const watcher of live()) {
      const at = watcher.seen.get(seat);
      last = Math.max(last, at === undefined ? Infinity : at - sentAt.get(seat));
    }
    return last;
  });
  lastPerProbe.sort((a, b) => a - b);
  const complete = live().filter((w) => w.seen.size === sentAt.size).length;
  const failures = {};
  for (const watcher of watchers) if (watcher.failed) failures[watcher.failed] = (failures[watcher.failed] || 0) + 1;
  for (const token of tokens) await request('DELETE', `${BASE}/api/sales/holds/${token}`);
  for (const watcher of watchers) watcher.req?.destroy();
  const result = {
    watchers: WATCHERS, open, open_seconds: openSeconds, route: STREAMS === BASE ? 'through the origin (nginx)' : `direct to ${STREAMS}`,
    probes: sentAt.size, probe_statuses: probeStatuses, samples: latencies.length, complete, complete_share: WATCHERS ? complete / WATCHERS : 0,
    last_watcher_p50_ms: percentile(lastPerProbe, 0.5), last_watcher_max_ms: lastPerProbe.at(-1) ?? null,
    p50_ms: percentile(latencies, 0.5), p95_ms: percentile(latencies, 0.95), p99_ms: percentile(latencies, 0.99), max_ms: latencies.at(-1) ?? null,
    client_cpu_share_of_core: clientCpuShare, failures, session_id: session, event,
  };
  fs.writeFileSync(path.join(OUT, 'live.json'), JSON.stringify(result, null, 2));
  console.log(`live: ${open}/${WATCHERS} streams open in ${openSeconds.toFixed(1)}s; ${sentAt.size} probes; p99 ${result.p99_ms?.toFixed(1)} ms; ${complete} complete`);
  agent.destroy();
  process.exit(0);
}

main().catch((error) => {
  console.error(`error: ${error.message}`);
  process.exit(1);
});
