// Keyboard order and screen-reader data for seats, so the apps can expose the map to arrow
// keys and assistive technology without knowing how the scene is stored.

import type { Scene } from './scene.ts';
import type { SeatState, SeatStateTable } from './seat_state.ts';

export type Direction = 'left' | 'right' | 'up' | 'down';

/**
 * The seat reached from `seat` by an arrow key. Within a seated block it moves along the
 * grid (skipping gaps; up and down keep the column, or the nearest one in that row); at the
 * block's edge it continues to the nearest seat of another block lying that way on screen.
 * Returns -1 when there is none.
 */
export function neighbourSeat(scene: Scene, seat: number, direction: Direction): number {
  const block = scene.blocks[scene.seatBlock[seat] ?? -1];
  if (!block || seat < 0 || seat >= scene.seatCount) return -1;
  const row = scene.seatRow[seat] ?? 0;
  const column = scene.seatColumn[seat] ?? 0;
  if (direction === 'left' || direction === 'right') {
    const step = direction === 'left' ? -1 : 1;
    for (let c = column + step; c >= 0 && c < block.columns; c += step) {
      const found = scene.seatAtGrid(block.index, row, c);
      if (found >= 0) return found;
    }
  } else {
    const step = direction === 'up' ? -1 : 1;
    for (let r = row + step; r >= 0 && r < block.rows; r += step) {
      const found = nearestInRow(scene, block.index, r, column);
      if (found >= 0) return found;
    }
  }
  return acrossBlocks(scene, seat, direction);
}

function nearestInRow(scene: Scene, blockIndex: number, row: number, column: number): number {
  const block = scene.blocks[blockIndex];
  if (!block) return -1;
  for (let distance = 0; distance < block.columns; distance += 1) {
    const left = scene.seatAtGrid(blockIndex, row, column - distance);
    if (left >= 0) return left;
    const right = scene.seatAtGrid(blockIndex, row, column + distance);
    if (right >= 0) return right;
  }
  return -1;
}

/** The nearest seat of another block inside a 90° cone pointing `direction` in world space. */
function acrossBlocks(scene: Scene, seat: number, direction: Direction): number {
  const x = scene.seatX[seat] ?? 0;
  const y = scene.seatY[seat] ?? 0;
  const ownBlock = scene.seatBlock[seat];
  let best = -1;
  let bestScore = Infinity;
  for (let other = 0; other < scene.seatCount; other += 1) {
    if (scene.seatBlock[other] === ownBlock) continue;
    const dx = (scene.seatX[other] ?? 0) - x;
    const dy = (scene.seatY[other] ?? 0) - y;
    const along = direction === 'left' ? -dx : direction === 'right' ? dx : direction === 'up' ? -dy : dy;
    const across = direction === 'left' || direction === 'right' ? Math.abs(dy) : Math.abs(dx);
    if (along <= 0 || across > along) continue;
    // Prefer seats straight ahead over closer ones off to the side.
    const score = along + 2 * across;
    if (score < bestScore) {
      bestScore = score;
      best = other;
    }
  }
  return best;
}

/** Tab order: block by block as in the layout, then row by row, left to right. */
export function readingOrder(scene: Scene): Int32Array {
  const order = new Int32Array(scene.seatCount);
  let next = 0;
  for (const block of scene.blocks) {
    if (block.kind !== 'seated') continue;
    for (let row = 0; row < block.rows; row += 1) {
      for (let column = 0; column < block.columns; column += 1) {
        const seat = scene.seatAtGrid(block.index, row, column);
        if (seat >= 0) order[next++] = seat;
      }
    }
  }
  // Seats outside their grid (invalid layouts) still get a place, at the end.
  if (next < scene.seatCount) {
    const placed = new Uint8Array(scene.seatCount);
    for (let i = 0; i < next; i += 1) placed[order[i] ?? 0] = 1;
    for (let seat = 0; seat < scene.seatCount; seat += 1) if (!placed[seat]) order[next++] = seat;
  }
  return order;
}

/** What a screen reader or tooltip says about one seat. */
export interface SeatDescription {
  seatId: string;
  /** What the ticket prints, e.g. `C12`. */
  label: string;
  blockName: string;
  rowLabel: string;
  /** The seat's number within its row (its column label), e.g. `12`. */
  seatNumber: string;
  tierId: string | null;
  tierName: string | null;
  priceMinor: number | null;
  currency: string | null;
  state: SeatState;
}

export function describeSeat(
  scene: Scene,
  states: SeatStateTable | null,
  seat: number,
): SeatDescription | null {
  const seatId = scene.seatIds[seat];
  const block = scene.blocks[scene.seatBlock[seat] ?? -1];
  if (seatId === undefined || !block) return null;
  const tier = scene.seatTierOf(seat);
  return {
    seatId,
    label: scene.seatLabels[seat] ?? '',
    blockName: block.name,
    rowLabel: block.rowLabels[scene.seatRow[seat] ?? 0] ?? '',
    seatNumber: block.columnLabels[scene.seatColumn[seat] ?? 0] ?? '',
    tierId: tier?.id ?? null,
    tierName: tier?.name || null,
    priceMinor: tier?.priceMinor ?? null,
    currency: tier?.currency ?? null,
    state: states ? states.state(seat) : 'free',
  };
}

/** Words for each state in the English default label; apps with a message catalogue pass their own. */
export const STATE_WORDS: Readonly<Record<SeatState, string>> = {
  free: 'available',
  held: 'held',
  sold: 'sold',
  mine: 'held for you',
  selected: 'selected',
  removed: 'removed',
};

export interface LabelOptions {
  locale?: string;
  stateWords?: Readonly<Record<SeatState, string>>;
}

/** An English label such as "Row C, seat 12, Stalls, £45, available". */
export function seatAccessibleLabel(description: SeatDescription, options: LabelOptions = {}): string {
  const parts = [`Row ${description.rowLabel}`, `seat ${description.seatNumber}`];
  if (description.tierName) parts.push(description.tierName);
  if (description.priceMinor !== null && description.currency) {
    parts.push(formatPrice(description.priceMinor, description.currency, options.locale));
  }
  parts.push((options.stateWords ?? STATE_WORDS)[description.state]);
  return parts.join(', ');
}

/** A price in minor units for a locale, without decimals when it is whole. */
export function formatPrice(minor: number, currency: string, locale = 'en-GB'): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  const major = minor / 10 ** digits;
  const whole = Number.isInteger(major);
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: whole ? 0 : digits,
  }).format(major);
}
