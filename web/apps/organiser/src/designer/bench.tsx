// A benchmark page, not a test: /manage/bench/designer?seats=20000 opens the designer on a
// generated venue (blocks of 40 × 25 seats) with no API behind it. bench/designer.mjs drives it
// in headless Chromium and prints time to first render, the cost of one edit (a block moved
// with the keyboard, until the next frame) and the frame interval while panning.
import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import type { Tier } from '../lib.ts';
import { Designer } from './Designer.tsx';
import { type DesignModel, newSeatedBlock } from './model.ts';

const TIERS: Tier[] = ['Stalls', 'Circle', 'Gallery'].map((name, index) => ({
  tier_id: `00000000-0000-7000-8000-00000000000${index + 1}`,
  event_id: '00000000-0000-7000-8000-000000000000',
  name,
  colour: ['#0072B2', '#E69F00', '#009E73'][index] ?? '#0072B2',
  currency: 'GBP',
  price_minor: 2500 + index * 1000,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
  version: 1,
}));

export function venueOf(seats: number): DesignModel {
  const blocks = [];
  const perBlock = 40 * 25;
  const count = Math.ceil(seats / perBlock);
  const across = Math.ceil(Math.sqrt(count));
  let model: DesignModel = { blocks: [] };
  for (let i = 0; i < count; i += 1) {
    const block = newSeatedBlock(model, {
      id: `b${i + 1}`,
      name: `Block ${i + 1}`,
      rows: 25,
      columns: 40,
      x: 40 + (i % across) * 1300,
      y: 40 + Math.floor(i / across) * 850,
      tierId: TIERS[i % TIERS.length]?.tier_id ?? null,
    });
    blocks.push(block);
    model = { blocks };
  }
  return model;
}

export function DesignerBenchPage() {
  const [params] = useSearchParams();
  const seats = Number(params.get('seats') ?? 20_000);
  const started = useMemo(() => performance.now(), []);
  const model = useMemo(() => venueOf(seats), [seats]);
  (window as unknown as { __benchStart?: number }).__benchStart = started;
  return (
    <>
      <h1 className="bx-page-title">Designer benchmark: {seats.toLocaleString()} seats</h1>
      <Designer eventId="bench" tiers={TIERS} initial={model} sessionsWithoutMap={[]} next="/" />
    </>
  );
}
