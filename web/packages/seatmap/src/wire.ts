// The JSON shapes this package reads, as the services send them: the layout of
// shared-dto/src/layout.rs, the merged seat map of query-service/src/live/snapshot.rs and the
// seat stream events of query-service/src/live/event.rs.

export interface Point {
  x: number;
  y: number;
}

export interface Size {
  width: number;
  height: number;
}

export interface Layout {
  canvas: Size;
  blocks: LayoutBlock[];
}

export type LayoutBlock = SeatedGridBlock | StandingBlock | NonSellableBlock;

export interface LayoutSeat {
  id: string;
  /** Zero-based row index. */
  row: number;
  /** Zero-based column index. */
  column: number;
  label: string;
  tier_id?: string | null;
}

export interface SeatedGridBlock {
  type: 'seated_grid';
  id: string;
  name: string;
  position: Point;
  /** Degrees clockwise around `position`. */
  rotation?: number;
  rows: number;
  columns: number;
  row_labels?: string[] | null;
  column_labels?: string[] | null;
  tier_id?: string | null;
  seats: LayoutSeat[];
}

export interface StandingBlock {
  type: 'standing';
  id: string;
  name: string;
  position: Point;
  rotation?: number;
  size: Size;
  capacity: number;
  tier_id: string;
}

export type NonSellableKind = 'stage' | 'aisle' | 'other';

export interface NonSellableBlock {
  type: 'non_sellable';
  id: string;
  kind: NonSellableKind;
  label?: string | null;
  position: Point;
  rotation?: number;
  size: Size;
}

/** A tier as the seat map carries it (the counts are present on the merged seat map only). */
export interface Tier {
  tier_id: string;
  name: string;
  colour: string;
  price_minor: number;
  currency: string;
}

export interface PlaceCounts {
  capacity: number;
  available: number;
  held: number;
  sold: number;
}

export type TierState = Tier & PlaceCounts;

export interface StandingState extends PlaceCounts {
  block_id: string;
  tier_id: string;
}

export type WireSeatStatus = 'available' | 'held' | 'sold';

/** `GET /api/catalog/sessions/{id}/seat-map` and the stream's `snapshot` event. */
export interface SeatMapSnapshot {
  version?: string;
  session_id: string;
  event_id: string;
  session_status: string;
  layout: Layout;
  tiers: TierState[];
  standing: StandingState[];
  totals: PlaceCounts;
  seats: Record<string, WireSeatStatus>;
}

/** `held` and `released` events. */
export interface SeatChange {
  session_id: string;
  seat_ids: string[];
}

export interface StandingPlaces {
  block_id: string;
  quantity: number;
}

/** `sold` events; `standing` counts are increments, not totals. */
export interface SeatsSoldChange {
  session_id: string;
  seat_ids: string[];
  standing?: StandingPlaces[];
}

export type ResyncReason = 'lagged' | 'feed_restarted' | 'not_resumable';

/** `resync` events: a `snapshot` follows and replaces everything known. */
export interface Resync {
  reason: ResyncReason;
}

export type SeatStreamEvent =
  | { event: 'snapshot'; data: SeatMapSnapshot }
  | { event: 'held'; data: SeatChange }
  | { event: 'released'; data: SeatChange }
  | { event: 'sold'; data: SeatsSoldChange }
  | { event: 'resync'; data: Resync };

/** Row labels as theatres print them: A…Z, AA, AB, … (zero-based), as the server defaults them. */
export function defaultRowLabel(row: number): string {
  let n = row + 1;
  let label = '';
  while (n > 0) {
    n -= 1;
    label = String.fromCharCode(65 + (n % 26)) + label;
    n = Math.floor(n / 26);
  }
  return label;
}

export function defaultColumnLabel(column: number): string {
  return String(column + 1);
}
