// Loading a session's seat map, honouring its ETag so a reload after a resync costs a 304 when
// nothing changed.
import { ApiError } from '@boxoffice/api';
import type { SeatMapSnapshot } from '@boxoffice/seatmap';

const cache = new Map<string, { etag: string; snapshot: SeatMapSnapshot }>();

export async function loadSeatMap(sessionId: string, signal?: AbortSignal): Promise<SeatMapSnapshot> {
  const url = `/api/catalog/sessions/${encodeURIComponent(sessionId)}/seat-map`;
  const cached = cache.get(sessionId);
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (cached) headers['If-None-Match'] = cached.etag;
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: signal ?? null, cache: 'no-cache' });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw ApiError.network('get', url, cause);
  }
  if (response.status === 304 && cached) return cached.snapshot;
  if (!response.ok) throw await ApiError.fromResponse('get', url, response);
  const snapshot = (await response.json()) as SeatMapSnapshot;
  const etag = response.headers.get('ETag');
  if (etag) cache.set(sessionId, { etag, snapshot });
  return snapshot;
}

/** The seat ids a hold answer's 409 names as taken, when it names them. */
export function unavailableSeats(error: unknown): string[] {
  if (!(error instanceof ApiError) || error.status !== 409) return [];
  const list = error.detail.unavailable;
  return Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : [];
}
