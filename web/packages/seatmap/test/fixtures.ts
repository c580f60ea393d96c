import type { Layout, Tier } from '../src/wire.ts';

export const TIERS: Tier[] = [
  { tier_id: 'stalls', name: 'Stalls', colour: '#2f6fed', price_minor: 4500, currency: 'GBP' },
  { tier_id: 'box', name: 'Box', colour: 'not a colour', price_minor: 9000, currency: 'GBP' },
  { tier_id: 'floor', name: 'Standing', colour: '#22a06b', price_minor: 2000, currency: 'GBP' },
];

/** A stage, a 3 × 4 stalls grid with a gap at B2 and one box seat, a rotated balcony and a floor. */
export function smallVenue(): Layout {
  return {
    canvas: { width: 1000, height: 800 },
    blocks: [
      {
        type: 'non_sellable',
        id: 'stage',
        kind: 'stage',
        label: 'Stage',
        position: { x: 100, y: 0 },
        size: { width: 300, height: 60 },
      },
      {
        type: 'seated_grid',
        id: 'stalls',
        name: 'Stalls',
        position: { x: 100, y: 100 },
        rows: 3,
        columns: 4,
        tier_id: 'stalls',
        seats: [
          { id: 'A1', row: 0, column: 0, label: 'A1' },
          { id: 'A2', row: 0, column: 1, label: 'A2' },
          { id: 'A3', row: 0, column: 2, label: 'A3' },
          { id: 'A4', row: 0, column: 3, label: 'A4', tier_id: 'box' },
          { id: 'B1', row: 1, column: 0, label: 'B1' },
          { id: 'B3', row: 1, column: 2, label: 'B3' },
          { id: 'B4', row: 1, column: 3, label: 'B4' },
          { id: 'C1', row: 2, column: 0, label: 'C1' },
          { id: 'C2', row: 2, column: 1, label: 'C2' },
          { id: 'C3', row: 2, column: 2, label: 'C3' },
          { id: 'C4', row: 2, column: 3, label: 'C4' },
        ],
      },
      {
        type: 'seated_grid',
        id: 'balcony',
        name: 'Balcony',
        position: { x: 600, y: 100 },
        rotation: 90,
        rows: 1,
        columns: 2,
        row_labels: ['K'],
        column_labels: ['10', '11'],
        tier_id: 'mystery',
        seats: [
          { id: 'K10', row: 0, column: 0, label: 'K10' },
          { id: 'K11', row: 0, column: 1, label: 'K11' },
        ],
      },
      {
        type: 'standing',
        id: 'floor',
        name: 'Floor',
        position: { x: 100, y: 400 },
        size: { width: 300, height: 200 },
        capacity: 50,
        tier_id: 'floor',
      },
    ],
  };
}
