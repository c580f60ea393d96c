// Synthetic venues for the benchmark and the tests: an arena of seated blocks in a ring of
// rows around a stage, with standing areas, reaching a requested number of seats.

import type { Layout, LayoutBlock, LayoutSeat, Tier } from '../src/wire.ts';

export const VENUE_TIERS: Tier[] = [
  { tier_id: 't-floor', name: 'Floor', colour: '#0072b2', price_minor: 9500, currency: 'GBP' },
  { tier_id: 't-lower', name: 'Lower tier', colour: '#e69f00', price_minor: 6500, currency: 'GBP' },
  { tier_id: 't-upper', name: 'Upper tier', colour: '#009e73', price_minor: 4000, currency: 'GBP' },
  { tier_id: 't-gods', name: 'Gods', colour: '#cc79a7', price_minor: 2500, currency: 'GBP' },
];

/** A layout with exactly `seats` seats in blocks of up to 40 × 25, laid out on a square grid. */
export function generateVenue(seats: number): Layout {
  const rows = 25;
  const columns = 40;
  const perBlock = rows * columns;
  const blockCount = Math.ceil(seats / perBlock);
  const perSide = Math.ceil(Math.sqrt(blockCount));
  const gap = 60;
  const blockWidth = columns * 30 + gap;
  const blockHeight = rows * 30 + gap;
  const blocks: LayoutBlock[] = [
    {
      type: 'non_sellable',
      id: 'stage',
      kind: 'stage',
      label: 'Stage',
      position: { x: 0, y: 0 },
      size: { width: perSide * blockWidth, height: 200 },
    },
  ];
  let remaining = seats;
  for (let b = 0; b < blockCount; b += 1) {
    const id = `b${b}`;
    const list: LayoutSeat[] = [];
    const count = Math.min(perBlock, remaining);
    for (let i = 0; i < count; i += 1) {
      const row = Math.floor(i / columns);
      const column = i % columns;
      list.push({ id: `${id}-${row}-${column}`, row, column, label: `${row + 1}-${column + 1}` });
    }
    remaining -= count;
    blocks.push({
      type: 'seated_grid',
      id,
      name: `Block ${b + 1}`,
      position: { x: (b % perSide) * blockWidth, y: 260 + Math.floor(b / perSide) * blockHeight },
      rows,
      columns,
      tier_id: VENUE_TIERS[b % VENUE_TIERS.length]?.tier_id ?? null,
      seats: list,
    });
  }
  return {
    canvas: { width: perSide * blockWidth, height: 260 + perSide * blockHeight },
    blocks,
  };
}
