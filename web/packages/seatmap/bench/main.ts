// Benchmark page: time to first render, frame time of a pan, and a burst of 1,000 seat
// changes, for 20,000 and 100,000 seats, per renderer. Prints figures; asserts nothing.

import { buildScene } from '../src/scene.ts';
import { SeatMapView } from '../src/seat_map_view.ts';
import { SeatStateTable } from '../src/seat_state.ts';
import type { Layout, SeatMapSnapshot } from '../src/wire.ts';
import { generateVenue, VENUE_TIERS } from './venue.ts';

interface Config {
  label: string;
  renderer: 'webgl' | 'canvas2d';
  batching: 'particles' | 'graphics';
}

interface Pan {
  /** Frame-to-frame interval during the drag. */
  median: number;
  p95: number;
  /** Script time of one redraw (median). */
  script: number;
}

function nextFrame(): Promise<number> {
  return new Promise((resolve) => requestAnimationFrame(resolve));
}

interface Figures {
  config: string;
  renderer: string;
  seats: number;
  firstRenderMs: number;
  sceneMs: number;
  firstNearFrameMs: number;
  panFitMs: Pan;
  panNearMs: Pan;
  burstApplyMs: number;
  burstFrameMs: number;
}

const CONFIGS: Config[] = [
  { label: 'webgl-particles', renderer: 'webgl', batching: 'particles' },
  { label: 'webgl-graphics', renderer: 'webgl', batching: 'graphics' },
  { label: 'canvas2d', renderer: 'canvas2d', batching: 'particles' },
];
const SIZES = [20_000, 100_000];
const FRAMES = 40;

const stage = document.getElementById('stage') as HTMLElement;
const output = document.getElementById('results') as HTMLElement;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function snapshotOf(layout: Layout): Pick<SeatMapSnapshot, 'seats' | 'standing'> {
  const seats: SeatMapSnapshot['seats'] = {};
  let i = 0;
  for (const block of layout.blocks) {
    if (block.type !== 'seated_grid') continue;
    for (const seat of block.seats) seats[seat.id] = i++ % 7 === 0 ? 'sold' : 'available';
  }
  return { seats, standing: [] };
}

async function measure(config: Config, count: number): Promise<Figures> {
  const json = JSON.stringify(generateVenue(count));
  const snapshot = snapshotOf(JSON.parse(json) as Layout);
  const t0 = performance.now();
  const layout = JSON.parse(json) as Layout;
  const scene = buildScene(layout, VENUE_TIERS);
  const states = new SeatStateTable(scene);
  states.applySnapshot(snapshot);
  const sceneMs = performance.now() - t0;
  const view = await SeatMapView.create({
    container: stage,
    scene,
    states,
    renderer: config.renderer,
    batching: config.batching,
    gestures: false,
  });
  view.renderNow();
  view.finish();
  const firstRenderMs = performance.now() - t0;

  // A drag as the user sees it: one pan step per animation frame, timed from frame to frame
  // (so compositing and GPU time count), plus the script time of each redraw.
  const pan = async (): Promise<Pan> => {
    const intervals: number[] = [];
    const scripts: number[] = [];
    let last = await nextFrame();
    for (let frame = 0; frame < FRAMES; frame += 1) {
      const start = performance.now();
      view.camera.panBy(frame % 2 ? 9 : -7, 4);
      view.renderNow();
      scripts.push(performance.now() - start);
      const now = await nextFrame();
      intervals.push(now - last);
      last = now;
    }
    return {
      median: round(percentile(intervals, 0.5)),
      p95: round(percentile(intervals, 0.95)),
      script: round(percentile(scripts, 0.5)),
    };
  };
  const panFitMs = await pan();

  // Close enough to draw seats (12 px apart), looking at the middle of the venue.
  view.camera.zoomBy(12 / 30 / view.camera.scale);
  let start = performance.now();
  view.renderNow();
  view.finish();
  const firstNearFrameMs = performance.now() - start;
  const panNearMs = await pan();

  // The burst lands on seats spread over every block, seen at the seat level (6 px per seat,
  // centred): every visible block has changes to upload, the worst case for batching.
  const ids: string[] = [];
  for (let i = 0; i < 1_000; i += 1) ids.push(scene.seatIds[(i * 7919 + 1) % scene.seatCount] ?? '');
  view.fit();
  view.camera.zoomBy(6 / 30 / view.camera.scale);
  view.renderNow();
  view.finish();
  start = performance.now();
  states.applyHeld({ session_id: 'bench', seat_ids: ids });
  const burstApplyMs = performance.now() - start;
  view.renderNow();
  view.finish();
  start = performance.now();
  states.applyReleased({ session_id: 'bench', seat_ids: ids.slice(0, 500) });
  states.applySold({ session_id: 'bench', seat_ids: ids.slice(500) });
  view.renderNow();
  view.finish();
  const burstFrameMs = performance.now() - start;

  const kind = view.rendererKind;
  view.destroy();
  return {
    config: config.label,
    renderer: kind,
    seats: count,
    firstRenderMs: round(firstRenderMs),
    sceneMs: round(sceneMs),
    firstNearFrameMs: round(firstNearFrameMs),
    panFitMs,
    panNearMs,
    burstApplyMs: round(burstApplyMs),
    burstFrameMs: round(burstFrameMs),
  };
}

function describeGl(): string {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return 'no WebGL';
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  return info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : String(gl.getParameter(gl.RENDERER));
}

async function run(): Promise<void> {
  const results: Figures[] = [];
  // Shader compilation and module loading happen once per page: keep them out of the figures.
  await measure(CONFIGS[0] as Config, 2_000);
  const lines = [`GL: ${describeGl()}`, `cores: ${navigator.hardwareConcurrency}`, ''];
  lines.push(
    'config            seats   first  scene  near1  fit drag med/p95/js  near drag med/p95/js  burst apply  burst+frame',
  );
  for (const count of SIZES) {
    for (const config of CONFIGS) {
      const figures = await measure(config, count);
      results.push(figures);
      lines.push(
        [
          figures.config.padEnd(16),
          String(figures.seats).padStart(7),
          `${figures.firstRenderMs}`.padStart(7),
          `${figures.sceneMs}`.padStart(6),
          `${figures.firstNearFrameMs}`.padStart(6),
          `${figures.panFitMs.median}/${figures.panFitMs.p95}/${figures.panFitMs.script}`.padStart(20),
          `${figures.panNearMs.median}/${figures.panNearMs.p95}/${figures.panNearMs.script}`.padStart(21),
          `${figures.burstApplyMs}`.padStart(12),
          `${figures.burstFrameMs}`.padStart(12),
        ].join(' '),
      );
      output.textContent = `${lines.join('\n')}\n(all times in ms)`;
    }
  }
  output.textContent = `${lines.join('\n')}\n(all times in ms)`;
  (window as unknown as { seatmapBench: unknown }).seatmapBench = {
    gl: describeGl(),
    results,
    table: output.textContent,
  };
}

run().catch((error: unknown) => {
  output.textContent = `failed: ${error instanceof Error ? error.stack : String(error)}`;
  (window as unknown as { seatmapBench: unknown }).seatmapBench = { error: String(error) };
});
