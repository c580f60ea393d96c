// Hit-testing: which seat or block is under a point, and which seats a marquee covers.
// The attendee map's scene never changes shape, so it gets a packed static Flatbush index
// (fast to build, small); the designer moves blocks, so it gets an RBush it can update per block.

import Flatbush from 'flatbush';
import RBush from 'rbush';
import { blockContains, type Rect, type Scene, SEAT_SIZE } from './scene.ts';

export interface HitIndex {
  /** The seat whose footprint contains the world point, nearest centre first; -1 for none. */
  seatAt(x: number, y: number): number;
  /** Seats whose centre lies inside the rectangle (a marquee selection). */
  seatsIn(rect: Rect): number[];
  /** The topmost block (last in the layout) containing the point; -1 for none. */
  blockAt(x: number, y: number): number;
  /** Blocks whose bounds intersect the rectangle. */
  blocksIn(rect: Rect): number[];
}

/** Picks the seat nearest `(x, y)` among candidates whose square contains the point. */
function nearestSeat(scene: Scene, candidates: Iterable<number>, x: number, y: number): number {
  let best = -1;
  let bestDistance = Infinity;
  const reach = (SEAT_SIZE / 2) * Math.SQRT2;
  for (const seat of candidates) {
    const dx = (scene.seatX[seat] ?? 0) - x;
    const dy = (scene.seatY[seat] ?? 0) - y;
    const distance = dx * dx + dy * dy;
    if (distance <= reach * reach && distance < bestDistance) {
      best = seat;
      bestDistance = distance;
    }
  }
  return best;
}

function topmostBlock(scene: Scene, candidates: number[], x: number, y: number): number {
  let best = -1;
  for (const block of candidates) {
    const item = scene.blocks[block];
    if (item && block > best && blockContains(item, x, y)) best = block;
  }
  return best;
}

function centreInside(scene: Scene, seat: number, rect: Rect): boolean {
  const x = scene.seatX[seat] ?? 0;
  const y = scene.seatY[seat] ?? 0;
  return x >= rect.minX && x <= rect.maxX && y >= rect.minY && y <= rect.maxY;
}

/** A packed index over every seat and block of a scene that does not change shape. */
export class StaticHitIndex implements HitIndex {
  private readonly scene: Scene;
  private readonly seats: Flatbush | null;
  private readonly blocks: Flatbush | null;

  constructor(scene: Scene) {
    this.scene = scene;
    if (scene.seatCount > 0) {
      const seats = new Flatbush(scene.seatCount);
      for (let seat = 0; seat < scene.seatCount; seat += 1) {
        const box = scene.seatBounds(seat);
        seats.add(box.minX, box.minY, box.maxX, box.maxY);
      }
      seats.finish();
      this.seats = seats;
    } else {
      this.seats = null;
    }
    if (scene.blocks.length > 0) {
      const blocks = new Flatbush(scene.blocks.length);
      for (const block of scene.blocks) {
        blocks.add(block.bounds.minX, block.bounds.minY, block.bounds.maxX, block.bounds.maxY);
      }
      blocks.finish();
      this.blocks = blocks;
    } else {
      this.blocks = null;
    }
  }

  seatAt(x: number, y: number): number {
    if (!this.seats) return -1;
    return nearestSeat(this.scene, this.seats.search(x, y, x, y), x, y);
  }

  seatsIn(rect: Rect): number[] {
    if (!this.seats) return [];
    const found = this.seats.search(rect.minX, rect.minY, rect.maxX, rect.maxY);
    return found.filter((seat) => centreInside(this.scene, seat, rect)).sort((a, b) => a - b);
  }

  blockAt(x: number, y: number): number {
    if (!this.blocks) return -1;
    return topmostBlock(this.scene, this.blocks.search(x, y, x, y), x, y);
  }

  blocksIn(rect: Rect): number[] {
    if (!this.blocks) return [];
    return this.blocks.search(rect.minX, rect.minY, rect.maxX, rect.maxY).sort((a, b) => a - b);
  }
}

interface Entry extends Rect {
  blockId: string;
  /** Position of the seat within its block's seats; -1 for a block entry. */
  offset: number;
}

/**
 * An index the designer updates block by block: after an edit, build the new scene and call
 * `replaceBlock` for each block that changed instead of re-indexing 100,000 seats. Entries
 * name their block by id, so blocks before or after an edited one may shift their seat
 * numbering without being re-indexed.
 */
export class EditableHitIndex implements HitIndex {
  private scene: Scene;
  private readonly seats = new RBush<Entry>();
  private readonly blocks = new RBush<Entry>();
  private readonly seatEntries = new Map<string, Entry[]>();
  private readonly blockEntries = new Map<string, Entry>();

  constructor(scene: Scene) {
    this.scene = scene;
    const seatItems: Entry[] = [];
    const blockItems: Entry[] = [];
    for (const block of scene.blocks) {
      const entries = seatEntriesOf(scene, block.index);
      this.seatEntries.set(block.id, entries);
      for (const entry of entries) seatItems.push(entry);
      const entry = { ...block.bounds, blockId: block.id, offset: -1 };
      this.blockEntries.set(block.id, entry);
      blockItems.push(entry);
    }
    this.seats.load(seatItems);
    this.blocks.load(blockItems);
  }

  /** Re-indexes one block (added, moved, resized, rotated, seats changed) or drops a deleted one. */
  replaceBlock(scene: Scene, blockId: string): void {
    this.scene = scene;
    for (const entry of this.seatEntries.get(blockId) ?? []) this.seats.remove(entry);
    const oldBlock = this.blockEntries.get(blockId);
    if (oldBlock) this.blocks.remove(oldBlock);
    this.seatEntries.delete(blockId);
    this.blockEntries.delete(blockId);
    const index = scene.blockIndex(blockId);
    const block = scene.blocks[index];
    if (!block) return;
    const entries = seatEntriesOf(scene, index);
    this.seatEntries.set(blockId, entries);
    this.seats.load(entries);
    const entry = { ...block.bounds, blockId, offset: -1 };
    this.blockEntries.set(blockId, entry);
    this.blocks.insert(entry);
  }

  /** Follows a scene whose blocks kept their geometry (a tier or label edit, a reorder). */
  setScene(scene: Scene): void {
    this.scene = scene;
  }

  seatAt(x: number, y: number): number {
    return nearestSeat(
      this.scene,
      this.seatIndices(this.seats.search({ minX: x, minY: y, maxX: x, maxY: y })),
      x,
      y,
    );
  }

  seatsIn(rect: Rect): number[] {
    return this.seatIndices(this.seats.search(rect))
      .filter((seat) => centreInside(this.scene, seat, rect))
      .sort((a, b) => a - b);
  }

  blockAt(x: number, y: number): number {
    return topmostBlock(
      this.scene,
      this.blockIndices(this.blocks.search({ minX: x, minY: y, maxX: x, maxY: y })),
      x,
      y,
    );
  }

  blocksIn(rect: Rect): number[] {
    return this.blockIndices(this.blocks.search(rect)).sort((a, b) => a - b);
  }

  private seatIndices(entries: Entry[]): number[] {
    const seats: number[] = [];
    for (const entry of entries) {
      const block = this.scene.blocks[this.scene.blockIndex(entry.blockId)];
      if (block && entry.offset < block.seatCount) seats.push(block.firstSeat + entry.offset);
    }
    return seats;
  }

  private blockIndices(entries: Entry[]): number[] {
    return entries.map((entry) => this.scene.blockIndex(entry.blockId)).filter((index) => index >= 0);
  }
}

function seatEntriesOf(scene: Scene, blockIndex: number): Entry[] {
  const block = scene.blocks[blockIndex];
  if (!block) return [];
  const entries: Entry[] = new Array(block.seatCount);
  for (let offset = 0; offset < block.seatCount; offset += 1) {
    entries[offset] = { ...scene.seatBounds(block.firstSeat + offset), blockId: block.id, offset };
  }
  return entries;
}
