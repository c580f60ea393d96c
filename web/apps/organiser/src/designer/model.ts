// The seat-map designer's model: plain data, no React, no canvas. A seated block is one
// parametric object (rows × seats, labelling scheme) with per-seat overrides only (removed,
// tier), so a 1,000-seat block is a handful of numbers. Every edit is a Command that carries
// the touched blocks before and after, so its inverse is the same command read backwards and
// undo/redo is a log. The layout JSON the API stores (shared-dto/src/layout.rs) is derived.

import type { Layout, LayoutBlock, LayoutSeat, Rect } from '@boxoffice/seatmap';
import { SEAT_PITCH } from '@boxoffice/seatmap';

export type RowScheme = 'letters' | 'numbers';
export type SeatDirection = 'left-to-right' | 'right-to-left';
export type AreaKind = 'stage' | 'aisle' | 'other';

interface BlockBase {
  /** Unique on the map; prefixes the block's seat ids. */
  id: string;
  x: number;
  y: number;
  /** Degrees clockwise around (x, y). */
  rotation: number;
}

export interface SeatedBlock extends BlockBase {
  kind: 'seated';
  name: string;
  rows: number;
  columns: number;
  rowScheme: RowScheme;
  /** Skip I and O in lettered rows (they read as 1 and 0). */
  skipIO: boolean;
  direction: SeatDirection;
  tierId: string | null;
  /** Grid positions ("row:column") with no seat. */
  removed: string[];
  /** Per-seat tier overrides by grid position. */
  seatTiers: Record<string, string>;
}

export interface StandingBlock extends BlockBase {
  kind: 'standing';
  name: string;
  width: number;
  height: number;
  capacity: number;
  tierId: string | null;
}

export interface AreaBlock extends BlockBase {
  kind: 'area';
  areaKind: AreaKind;
  label: string;
  width: number;
  height: number;
}

export type DesignBlock = SeatedBlock | StandingBlock | AreaBlock;

export interface DesignModel {
  blocks: DesignBlock[];
}

/** One block's state before and after an edit; null before = added, null after = deleted. */
export interface BlockChange {
  id: string;
  index: number;
  before: DesignBlock | null;
  after: DesignBlock | null;
}

export interface Command {
  label: string;
  changes: BlockChange[];
}

export const EMPTY_MODEL: DesignModel = { blocks: [] };

// --- labels

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LETTERS_NO_IO = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

/** Row label of a zero-based row: A, B, … Z, AA, AB, … (optionally without I and O), or 1, 2, …. */
export function rowLabel(row: number, scheme: RowScheme, skipIO: boolean): string {
  if (scheme === 'numbers') return String(row + 1);
  const alphabet = skipIO ? LETTERS_NO_IO : LETTERS;
  let n = row + 1;
  let label = '';
  while (n > 0) {
    n -= 1;
    label = (alphabet[n % alphabet.length] ?? '') + label;
    n = Math.floor(n / alphabet.length);
  }
  return label;
}

export function columnLabel(block: Pick<SeatedBlock, 'columns' | 'direction'>, column: number): string {
  return String(block.direction === 'left-to-right' ? column + 1 : block.columns - column);
}

export function positionKey(row: number, column: number): string {
  return `${row}:${column}`;
}

export function seatIdOf(block: SeatedBlock, row: number, column: number): string {
  return `${block.id}-${rowLabel(row, block.rowScheme, block.skipIO)}-${columnLabel(block, column)}`;
}

export function seatLabelOf(block: SeatedBlock, row: number, column: number): string {
  return `${rowLabel(row, block.rowScheme, block.skipIO)}${columnLabel(block, column)}`;
}

// --- geometry

export function blockSize(block: DesignBlock): { width: number; height: number } {
  if (block.kind === 'seated') return { width: block.columns * SEAT_PITCH, height: block.rows * SEAT_PITCH };
  return { width: block.width, height: block.height };
}

export function blockCornersOf(block: DesignBlock): { x: number; y: number }[] {
  const { width, height } = blockSize(block);
  const r = (block.rotation * Math.PI) / 180;
  const cos = Math.cos(r);
  const sin = Math.sin(r);
  return [
    [0, 0],
    [width, 0],
    [width, height],
    [0, height],
  ].map(([lx = 0, ly = 0]) => ({ x: block.x + lx * cos - ly * sin, y: block.y + lx * sin + ly * cos }));
}

export function blockBounds(block: DesignBlock): Rect {
  const corners = blockCornersOf(block);
  const xs = corners.map((c) => c.x);
  const ys = corners.map((c) => c.y);
  return { minX: Math.min(...xs), minY: Math.min(...ys), maxX: Math.max(...xs), maxY: Math.max(...ys) };
}

/** Centre of a seat in world coordinates. */
export function seatCentre(block: SeatedBlock, row: number, column: number): { x: number; y: number } {
  const r = (block.rotation * Math.PI) / 180;
  const lx = (column + 0.5) * SEAT_PITCH;
  const ly = (row + 0.5) * SEAT_PITCH;
  return {
    x: block.x + lx * Math.cos(r) - ly * Math.sin(r),
    y: block.y + lx * Math.sin(r) + ly * Math.cos(r),
  };
}

/** Whether two blocks' rotated rectangles overlap (separating axis test), touching edges allowed. */
export function blocksOverlap(a: DesignBlock, b: DesignBlock): boolean {
  const pa = blockCornersOf(a);
  const pb = blockCornersOf(b);
  for (const polygon of [pa, pb]) {
    for (let i = 0; i < 4; i += 1) {
      const p = polygon[i] ?? { x: 0, y: 0 };
      const q = polygon[(i + 1) % 4] ?? { x: 0, y: 0 };
      const axis = { x: q.y - p.y, y: p.x - q.x };
      const project = (points: { x: number; y: number }[]) => points.map((c) => c.x * axis.x + c.y * axis.y);
      const ra = project(pa);
      const rb = project(pb);
      const epsilon = 1e-6 * Math.hypot(axis.x, axis.y);
      if (Math.max(...ra) <= Math.min(...rb) + epsilon || Math.max(...rb) <= Math.min(...ra) + epsilon)
        return false;
    }
  }
  return true;
}

// --- making blocks

export function nextBlockId(model: DesignModel, prefix: string): string {
  const taken = new Set(model.blocks.map((block) => block.id));
  for (let n = 1; ; n += 1) {
    const id = `${prefix}${n}`;
    if (!taken.has(id)) return id;
  }
}

/** Where a new block goes: below everything drawn so far, so it never lands on another. */
export function freeSpot(model: DesignModel): { x: number; y: number } {
  let maxY = 0;
  for (const block of model.blocks) maxY = Math.max(maxY, blockBounds(block).maxY);
  return { x: 40, y: model.blocks.length ? maxY + 60 : 40 };
}

export function newSeatedBlock(
  model: DesignModel,
  options: Partial<Omit<SeatedBlock, 'kind'>> = {},
): SeatedBlock {
  const id = options.id ?? nextBlockId(model, 'block-');
  return {
    kind: 'seated',
    id,
    name: options.name ?? `Block ${id.replace(/^block-/, '')}`,
    ...freeSpot(model),
    rotation: 0,
    rows: 5,
    columns: 10,
    rowScheme: 'letters',
    skipIO: true,
    direction: 'left-to-right',
    tierId: null,
    removed: [],
    seatTiers: {},
    ...options,
  } as SeatedBlock;
}

export function newStandingBlock(
  model: DesignModel,
  options: Partial<Omit<StandingBlock, 'kind'>> = {},
): StandingBlock {
  const id = options.id ?? nextBlockId(model, 'standing-');
  return {
    kind: 'standing',
    id,
    name: 'Standing',
    ...freeSpot(model),
    rotation: 0,
    width: 300,
    height: 150,
    capacity: 100,
    tierId: null,
    ...options,
  } as StandingBlock;
}

export function newAreaBlock(model: DesignModel, options: Partial<Omit<AreaBlock, 'kind'>> = {}): AreaBlock {
  const id = options.id ?? nextBlockId(model, 'area-');
  return {
    kind: 'area',
    id,
    areaKind: 'stage',
    label: 'Stage',
    ...freeSpot(model),
    rotation: 0,
    width: 400,
    height: 80,
    ...options,
  } as AreaBlock;
}

// --- commands

function indexOf(model: DesignModel, id: string): number {
  return model.blocks.findIndex((block) => block.id === id);
}

export function applyChanges(
  model: DesignModel,
  changes: readonly BlockChange[],
  backwards = false,
): DesignModel {
  const blocks = [...model.blocks];
  const ordered = backwards ? [...changes].reverse() : changes;
  for (const change of ordered) {
    const from = backwards ? change.after : change.before;
    const to = backwards ? change.before : change.after;
    if (from === null && to !== null) {
      blocks.splice(Math.min(change.index, blocks.length), 0, to);
    } else if (from !== null && to === null) {
      const at = locate(blocks, from, change.index);
      if (at >= 0) blocks.splice(at, 1);
    } else if (from !== null && to !== null) {
      const at = locate(blocks, from, change.index);
      if (at >= 0) blocks[at] = to;
    }
  }
  return { blocks };
}

/**
 * Where a block is: the very object first (ids can clash while someone edits them, and the
 * model is immutable, so the object a command recorded is the one in the list), else by id.
 */
function locate(blocks: readonly DesignBlock[], block: DesignBlock, hint: number): number {
  if (blocks[hint] === block) return hint;
  const same = blocks.indexOf(block);
  return same >= 0 ? same : blocks.findIndex((item) => item.id === block.id);
}

/** The ids a command touches, before and after (an id edit touches both). */
export function touchedIds(command: Command): string[] {
  const ids = new Set<string>();
  for (const change of command.changes) {
    if (change.before) ids.add(change.before.id);
    if (change.after) ids.add(change.after.id);
  }
  return [...ids];
}

export function addBlocks(model: DesignModel, blocks: DesignBlock[], label = 'Add'): Command {
  return {
    label,
    changes: blocks.map((block, i) => ({
      id: block.id,
      index: model.blocks.length + i,
      before: null,
      after: block,
    })),
  };
}

export function deleteBlocks(model: DesignModel, ids: Iterable<string>): Command {
  const wanted = new Set(ids);
  // Deleted from the end, so each recorded index is right when undo re-inserts in reverse.
  const changes: BlockChange[] = [];
  model.blocks.forEach((block, index) => {
    if (wanted.has(block.id)) changes.push({ id: block.id, index, before: block, after: null });
  });
  return { label: 'Delete', changes: changes.reverse() };
}

export function updateBlocks(
  model: DesignModel,
  ids: Iterable<string>,
  update: (block: DesignBlock) => DesignBlock,
  label: string,
): Command {
  const changes: BlockChange[] = [];
  for (const id of ids) {
    const index = indexOf(model, id);
    const before = model.blocks[index];
    if (!before) continue;
    const after = update(before);
    if (after !== before) changes.push({ id, index, before, after });
  }
  return { label, changes };
}

/** Replaces every block with those of another map as one command, so undo brings the old map back. */
export function replaceBlocks(model: DesignModel, next: DesignModel, label = 'Replace the map'): Command {
  // Removed from the end, so undo re-inserts each at its recorded index.
  const removed: BlockChange[] = model.blocks
    .map((block, index) => ({ id: block.id, index, before: block, after: null }))
    .reverse();
  const added: BlockChange[] = next.blocks.map((block, index) => ({
    id: block.id,
    index,
    before: null,
    after: block,
  }));
  return { label, changes: [...removed, ...added] };
}

export function moveBlocks(model: DesignModel, ids: Iterable<string>, dx: number, dy: number): Command {
  const list = [...ids];
  // Positions stay on the canvas (the API accepts 0 to 1,000,000): the group stops at the edge.
  let minX = Infinity;
  let minY = Infinity;
  for (const id of list) {
    const block = model.blocks[indexOf(model, id)];
    if (!block) continue;
    const bounds = blockBounds(block);
    minX = Math.min(minX, bounds.minX, block.x);
    minY = Math.min(minY, bounds.minY, block.y);
  }
  const ddx = Math.max(dx, -minX);
  const ddy = Math.max(dy, -minY);
  return updateBlocks(
    model,
    list,
    (block) => ({ ...block, x: Math.round(block.x + ddx), y: Math.round(block.y + ddy) }),
    'Move',
  );
}

/** An angle in degrees as the designer keeps it: in (-180, 180], rounded to a hundredth. */
export function normaliseAngle(degrees: number): number {
  let angle = ((degrees % 360) + 360) % 360;
  if (angle > 180) angle -= 360;
  return Math.round(angle * 100) / 100;
}

/** The block's centre in world coordinates. */
export function blockCentre(block: DesignBlock): { x: number; y: number } {
  const { width, height } = blockSize(block);
  const r = (block.rotation * Math.PI) / 180;
  return {
    x: block.x + (width / 2) * Math.cos(r) - (height / 2) * Math.sin(r),
    y: block.y + (width / 2) * Math.sin(r) + (height / 2) * Math.cos(r),
  };
}

/** The block turned to `rotation` degrees around its centre (blocks turn around their middle, not their corner). */
export function rotatedBlock<T extends DesignBlock>(block: T, rotation: number): T {
  const angle = normaliseAngle(rotation);
  if (angle === block.rotation) return block;
  const centre = blockCentre(block);
  const { width, height } = blockSize(block);
  const r = (angle * Math.PI) / 180;
  // The corner stays on the canvas (the API takes positions from 0), so a block turned at the very edge shifts in.
  const x = Math.max(0, centre.x - (width / 2) * Math.cos(r) + (height / 2) * Math.sin(r));
  const y = Math.max(0, centre.y - (width / 2) * Math.sin(r) - (height / 2) * Math.cos(r));
  return { ...block, rotation: angle, x: Math.round(x * 100) / 100, y: Math.round(y * 100) / 100 };
}

/** Turns each block by `degrees` around its own centre: one command for the lot. */
export function rotateBlocks(model: DesignModel, ids: Iterable<string>, degrees: number): Command {
  return updateBlocks(model, ids, (block) => rotatedBlock(block, block.rotation + degrees), 'Rotate');
}

/** Turns one block to an absolute angle around its centre (the rotate handle). */
export function setBlockRotation(model: DesignModel, id: string, rotation: number): Command {
  return updateBlocks(model, [id], (block) => rotatedBlock(block, rotation), 'Rotate');
}

/** Which edge or corner is dragged: the opposite one stays where it is. */
export type ResizeHandle = 'n' | 'e' | 's' | 'w' | 'ne' | 'nw' | 'se' | 'sw';

export const RESIZE_HANDLES: readonly ResizeHandle[] = ['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w'];

/** Where a handle sits on the block, as fractions of its width and height. */
export function handleAnchor(handle: ResizeHandle): { u: number; v: number } {
  return {
    u: handle.includes('w') ? 0 : handle.includes('e') ? 1 : 0.5,
    v: handle.includes('n') ? 0 : handle.includes('s') ? 1 : 0.5,
  };
}

/** A point of the block given in fractions of its size, in world coordinates. */
export function blockPoint(block: DesignBlock, u: number, v: number): { x: number; y: number } {
  const { width, height } = blockSize(block);
  const r = (block.rotation * Math.PI) / 180;
  const lx = u * width;
  const ly = v * height;
  return {
    x: block.x + lx * Math.cos(r) - ly * Math.sin(r),
    y: block.y + lx * Math.sin(r) + ly * Math.cos(r),
  };
}

const MIN_AREA_SIZE = 10;
const MAX_AREA_SIZE = 100_000;
const MAX_GRID = 1000;

/**
 * The block as it would be with `handle` dragged to `to` (world coordinates): the edges the
 * handle names follow the pointer along the block's own axes, the opposite edges stay put. A
 * seated block snaps to whole rows and seats; seats keep their row and seat labels from the
 * top-left corner, so a grid dragged at its left or top edge gains or loses rows and seats on
 * the right or bottom and moves over.
 */
export function resizedBlock<T extends DesignBlock>(
  block: T,
  handle: ResizeHandle,
  to: { x: number; y: number },
): T {
  const { width, height } = blockSize(block);
  const r = (block.rotation * Math.PI) / 180;
  const cos = Math.cos(r);
  const sin = Math.sin(r);
  // The pointer in the block's own coordinates (origin at its corner, x along its rows).
  const dx = to.x - block.x;
  const dy = to.y - block.y;
  const lx = dx * cos + dy * sin;
  const ly = -dx * sin + dy * cos;
  let left = 0;
  let top = 0;
  let right = width;
  let bottom = height;
  if (handle.includes('e')) right = lx;
  if (handle.includes('w')) left = lx;
  if (handle.includes('s')) bottom = ly;
  if (handle.includes('n')) top = ly;
  const step = block.kind === 'seated' ? SEAT_PITCH : 1;
  const min = block.kind === 'seated' ? SEAT_PITCH : MIN_AREA_SIZE;
  const max = block.kind === 'seated' ? SEAT_PITCH * MAX_GRID : MAX_AREA_SIZE;
  const snap = (size: number) => Math.min(max, Math.max(min, Math.round(size / step) * step));
  const newWidth = snap(right - left);
  const newHeight = snap(bottom - top);
  // The fixed edges: a dragged west or north edge moves the corner by what the size changed.
  const shiftX = handle.includes('w') ? width - newWidth : 0;
  const shiftY = handle.includes('n') ? height - newHeight : 0;
  const x = Math.max(0, Math.round((block.x + shiftX * cos - shiftY * sin) * 100) / 100);
  const y = Math.max(0, Math.round((block.y + shiftX * sin + shiftY * cos) * 100) / 100);
  if (newWidth === width && newHeight === height) return block;
  if (block.kind === 'seated') {
    const rows = Math.round(newHeight / SEAT_PITCH);
    const columns = Math.round(newWidth / SEAT_PITCH);
    return { ...block, x, y, rows, columns };
  }
  return { ...block, x, y, width: newWidth, height: newHeight };
}

/** One resize as a command (a grid that shrinks forgets overrides outside it, as editBlock does). */
export function resizeBlock(
  model: DesignModel,
  id: string,
  handle: ResizeHandle,
  to: { x: number; y: number },
): Command {
  const block = model.blocks[indexOf(model, id)];
  if (!block) return { label: 'Resize', changes: [] };
  const resized = resizedBlock(block, handle, to);
  if (resized === block) return { label: 'Resize', changes: [] };
  const { id: _id, kind: _kind, ...patch } = resized;
  return { ...editBlock(model, id, patch as Partial<DesignBlock>), label: 'Resize' };
}

/** How far one keyboard resize step goes: a seat for a seated block, 10 units for an area. */
export function resizeStep(block: DesignBlock): number {
  return block.kind === 'seated' ? SEAT_PITCH : MIN_AREA_SIZE;
}

/** Grows (or with negative steps shrinks) a block by whole steps to the right and down, its corner staying put. */
export function resizeBySteps(model: DesignModel, id: string, columns: number, rows: number): Command {
  const block = model.blocks[indexOf(model, id)];
  if (!block) return { label: 'Resize', changes: [] };
  const { width, height } = blockSize(block);
  const step = resizeStep(block);
  const corner = blockPoint(block, (width + columns * step) / width, (height + rows * step) / height);
  return resizeBlock(model, id, 'se', corner);
}

export function duplicateBlocks(model: DesignModel, ids: Iterable<string>): Command {
  const copies: DesignBlock[] = [];
  let scratch = model;
  for (const id of ids) {
    const block = model.blocks[indexOf(model, id)];
    if (!block) continue;
    const prefix = block.kind === 'seated' ? 'block-' : block.kind === 'standing' ? 'standing-' : 'area-';
    const copy = structuredClone(block);
    copy.id = nextBlockId(scratch, prefix);
    const bounds = blockBounds(block);
    copy.y = Math.round(block.y + (bounds.maxY - bounds.minY) + 30);
    if (copy.kind !== 'area') copy.name = `${copy.name} (copy)`;
    copies.push(copy);
    scratch = { blocks: [...scratch.blocks, copy] };
  }
  return addBlocks(model, copies, 'Duplicate');
}

/** Seats picked on the map: per block id, grid positions. */
export type SeatPick = Map<string, Set<string>>;

export function pickSeats(entries: Iterable<[blockId: string, row: number, column: number]>): SeatPick {
  const pick: SeatPick = new Map();
  for (const [blockId, row, column] of entries) {
    let set = pick.get(blockId);
    if (!set) {
      set = new Set();
      pick.set(blockId, set);
    }
    set.add(positionKey(row, column));
  }
  return pick;
}

/**
 * Gives a tier to whole blocks (their default; overrides dropped) and to single seats (an
 * override, dropped when it equals the block's default).
 */
export function assignTier(
  model: DesignModel,
  tierId: string,
  blockIds: Iterable<string>,
  seats: SeatPick = new Map(),
): Command {
  const wholeBlocks = new Set(blockIds);
  const ids = new Set([...wholeBlocks, ...seats.keys()]);
  return updateBlocks(
    model,
    ids,
    (block) => {
      if (block.kind === 'area') return block;
      if (block.kind === 'standing') return { ...block, tierId };
      if (wholeBlocks.has(block.id)) return { ...block, tierId, seatTiers: {} };
      const seatTiers = { ...block.seatTiers };
      for (const key of seats.get(block.id) ?? []) {
        if (block.tierId === tierId) delete seatTiers[key];
        else seatTiers[key] = tierId;
      }
      return { ...block, seatTiers };
    },
    'Assign tier',
  );
}

/** Removes seats (they become gaps) or restores them. */
export function setSeatsRemoved(model: DesignModel, seats: SeatPick, removed: boolean): Command {
  return updateBlocks(
    model,
    seats.keys(),
    (block) => {
      if (block.kind !== 'seated') return block;
      const set = new Set(block.removed);
      for (const key of seats.get(block.id) ?? []) {
        if (removed) set.add(key);
        else set.delete(key);
      }
      return { ...block, removed: [...set].sort(comparePositions) };
    },
    removed ? 'Remove seats' : 'Restore seats',
  );
}

function comparePositions(a: string, b: string): number {
  const [ar = 0, ac = 0] = a.split(':').map(Number);
  const [br = 0, bc = 0] = b.split(':').map(Number);
  return ar - br || ac - bc;
}

/** Changes a block's properties; a grid that shrinks forgets overrides outside it. */
export function editBlock(model: DesignModel, id: string, patch: Partial<DesignBlock>): Command {
  return updateBlocks(
    model,
    [id],
    (block) => {
      const next = { ...block, ...patch } as DesignBlock;
      if (next.kind === 'seated') {
        const inside = (key: string) => {
          const [row = 0, column = 0] = key.split(':').map(Number);
          return row < next.rows && column < next.columns;
        };
        next.removed = next.removed.filter(inside);
        next.seatTiers = Object.fromEntries(Object.entries(next.seatTiers).filter(([key]) => inside(key)));
      }
      return next;
    },
    'Edit block',
  );
}

// --- history

export interface History {
  model: DesignModel;
  past: Command[];
  future: Command[];
}

export function historyOf(model: DesignModel): History {
  return { model, past: [], future: [] };
}

/** Applies a command and records it; an empty command changes nothing and is not recorded. */
export function execute(history: History, command: Command): History {
  if (command.changes.length === 0) return history;
  return {
    model: applyChanges(history.model, command.changes),
    past: [...history.past, command],
    future: [],
  };
}

export function undo(history: History): History {
  const command = history.past.at(-1);
  if (!command) return history;
  return {
    model: applyChanges(history.model, command.changes, true),
    past: history.past.slice(0, -1),
    future: [command, ...history.future],
  };
}

export function redo(history: History): History {
  const command = history.future[0];
  if (!command) return history;
  return {
    model: applyChanges(history.model, command.changes),
    past: [...history.past, command],
    future: history.future.slice(1),
  };
}

// --- selection

/** Blocks and seats inside a world rectangle: blocks whose bounds it touches, seats whose centre it holds. */
export function marquee(model: DesignModel, rect: Rect): { blocks: string[]; seats: SeatPick } {
  const blocks: string[] = [];
  const entries: [string, number, number][] = [];
  for (const block of model.blocks) {
    const bounds = blockBounds(block);
    const touches =
      bounds.minX <= rect.maxX &&
      bounds.maxX >= rect.minX &&
      bounds.minY <= rect.maxY &&
      bounds.maxY >= rect.minY;
    if (!touches) continue;
    if (block.kind !== 'seated') {
      blocks.push(block.id);
      continue;
    }
    const removed = new Set(block.removed);
    for (let row = 0; row < block.rows; row += 1) {
      for (let column = 0; column < block.columns; column += 1) {
        const c = seatCentre(block, row, column);
        if (c.x < rect.minX || c.x > rect.maxX || c.y < rect.minY || c.y > rect.maxY) continue;
        if (removed.has(positionKey(row, column))) continue;
        entries.push([block.id, row, column]);
      }
    }
  }
  return { blocks, seats: pickSeats(entries) };
}

/** Seats of a seated block named by labels such as "A1, A2, B5-B8" (a range stays in one row). */
export function seatsByLabel(block: SeatedBlock, text: string): { pick: SeatPick; unknown: string[] } {
  const byLabel = new Map<string, [number, number]>();
  for (let row = 0; row < block.rows; row += 1)
    for (let column = 0; column < block.columns; column += 1)
      byLabel.set(seatLabelOf(block, row, column).toUpperCase(), [row, column]);
  const entries: [string, number, number][] = [];
  const unknown: string[] = [];
  for (const part of text.split(/[,\s]+/).filter(Boolean)) {
    const [from = '', to] = part.toUpperCase().split('-');
    const start = byLabel.get(from);
    const end = to === undefined ? start : byLabel.get(to);
    if (!start || !end || start[0] !== end[0]) {
      unknown.push(part);
      continue;
    }
    const [low, high] = start[1] <= end[1] ? [start[1], end[1]] : [end[1], start[1]];
    for (let column = low; column <= high; column += 1) entries.push([block.id, start[0], column]);
  }
  return { pick: pickSeats(entries), unknown };
}

// --- validation

export interface Problem {
  blockId: string;
  message: string;
  /** Grid positions of the seats at fault, if it is about seats. */
  seats?: string[];
}

const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/** What the API would refuse (and overlapping blocks, which it accepts but nobody wants). */
export function validate(model: DesignModel, knownTiers?: ReadonlySet<string>): Problem[] {
  const problems: Problem[] = [];
  const firstUse = new Map<string, string>();
  const seatOwner = new Map<string, string>();
  const claim = (id: string, owner: string, blockId: string) => {
    const earlier = firstUse.get(id);
    if (earlier)
      problems.push({ blockId, message: `The id “${id}” is used twice (${earlier} and ${owner}).` });
    else firstUse.set(id, owner);
  };
  for (const block of model.blocks) {
    const name = block.kind === 'area' ? block.label || block.areaKind : block.name;
    if (!ID_PATTERN.test(block.id))
      problems.push({
        blockId: block.id,
        message: `“${name}” has the code “${block.id}”: use 1 to 64 letters, digits, _ . : or -.`,
      });
    claim(block.id, `block “${name}”`, block.id);
    if (block.kind !== 'area' && !block.name.trim())
      problems.push({ blockId: block.id, message: 'A block needs a name.' });
    if (block.kind === 'standing') {
      if (!block.tierId) problems.push({ blockId: block.id, message: `“${name}” has no price tier.` });
      else if (knownTiers && !knownTiers.has(block.tierId))
        problems.push({ blockId: block.id, message: `“${name}” uses a tier that no longer exists.` });
      if (!(block.capacity >= 1))
        problems.push({ blockId: block.id, message: `“${name}” must hold at least one person.` });
    }
    if (block.kind === 'seated') {
      if (block.rows < 1 || block.columns < 1 || block.rows > 1000 || block.columns > 1000)
        problems.push({ blockId: block.id, message: `“${name}” needs 1 to 1,000 rows and seats per row.` });
      const removed = new Set(block.removed);
      const untiered: string[] = [];
      const clashes: string[] = [];
      for (let row = 0; row < block.rows; row += 1) {
        for (let column = 0; column < block.columns; column += 1) {
          const key = positionKey(row, column);
          if (removed.has(key)) continue;
          const seatId = seatIdOf(block, row, column);
          const earlier = seatOwner.get(seatId);
          if (earlier !== undefined || firstUse.has(seatId)) clashes.push(key);
          else seatOwner.set(seatId, block.id);
          const tier = block.seatTiers[key] ?? block.tierId;
          if (!tier || (knownTiers && !knownTiers.has(tier))) untiered.push(key);
        }
      }
      // One line per block for seat ids taken elsewhere, not one per seat.
      if (clashes.length)
        problems.push({
          blockId: block.id,
          message: `${clashes.length} seat id${clashes.length === 1 ? ' of' : 's of'} “${name}” ${clashes.length === 1 ? 'is' : 'are'} already used on the map: give the block a code of its own.`,
          seats: clashes,
        });
      if (untiered.length)
        problems.push({
          blockId: block.id,
          message: `${untiered.length} seat${untiered.length === 1 ? '' : 's'} of “${name}” ${untiered.length === 1 ? 'has' : 'have'} no price tier.`,
          seats: untiered,
        });
    }
  }
  for (let i = 0; i < model.blocks.length; i += 1) {
    for (let j = i + 1; j < model.blocks.length; j += 1) {
      const a = model.blocks[i];
      const b = model.blocks[j];
      if (!a || !b || a.kind === 'area' || b.kind === 'area') continue; // an aisle may cross a block
      if (blocksOverlap(a, b))
        problems.push({ blockId: b.id, message: `“${displayName(b)}” overlaps “${displayName(a)}”.` });
    }
  }
  return problems;
}

export function displayName(block: DesignBlock): string {
  return block.kind === 'area' ? block.label || block.areaKind : block.name;
}

// --- layout JSON

export interface LayoutOptions {
  /** Seats that are removed stay in the layout (the designer's own scene draws them as gaps). */
  includeRemoved?: boolean;
}

// Blocks are immutable, so a block's layout is worked out once: an edit of one block of a
// 100,000-seat map re-lists only that block's seats.
const layoutCache = {
  all: new WeakMap<DesignBlock, LayoutBlock>(),
  sellable: new WeakMap<DesignBlock, LayoutBlock>(),
};

export function toLayout(model: DesignModel, options: LayoutOptions = {}): Layout {
  let maxX = 100;
  let maxY = 100;
  const cache = options.includeRemoved ? layoutCache.all : layoutCache.sellable;
  const blocks: LayoutBlock[] = model.blocks.map((block) => {
    const bounds = blockBounds(block);
    maxX = Math.max(maxX, bounds.maxX);
    maxY = Math.max(maxY, bounds.maxY);
    const cached = cache.get(block);
    if (cached) return cached;
    const made = blockLayout(block, options);
    cache.set(block, made);
    return made;
  });
  return { canvas: { width: Math.ceil(maxX + 40), height: Math.ceil(maxY + 40) }, blocks };
}

function blockLayout(block: DesignBlock, options: LayoutOptions): LayoutBlock {
  {
    const position = { x: block.x, y: block.y };
    if (block.kind === 'standing')
      return {
        type: 'standing',
        id: block.id,
        name: block.name,
        position,
        rotation: block.rotation,
        size: { width: block.width, height: block.height },
        capacity: block.capacity,
        tier_id: block.tierId ?? '',
      };
    if (block.kind === 'area')
      return {
        type: 'non_sellable',
        id: block.id,
        kind: block.areaKind,
        ...(block.label.trim() ? { label: block.label } : {}),
        position,
        rotation: block.rotation,
        size: { width: block.width, height: block.height },
      };
    const removed = new Set(block.removed);
    const seats: LayoutSeat[] = [];
    for (let row = 0; row < block.rows; row += 1) {
      for (let column = 0; column < block.columns; column += 1) {
        const key = positionKey(row, column);
        if (!options.includeRemoved && removed.has(key)) continue;
        const tier = block.seatTiers[key];
        seats.push({
          id: seatIdOf(block, row, column),
          row,
          column,
          label: seatLabelOf(block, row, column),
          ...(tier ? { tier_id: tier } : {}),
        });
      }
    }
    return {
      type: 'seated_grid',
      id: block.id,
      name: block.name,
      position,
      rotation: block.rotation,
      rows: block.rows,
      columns: block.columns,
      row_labels: Array.from({ length: block.rows }, (_, row) =>
        rowLabel(row, block.rowScheme, block.skipIO),
      ),
      column_labels: Array.from({ length: block.columns }, (_, column) => columnLabel(block, column)),
      ...(block.tierId ? { tier_id: block.tierId } : {}),
      seats,
    };
  }
}

/** Reads a stored layout back into blocks, recognising the labelling schemes this designer writes. */
export function fromLayout(layout: Layout | null | undefined): DesignModel {
  if (!layout || !Array.isArray(layout.blocks)) return { blocks: [] };
  const blocks: DesignBlock[] = [];
  for (const source of layout.blocks) {
    const base = {
      id: source.id,
      x: source.position.x,
      y: source.position.y,
      rotation: source.rotation ?? 0,
    };
    if (source.type === 'standing') {
      blocks.push({
        ...base,
        kind: 'standing',
        name: source.name,
        width: source.size.width,
        height: source.size.height,
        capacity: source.capacity,
        tierId: source.tier_id || null,
      });
    } else if (source.type === 'non_sellable') {
      blocks.push({
        ...base,
        kind: 'area',
        areaKind: source.kind,
        label: source.label ?? '',
        width: source.size.width,
        height: source.size.height,
      });
    } else {
      const rows = source.row_labels ?? [];
      const numbers = rows.length > 0 && rows.every((label) => /^\d+$/.test(label));
      const skipIO = !rows.includes('I') && !rows.includes('O');
      const columns = source.column_labels ?? [];
      const direction: SeatDirection =
        columns.length > 1 && Number(columns[0]) > Number(columns.at(-1)) ? 'right-to-left' : 'left-to-right';
      const present = new Set<string>();
      const seatTiers: Record<string, string> = {};
      for (const seat of source.seats) {
        const key = positionKey(seat.row, seat.column);
        present.add(key);
        if (seat.tier_id && seat.tier_id !== source.tier_id) seatTiers[key] = seat.tier_id;
      }
      const removed: string[] = [];
      for (let row = 0; row < source.rows; row += 1)
        for (let column = 0; column < source.columns; column += 1)
          if (!present.has(positionKey(row, column))) removed.push(positionKey(row, column));
      blocks.push({
        ...base,
        kind: 'seated',
        name: source.name,
        rows: source.rows,
        columns: source.columns,
        rowScheme: numbers ? 'numbers' : 'letters',
        skipIO: rows.length > 8 ? skipIO : true,
        direction,
        tierId: source.tier_id ?? null,
        removed,
        seatTiers,
      });
    }
  }
  return { blocks };
}

/** Seats and standing places for sale. */
export function capacityOf(model: DesignModel): { seats: number; standing: number } {
  let seats = 0;
  let standing = 0;
  for (const block of model.blocks) {
    if (block.kind === 'seated') seats += block.rows * block.columns - block.removed.length;
    if (block.kind === 'standing') standing += block.capacity;
  }
  return { seats, standing };
}
