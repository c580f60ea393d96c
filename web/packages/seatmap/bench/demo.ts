// A small map showing every seat state, for looking at the styling by eye
// (`demo.html?renderer=canvas2d&zoom=near|far|labels`). Arrow keys move the focus.

import { describeSeat, seatAccessibleLabel } from '../src/navigation.ts';
import { buildScene } from '../src/scene.ts';
import { SeatMapView } from '../src/seat_map_view.ts';
import { SeatStateTable } from '../src/seat_state.ts';
import { generateVenue, VENUE_TIERS } from './venue.ts';

const params = new URLSearchParams(location.search);
const layout = generateVenue(Number(params.get('seats') ?? 4_000));
layout.blocks.push({
  type: 'standing',
  id: 'pit',
  name: 'Pit (standing)',
  position: { x: 0, y: -420 },
  size: { width: 1200, height: 360 },
  capacity: 500,
  tier_id: 't-floor',
});
layout.blocks.push({
  type: 'non_sellable',
  id: 'bar',
  kind: 'other',
  label: 'Bar',
  position: { x: 1300, y: -420 },
  size: { width: 500, height: 200 },
});
const scene = buildScene(layout, VENUE_TIERS);
const states = new SeatStateTable(scene);
const ids = (from: number, to: number) => scene.seatIds.slice(from, to);
states.applyHeld({ session_id: 'demo', seat_ids: ids(3, 8) });
states.applySold({ session_id: 'demo', seat_ids: ids(44, 52) });
states.setMine(ids(85, 88), true);
states.setSelected(ids(124, 127), true);
states.setRemoved(ids(10, 12), true);

const stage = document.getElementById('stage') as HTMLElement;
const focusLine = document.getElementById('focus') as HTMLElement;
const view = await SeatMapView.create({
  container: stage,
  scene,
  states,
  renderer: (params.get('renderer') as 'webgl' | 'canvas2d' | null) ?? 'auto',
  batching: (params.get('batching') as 'particles' | 'graphics' | null) ?? 'particles',
  onSeatActivate: (seat) => states.toggleSelected(seat),
  onFocus: (seat) => {
    const description = describeSeat(scene, states, seat);
    focusLine.textContent = description ? seatAccessibleLabel(description) : '';
  },
});
const zoom = params.get('zoom') ?? 'labels';
if (zoom === 'far') {
  view.camera.scale = 0.12;
} else {
  view.camera.scale = zoom === 'labels' ? 1.2 : 0.45;
  view.camera.x = -20;
  view.camera.y = 240;
}
view.setHighlight({ seats: [scene.seatIndex(scene.seatIds[160] ?? '')], blocks: [] });
view.setFocus(0);
view.renderNow();
(window as unknown as { seatmapDemo: unknown }).seatmapDemo = {
  renderer: view.rendererKind,
  /** Changes a few seats, to look at the state-change pulse. */
  pulse: () => states.applyHeld({ session_id: 'demo', seat_ids: ids(250, 254) }),
};
