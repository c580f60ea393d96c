import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StaticHitIndex } from '../src/hit_index.ts';
import { describeSeat, seatAccessibleLabel } from '../src/navigation.ts';
import { buildScene } from '../src/scene.ts';
import { SeatStateTable } from '../src/seat_state.ts';
import type { SeatMapSnapshot } from '../src/wire.ts';

// The demo session's document as GET /api/catalog/sessions/{id}/seat-map served it.
const document = JSON.parse(
  readFileSync(new URL('./demo-seat-map.json', import.meta.url), 'utf8'),
) as SeatMapSnapshot;

describe('the seat map document the query service serves', () => {
  const scene = buildScene(document.layout, document.tiers);
  const states = new SeatStateTable(scene);
  const report = states.applySnapshot(document);

  it('builds a scene with every seat the document lists a status for', () => {
    expect(scene.seatCount).toBe(Object.keys(document.seats).length);
    expect(report.unknown).toEqual([]);
    expect(scene.blocks.map((block) => block.kind)).toEqual(['non_sellable', 'seated', 'seated', 'standing']);
    expect(states.standingPlaces('floor')?.capacity).toBe(200);
  });

  it('labels seats with the tier names and prices the document carries', () => {
    const seat = scene.seatIndex('stalls-C-12');
    expect(seatAccessibleLabel(describeSeat(scene, states, seat) ?? fail())).toBe(
      'Row C, seat 12, Stalls, £45, available',
    );
    const index = new StaticHitIndex(scene);
    expect(index.seatAt(scene.seatX[seat] ?? 0, scene.seatY[seat] ?? 0)).toBe(seat);
  });

  it('follows stream events by name, and leaves resync to the app', () => {
    states.applyStreamEvent('held', { session_id: document.session_id, seat_ids: ['stalls-A-1'] });
    states.applyStreamEvent('sold', {
      session_id: document.session_id,
      seat_ids: ['stalls-A-2'],
      standing: [{ block_id: 'floor', quantity: 2 }],
    });
    expect(states.stateOf('stalls-A-1')).toBe('held');
    expect(states.stateOf('stalls-A-2')).toBe('sold');
    expect(states.standingPlaces('floor')?.sold).toBe(2);
    expect(states.applyStreamEvent('resync', { reason: 'lagged' })).toBeNull();
    states.applyStreamEvent('snapshot', document);
    expect(states.stateOf('stalls-A-1')).toBe('free');
  });
});

function fail(): never {
  throw new Error('expected a seat');
}
