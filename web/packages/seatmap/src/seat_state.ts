// The live state of every seat, kept in typed arrays beside the scene and changed in place.
// The server's status (free / held / sold) and this client's own marks (mine, selected,
// removed) are stored apart, so an incoming event never erases what the user chose and a
// choice never hides what the server said; the displayed state is derived from both.

import type { Scene } from './scene.ts';
import type { PlaceCounts, SeatChange, SeatMapSnapshot, SeatsSoldChange, StandingState } from './wire.ts';

export type SeatState = 'free' | 'held' | 'sold' | 'mine' | 'selected' | 'removed';

/** Display states as small numbers, the form the renderers index by. */
export const SEAT_STATE_CODES: Readonly<Record<SeatState, number>> = {
  free: 0,
  held: 1,
  sold: 2,
  mine: 3,
  selected: 4,
  removed: 5,
};
export const SEAT_STATES: readonly SeatState[] = ['free', 'held', 'sold', 'mine', 'selected', 'removed'];

const STATUS_FREE = 0;
const STATUS_HELD = 1;
const STATUS_SOLD = 2;

const MARK_MINE = 1;
const MARK_SELECTED = 2;
const MARK_REMOVED = 4;

/** What one update did, for the app to tell the user about. */
export interface StateChangeReport {
  /** Seats whose displayed state changed. */
  changed: number;
  /** Seats the user had selected that someone else took (held or sold). */
  lostSelection: string[];
  /** Seats held for this user that were released (the hold expired or was cancelled). */
  lostMine: string[];
  /** Seat ids the scene does not know (a stale layout: reload the seat map). */
  unknown: string[];
}

export type StateListener = (changedSeats: Int32Array, count: number) => void;

export class SeatStateTable {
  readonly scene: Scene;
  private readonly status: Uint8Array;
  private readonly marks: Uint8Array;
  private readonly shown: Uint8Array;
  /** Seats changed since the last `takeChanges`; `pending` flags keep the list unique. */
  private readonly pending: Uint8Array;
  private changes: Int32Array;
  private changeCount = 0;
  private readonly listeners = new Set<StateListener>();
  private readonly standing = new Map<string, PlaceCounts>();

  constructor(scene: Scene) {
    this.scene = scene;
    const n = scene.seatCount;
    this.status = new Uint8Array(n);
    this.marks = new Uint8Array(n);
    this.shown = new Uint8Array(n);
    this.pending = new Uint8Array(n);
    this.changes = new Int32Array(Math.min(n, 1024));
    for (const block of scene.blocks) {
      if (block.kind === 'standing') {
        this.standing.set(block.id, {
          capacity: block.capacity,
          available: block.capacity,
          held: 0,
          sold: 0,
        });
      }
    }
  }

  /**
   * A table for a rebuilt scene (the designer's edit, a changed layout) carrying every seat's
   * status and marks over by seat id; seats new to the scene start free.
   */
  static carryOver(previous: SeatStateTable, scene: Scene): SeatStateTable {
    const table = new SeatStateTable(scene);
    const report = emptyReport();
    for (let seat = 0; seat < scene.seatCount; seat += 1) {
      const old = previous.scene.seatIndex(scene.seatIds[seat] ?? '');
      if (old < 0) continue;
      table.status[seat] = previous.status[old] ?? STATUS_FREE;
      table.marks[seat] = previous.marks[old] ?? 0;
      table.refresh(seat, report);
    }
    for (const [blockId, counts] of previous.standing) {
      if (table.standing.has(blockId)) table.standing.set(blockId, { ...counts });
    }
    return table;
  }

  /** The displayed state of a seat. */
  state(seat: number): SeatState {
    return SEAT_STATES[this.shown[seat] ?? 0] ?? 'free';
  }

  stateCode(seat: number): number {
    return this.shown[seat] ?? 0;
  }

  stateOf(seatId: string): SeatState | null {
    const seat = this.scene.seatIndex(seatId);
    return seat < 0 ? null : this.state(seat);
  }

  /** Whether the attendee may pick the seat (free or already theirs). */
  isSelectable(seat: number): boolean {
    const shown = this.shown[seat];
    return shown === SEAT_STATE_CODES.free || shown === SEAT_STATE_CODES.selected;
  }

  /** Places left in a standing area, per the last snapshot and the sales since. */
  standingPlaces(blockId: string): PlaceCounts | null {
    const counts = this.standing.get(blockId);
    return counts ? { ...counts } : null;
  }

  selectedSeats(): string[] {
    return this.seatsWithMark(MARK_SELECTED);
  }

  mineSeats(): string[] {
    return this.seatsWithMark(MARK_MINE);
  }

  /** Replaces every seat's server status: the seat map document or the stream's `snapshot`. */
  applySnapshot(snapshot: Pick<SeatMapSnapshot, 'seats' | 'standing'>): StateChangeReport {
    const report = emptyReport();
    const next = new Uint8Array(this.scene.seatCount);
    for (const seatId in snapshot.seats) {
      const seat = this.scene.seatIndex(seatId);
      if (seat < 0) {
        report.unknown.push(seatId);
        continue;
      }
      const status = snapshot.seats[seatId];
      next[seat] = status === 'held' ? STATUS_HELD : status === 'sold' ? STATUS_SOLD : STATUS_FREE;
    }
    for (let seat = 0; seat < next.length; seat += 1) {
      this.setStatus(seat, next[seat] ?? STATUS_FREE, report);
    }
    for (const area of snapshot.standing) this.setStanding(area);
    return this.finish(report);
  }

  /**
   * Applies one seat-stream event by its SSE name and parsed data, for an `EventSource`
   * handler. Returns null for `resync` (and names it does not know): the app shows its
   * "catching up" notice until the `snapshot` that follows arrives.
   */
  applyStreamEvent(event: string, data: unknown): StateChangeReport | null {
    switch (event) {
      case 'snapshot':
        return this.applySnapshot(data as SeatMapSnapshot);
      case 'held':
        return this.applyHeld(data as SeatChange);
      case 'released':
        return this.applyReleased(data as SeatChange);
      case 'sold':
        return this.applySold(data as SeatsSoldChange);
      default:
        return null;
    }
  }

  /** A `held` event. */
  applyHeld(change: SeatChange): StateChangeReport {
    return this.applyStatus(change.seat_ids, STATUS_HELD);
  }

  /** A `released` event. */
  applyReleased(change: SeatChange): StateChangeReport {
    return this.applyStatus(change.seat_ids, STATUS_FREE);
  }

  /** A `sold` event: seats, and standing places as increments. */
  applySold(change: SeatsSoldChange): StateChangeReport {
    for (const places of change.standing ?? []) {
      const counts = this.standing.get(places.block_id);
      if (!counts) continue;
      counts.sold += places.quantity;
      counts.available = Math.max(0, counts.capacity - counts.sold - counts.held);
    }
    return this.applyStatus(change.seat_ids, STATUS_SOLD);
  }

  /** Marks seats as held for this user (after a successful hold) or clears that mark. */
  setMine(seatIds: Iterable<string>, mine: boolean): StateChangeReport {
    return this.applyMark(seatIds, MARK_MINE, mine);
  }

  setSelected(seatIds: Iterable<string>, selected: boolean): StateChangeReport {
    return this.applyMark(seatIds, MARK_SELECTED, selected);
  }

  /** Flips one seat's selection; a seat that is not free cannot be selected. */
  toggleSelected(seat: number): boolean {
    const seatId = this.scene.seatIds[seat];
    if (seatId === undefined) return false;
    const selected = ((this.marks[seat] ?? 0) & MARK_SELECTED) !== 0;
    if (!selected && !this.isSelectable(seat)) return false;
    this.applyMark([seatId], MARK_SELECTED, !selected);
    return !selected;
  }

  clearSelection(): StateChangeReport {
    return this.applyMark(this.selectedSeats(), MARK_SELECTED, false);
  }

  /** The designer's removed seats: drawn as gaps, never selectable. */
  setRemoved(seatIds: Iterable<string>, removed: boolean): StateChangeReport {
    return this.applyMark(seatIds, MARK_REMOVED, removed);
  }

  /** Called synchronously after every update with the seats changed so far (not yet taken). */
  subscribe(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Hands the seats changed since the last call to `visit` and forgets them: the renderer
   * calls this once per frame, so a burst of events costs one redraw of the touched seats.
   */
  takeChanges(visit: (seat: number, state: number) => void): number {
    const count = this.changeCount;
    for (let i = 0; i < count; i += 1) {
      const seat = this.changes[i] ?? 0;
      this.pending[seat] = 0;
      visit(seat, this.shown[seat] ?? 0);
    }
    this.changeCount = 0;
    return count;
  }

  private applyStatus(seatIds: readonly string[], status: number): StateChangeReport {
    const report = emptyReport();
    for (const seatId of seatIds) {
      const seat = this.scene.seatIndex(seatId);
      if (seat < 0) report.unknown.push(seatId);
      else this.setStatus(seat, status, report);
    }
    return this.finish(report);
  }

  private setStatus(seat: number, status: number, report: StateChangeReport): void {
    if (this.status[seat] === status) return;
    this.status[seat] = status;
    let marks = this.marks[seat] ?? 0;
    const seatId = this.scene.seatIds[seat] ?? '';
    if (status !== STATUS_FREE && marks & MARK_SELECTED) {
      marks &= ~MARK_SELECTED;
      report.lostSelection.push(seatId);
    }
    if (status === STATUS_FREE && marks & MARK_MINE) {
      marks &= ~MARK_MINE;
      report.lostMine.push(seatId);
    }
    this.marks[seat] = marks;
    this.refresh(seat, report);
  }

  private applyMark(seatIds: Iterable<string>, mark: number, on: boolean): StateChangeReport {
    const report = emptyReport();
    for (const seatId of seatIds) {
      const seat = this.scene.seatIndex(seatId);
      if (seat < 0) {
        report.unknown.push(seatId);
        continue;
      }
      const marks = this.marks[seat] ?? 0;
      this.marks[seat] = on ? marks | mark : marks & ~mark;
      // Holding a seat for oneself replaces choosing it.
      if (on && mark === MARK_MINE) this.marks[seat] = (this.marks[seat] ?? 0) & ~MARK_SELECTED;
      this.refresh(seat, report);
    }
    return this.finish(report);
  }

  private refresh(seat: number, report: StateChangeReport): void {
    const marks = this.marks[seat] ?? 0;
    const status = this.status[seat] ?? STATUS_FREE;
    let shown: number;
    if (marks & MARK_REMOVED) shown = SEAT_STATE_CODES.removed;
    else if (status === STATUS_SOLD) shown = SEAT_STATE_CODES.sold;
    else if (marks & MARK_MINE) shown = SEAT_STATE_CODES.mine;
    else if (status === STATUS_HELD) shown = SEAT_STATE_CODES.held;
    else if (marks & MARK_SELECTED) shown = SEAT_STATE_CODES.selected;
    else shown = SEAT_STATE_CODES.free;
    if (this.shown[seat] === shown) return;
    this.shown[seat] = shown;
    report.changed += 1;
    if (this.pending[seat]) return;
    this.pending[seat] = 1;
    if (this.changeCount === this.changes.length) {
      const grown = new Int32Array(Math.min(this.scene.seatCount, this.changes.length * 2));
      grown.set(this.changes);
      this.changes = grown;
    }
    this.changes[this.changeCount] = seat;
    this.changeCount += 1;
  }

  private setStanding(area: StandingState): void {
    if (!this.standing.has(area.block_id)) return;
    this.standing.set(area.block_id, {
      capacity: area.capacity,
      available: area.available,
      held: area.held,
      sold: area.sold,
    });
  }

  private seatsWithMark(mark: number): string[] {
    const ids: string[] = [];
    for (let seat = 0; seat < this.marks.length; seat += 1) {
      if ((this.marks[seat] ?? 0) & mark) ids.push(this.scene.seatIds[seat] ?? '');
    }
    return ids;
  }

  private finish(report: StateChangeReport): StateChangeReport {
    if (report.changed > 0) {
      for (const listener of this.listeners) listener(this.changes, this.changeCount);
    }
    return report;
  }
}

function emptyReport(): StateChangeReport {
  return { changed: 0, lostSelection: [], lostMine: [], unknown: [] };
}
