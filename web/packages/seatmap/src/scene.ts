// The scene: the layout JSON turned into flat, indexable data. Seats live in typed arrays
// (one index per seat, contiguous per block) so state updates, hit-testing and drawing all
// address a seat by number rather than by object.

import { DEFAULT_TIER_PALETTE, parseHexColour, UNTIERED_COLOUR } from './palette.ts';
import {
  defaultColumnLabel,
  defaultRowLabel,
  type Layout,
  type NonSellableKind,
  type Point,
  type SeatedGridBlock,
  type Size,
  type Tier,
} from './wire.ts';

/**
 * Distance between neighbouring seat centres, in canvas units. The layout stores grid
 * positions only, so every client draws seats at this pitch: a grid of `columns × rows`
 * covers `columns * SEAT_PITCH × rows * SEAT_PITCH` from its `position`.
 */
export const SEAT_PITCH = 30;
/** Side of one seat's square footprint, in canvas units. */
export const SEAT_SIZE = 24;

export interface Rect {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export type BlockKind = 'seated' | 'standing' | 'non_sellable';

export interface SceneTier {
  index: number;
  id: string;
  name: string;
  colour: number;
  priceMinor: number | null;
  currency: string | null;
}

export interface SceneBlock {
  index: number;
  id: string;
  kind: BlockKind;
  /** Name of a seated or standing block, the label of a non-sellable area. */
  name: string;
  nonSellableKind: NonSellableKind | null;
  position: Point;
  /** Degrees clockwise around `position`. */
  rotation: number;
  /** Unrotated size. */
  size: Size;
  /** The four corners in world coordinates (top-left, top-right, bottom-right, bottom-left). */
  corners: [Point, Point, Point, Point];
  bounds: Rect;
  /** Default tier of a grid, the tier of a standing area; -1 when none. */
  tierIndex: number;
  /** Standing places. */
  capacity: number;
  rows: number;
  columns: number;
  /** Seats of this block are `firstSeat .. firstSeat + seatCount - 1`. */
  firstSeat: number;
  seatCount: number;
  rowLabels: string[];
  columnLabels: string[];
}

export interface SceneOptions {
  /**
   * Ignore the tiers' own colours and use the colour-blind-safe palette in tier order
   * (an accessibility setting the apps can offer).
   */
  safePalette?: boolean;
}

export class Scene {
  readonly canvas: Size;
  readonly blocks: SceneBlock[];
  readonly tiers: SceneTier[];
  readonly seatCount: number;
  readonly seatIds: string[];
  readonly seatLabels: string[];
  /** Seat centres in world coordinates. */
  readonly seatX: Float32Array;
  readonly seatY: Float32Array;
  readonly seatBlock: Uint16Array;
  readonly seatRow: Uint16Array;
  readonly seatColumn: Uint16Array;
  /** Tier index, -1 when the seat has none. */
  readonly seatTier: Int16Array;
  /** Bounds of everything drawn. */
  readonly bounds: Rect;
  private readonly seatById: Map<string, number>;
  private readonly blockById: Map<string, number>;
  private readonly tierById: Map<string, number>;
  /** Per seated block, `row * columns + column` → seat index or -1: grid neighbours in O(1). */
  private readonly grids: (Int32Array | null)[];

  constructor(layout: Layout, tiers: readonly Tier[] = [], options: SceneOptions = {}) {
    this.canvas = { ...layout.canvas };
    this.tiers = [];
    this.tierById = new Map();
    for (const tier of tiers) this.addTier(tier.tier_id, tier, options);

    let seatCount = 0;
    for (const block of layout.blocks) if (block.type === 'seated_grid') seatCount += block.seats.length;
    this.seatCount = seatCount;
    this.seatIds = new Array<string>(seatCount);
    this.seatLabels = new Array<string>(seatCount);
    this.seatX = new Float32Array(seatCount);
    this.seatY = new Float32Array(seatCount);
    this.seatBlock = new Uint16Array(seatCount);
    this.seatRow = new Uint16Array(seatCount);
    this.seatColumn = new Uint16Array(seatCount);
    this.seatTier = new Int16Array(seatCount);
    this.seatById = new Map();
    this.blockById = new Map();
    this.blocks = [];
    this.grids = [];

    let next = 0;
    for (const source of layout.blocks) {
      const index = this.blocks.length;
      const rotation = source.rotation ?? 0;
      const size =
        source.type === 'seated_grid'
          ? { width: source.columns * SEAT_PITCH, height: source.rows * SEAT_PITCH }
          : { ...source.size };
      const corners = blockCorners(source.position, size, rotation);
      const block: SceneBlock = {
        index,
        id: source.id,
        kind: source.type === 'seated_grid' ? 'seated' : source.type,
        name: source.type === 'non_sellable' ? (source.label ?? '') : source.name,
        nonSellableKind: source.type === 'non_sellable' ? source.kind : null,
        position: { ...source.position },
        rotation,
        size,
        corners,
        bounds: cornersBounds(corners),
        tierIndex: -1,
        capacity: source.type === 'standing' ? source.capacity : 0,
        rows: source.type === 'seated_grid' ? source.rows : 0,
        columns: source.type === 'seated_grid' ? source.columns : 0,
        firstSeat: next,
        seatCount: 0,
        rowLabels: [],
        columnLabels: [],
      };
      this.blocks.push(block);
      this.blockById.set(block.id, index);
      if (source.type === 'standing') block.tierIndex = this.tierIndex(source.tier_id, options);
      if (source.type === 'seated_grid') {
        next = this.addSeats(block, source, next, options);
      } else {
        this.grids.push(null);
      }
    }
    this.bounds = sceneBounds(this.canvas, this.blocks);
  }

  seatIndex(seatId: string): number {
    return this.seatById.get(seatId) ?? -1;
  }

  blockIndex(blockId: string): number {
    return this.blockById.get(blockId) ?? -1;
  }

  tierIndexOf(tierId: string): number {
    return this.tierById.get(tierId) ?? -1;
  }

  /** The seat at a grid position of a seated block, or -1 (a gap, or outside the grid). */
  seatAtGrid(blockIndex: number, row: number, column: number): number {
    const grid = this.grids[blockIndex];
    const block = this.blocks[blockIndex];
    if (!grid || !block || row < 0 || column < 0 || row >= block.rows || column >= block.columns) return -1;
    return grid[row * block.columns + column] ?? -1;
  }

  seatTierOf(seat: number): SceneTier | null {
    return this.tiers[this.seatTier[seat] ?? -1] ?? null;
  }

  /** The world-space footprint of one seat (axis-aligned box around its rotated square). */
  seatBounds(seat: number): Rect {
    const block = this.blocks[this.seatBlock[seat] ?? 0];
    const half = halfExtent(block?.rotation ?? 0);
    const x = this.seatX[seat] ?? 0;
    const y = this.seatY[seat] ?? 0;
    return { minX: x - half, minY: y - half, maxX: x + half, maxY: y + half };
  }

  private addSeats(block: SceneBlock, source: SeatedGridBlock, first: number, options: SceneOptions): number {
    block.rowLabels = Array.from(
      { length: source.rows },
      (_, row) => source.row_labels?.[row] ?? defaultRowLabel(row),
    );
    block.columnLabels = Array.from(
      { length: source.columns },
      (_, column) => source.column_labels?.[column] ?? defaultColumnLabel(column),
    );
    block.tierIndex = source.tier_id ? this.tierIndex(source.tier_id, options) : -1;
    const grid = new Int32Array(source.rows * source.columns).fill(-1);
    const radians = (block.rotation * Math.PI) / 180;
    const cos = Math.cos(radians);
    const sin = Math.sin(radians);
    let seat = first;
    for (const item of source.seats) {
      const localX = (item.column + 0.5) * SEAT_PITCH;
      const localY = (item.row + 0.5) * SEAT_PITCH;
      this.seatIds[seat] = item.id;
      this.seatLabels[seat] = item.label;
      this.seatX[seat] = block.position.x + localX * cos - localY * sin;
      this.seatY[seat] = block.position.y + localX * sin + localY * cos;
      this.seatBlock[seat] = block.index;
      this.seatRow[seat] = item.row;
      this.seatColumn[seat] = item.column;
      this.seatTier[seat] = item.tier_id ? this.tierIndex(item.tier_id, options) : block.tierIndex;
      this.seatById.set(item.id, seat);
      if (item.row < source.rows && item.column < source.columns) {
        grid[item.row * source.columns + item.column] = seat;
      }
      seat += 1;
    }
    block.seatCount = seat - first;
    this.grids.push(grid);
    return seat;
  }

  /** Looks a tier up, adding an unnamed one for an id the tier list did not have. */
  private tierIndex(tierId: string, options: SceneOptions): number {
    const known = this.tierById.get(tierId);
    if (known !== undefined) return known;
    return this.addTier(tierId, null, options);
  }

  private addTier(tierId: string, tier: Tier | null, options: SceneOptions): number {
    const index = this.tiers.length;
    const fallback = DEFAULT_TIER_PALETTE[index % DEFAULT_TIER_PALETTE.length] ?? UNTIERED_COLOUR;
    const own = options.safePalette ? null : parseHexColour(tier?.colour);
    this.tiers.push({
      index,
      id: tierId,
      name: tier?.name ?? '',
      colour: own ?? fallback,
      priceMinor: tier?.price_minor ?? null,
      currency: tier?.currency ?? null,
    });
    this.tierById.set(tierId, index);
    return index;
  }
}

/** Builds the scene of a layout; `tiers` gives names, colours and prices. */
export function buildScene(layout: Layout, tiers: readonly Tier[] = [], options: SceneOptions = {}): Scene {
  return new Scene(layout, tiers, options);
}

export function blockCorners(position: Point, size: Size, rotation: number): [Point, Point, Point, Point] {
  const radians = (rotation * Math.PI) / 180;
  const cos = Math.cos(radians);
  const sin = Math.sin(radians);
  const at = (x: number, y: number): Point => ({
    x: position.x + x * cos - y * sin,
    y: position.y + x * sin + y * cos,
  });
  return [at(0, 0), at(size.width, 0), at(size.width, size.height), at(0, size.height)];
}

/** Whether a world point lies inside a block's rotated rectangle. */
export function blockContains(block: SceneBlock, x: number, y: number): boolean {
  const radians = (-block.rotation * Math.PI) / 180;
  const dx = x - block.position.x;
  const dy = y - block.position.y;
  const localX = dx * Math.cos(radians) - dy * Math.sin(radians);
  const localY = dx * Math.sin(radians) + dy * Math.cos(radians);
  return localX >= 0 && localY >= 0 && localX <= block.size.width && localY <= block.size.height;
}

export function rectsIntersect(a: Rect, b: Rect): boolean {
  return a.minX <= b.maxX && a.maxX >= b.minX && a.minY <= b.maxY && a.maxY >= b.minY;
}

function cornersBounds(corners: readonly Point[]): Rect {
  const xs = corners.map((corner) => corner.x);
  const ys = corners.map((corner) => corner.y);
  return { minX: Math.min(...xs), minY: Math.min(...ys), maxX: Math.max(...xs), maxY: Math.max(...ys) };
}

function sceneBounds(canvas: Size, blocks: readonly SceneBlock[]): Rect {
  if (blocks.length === 0) return { minX: 0, minY: 0, maxX: canvas.width, maxY: canvas.height };
  const bounds = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const block of blocks) {
    bounds.minX = Math.min(bounds.minX, block.bounds.minX);
    bounds.minY = Math.min(bounds.minY, block.bounds.minY);
    bounds.maxX = Math.max(bounds.maxX, block.bounds.maxX);
    bounds.maxY = Math.max(bounds.maxY, block.bounds.maxY);
  }
  return bounds;
}

/** Half the side of the axis-aligned box around a rotated seat square. */
function halfExtent(rotation: number): number {
  const radians = (rotation * Math.PI) / 180;
  return (SEAT_SIZE / 2) * (Math.abs(Math.cos(radians)) + Math.abs(Math.sin(radians)));
}
