import { describe, expect, it } from 'vitest';
import { DEFAULT_TIER_PALETTE } from '../src/palette.ts';
import { buildScene, SEAT_PITCH } from '../src/scene.ts';
import { smallVenue, TIERS } from './fixtures.ts';

describe('scene', () => {
  const scene = buildScene(smallVenue(), TIERS);

  it('lists every seat once, contiguously per block, in document order', () => {
    expect(scene.seatCount).toBe(13);
    expect(scene.seatIds.slice(0, 3)).toEqual(['A1', 'A2', 'A3']);
    const stalls = scene.blocks[scene.blockIndex('stalls')];
    const balcony = scene.blocks[scene.blockIndex('balcony')];
    expect(stalls).toMatchObject({ kind: 'seated', firstSeat: 0, seatCount: 11, rows: 3, columns: 4 });
    expect(balcony).toMatchObject({ firstSeat: 11, seatCount: 2 });
    expect(scene.seatIndex('K11')).toBe(12);
    expect(scene.seatIndex('nope')).toBe(-1);
  });

  it('places seats at the seat pitch from the block position', () => {
    const a1 = scene.seatIndex('A1');
    const c4 = scene.seatIndex('C4');
    expect([scene.seatX[a1], scene.seatY[a1]]).toEqual([100 + SEAT_PITCH / 2, 100 + SEAT_PITCH / 2]);
    expect([scene.seatX[c4], scene.seatY[c4]]).toEqual([100 + 3.5 * SEAT_PITCH, 100 + 2.5 * SEAT_PITCH]);
    expect(scene.blocks[1]?.bounds).toEqual({ minX: 100, minY: 100, maxX: 220, maxY: 190 });
  });

  it('rotates a block clockwise around its position', () => {
    const k10 = scene.seatIndex('K10');
    const k11 = scene.seatIndex('K11');
    expect(scene.seatX[k10]).toBeCloseTo(585);
    expect(scene.seatY[k10]).toBeCloseTo(115);
    expect(scene.seatX[k11]).toBeCloseTo(585);
    expect(scene.seatY[k11]).toBeCloseTo(145);
    const bounds = scene.blocks[scene.blockIndex('balcony')]?.bounds;
    expect(bounds?.minX).toBeCloseTo(570);
    expect(bounds?.maxX).toBeCloseTo(600);
    expect(bounds?.maxY).toBeCloseTo(160);
  });

  it('resolves tiers: the seat’s own, else the grid’s; unknown ids get a palette colour', () => {
    expect(scene.seatTierOf(scene.seatIndex('A1'))?.name).toBe('Stalls');
    expect(scene.seatTierOf(scene.seatIndex('A4'))?.name).toBe('Box');
    expect(scene.seatTierOf(scene.seatIndex('A4'))?.colour).toBe(DEFAULT_TIER_PALETTE[1]);
    expect(scene.seatTierOf(scene.seatIndex('A1'))?.colour).toBe(0x2f6fed);
    const mystery = scene.seatTierOf(scene.seatIndex('K10'));
    expect(mystery).toMatchObject({ id: 'mystery', name: '', priceMinor: null });
    expect(scene.blocks[scene.blockIndex('floor')]).toMatchObject({ kind: 'standing', capacity: 50 });
    expect(scene.tiers[scene.blocks[scene.blockIndex('floor')]?.tierIndex ?? -1]?.name).toBe('Standing');
  });

  it('can replace tier colours with the safe palette', () => {
    const safe = buildScene(smallVenue(), TIERS, { safePalette: true });
    expect(safe.tiers.map((tier) => tier.colour).slice(0, 3)).toEqual(DEFAULT_TIER_PALETTE.slice(0, 3));
  });

  it('labels rows and columns as the server defaults them, or as the layout names them', () => {
    expect(scene.blocks[1]?.rowLabels).toEqual(['A', 'B', 'C']);
    expect(scene.blocks[1]?.columnLabels).toEqual(['1', '2', '3', '4']);
    expect(scene.blocks[2]?.rowLabels).toEqual(['K']);
    expect(scene.blocks[2]?.columnLabels).toEqual(['10', '11']);
  });

  it('knows grid gaps', () => {
    expect(scene.seatAtGrid(1, 1, 1)).toBe(-1);
    expect(scene.seatAtGrid(1, 1, 2)).toBe(scene.seatIndex('B3'));
    expect(scene.seatAtGrid(1, 3, 0)).toBe(-1);
    expect(scene.seatAtGrid(0, 0, 0)).toBe(-1);
  });

  it('keeps non-sellable areas with their labels and bounds everything drawn', () => {
    expect(scene.blocks[0]).toMatchObject({ kind: 'non_sellable', nonSellableKind: 'stage', name: 'Stage' });
    expect(scene.bounds).toEqual({ minX: 100, minY: 0, maxX: 600, maxY: 600 });
  });
});
