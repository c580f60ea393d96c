// The waiting room's API and the buyer's place in it, kept in the browser: the visitor id per
// session (so a reload keeps the place and the stream can be reopened) and the admission pass
// with its expiry (sent with every hold of that session while it lasts). localStorage, not
// sessionStorage: a second tab of the same buyer shares the first tab's place.
import type { Sales } from '@boxoffice/api';

type Schemas = Sales.components['schemas'];

/** Where a visitor stands; `not_required` when the room is not active. */
export type QueueState = 'waiting' | 'admitted' | 'not_required';

/** `GET /api/sales/sessions/{id}/queue`: the room as anyone may see it. */
export type RoomInfo = Schemas['QueueRoom'];

/** A visitor's place: the answer to joining and to `/queue/me` (`visitor_id` null when no queue is needed). */
export type QueuePlace = Omit<Schemas['QueueTicket'], 'state'> & { state: QueueState };

/** The stream's `position` event (query-service's QueuePositionEvent). */
export interface PositionEvent {
  state: QueueState;
  position?: number | null;
  ahead?: number | null;
  estimated_wait_seconds?: number | null;
}

/** The API's `state` is a string: anything unknown is read as still waiting. */
export function asPlace(ticket: Schemas['QueueTicket']): QueuePlace {
  const state: QueueState =
    ticket.state === 'admitted' || ticket.state === 'not_required' ? ticket.state : 'waiting';
  return { ...ticket, state };
}

/** What the browser keeps per session. */
export interface StoredPlace {
  visitorId: string;
  /** The first position seen after the opening: the progress bar runs from it to 1. */
  firstPosition?: number;
  pass?: string;
  passExpiresAt?: string;
}

const PREFIX = 'boxoffice.queue.';

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined; // storage disabled: the place lasts as long as the page
  }
}

export function readPlace(
  sessionId: string,
  store: Storage | undefined = storage(),
): StoredPlace | undefined {
  const text = store?.getItem(PREFIX + sessionId);
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<StoredPlace>;
    return typeof value.visitorId === 'string' ? (value as StoredPlace) : undefined;
  } catch {
    return undefined;
  }
}

export function savePlace(
  sessionId: string,
  place: StoredPlace,
  store: Storage | undefined = storage(),
): void {
  store?.setItem(PREFIX + sessionId, JSON.stringify(place));
}

export function forgetPlace(sessionId: string, store: Storage | undefined = storage()): void {
  store?.removeItem(PREFIX + sessionId);
}

/** Merges what the server said into what the browser keeps. */
export function placeFrom(
  previous: StoredPlace | undefined,
  answer: Pick<QueuePlace, 'state' | 'position' | 'pass' | 'pass_expires_at'> & { visitor_id: string },
): StoredPlace {
  const sameVisitor = previous?.visitorId === answer.visitor_id;
  const next: StoredPlace = { visitorId: answer.visitor_id };
  const first = sameVisitor ? previous?.firstPosition : undefined;
  if (first !== undefined) next.firstPosition = first;
  else if (typeof answer.position === 'number') next.firstPosition = answer.position;
  if (answer.pass && answer.pass_expires_at) {
    next.pass = answer.pass;
    next.passExpiresAt = answer.pass_expires_at;
  } else if (sameVisitor && previous?.pass && previous.passExpiresAt) {
    next.pass = previous.pass;
    next.passExpiresAt = previous.passExpiresAt;
  }
  return next;
}

/** Whether the page should show the room rather than the map: it is active, or on and opening later. */
export function roomStandsBefore(
  room: Pick<RoomInfo, 'active'> & Partial<Pick<RoomInfo, 'enabled' | 'opens_at' | 'sales_end_at'>>,
  now: number = Date.now(),
): boolean {
  if (room.active) return true;
  if (!room.enabled || !room.opens_at) return false;
  const opens = Date.parse(room.opens_at);
  const ends = room.sales_end_at ? Date.parse(room.sales_end_at) : Number.POSITIVE_INFINITY;
  return now < opens && now < ends;
}

/** The stored pass if it still has time left at `now`. */
export function livePass(place: StoredPlace | undefined, now: number = Date.now()): string | undefined {
  if (!place?.pass || !place.passExpiresAt) return undefined;
  return Date.parse(place.passExpiresAt) > now ? place.pass : undefined;
}

/** Share of the way from the first position seen to the front, 0-100. */
export function progressPercent(
  firstPosition: number | undefined,
  position: number | null | undefined,
): number {
  if (typeof position !== 'number' || position < 1) return 0;
  const first = Math.max(firstPosition ?? position, position);
  if (first <= 1) return position <= 1 ? 100 : 0;
  return Math.round(((first - position) / (first - 1)) * 100);
}

/** Whole minutes and seconds of a wait, for a person: "about 3 min", "under a minute". */
export function waitParts(seconds: number): { minutes: number; seconds: number } {
  const whole = Math.max(0, Math.round(seconds));
  return { minutes: Math.floor(whole / 60), seconds: whole % 60 };
}

/** A hold refused because the room is active and the pass is missing or spent. */
export function isQueueRefusal(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { status, detail } = error as { status?: unknown; detail?: Record<string, unknown> };
  if (status !== 403 || !detail) return false;
  return typeof detail.queue === 'string' || /queue|admission|pass/i.test(String(detail.code ?? ''));
}
