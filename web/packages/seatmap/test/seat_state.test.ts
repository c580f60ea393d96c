import { describe, expect, it } from 'vitest';
import { generateVenue } from '../bench/venue.ts';
import { buildScene } from '../src/scene.ts';
import { SEAT_STATE_CODES, SeatStateTable } from '../src/seat_state.ts';
import type { SeatMapSnapshot } from '../src/wire.ts';
import { smallVenue, TIERS } from './fixtures.ts';

function snapshot(seats: SeatMapSnapshot['seats'], standing: SeatMapSnapshot['standing'] = []) {
  return { seats, standing };
}

describe('seat state table', () => {
  it('applies a snapshot: listed statuses, every other seat free', () => {
    const table = new SeatStateTable(buildScene(smallVenue(), TIERS));
    table.applyHeld({ session_id: 's', seat_ids: ['C4'] });
    const report = table.applySnapshot(
      snapshot({ A1: 'held', A2: 'sold', A3: 'available', ZZ9: 'sold' }, [
        { block_id: 'floor', tier_id: 'floor', capacity: 50, available: 40, held: 4, sold: 6 },
      ]),
    );
    expect(table.stateOf('A1')).toBe('held');
    expect(table.stateOf('A2')).toBe('sold');
    expect(table.stateOf('A3')).toBe('free');
    expect(table.stateOf('C4')).toBe('free');
    expect(report.unknown).toEqual(['ZZ9']);
    expect(report.changed).toBe(3);
    expect(table.standingPlaces('floor')).toEqual({ capacity: 50, available: 40, held: 4, sold: 6 });
  });

  it('applies held, released and sold events in the server’s shapes', () => {
    const table = new SeatStateTable(buildScene(smallVenue(), TIERS));
    table.applyHeld({ session_id: 's', seat_ids: ['A1', 'A2'] });
    expect([table.stateOf('A1'), table.stateOf('A2')]).toEqual(['held', 'held']);
    table.applyReleased({ session_id: 's', seat_ids: ['A1'] });
    expect(table.stateOf('A1')).toBe('free');
    table.applySold({ session_id: 's', seat_ids: ['A2'], standing: [{ block_id: 'floor', quantity: 3 }] });
    expect(table.stateOf('A2')).toBe('sold');
    expect(table.standingPlaces('floor')).toEqual({ capacity: 50, available: 47, held: 0, sold: 3 });
  });

  it('drops a selected seat someone else takes, and reports it', () => {
    const table = new SeatStateTable(buildScene(smallVenue(), TIERS));
    const a1 = table.scene.seatIndex('A1');
    expect(table.toggleSelected(a1)).toBe(true);
    table.setSelected(['A2'], true);
    expect(table.stateOf('A1')).toBe('selected');
    const report = table.applyHeld({ session_id: 's', seat_ids: ['A1'] });
    expect(report.lostSelection).toEqual(['A1']);
    expect(table.stateOf('A1')).toBe('held');
    expect(table.selectedSeats()).toEqual(['A2']);
    // A held seat cannot be selected.
    expect(table.toggleSelected(a1)).toBe(false);
    expect(table.stateOf('A1')).toBe('held');
  });

  it('shows my held seats as mine, and reports them when the hold lapses', () => {
    const table = new SeatStateTable(buildScene(smallVenue(), TIERS));
    table.setSelected(['B1'], true);
    table.setMine(['B1'], true);
    table.applyHeld({ session_id: 's', seat_ids: ['B1'] });
    expect(table.stateOf('B1')).toBe('mine');
    expect(table.selectedSeats()).toEqual([]);
    const report = table.applyReleased({ session_id: 's', seat_ids: ['B1'] });
    expect(report.lostMine).toEqual(['B1']);
    expect(table.stateOf('B1')).toBe('free');
    expect(table.mineSeats()).toEqual([]);
  });

  it('lets removal win over every other state, and undoes it', () => {
    const table = new SeatStateTable(buildScene(smallVenue(), TIERS));
    table.applySold({ session_id: 's', seat_ids: ['C1'] });
    table.setRemoved(['C1', 'C2'], true);
    expect([table.stateOf('C1'), table.stateOf('C2')]).toEqual(['removed', 'removed']);
    table.setRemoved(['C1', 'C2'], false);
    expect([table.stateOf('C1'), table.stateOf('C2')]).toEqual(['sold', 'free']);
  });

  it('hands each changed seat to the renderer once per frame, with its latest state', () => {
    const table = new SeatStateTable(buildScene(smallVenue(), TIERS));
    let notified = 0;
    table.subscribe(() => {
      notified += 1;
    });
    table.applyHeld({ session_id: 's', seat_ids: ['A1', 'A2'] });
    table.applySold({ session_id: 's', seat_ids: ['A1'] });
    table.applyHeld({ session_id: 's', seat_ids: ['A2'] }); // no change: no notification
    expect(notified).toBe(2);
    const seen = new Map<number, number>();
    expect(table.takeChanges((seat, state) => seen.set(seat, state))).toBe(2);
    expect(seen).toEqual(
      new Map([
        [table.scene.seatIndex('A1'), SEAT_STATE_CODES.sold],
        [table.scene.seatIndex('A2'), SEAT_STATE_CODES.held],
      ]),
    );
    expect(table.takeChanges(() => {})).toBe(0);
  });

  it('takes a burst of 1,000 changes on a 100,000-seat map without touching the rest', () => {
    const scene = buildScene(generateVenue(100_000));
    const table = new SeatStateTable(scene);
    const ids = Array.from({ length: 1_000 }, (_, i) => scene.seatIds[i * 97] ?? '');
    const report = table.applyHeld({ session_id: 's', seat_ids: ids });
    expect(report.changed).toBe(1_000);
    let taken = 0;
    table.takeChanges(() => {
      taken += 1;
    });
    expect(taken).toBe(1_000);
    expect(table.stateOf(ids[999] ?? '')).toBe('held');
    expect(table.state(1)).toBe('free');
  });

  it('carries statuses and marks over to a rebuilt scene by seat id', () => {
    const layout = smallVenue();
    const before = new SeatStateTable(buildScene(layout, TIERS));
    before.applySold({ session_id: 's', seat_ids: ['C4'] });
    before.setRemoved(['A2'], true);
    before.setSelected(['B1'], true);
    layout.blocks.splice(0, 1); // the stage goes: every seat keeps its id, not its index
    const stalls = layout.blocks[0];
    if (stalls?.type === 'seated_grid') stalls.seats.push({ id: 'B2', row: 1, column: 1, label: 'B2' });
    const after = SeatStateTable.carryOver(before, buildScene(layout, TIERS));
    expect([after.stateOf('C4'), after.stateOf('A2'), after.stateOf('B1'), after.stateOf('B2')]).toEqual([
      'sold',
      'removed',
      'selected',
      'free',
    ]);
  });
});
