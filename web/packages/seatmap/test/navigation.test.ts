import { describe, expect, it } from 'vitest';
import { describeSeat, neighbourSeat, readingOrder, seatAccessibleLabel } from '../src/navigation.ts';
import { buildScene } from '../src/scene.ts';
import { SeatStateTable } from '../src/seat_state.ts';
import { smallVenue, TIERS } from './fixtures.ts';

const scene = buildScene(smallVenue(), TIERS);
const at = (id: string) => scene.seatIndex(id);
const move = (id: string, direction: 'left' | 'right' | 'up' | 'down') =>
  scene.seatIds[neighbourSeat(scene, at(id), direction)] ?? null;

describe('keyboard navigation', () => {
  it('moves along a row, skipping gaps', () => {
    expect(move('A1', 'right')).toBe('A2');
    expect(move('B1', 'right')).toBe('B3');
    expect(move('B3', 'left')).toBe('B1');
  });

  it('moves between rows, keeping the column or taking the nearest seat', () => {
    expect(move('A2', 'down')).toBe('B1'); // B2 is a gap: nearest in row B, leftmost on a tie
    expect(move('B3', 'down')).toBe('C3');
    expect(move('C2', 'up')).toBe('B1');
  });

  it('leaves a block at its edge for the nearest seat that way', () => {
    expect(move('A4', 'right')).toBe('K10');
    expect(move('K10', 'left')).toBe('A4');
    expect(move('A1', 'left')).toBeNull();
    expect(move('A1', 'up')).toBeNull();
  });

  it('orders seats for tabbing block by block, row by row', () => {
    const order = Array.from(readingOrder(scene), (seat) => scene.seatIds[seat]);
    expect(order).toEqual(['A1', 'A2', 'A3', 'A4', 'B1', 'B3', 'B4', 'C1', 'C2', 'C3', 'C4', 'K10', 'K11']);
  });
});

describe('accessible labels', () => {
  it('describes a seat with row, number, tier, price and live state', () => {
    const states = new SeatStateTable(scene);
    states.applyHeld({ session_id: 's', seat_ids: ['C3'] });
    const description = describeSeat(scene, states, at('C3'));
    expect(description).toMatchObject({ rowLabel: 'C', seatNumber: '3', tierName: 'Stalls', state: 'held' });
    expect(seatAccessibleLabel(description ?? fail())).toBe('Row C, seat 3, Stalls, £45, held');
    states.applyReleased({ session_id: 's', seat_ids: ['C3'] });
    expect(seatAccessibleLabel(describeSeat(scene, states, at('C3')) ?? fail())).toBe(
      'Row C, seat 3, Stalls, £45, available',
    );
  });

  it('uses the layout’s own labels and leaves out what is unknown', () => {
    const description = describeSeat(scene, null, at('K11')) ?? fail();
    expect(seatAccessibleLabel(description)).toBe('Row K, seat 11, available');
    expect(describeSeat(scene, null, 999)).toBeNull();
  });

  it('formats prices for the locale', () => {
    const description = { ...(describeSeat(scene, null, at('A4')) ?? fail()), priceMinor: 4550 };
    expect(seatAccessibleLabel(description, { locale: 'de-DE' })).toContain('45,50');
  });
});

function fail(): never {
  throw new Error('expected a seat');
}
