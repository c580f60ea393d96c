import { describe, expect, it } from 'vitest';
import { EditableHitIndex, type HitIndex, StaticHitIndex } from '../src/hit_index.ts';
import { buildScene } from '../src/scene.ts';
import type { Layout, SeatedGridBlock } from '../src/wire.ts';
import { smallVenue, TIERS } from './fixtures.ts';

const scene = buildScene(smallVenue(), TIERS);

function ids(seats: number[]): string[] {
  return seats.map((seat) => scene.seatIds[seat] ?? '?');
}

describe.each([
  ['static (flatbush)', (s = scene): HitIndex => new StaticHitIndex(s)],
  ['editable (rbush)', (s = scene): HitIndex => new EditableHitIndex(s)],
])('%s hit index', (_, make) => {
  const index = make();

  it('finds the seat under a point, and nothing in a gap or between seats', () => {
    expect(ids([index.seatAt(115, 115)])).toEqual(['A1']);
    expect(ids([index.seatAt(126, 104)])).toEqual(['A1']);
    expect(index.seatAt(145, 145)).toBe(-1); // B2 is a gap
    expect(index.seatAt(130, 130)).toBe(-1); // the space between A1, A2, B1 and B2
    expect(ids([index.seatAt(585, 146)])).toEqual(['K11']); // inside the rotated block
  });

  it('selects the seats whose centres a marquee covers', () => {
    expect(ids(index.seatsIn({ minX: 100, minY: 100, maxX: 160, maxY: 160 }))).toEqual(['A1', 'A2', 'B1']);
    expect(index.seatsIn({ minX: 0, minY: 0, maxX: 1000, maxY: 1000 })).toHaveLength(13);
    expect(index.seatsIn({ minX: 700, minY: 700, maxX: 800, maxY: 800 })).toEqual([]);
  });

  it('finds blocks by point (respecting rotation) and by rectangle', () => {
    expect(index.blockAt(250, 500)).toBe(scene.blockIndex('floor'));
    expect(index.blockAt(250, 30)).toBe(scene.blockIndex('stage'));
    expect(index.blockAt(590, 150)).toBe(scene.blockIndex('balcony'));
    expect(index.blockAt(800, 300)).toBe(-1);
    expect(index.blocksIn({ minX: 0, minY: 0, maxX: 300, maxY: 120 })).toEqual([0, 1]);
  });
});

describe('editable hit index', () => {
  it('follows a block that moved and one that lost seats, without re-indexing the others', () => {
    const layout: Layout = smallVenue();
    const index = new EditableHitIndex(buildScene(layout, TIERS));
    const stalls = layout.blocks[1] as SeatedGridBlock;
    stalls.position = { x: 100, y: 700 };
    stalls.seats = stalls.seats.filter((seat) => seat.id !== 'A1');
    const moved = buildScene(layout, TIERS);
    index.replaceBlock(moved, 'stalls');
    expect(index.seatAt(115, 115)).toBe(-1);
    expect(moved.seatIds[index.seatAt(145, 715)]).toBe('A2');
    // The balcony's seats shifted down by one index; they still resolve.
    expect(moved.seatIds[index.seatAt(585, 146)]).toBe('K11');
    expect(index.blockAt(150, 150)).toBe(-1);
    expect(index.blockAt(150, 750)).toBe(moved.blockIndex('stalls'));
  });

  it('forgets a deleted block', () => {
    const layout = smallVenue();
    const index = new EditableHitIndex(buildScene(layout, TIERS));
    layout.blocks.splice(1, 1);
    const after = buildScene(layout, TIERS);
    index.replaceBlock(after, 'stalls');
    expect(index.seatAt(115, 115)).toBe(-1);
    expect(index.seatsIn({ minX: 0, minY: 0, maxX: 1000, maxY: 1000 }).map((s) => after.seatIds[s])).toEqual([
      'K10',
      'K11',
    ]);
  });
});
